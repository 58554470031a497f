"""Layouts the generator does not write, found by hand-made files a real leak could hold: test
patients padded with more Zs, keys named like a patient ("Patient Key"), a workbook's results
reaching patients through a requests sheet, a JSON export of a patients list beside a results
list, a sheet's second section under a header of its own, and a family history before the
patient's own predictive test."""

from __future__ import annotations

import io

import pytest
import xlsxwriter

from breachdesk.detect import columns, diagnosis_words
from breachdesk.ingest.limits import Limits
from breachdesk.ingest.sniff import sniff_data
from breachdesk.ingest.walk import Entry
from breachdesk.scan.stage import _scan_file
from test_generalise import A, B, C, people_in_file

FACTS = ("nhs_number", "tests", "sensitive")


@pytest.mark.parametrize("family", ["ZZZTEST", "ZZZZTEST", "XXXTEST", "zzztest"])
def test_a_test_patient_padded_with_more_letters_is_no_one(family: str) -> None:
    data = (
        "Surname,Forename,DOB,NHS Number,Test,Result\n"
        f"{family},Patient,01/01/1980,{B},HIV 1/2 Ab/Ag,Reactive\n"
        f"Gallacher,Roisin,14/02/1972,{A},HIV 1/2 Ab/Ag,Negative\n"
    ).encode()
    assert people_in_file("extract.csv", data, FACTS)[1] == [(A, "HIVAGAB", "hiv")]


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("Patient Key", None),
        ("Patient Reference", None),
        ("Patient FK", None),
        ("PatientGUID", None),
        ("Patient Seq", None),
        ("Patient", "full_name"),
        ("Patient Surname", "family_name"),
    ],
)
def test_a_key_named_for_the_patient_is_no_name(header: str, kind: str | None) -> None:
    assert columns.header_kind(header) == kind


def _records(name: str, data: bytes) -> list[tuple[str | None, ...]]:
    """Locator, family name, tests and kinds of each person-record, through the scan stage's
    per-file call as a worker makes it (``keyed``: a file's one table may join other files')."""
    entry = Entry(path=name, parent=None, depth=0, size=len(data), type=sniff_data(data, name))
    entry.data = data
    fields = ("locator", "family_name", "tests", "sensitive")
    return sorted(
        tuple(r[f] for f in fields)
        for records, _ in _scan_file(entry, 1, Limits(), keyed=[])
        for r in records.to_pylist()
    )


def _three_sheets() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    patients = book.add_worksheet("Patients")
    patients.write_row(0, 0, ["PatientKey", "Hosp No", "NHS No.", "Surname", "Forename", "DOB"])
    patients.write_row(1, 0, [5001, "K7663005", A, "Castellan", "Ottoline", "03/04/1961"])
    patients.write_row(2, 0, [5002, "K9418649", B, "Fairweather", "Ambrose", "17/09/1988"])
    requests = book.add_worksheet("Requests")
    requests.write_row(0, 0, ["Lab No", "PatientKey", "Requested", "Clinician"])
    requests.write_row(1, 0, ["24L77100", 5001, "2024-03-20", "Dr Penrose"])
    requests.write_row(2, 0, ["24L77101", 5002, "2024-03-20", "Dr Penrose"])
    results = book.add_worksheet("Results")
    results.write_row(0, 0, ["Lab No", "Test Code", "Test Name", "Value"])
    results.write_row(1, 0, ["24L77100", "S0", "Cystic fibrosis genetic testing", "see report"])
    results.write_row(2, 0, ["24L77101", "S1", "HBsAg", "Reactive"])
    book.close()
    return buffer.getvalue()


def test_a_workbooks_results_reach_patients_through_its_requests_sheet() -> None:
    found = _records("lims.xlsx", _three_sheets())
    assert [row for row in found if row[0].startswith("sheet:Results!")] == [
        ("sheet:Results!row:1", "Castellan", "CFTR", "genetic"),
        ("sheet:Results!row:2", "Fairweather", "HBSAG", "hepatitis"),
    ]


def test_a_json_exports_results_list_joins_its_patients_list() -> None:
    data = (
        '{"exported": "2024-04-01",\n'
        f' "patients": [{{"id": 9001, "nhs": "{A}", "surname": "OKAFOR", "forename": "Grace",'
        ' "dob": "1962-01-12"},\n'
        f'  {{"id": 9002, "nhs": "{B}", "surname": "HARGREAVES", "forename": "Tobias",'
        ' "dob": "1971-05-04"}],\n'
        ' "results": [{"patientId": 9001, "test": "CEA", "value": "12.1"},\n'
        '  {"patientId": 9002, "test": "HIV 1/2 Ab/Ag", "value": "Negative"}]}\n'
    ).encode()
    assert _records("export.json", data) == [
        ("table:patients!row:1", "OKAFOR", None, None),
        ("table:patients!row:2", "HARGREAVES", None, None),
        ("table:results!row:1", "OKAFOR", "CEA", "cancer"),
        ("table:results!row:2", "HARGREAVES", "HIVAGAB", "hiv"),
    ]


def test_a_json_patients_list_beside_a_list_of_their_identifiers_is_one_table() -> None:
    # A list of typed pairs is one object's identifiers, no table of its own.
    data = (
        '{"patients": [{"nhs": "' + A + '", "surname": "OKAFOR", "forename": "Grace",'
        ' "dob": "1962-01-12", "test": "CEA"}],'
        ' "identifiers": [{"system": "MRN", "value": "K123"}]}'
    ).encode()
    assert people_in_file("one.json", data, FACTS)[1] == [(A, "CEA", "cancer")]


def _stacked() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Export")
    rows = [
        ["PATIENTS"],
        ["Hosp No", "NHS No.", "Surname", "Forename", "D.O.B"],
        ["K7663005", A, "Gildersleeve", "Esther", "28/03/1992"],
        ["K9418649", B, "Villiers", "Cordelia", "05/04/1968"],
        [],
        ["RESULTS"],
        ["Hosp No", "Investigation", "Result Text", "Reported"],
        ["K7663005", "CA125", "212", "15/03/2024"],
        ["K9418649", "HIV Ag/Ab", "Negative", "15/03/2024"],
    ]
    for i, row in enumerate(rows):
        sheet.write_row(i, 0, row)
    book.close()
    return buffer.getvalue()


def test_a_sections_header_sharing_one_label_is_still_its_header() -> None:
    # Read under the patients' header, a result row was a person "Negative 15/03/2024".
    found = people_in_file("stacked.xlsx", _stacked(), ("nhs_number", "family_name"))[1]
    assert found == [(B, "Villiers"), (A, "Gildersleeve")]


def test_a_data_row_of_a_few_header_words_is_no_header() -> None:
    # Two known headers and a value: a data row, left under its table's header.
    data = (
        "Hosp No,NHS Number,Surname,Forename,Test\n"
        f"K1,{A},Okafor,Grace,CEA\n"
        f"Hosp No,{C},Investigation,Amir,HIV\n"
    ).encode()
    found = people_in_file("list.csv", data, ("nhs_number", "family_name"))[1]
    assert found == [(C, "Investigation"), (A, "Okafor")]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("FH Huntington's disease, predictive test", ["genetic testing"]),
        ("FH BRCA1, predictive testing", ["genetic testing"]),
        ("mother had predictive testing", []),
        ("FH: mother had genetic testing", []),
        ("FH breast cancer", []),
    ],
)
def test_a_family_history_leaves_the_patients_own_predictive_test(
    text: str, found: list[str]
) -> None:
    assert [m.value for m in diagnosis_words.detect(text)] == found
