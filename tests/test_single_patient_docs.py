"""Documents about one patient (a lab report, an order message, a CDA-like document, a vendor's
JSON): the patient once, then a list of what was done to them. Each must give that patient
with all their tests, and a file of several such documents each patient with their own."""

from __future__ import annotations

import json

import pytest

from breachdesk.ingest.limits import Limits
from breachdesk.ingest.walk import Entry
from breachdesk.readers import json_doc, xml
from breachdesk.readers.base import Table
from breachdesk.scan.stage import _scan_file
from test_generalise import people_in_file

# Valid NHS numbers (Modulus 11, England range), invented.
A, B, C = "4557660932", "4274295745", "4010232137"
FIELDS = (
    "family_name",
    "given_name",
    "date_of_birth",
    "nhs_number",
    "tests",
    "sensitive",
    "locator",
)
GRACE = ("OKAFOR", "Grace", "1962-01-12", A)
TOMASZ = ("NOWAK", "Tomasz", "1975-11-02", B)
LI = ("KHAN", "Li", "1980-02-01", C)
XML = '<?xml version="1.0"?>'


def _people(name: str, data: bytes) -> tuple[str, list[tuple[str | None, ...]]]:
    return people_in_file(name, data, FIELDS)


def _patient(family: str, given: str, born: str, nhs: str) -> str:
    return (
        f"<Patient><Surname>{family}</Surname><Forename>{given}</Forename><DOB>{born}</DOB>"
        f"<NHSNumber>{nhs}</NHSNumber></Patient>"
    )


def _results(*tests: tuple[str, str]) -> str:
    rows = "".join(f"<Result><Test>{t}</Test><Value>{v}</Value></Result>" for t, v in tests)
    return f"<Results>{rows}</Results>"


def _json_patient(family: str, given: str, born: str, nhs: str) -> dict[str, str]:
    return {"surname": family, "forename": given, "dateOfBirth": born, "nhsNumber": nhs}


def _json_results(*tests: tuple[str, str]) -> list[dict[str, str]]:
    return [{"test": test, "value": value} for test, value in tests]


REPORT = (
    f"{XML}\n<Report>{_patient(*GRACE)}\n"
    f"{_results(('HbA1c', '48'), ('HIV 1+2 Ab/Ag', 'Negative'))}</Report>"
)
TOMASZ_RESULTS = (("PSA", "3.1"), ("Hep C antibody", "Reactive"), ("FBC", "see report"))

CASES: dict[str, tuple[str, str, list[tuple[str | None, ...]]]] = {
    # The hand-made probe case: one <Patient>, then its <Results>.
    "single.xml": (
        REPORT,
        "xml",
        [(*GRACE, "HBA1C;HIVAGAB", "hiv", "Report!row:1")],
    ),
    # The patient and the results as attributes, the results straight under the document.
    "attributes.xml": (
        f'{XML}<LabReport id="R1"><Patient surname="OKAFOR" forename="Grace" '
        f'dob="1962-01-12" nhs="{A}"/><Result test="HbA1c" value="48"/>'
        '<Result test="Chlamydia NAAT" value="Detected"/></LabReport>',
        "xml",
        [(*GRACE, "HBA1C;CHLAM", "sexual_health", "LabReport!row:1")],
    ),
    # An order message: the sender's name is no patient, and the subject sits a level down.
    "order.xml": (
        f"{XML}<Message><Sender><Name>Dr H Brooks</Name><Org>RJZ</Org></Sender><Body>"
        f"<Subject><Surname>OKAFOR</Surname><Forename>Grace</Forename><DOB>12/01/1962</DOB>"
        f"<NHSNumber>{A}</NHSNumber></Subject><Order><Items>"
        "<Item><Test>PSA</Test><Code>PSA</Code></Item>"
        "<Item><Test>CA-125</Test><Code>CA125</Code></Item></Items></Order></Body></Message>",
        "xml",
        [(*GRACE, "PSA;CA125", "cancer", "Message!row:1")],
    ),
    # Results grouped in panels that have names of their own: the panels are not people.
    "panels.xml": (
        f"{XML}<Report>{_patient(*GRACE)}<Panels>"
        f"<Panel><Name>Diabetes</Name>{_results(('HbA1c', '48'), ('Glucose', '5.1'))}</Panel>"
        f"<Panel><Name>Virology</Name>{_results(('HIV 1+2 Ab/Ag', 'Negative'))}</Panel>"
        "</Panels></Report>",
        "xml",
        [(*GRACE, "HBA1C;GLU;HIVAGAB", "hiv", "Report!row:1")],
    ),
    # Tests as bare elements (one field each) in a namespaced document.
    "bare_tests.xml": (
        f'{XML}<r:Request xmlns:r="urn:lab">'
        + _patient(*TOMASZ).replace("<", "<r:").replace("<r:/", "</r:")
        + "<r:Tests><r:Test>PSA</r:Test><r:Test>Hep C antibody</r:Test></r:Tests></r:Request>",
        "xml",
        [(*TOMASZ, "PSA;HCVAB", "cancer;hepatitis", "Request!row:1")],
    ),
    # A file of reports, one with no results: each patient keeps their own tests.
    "reports.xml": (
        f"{XML}<Reports>"
        f"<Report>{_patient(*GRACE)}<Results/></Report>"
        f"<Report>{_patient(*TOMASZ)}{_results(*TOMASZ_RESULTS)}</Report>"
        f"<Report>{_patient(*LI)}{_results(('HbA1c', '40'))}</Report>"
        "</Reports>",
        "xml",
        [
            (*GRACE, None, None, "Report!row:1"),
            (*TOMASZ, "PSA;HCVAB;FBC", "cancer;hepatitis", "Report!row:2"),
            (*LI, "HBA1C", None, "Report!row:3"),
        ],
    ),
    # Two reports, one with more results than there are reports: its list is the longest.
    "two_reports.xml": (
        f"{XML}<Reports>"
        f"<Report>{_patient(*GRACE)}{_results(('HbA1c', '48'))}</Report>"
        f"<Report>{_patient(*TOMASZ)}{_results(*TOMASZ_RESULTS)}</Report>"
        "</Reports>",
        "xml",
        [
            (*GRACE, "HBA1C", None, "Report!row:1"),
            (*TOMASZ, "PSA;HCVAB;FBC", "cancer;hepatitis", "Report!row:2"),
        ],
    ),
    # An export of patient rows whose nested results outnumber the patients.
    "patients.xml": (
        f"{XML}<Patients>"
        + "".join(
            f"<Patient><Surname>{f}</Surname><Forename>{g}</Forename><DOB>{d}</DOB><NHS>{n}</NHS>"
            "<Results>"
            + "".join(f"<Result><Test>{t}</Test></Result>" for t in tests)
            + ("</Results></Patient>")
            for (f, g, d, n), tests in [
                (GRACE, ["HbA1c", "HIV 1+2 Ab/Ag", "PSA"]),
                (TOMASZ, ["FBC", "LFT", "Hep C antibody"]),
            ]
        )
        + "</Patients>",
        "xml",
        [
            (*GRACE, "HBA1C;HIVAGAB;PSA", "cancer;hiv", "Patient!row:1"),
            (*TOMASZ, "FBC;LFT;HCVAB", "hepatitis", "Patient!row:2"),
        ],
    ),
    # No results at all: the patient, read from the document's labelled lines.
    "no_results.xml": (
        f"{XML}\n<Report>{_patient(*GRACE)}<Results/></Report>",
        "xml",
        [(*GRACE, None, None, "line:1")],
    ),
    # A CDA document with two result entries: the patient and both tests.
    "cda_entries.xml": (
        f'{XML}<ClinicalDocument xmlns="urn:hl7-org:v3"><recordTarget>'
        f'<patientRole><id root="2.16.840.1.113883.2.1.4.1" extension="{B}"/>'
        "<patient><name><given>Tomasz</given><family>NOWAK</family></name>"
        '<birthTime value="19751102"/></patient></patientRole></recordTarget>'
        "<component><section><title>Results</title>"
        '<entry><observation><code displayName="Chlamydia trachomatis NAAT"/>'
        '<value value="Detected"/></observation></entry>'
        '<entry><observation><code displayName="HbA1c"/><value value="48"/></observation></entry>'
        "</section></component></ClinicalDocument>",
        "xml",
        [(*TOMASZ, "CHLAM;HBA1C", "sexual_health", "recordTarget:1")],
    ),
    # Tags in snake case are read as words, as JSON keys are.
    "snake.xml": (
        f"{XML}\n<Letter><patient_details><family_name>OKAFOR</family_name>"
        "<given_name>Grace</given_name><date_of_birth>12/01/1962</date_of_birth>"
        "</patient_details><body>HIV antibody reactive</body></Letter>",
        "xml",
        [(*GRACE[:3], None, "HIVAB", "hiv", "line:1")],
    ),
    "single.json": (
        json.dumps(
            {
                "patient": _json_patient(*GRACE),
                "results": _json_results(("HbA1c", "48"), ("HIV 1+2 Ab/Ag", "Negative")),
            }
        ),
        "json",
        [(*GRACE, "HBA1C;HIVAGAB", "hiv", "row:1")],
    ),
    "one_result.json": (
        json.dumps(
            {
                "patient": _json_patient(*TOMASZ),
                "results": _json_results(("Hep C antibody", "Reactive")),
            }
        ),
        "json",
        [(*TOMASZ, "HCVAB", "hepatitis", "row:1")],
    ),
    # The report inside an envelope whose metadata names nobody: the row is the whole file.
    "envelope.json": (
        json.dumps(
            {
                "meta": {"system": "WinPath", "exportedAt": "2024-05-30"},
                "report": {
                    "header": {"patientName": "OKAFOR, Grace", "dob": "12/01/1962", "nhs": A},
                    "items": [{"testName": "PSA"}, {"testName": "CA-125"}],
                },
            }
        ),
        "json",
        [(*GRACE, "PSA;CA125", "cancer", "row:1")],
    ),
    "reports.json": (
        json.dumps(
            [
                {"patient": _json_patient(*GRACE), "results": []},
                {"patient": _json_patient(*TOMASZ), "results": _json_results(*TOMASZ_RESULTS)},
            ]
        ),
        "json",
        [
            (*GRACE, None, None, "row:1"),
            (*TOMASZ, "PSA;HCVAB;FBC", "cancer;hepatitis", "row:2"),
        ],
    ),
    # Reports keyed by their number: rows of a table, each report its own patient's.
    "keyed.json": (
        json.dumps(
            {
                "reports": {
                    "r1": {
                        "patient": _json_patient(*GRACE),
                        "results": _json_results(("HbA1c", "48"), ("HIV", "Negative")),
                    },
                    "r2": {
                        "patient": _json_patient(*TOMASZ),
                        "results": _json_results(("PSA", "3.1"), ("FBC", "see report")),
                    },
                }
            }
        ),
        "json",
        [
            (*GRACE, "HBA1C;HIVAGAB", "hiv", "reports!row:1"),
            (*TOMASZ, "PSA;FBC", "cancer", "reports!row:2"),
        ],
    ),
    "no_results.json": (
        json.dumps({"patient": _json_patient(*GRACE), "results": []}),
        "json",
        [(*GRACE, None, None, "root")],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_patient_with_their_own_tests(name: str) -> None:
    data, kind, expected = CASES[name]
    assert _people(name, data.encode()) == (kind, sorted(expected, key=str))


def test_results_with_no_patient_name_nobody() -> None:
    rows = "".join(f"<Result><Test>{t}</Test><Value>1</Value></Result>" for t in ("HbA1c", "PSA"))
    assert _people("results.xml", f"{XML}<Report><Results>{rows}</Results></Report>".encode()) == (
        "xml",
        [],
    )
    document = {"exportedAt": "2024-05-30", "results": _json_results(("HbA1c", "48"), ("PSA", ""))}
    assert _people("results.json", json.dumps(document).encode()) == ("json", [])


def test_an_export_with_a_header_block_keeps_its_rows() -> None:
    """The header's names and dates are no person: the patients are the rows, as before."""
    patients = "".join(
        f"<Patient><Surname>{f}</Surname><Forename>{g}</Forename><DOB>{d}</DOB><NHS>{n}</NHS>"
        f"<Test>{t}</Test></Patient>"
        for (f, g, d, n), t in [(GRACE, "HIV"), (TOMASZ, "PSA")]
    )
    data = (
        f"{XML}<Export><Header><ExportedBy><Name>J Smith</Name><DOB>1970-01-01</DOB></ExportedBy>"
        f"<Created>2024-05-30</Created></Header><Patients>{patients}</Patients></Export>"
    ).encode()
    expected: list[tuple[str | None, ...]] = [
        (*GRACE, "HIVAGAB", "hiv", "Patient!row:1"),
        (*TOMASZ, "PSA", "cancer", "Patient!row:2"),
    ]
    assert _people("export.xml", data) == ("xml", sorted(expected, key=str))


def test_the_document_row_names_its_tests_as_a_table_of_them_would() -> None:
    (table,) = xml.read(REPORT.encode(), "single.xml")
    assert isinstance(table, Table) and table.prefix == "Report!"
    assert dict(zip(table.header, table.columns, strict=True)) == {
        "Patient Surname": ["OKAFOR"],
        "Patient Forename": ["Grace"],
        "Patient DOB": ["1962-01-12"],
        "Patient NHSNumber": [A],
        "Test": ["HbA1c; HIV 1+2 Ab/Ag"],
        "Value": ["48; Negative"],
    }


def test_a_json_document_is_one_row_and_leaves_no_root_record() -> None:
    document = {"patient": _json_patient(*GRACE), "results": _json_results(("PSA", "3.1"))}
    (table,) = json_doc.read(json.dumps(document).encode(), "single.json")
    assert isinstance(table, Table) and table.prefix == ""
    assert dict(zip(table.header, table.columns, strict=True)) == {
        "surname": ["OKAFOR"],
        "forename": ["Grace"],
        "date of birth": ["1962-01-12"],
        "nhs number": [A],
        "test": ["PSA"],
        "value": ["3.1"],
    }


def test_keys_and_tags_read_as_the_same_words() -> None:
    assert [
        json_doc.words(k) for k in ("dateOfBirth", "date_of_birth", "NHS", "nhs-no", "a.b")
    ] == ["date of birth", "date of birth", "NHS", "nhs no", "a b"]


def _email(subject: str, body: str) -> bytes:
    return (
        f"From: gp@f83001.nhs.example\nTo: lab@rj1.nhs.example\nSubject: {subject}\n\n{body}\n"
    ).encode()


def test_a_document_naming_its_patient_in_one_part_and_numbering_them_in_another() -> None:
    # The subject names the patient, the body gives only the NHS number and the request: two
    # people before (one nameless with the test), one now; the number is located in the body.
    data = _email(
        "Urgent - Mrs Grace Okafor DOB 12/01/1962",
        f"Please repeat the HbA1c for this patient. NHS no {A}.",
    )
    assert _people("urgent.eml", data) == (
        "eml",
        [("Okafor", "Grace", "1962-01-12", A, "HBA1C", None, "header")],
    )
    entry = Entry(path="urgent.eml", parent=None, depth=0, size=len(data), type="eml", data=data)
    found = [m for _, mentions in _scan_file(entry, 1, Limits()) for m in mentions.to_pylist()]
    assert [(m["locator"], m["field"]) for m in found if m["kind"] == "nhs_number"] == [
        ("header", "part:1!line:1!chars:49-59")
    ]


def test_two_people_of_a_document_each_complete_stay_two() -> None:
    data = _email(
        "Mrs Grace Okafor DOB 12/01/1962",
        f"Her son Tomasz Nowak, DOB 02/11/1975, NHS no {B}, also needs a PSA.",
    )
    assert [p[:4] for p in _people("two.eml", data)[1]] == [
        ("Nowak", "Tomasz", "1975-11-02", B),
        ("Okafor", "Grace", "1962-01-12", None),
    ]
