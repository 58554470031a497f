"""Readers as the thirteenth round's reviewers found them: an HTML page's labels glued to their
values ("NHS455 766 0932"), a patient named only in a table's caption, FHIR tests whose
Patient was not sent, a FHIR address given as text, an EDIFACT patient's ``ADR`` segment and
an e-mail's body read twice from its plain and HTML alternatives."""

from __future__ import annotations

import json
from email.message import EmailMessage

from breachdesk.readers import edifact, html
from test_generalise import people_in_file as _people_in_file

N1, N2, N3 = "4557660932", "4274295745", "4010232137"
FIELDS = ("family_name", "given_name", "date_of_birth", "nhs_number", "hospital_number", "tests")
WITH_POSTCODE = ("family_name", "given_name", "date_of_birth", "nhs_number", "postcode", "tests")


def people_in_file(
    name: str, data: bytes, fields: tuple[str, ...] = FIELDS
) -> tuple[str, list[tuple[str | None, ...]]]:
    return _people_in_file(name, data, fields)


def _text(markup: str) -> str:
    return "".join(p for p in html.pieces(markup) if isinstance(p, str))


# --- HTML: labels and values side by side ---------------------------------------------------


def test_definition_list_reads_term_colon_definition() -> None:
    page = (
        "<html><body><div>Logged in as: <b>Dr Anwen PRICE</b></div><dl>"
        "<dt>Patient Name</dt><dd>HOLLOWAY, Bernadine Rose (Mrs)</dd>"
        "<dt>D.O.B.</dt><dd>14-Jun-1947 (76y)</dd>"
        "<dt>Unit No</dt><dd>K5512093</dd>"
        f"<dt>NHS No:</dt><dd>{N1[:3]} {N1[3:6]} {N1[6:]}</dd>"
        "<dt>Next of kin</dt><dd>Peter Holloway (son)</dd></dl>"
        "<p>Serum ferritin 6 ug/L</p></body></html>"
    )
    assert "Unit No: K5512093\n" in _text(page)
    assert f"NHS No: {N1[:3]}" in _text(page)  # a term's own colon is not doubled
    assert people_in_file("summary.html", page.encode()) == (
        "html",
        [("HOLLOWAY", "Bernadine", "1947-06-14", N1, "K5512093", "FERR")],
    )


def test_label_and_value_spans_are_set_apart() -> None:
    # Before: "NAMEMr Desmond..." and "NHS455 766 0932": no record at all.
    fields = [
        ("NAME", "Mr Lucan ABERCROMBIE"),
        ("BORN", "03-Sep-1961 (62y)"),
        ("NHS", f"{N2[:3]} {N2[3:6]} {N2[6:]}"),
        ("MRN", "RVJ0071234"),
    ]
    banner = "".join(
        f'<div class="field"><span class="lbl">{k}</span><span class="val">{v}</span></div>'
        for k, v in fields
    )
    page = f"<html><body><div id=banner>{banner}</div><p>PSA 11.2 ug/L</p></body></html>"
    assert "NAME Mr Lucan ABERCROMBIE\n" in _text(page)
    assert people_in_file("epr.html", page.encode()) == (
        "html",
        [("ABERCROMBIE", "Lucan", "1961-09-03", N2, "RVJ0071234", "PSA")],
    )


def test_inline_formatting_inside_a_word_stays_one_word() -> None:
    page = (
        "<p><b>O</b>KAFOR <span>Smi</span><span>th</span> <b>Test</b>ing "
        "<b>DOB</b>12/01/1962 <label>NHS</label>4557660932 <strong>Ward:</strong>Elm</p>"
    )
    assert _text(page).strip() == "OKAFOR Smith Testing DOB 12/01/1962 NHS 4557660932 Ward: Elm"


def test_cell_role_and_table_cell_divs_are_fields_of_one_line() -> None:
    page = (
        '<div role="row"><div role="cell">Surname</div><div role="cell">MAKEPEACE</div></div>'
        '<div><div style="display: table-cell">Forename</div>'
        '<div style="display:table-cell">Orla</div></div><div>next</div>'
    )
    lines = [line for line in _text(page).split("\n") if line.strip()]
    assert lines == ["Surname MAKEPEACE", "Forename Orla", "next"]


def test_caption_names_the_tables_person() -> None:
    # Before: the caption's text belonged to no cell and was dropped; the table named no one.
    page = (
        "<html><body><table border=1><caption>Patient: FENWICK, Ottilie &nbsp; DOB: 21 Mar 1950"
        f" &nbsp; Hosp No: 0771234 &nbsp; NHS: {N3}</caption>"
        "<tr><th>Test</th><th>01-Feb-24</th><th>15-Feb-24</th></tr>"
        "<tr><td>INR</td><td>2.1</td><td>3.8</td></tr>"
        "<tr><td>Platelets</td><td>190</td><td>201</td></tr></table>"
        "<p>Anticoagulation clinic - Pharmacist: Gemma ORMEROD</p></body></html>"
    )
    pieces = html.pieces(page)
    assert pieces[0] == f"Patient: FENWICK, Ottilie DOB: 21 Mar 1950 Hosp No: 0771234 NHS: {N3}"
    assert isinstance(pieces[1], list) and pieces[1][0] == ["Test", "01-Feb-24", "15-Feb-24"]
    assert people_in_file("cumulative.html", page.encode()) == (
        "html",
        [("FENWICK", "Ottilie", "1950-03-21", N3, "0771234", "INR;PLT")],
    )


# --- FHIR: a test's reference that names its person -----------------------------------------


def _report(subject: dict[str, object]) -> dict[str, object]:
    return {
        "resourceType": "DiagnosticReport",
        "status": "final",
        "code": {"coding": [{"system": "http://snomed.info/sct", "display": "Full blood count"}]},
        "subject": subject,
        "performer": [{"display": "Dr Harriet Lomax, Consultant Haematologist"}],
        "conclusion": "Blasts on film; flow cytometry (leukaemia immunophenotyping) sent.",
    }


def test_lone_report_names_its_patient_in_its_reference() -> None:
    subject = {
        "reference": f"Patient/{N1}",
        "identifier": {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": N1},
        "display": "DUNWOODY, Cormac (Mr)",
    }
    data = json.dumps(_report(subject)).encode()
    assert people_in_file("report.json", data) == (
        "fhir_json",
        [("DUNWOODY", "Cormac", None, N1, None, "FBC;IMMPHEN")],
    )


def test_observations_by_display_name_are_one_person() -> None:
    lines = [
        {
            "resourceType": "Observation",
            "subject": {"display": "Tamsin Okonedo"},
            "code": {"text": "CFTR genotype"},
            "valueString": "F508del heterozygous",
        },
        {
            "resourceType": "Observation",
            "subject": {"display": "Tamsin Okonedo"},
            "code": {"text": "Serum ferritin"},
            "valueQuantity": {"value": 8},
        },
        # A reference to a ward, a device or a group is no person, whatever it displays.
        {
            "resourceType": "Observation",
            "subject": {"reference": "Location/w5", "display": "Harriet Lomax"},
            "code": {"text": "Serum ferritin"},
        },
        # A display beside a Patient's id is that Patient's, in the export's Patient file
        # (joined after the scan): not a second person here.
        {
            "resourceType": "Observation",
            "subject": {"reference": "Patient/z9", "display": "Ivo Brandt"},
            "code": {"text": "HIV antibody"},
        },
        # A name with no test and nothing else is not a record.
        {"resourceType": "ServiceRequest", "subject": {"display": "Ivo Brandt"}},
    ]
    data = "\n".join(json.dumps(line) for line in lines).encode()
    assert people_in_file("Observation.ndjson", data) == (
        "fhir_json",
        [("Okonedo", "Tamsin", None, None, None, "CFTR;FERR")],
    )


def test_a_reference_to_a_sent_patient_is_not_a_second_person() -> None:
    bundle = {
        "resourceType": "Bundle",
        "entry": [
            {
                "fullUrl": "urn:uuid:p1",
                "resource": {
                    "resourceType": "Patient",
                    "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": N2}],
                    "name": [{"family": "Quennell", "given": ["Ada"]}],
                    "birthDate": "1970-01-02",
                },
            },
            {"resource": _report({"reference": "urn:uuid:p1", "display": "QUENNELL, Ada"})},
        ],
    }
    assert people_in_file("bundle.json", json.dumps(bundle).encode()) == (
        "fhir_json",
        [("Quennell", "Ada", "1970-01-02", N2, None, "FBC;IMMPHEN")],
    )


def test_patient_address_as_text_gives_its_postcode() -> None:
    patient = {
        "resourceType": "Patient",
        "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": N3}],
        "name": [{"text": "Mr Callum FARQUHAR"}],
        "birthDate": "2000-02-29",
        "address": [{"text": "Flat 2, 60 Montpelier Road, Brighton, BN1 3BL"}],
    }
    assert people_in_file("patient.json", json.dumps(patient).encode(), WITH_POSTCODE) == (
        "fhir_json",
        [("FARQUHAR", "Callum", "2000-02-29", N3, "BN1 3BL", None)],
    )


# --- EDIFACT: the patient's ADR -------------------------------------------------------------


def _medrpt(*segments: str) -> bytes:
    head = [
        "UNA:+.? ",
        "UNB+UNOA:2+RXH01:80+G81018:80+240507:0231+00004417++MEDRPT++1",
        "UNH+1+MEDRPT:0:0:UN:RPT001",
        "BGM++LSR+NHS003",
    ]
    tail = ["S18+18", "INV+MQ+42QE.:911::Serum PSA", "RSL+NV+18.4:7++:::ug/L", "UNT+9+1"]
    return ("'".join([*head, *segments, *tail, "UNZ+1+00004417"]) + "'").encode()


def test_edifact_patient_address_in_adr() -> None:
    data = _medrpt(
        "S02+02",
        "ADR++US:THE SURGERY:HIGH STREET:LEWES::BN7 2AA",  # the requester's, in group 2
        "S06+06",
        "ADR++US:27 STANFORD AVENUE:BRIGHTON::BN1 6EA",
        f"PNA+PAT+{N1}:OPI+++SU:O?'HARE+FO:DECLAN+TI:MR",
        "DTM+329:19590224:102",
    )
    (table,) = edifact.read(data, "medrpt.edi")
    row = dict(zip(table.header, (column[0] for column in table.columns), strict=True))  # type: ignore[union-attr]
    assert (row["Address"], row["Postcode"]) == ("27 STANFORD AVENUE, BRIGHTON", "BN1 6EA")
    assert people_in_file("medrpt.edi", data, WITH_POSTCODE) == (
        "edifact",
        [("O'HARE", "DECLAN", "1959-02-24", N1, "BN1 6EA", "PSA")],
    )


def test_edifact_adr_without_groups_is_the_patients_after_their_name() -> None:
    data = _medrpt(
        "ADR++US:THE SURGERY:LEWES::BN7 2AA",
        f"PNA+PAT+{N2}:OPI+++SU:VANCE+FO:ELSA",
        "ADR++US:9 DYKE ROAD:HOVE::BN3 1AB",
    )
    (table,) = edifact.read(data, "medrpt.edi")
    row = dict(zip(table.header, (column[0] for column in table.columns), strict=True))  # type: ignore[union-attr]
    assert (row["Address"], row["Postcode"]) == ("9 DYKE ROAD, HOVE", "BN3 1AB")


# --- E-mail: one body, two alternatives ------------------------------------------------------


def _alternatives(plain: str, markup: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "no-reply@path.example.nhs.uk"
    msg["To"] = "surgery@nhs.net"
    msg["Subject"] = "Urgent result"
    msg.set_content(plain)
    msg.add_alternative(markup, subtype="html")
    return msg.as_bytes()


def test_alternatives_of_one_body_make_one_record() -> None:
    plain = (
        "Urgent result\n\nPatient: LINDQVIST, Saoirse\nDOB: 18-Aug-1969\n"
        f"NHS No: {N3[:3]} {N3[3:6]} {N3[6:]}\nTest: CA125  Result: 1440 kU/L (ref <35)\n"
    )
    markup = (
        "<html><body><h3>Urgent result</h3><table>"
        "<tr><td>Patient:</td><td>LINDQVIST, Saoirse</td></tr>"
        "<tr><td>DOB:</td><td>18-Aug-1969</td></tr>"
        f"<tr><td>NHS No:</td><td>{N3[:3]} {N3[3:6]} {N3[6:]}</td></tr>"
        "<tr><td>Test:</td><td>CA125</td><td>1440 kU/L</td></tr></table></body></html>"
    )
    kind, rows = people_in_file("alert.eml", _alternatives(plain, markup))
    assert (kind, rows) == ("eml", [("LINDQVIST", "Saoirse", "1969-08-18", N3, None, "CA125")])


def test_html_alternative_with_more_than_a_stub_plain_part_is_read() -> None:
    plain = "This message is best viewed in an HTML mail client.\n"
    markup = (
        f"<p>Patient: LINDQVIST, Saoirse<br>DOB: 18/08/1969<br>NHS No: {N3}<br>CA125 1440 kU/L</p>"
    )
    kind, rows = people_in_file("alert.eml", _alternatives(plain, markup))
    assert (kind, rows) == ("eml", [("LINDQVIST", "Saoirse", "1969-08-18", N3, None, "CA125")])
