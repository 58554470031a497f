"""HL7 CDA documents and FHIR Compositions: one patient's (the ``recordTarget``, the
Composition's subject), with every identifier read by its OID or system and the narrative's
and coded entries' tests theirs; the author, GP, next of kin and other staff never patients.
All people and numbers are invented."""

from __future__ import annotations

import base64
import json

import pytest

from breachdesk.ingest.limits import Limits
from breachdesk.ingest.sniff import sniff_data
from breachdesk.ingest.walk import Entry
from breachdesk.readers import narrative
from breachdesk.readers.base import ReaderError
from breachdesk.scan.stage import _scan_file

# Valid NHS numbers (Modulus 11, England range), invented.
PATIENT, NOK, GP, SECOND = "4557660932", "4274295745", "4010232137", "4434640976"
NHS_OID = "2.16.840.1.113883.2.1.4.1"
LOCAL_OID = "2.16.840.1.113883.2.1.3.8.4.18.24"  # a trust's local patient identifier
FIELDS = (
    "locator",
    "nhs_number",
    "family_name",
    "given_name",
    "date_of_birth",
    "sex",
    "postcode",
    "hospital_number",
    "tests",
    "sensitive",
    "ods_codes",
)
XML = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _records(name: str, data: bytes) -> tuple[str, list[dict[str, object]]]:
    """The file's sniffed type and its person-records, through the scan stage's own call."""
    kind = sniff_data(data, name)
    entry = Entry(path=name, parent=None, depth=0, size=len(data), type=kind, data=data)
    rows: list[dict[str, object]] = []
    for records, _ in _scan_file(entry, 1, Limits(), keyed=[]):
        rows.extend(records.to_pylist())
    return kind, sorted(rows, key=lambda row: str(row["locator"]))


def _values(row: dict[str, object]) -> tuple[object, ...]:
    return tuple(row[f] for f in FIELDS)


def _codes(value: object) -> set[str]:
    return set(str(value).split(";")) if value else set()


# --- an HL7 CDA R2 discharge summary --------------------------------------------------------

_STAFF = (
    "<author><time value='20250312143000+0000'/><assignedAuthor>"
    "<id root='2.16.840.1.113883.2.1.3.2.4.18.26' extension='7734512'/>"
    "<assignedPerson><name><prefix>Dr</prefix><given>Imogen</given><family>FAIRLIE</family>"
    "</name></assignedPerson><representedOrganization>"
    "<id root='2.16.840.1.113883.2.1.3.2.4.19.1' extension='RXH'/>"
    "<name>Example Hospitals NHS Trust</name></representedOrganization></assignedAuthor></author>"
    "<custodian><assignedCustodian><representedCustodianOrganization>"
    "<id root='2.16.840.1.113883.2.1.3.2.4.19.1' extension='RXH'/>"
    "</representedCustodianOrganization></assignedCustodian></custodian>"
    "<informationRecipient><intendedRecipient>"
    "<informationRecipient><name><prefix>Dr</prefix><given>Piers</given><family>ASHCOMBE</family>"
    "</name></informationRecipient><receivedOrganization>"
    "<id root='2.16.840.1.113883.2.1.3.2.4.19.1' extension='G81022'/><name>Downs Surgery</name>"
    "<addr><postalCode>BN2 1AA</postalCode></addr></receivedOrganization></intendedRecipient>"
    "</informationRecipient>"
    "<legalAuthenticator><time value='20250312150000'/><signatureCode code='S'/>"
    "<assignedEntity><id root='2.16.840.1.113883.2.1.3.2.4.18.26' extension='4412209'/>"
    "<assignedPerson><name><prefix>Dr</prefix><given>Oona</given><family>BRAITHWAITE</family>"
    "</name></assignedPerson></assignedEntity></legalAuthenticator>"
    "<participant typeCode='IND'><associatedEntity classCode='NOK'>"
    f"<id root='{NHS_OID}' extension='{NOK}'/>"
    "<code code='PRN' displayName='Partner'/><addr><postalCode>BN3 7QQ</postalCode></addr>"
    "<telecom value='tel:07700900782'/><associatedPerson><name><given>Callum</given>"
    "<family>TREGARTHEN</family></name></associatedPerson></associatedEntity></participant>"
    "<participant typeCode='IND'><associatedEntity classCode='PROV'>"
    f"<id root='{NHS_OID}' extension='{GP}'/><associatedPerson><name><given>Wendy</given>"
    "<family>GOLIGHTLY</family></name></associatedPerson></associatedEntity></participant>"
    "<documentationOf><serviceEvent><performer typeCode='PRF'><assignedEntity>"
    "<id root='2.16.840.1.113883.2.1.3.2.4.18.26' extension='5512345'/><assignedPerson><name>"
    "<given>Basil</given><family>MORCOMBE</family></name></assignedPerson></assignedEntity>"
    "</performer></serviceEvent></documentationOf>"
)
_BODY = (
    "<component><structuredBody>"
    "<component><section><title>Diagnoses</title><text><list>"
    "<item>Pneumocystis pneumonia</item><item>New HIV-1 infection</item></list></text>"
    "</section></component>"
    "<component><section><title>Investigation results</title><text><table><thead><tr>"
    "<th>Test</th><th>Result</th></tr></thead><tbody>"
    "<tr><td>CD4 count</td><td>61 cells/uL</td></tr>"
    "<tr><td>LDH</td><td>455 U/L</td></tr>"
    "<tr><td>Hepatitis B surface antigen</td><td>Not detected</td></tr>"
    "</tbody></table></text>"
    # a coded result pointing at its words in the narrative, and one named by its code only
    "<entry><observation classCode='OBS' moodCode='EVN'>"
    "<code code='25836-8' codeSystem='2.16.840.1.113883.6.1'>"
    "<originalText><reference value='#vl1'/></originalText></code>"
    "<value xsi:type='PQ' value='187000' unit='copies/mL'/></observation></entry>"
    "<entry><organizer classCode='BATTERY' moodCode='EVN'><code displayName='Syphilis serology'/>"
    "<component><observation classCode='OBS' moodCode='EVN'>"
    "<code displayName='Treponemal antibody'/><value xsi:type='CD' displayName='Negative'/>"
    "</observation></component></organizer></entry>"
    "<entry><observation classCode='OBS' moodCode='EVN' negationInd='true'>"
    "<code displayName='Urine drug screen'/></observation></entry>"
    "</section></component>"
    "<component><section><title>Notes</title><text><paragraph>"
    "<content ID='vl1'>HIV-1 viral load</content> reviewed with Dr Basil Morcombe.</paragraph>"
    "</text></section></component>"
    "</structuredBody></component>"
)


def _cda(
    ids: str,
    patient: str,
    *,
    root: str = "ClinicalDocument",
    role: str = "patientRole",
    person: str = "patient",
    body: str = _BODY,
) -> str:
    return (
        f"<{root} xmlns='urn:hl7-org:v3' xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance'>"
        "<typeId root='2.16.840.1.113883.1.3' extension='POCD_HD000040'/>"
        "<id root='A7C1E1B2-5F32-4C2B-9D61-0B0A8E0C7781'/><title>Discharge summary</title>"
        f"<recordTarget><{role}>{ids}"
        "<addr use='H'><streetAddressLine>4 Quarry Lane</streetAddressLine>"
        "<city>Hove</city><postalCode>BN3 5TT</postalCode></addr>"
        "<telecom value='tel:07700900123' use='MC'/>"
        f"<{person}>{patient}</{person}>"
        "<providerOrganization><id root='2.16.840.1.113883.2.1.3.2.4.19.1' extension='G81022'/>"
        f"</providerOrganization></{role}></recordTarget>{_STAFF}{body}</{root}>"
    )


_IDS = (
    f"<id root='{NHS_OID}' extension='{PATIENT}'/><id root='{LOCAL_OID}' extension='RXH 4410293'/>"
)
_PERSON = (
    "<name use='L'><prefix>Ms</prefix><given>Elowen</given><given>Mae</given>"
    "<family>PENHALIGON</family></name><name use='P'><given>Ellie</given>"
    "<family>PEN</family></name>"
    "<administrativeGenderCode code='F' codeSystem='2.16.840.1.113883.5.1'/>"
    "<birthTime value='19790614'/>"
)
EXPECTED = (
    "recordTarget:1",
    PATIENT,
    "PENHALIGON",
    "Elowen",
    "1979-06-14",
    "F",
    "BN3 5TT",
    "RXH 4410293",
)
TESTS = {"HIVAGAB", "CD4", "LDH", "HBSAG", "HIVVL", "SYPH"}
SENSITIVE = {"hiv", "hepatitis", "sexual_health"}


def test_a_cda_documents_patient_has_every_identifier_and_the_documents_tests() -> None:
    kind, rows = _records("DischargeSummary_00781.xml", (XML + _cda(_IDS, _PERSON)).encode())
    assert kind == "xml"
    assert len(rows) == 1  # the patient alone: author, GP, next of kin, performer are not
    row = rows[0]
    assert _values(row)[:8] == EXPECTED
    # The narrative's list and table, the entry pointing at the narrative's words by its ID, the
    # panel's result; a test "not done" (negationInd) is not the patient's.
    assert _codes(row["tests"]) == TESTS
    assert _codes(row["sensitive"]) == SENSITIVE
    # The holding trust and the patient's registered practice; the recipient's copy is not.
    assert _codes(row["ods_codes"]) == {"RXH", "G81022"}
    exposed = {k[2:] for k, v in row.items() if k.startswith("e_") and v}
    assert exposed == {
        "name",
        "date_of_birth",
        "nhs_number",
        "hospital_number",
        "address",
        "postcode",
        "phone",
        "test_description",
        "test_result",
    }


def test_staff_and_next_of_kin_in_a_cda_header_are_never_patients() -> None:
    _, rows = _records("summary.xml", (XML + _cda(_IDS, _PERSON)).encode())
    found = {str(row[f]) for row in rows for f in FIELDS if row[f]}
    for other in ("FAIRLIE", "ASHCOMBE", "BRAITHWAITE", "TREGARTHEN", "GOLIGHTLY", "MORCOMBE"):
        assert not any(other.lower() in value.lower() for value in found)
    assert NOK not in found and GP not in found  # their NHS numbers too
    assert "BN2 1AA" not in found and "BN3 7QQ" not in found  # the practice's, the partner's


def test_a_cda_is_known_by_its_content_not_its_name() -> None:
    declared = XML.replace("UTF-8", "UTF-16")
    data = (declared + _cda(_IDS, _PERSON)).encode("utf-16")
    kind, rows = _records("EXPORT_0001.DAT", data)
    assert kind == "xml"
    assert [_values(row)[:8] for row in rows] == [EXPECTED]


@pytest.mark.parametrize(
    ("code", "sex"),
    [("F", "F"), ("M", "M"), ("UN", "U"), ("1", "M"), ("2", "F"), ("9", "U"), ("0", "U")],
)
def test_sex_from_hl7_and_nhs_gender_codes(code: str, sex: str) -> None:
    person = "<name><given>Elowen</given><family>PENHALIGON</family></name>" + (
        f"<administrativeGenderCode code='{code}'/><birthTime value='19790614'/>"
    )
    _, rows = _records("a.xml", (XML + _cda(_IDS, person)).encode())
    assert [row["sex"] for row in rows] == [sex]


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        ("19790614", "1979-06-14"),
        ("197906141230", "1979-06-14"),
        ("19790614123000+0100", "1979-06-14"),
        ("197906", None),  # a year and month say no day
        ("19790231", None),  # no such day
    ],
)
def test_date_of_birth_from_birth_time(born: str, expected: str | None) -> None:
    person = (
        f"<name><given>Elowen</given><family>PENHALIGON</family></name><birthTime value='{born}'/>"
    )
    _, rows = _records("a.xml", (XML + _cda(_IDS, person)).encode())
    assert [row["date_of_birth"] for row in rows] == [expected]


def test_an_unverified_nhs_number_and_a_hospital_number_alone() -> None:
    unverified = f"<id root='2.16.840.1.113883.2.1.3.2.4.18.23' extension='{PATIENT}'/>"
    _, rows = _records("a.xml", (XML + _cda(unverified, _PERSON)).encode())
    assert [(row["nhs_number"], row["hospital_number"]) for row in rows] == [(PATIENT, None)]
    local = f"<id root='{LOCAL_OID}' extension='K7713904'/><id nullFlavor='NI'/>"
    _, rows = _records("b.xml", (XML + _cda(local, _PERSON)).encode())
    assert [_values(row)[1:8] for row in rows] == [
        (None, "PENHALIGON", "Elowen", "1979-06-14", "F", "BN3 5TT", "K7713904")
    ]


def test_npfit_templated_cda_and_one_in_an_itk_envelope() -> None:
    npfit = _cda(
        _IDS,
        _PERSON.replace("code='F'", "code='2'"),
        role="COCD_TP145201GB01.PatientRole",
        person="COCD_TP145201GB01.Patient",
    )
    _, rows = _records("npfit.xml", (XML + npfit).encode())
    assert [_values(row)[:8] for row in rows] == [EXPECTED]
    enveloped = (
        f"{XML}<itk:DistributionEnvelope xmlns:itk='urn:nhs-itk:ns:201005'><itk:header "
        "service='urn:nhs-itk:services:201005:sendDistEnvelope'/><itk:payloads count='2'>"
        f"<itk:payload id='a'>{_cda(_IDS, _PERSON)}</itk:payload>"
        f"<itk:payload id='b'>{_cda(f'<id root={NHS_OID!r} extension={SECOND!r}/>', _PERSON)}"
        "</itk:payload></itk:payloads></itk:DistributionEnvelope>"
    )
    _, rows = _records("envelope.xml", enveloped.encode())
    assert [(row["locator"], row["nhs_number"]) for row in rows] == [
        ("document:1!recordTarget:1", PATIENT),
        ("document:2!recordTarget:1", SECOND),
    ]
    assert all(_codes(row["tests"]) == TESTS for row in rows)


def test_a_cda_written_without_its_namespace() -> None:
    data = XML + _cda(_IDS, _PERSON).replace("xmlns='urn:hl7-org:v3' ", "")
    _, rows = _records("plain.xml", data.encode())
    assert [_values(row)[:8] for row in rows] == [EXPECTED]
    assert _codes(rows[0]["tests"]) == TESTS


@pytest.mark.parametrize("name", ["cda", "bundle"])
def test_cut_documents_never_raise(name: str) -> None:
    whole = (XML + _cda(_IDS, _PERSON) if name == "cda" else _bundle_xml("urn:uuid:pat-1")).encode()
    needle = f"{'extension' if name == 'cda' else 'value'}='{PATIENT}'".encode()
    for cut in range(0, len(whole), max(1, len(whole) // 40)):
        for data in (whole[:cut], whole[:cut] + whole[cut + 7 :]):
            try:
                _, rows = _records("cut.xml", data)
            except ReaderError:
                continue  # the one error a reader may raise: the file's status and reason
            if needle in data:  # the number whole: never dropped, however the rest is cut
                assert PATIENT in {row["nhs_number"] for row in rows}


def test_a_carried_report_in_a_non_xml_body_is_the_patients() -> None:
    report = "Virology report\nHBV DNA viral load: 2400 IU/mL\nHCV antibody: Not detected\n"
    body = (
        "<component><nonXMLBody><text mediaType='text/plain' representation='B64'>"
        f"{base64.b64encode(report.encode()).decode()}</text></nonXMLBody></component>"
    )
    _, rows = _records("letter.xml", (XML + _cda(_IDS, _PERSON, body=body)).encode())
    assert [_values(row)[:8] for row in rows] == [EXPECTED]
    assert _codes(rows[0]["tests"]) == {"HBVDNA", "HCVAB"}
    assert _codes(rows[0]["sensitive"]) == {"hepatitis"}


def test_a_cda_naming_no_patient_is_read_as_text() -> None:
    nobody = "<id nullFlavor='UNK'/>"
    body = (
        "<component><structuredBody><component><section><text><paragraph>"
        f"Seen: Mr Jory TREWIN, NHS {SECOND}. HbA1c 61 mmol/mol.</paragraph></text>"
        "</section></component></structuredBody></component>"
    )
    _, rows = _records(
        "a.xml", (XML + _cda(nobody, "<name nullFlavor='MSK'/>", body=body)).encode()
    )
    assert [(row["nhs_number"], row["tests"]) for row in rows] == [(SECOND, "HBA1C")]


def test_a_patient_the_header_does_not_identify_leaves_the_body_to_be_read() -> None:
    # A surname alone and a mistyped NHS number: no person-record, so the body is read as text
    # and the person it names is found; the header's staff still are not.
    ids = "<id root='2.16.840.1.113883.2.1.4.1' extension='4557660933'/>"
    body = (
        "<component><structuredBody><component><section><text><paragraph>"
        f"Patient: Jory TREWIN, NHS {SECOND}. HbA1c 61 mmol/mol.</paragraph></text>"
        "</section></component></structuredBody></component>"
    )
    person = "<name><family>TREWIN</family></name>"
    _, rows = _records("a.xml", (XML + _cda(ids, person, body=body)).encode())
    assert [(row["locator"], row["nhs_number"], row["tests"]) for row in rows] == [
        ("body", SECOND, "HBA1C")
    ]


def test_a_composition_without_a_subject_is_the_files_one_patients() -> None:
    data = _bundle_xml("").replace("<subject><reference value=''/></subject>", "")
    _, rows = _records("bundle.xml", data.encode())
    assert [(row["nhs_number"], _codes(row["tests"])) for row in rows] == [
        (PATIENT, {"HBA1C", "HCVAB", "HCVRNA"})
    ]


def test_a_truncated_cda_is_read_as_text_without_an_error() -> None:
    data = (XML + _cda(_IDS, _PERSON)).encode()[:1200]
    _, rows = _records("cut.xml", data)
    assert [row["nhs_number"] for row in rows] == [PATIENT]


# --- FHIR Compositions: a Transfer of Care (ITK3) discharge summary --------------------------

_XHTML = "http://www.w3.org/1999/xhtml"


def _bundle_xml(subject: str) -> str:
    return (
        f"{XML}<Bundle xmlns='http://hl7.org/fhir'><type value='message'/>"
        "<entry><fullUrl value='urn:uuid:comp-1'/><resource><Composition><id value='comp-1'/>"
        f"<status value='final'/><subject><reference value='{subject}'/></subject>"
        "<author><reference value='urn:uuid:prac-1'/></author><title value='Discharge summary'/>"
        "<section><title value='Investigations'/><text><status value='generated'/>"
        f"<div xmlns='{_XHTML}'>"
        "<table><tbody><tr><th>HbA1c</th><td>71 mmol/mol</td></tr>"
        "<tr><th>Hepatitis C antibody</th><td>Reactive</td></tr></tbody></table></div></text>"
        "<section><title value='Pending'/><text><status value='generated'/>"
        f"<div xmlns='{_XHTML}'><p>HCV RNA sent.</p></div></text></section></section>"
        "</Composition></resource></entry>"
        "<entry><fullUrl value='urn:uuid:pat-1'/><resource><Patient><id value='pat-1'/>"
        "<identifier><system value='https://fhir.nhs.uk/Id/nhs-number'/>"
        f"<value value='{PATIENT}'/></identifier>"
        "<name><use value='official'/><family value='PENHALIGON'/><given value='Elowen'/></name>"
        "<gender value='female'/><birthDate value='1979-06-14'/>"
        "<address><postalCode value='BN3 5TT'/></address></Patient></resource></entry>"
        "<entry><fullUrl value='urn:uuid:prac-1'/><resource><Practitioner><id value='prac-1'/>"
        "<name><family value='FAIRLIE'/><given value='Imogen'/><prefix value='Dr'/></name>"
        "</Practitioner></resource></entry></Bundle>"
    )


def test_a_composition_narrative_gives_its_subject_the_tests_in_xml() -> None:
    kind, rows = _records("ToC_bundle.xml", _bundle_xml("urn:uuid:pat-1").encode())
    assert kind == "fhir_xml"
    assert [_values(row)[:7] for row in rows] == [
        ("entry:2", PATIENT, "PENHALIGON", "Elowen", "1979-06-14", "F", "BN3 5TT")
    ]
    assert _codes(rows[0]["tests"]) == {"HBA1C", "HCVAB", "HCVRNA"}
    assert _codes(rows[0]["sensitive"]) == {"hepatitis"}
    assert rows[0]["e_test_result"] is True  # "HbA1c" and "71" in cells of one row


def test_a_composition_narrative_in_json_and_nested_sections() -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "document",
        "entry": [
            {
                "fullUrl": "urn:uuid:comp-1",
                "resource": {
                    "resourceType": "Composition",
                    "subject": {"reference": "Patient/p1"},
                    "section": [
                        {
                            "title": "Results",
                            "text": {
                                "status": "generated",
                                "div": f'<div xmlns="{_XHTML}"><ul><li>CD4 count&#160;210</li>'
                                "<li>Syphilis serology &lt;negative&gt;</li></ul></div>",
                            },
                            "section": [
                                {"text": {"div": f'<div xmlns="{_XHTML}"><p>PSA 4.1</p></div>'}}
                            ],
                        }
                    ],
                },
            },
            {
                "resource": {
                    "resourceType": "Patient",
                    "id": "p1",
                    "identifier": [
                        {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": PATIENT}
                    ],
                    "name": [{"family": "PENHALIGON", "given": ["Elowen"]}],
                    "birthDate": "1979-06-14",
                }
            },
        ],
    }
    kind, rows = _records("toc.json", json.dumps(bundle).encode())
    assert kind == "fhir_json"
    assert [(row["nhs_number"], _codes(row["tests"])) for row in rows] == [
        (PATIENT, {"CD4", "SYPH", "PSA"})
    ]
    assert _codes(rows[0]["sensitive"]) == {"hiv", "sexual_health", "cancer"}


def test_a_composition_about_no_patient_of_the_file_is_read_as_text() -> None:
    data = _bundle_xml("Patient/elsewhere").replace(
        "HCV RNA sent.", f"Mr Jory TREWIN NHS {SECOND}: HCV RNA sent."
    )
    _, rows = _records("bundle.xml", data.encode())
    by_nhs = {row["nhs_number"]: _codes(row["tests"]) for row in rows}
    # The file's Patient is not the Composition's subject: the narrative's tests are not hers;
    # its text names its own person.
    assert by_nhs[PATIENT] == set()
    assert "HCVRNA" in by_nhs[SECOND]


def test_narrative_lines_keep_rows_and_cells_apart() -> None:
    markup = (
        "<div><p>Bilirubin <b>68</b> umol/L</p><table><tr><th>Test</th><td>INR</td>"
        "<td>1.7</td></tr></table>line<br/>break &amp; more</div>"
    )
    assert narrative.of_markup(markup) == "Bilirubin 68 umol/L\nTest\tINR\t1.7\nline\nbreak & more"
    assert narrative.of_value("already text") == "already text"
    assert narrative.of_value(None) == ""
