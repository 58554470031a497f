"""Layouts the generator does not write, found by hand-made files a real leak could hold: keys
named like a patient ("Patient Key"), a workbook's results reaching patients through a
requests sheet, a JSON export of a patients list beside a results list, a sheet's second
section under a header of its own, a family history before the patient's own predictive test;
and in text, a log's snake-case keys naming other numbers, a next of kin or a doctor who is
also in the PMI, subject lines, Gaelic family names, a scanned form's lines, a letter's header
block and a quoted e-mail naming its patient by a word alone. (Round 19's test patients padded
with more letters are in test_round18_unseen's.)"""

from __future__ import annotations

import pyarrow as pa
import pytest

from breachdesk.detect import columns, diagnosis_words, nhs_number, pmi_terms
from breachdesk.detect.text import people_in_text
from breachdesk.ingest.limits import Limits
from breachdesk.ingest.sniff import sniff_data
from breachdesk.ingest.walk import Entry
from breachdesk.scan.stage import _scan_file
from test_generalise import A, B, C, people_in_file
from test_round12_joins_dates import _workbook

FACTS = ("nhs_number", "tests", "sensitive")


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
    return _workbook(
        {
            "Patients": [
                ["PatientKey", "Hosp No", "NHS No.", "Surname", "Forename", "DOB"],
                [5001, "K7663005", A, "Castellan", "Ottoline", "03/04/1961"],
                [5002, "K9418649", B, "Fairweather", "Ambrose", "17/09/1988"],
            ],
            "Requests": [
                ["Lab No", "PatientKey", "Requested", "Clinician"],
                ["24L77100", 5001, "2024-03-20", "Dr Penrose"],
                ["24L77101", 5002, "2024-03-20", "Dr Penrose"],
            ],
            "Results": [
                ["Lab No", "Test Code", "Test Name", "Value"],
                ["24L77100", "S0", "Cystic fibrosis genetic testing", "see report"],
                ["24L77101", "S1", "HBsAg", "Reactive"],
            ],
        }
    )


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
    return _workbook(
        {
            "Export": [
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
        }
    )


def test_a_sections_header_sharing_one_label_is_still_its_header() -> None:
    # Read under the patients' header, a result row was a person "Negative 15/03/2024"; read
    # under its own, the section is a table of its own, its results joined to the patients by
    # their hospital numbers.
    assert _records("stacked.xlsx", _stacked()) == [
        ("sheet:Export!row:1", "Gildersleeve", None, None),
        ("sheet:Export!row:2", "Villiers", None, None),
        ("sheet:Export!row:6", "Gildersleeve", "CA125", "cancer"),
        ("sheet:Export!row:7", "Villiers", "HIVAGAB", "hiv"),
    ]


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


@pytest.mark.parametrize(
    "text",
    [
        "user=jsmith action=export invoice_no=4505577104 amount=12.50",
        "sample_id=4505577104 status=received",
        "caller phone_number=4505577104",
        "accession_number: 4505577104",
        "Staff no 4505577104 on call",
        "Call Mark on 4505577104 after 5",
        "Order 4505577104 matched to request",
    ],
)
def test_a_number_a_key_or_label_names_as_another_is_no_nhs_number(text: str) -> None:
    assert [m.kind for m in nhs_number.detect(text)] == ["nhs_number_other"]


@pytest.mark.parametrize(
    "text", ["patient_nhs=4505577104", "NHS No: 4505577104", "order_nhs=4505577104"]
)
def test_an_nhs_label_keeps_its_number(text: str) -> None:
    assert [m.kind for m in nhs_number.detect(text)] == ["nhs_number"]


PMI = {
    "patient_id": ["P1", "P2", "P3", "P4", "P5", "P6"],
    "nhs_number": [A, B, "", "", "", ""],
    "family_name": ["Foster", "Hughes", "Foster", "Ó Briain", "Ward", "Hall"],
    "given_name": ["Kayleigh", "Sarah", "Linda", "Seán", "Helen", "Hugh"],
    "date_of_birth": [
        "1995-03-03", "1975-01-01", "1961-06-02", "1964-08-16", "1980-02-02", "1980-03-31"
    ],
    "sex": ["F", "F", "F", "M", "F", "M"],
}  # fmt: skip


@pytest.fixture(scope="module")
def extra(tmp_path_factory: pytest.TempPathFactory) -> pmi_terms.Matcher:
    path = tmp_path_factory.mktemp("terms") / "pmi_terms.pickle"
    pmi_terms.save(pmi_terms.build(pa.table(PMI)), path)
    return pmi_terms.matcher(str(path))


def _named(text: str, extra: pmi_terms.Matcher | None) -> list[tuple[str | None, ...]]:
    return [
        tuple(p.values.get(f) for f in ("family_name", "given_name", "date_of_birth", "nhs_number"))
        for p in people_in_text(text, "line:1", extra=extra)
    ]


def test_a_next_of_kin_in_the_pmi_is_not_the_files_patient(extra: pmi_terms.Matcher) -> None:
    text = (
        f"Patient: Kayleigh Foster, DOB 03/03/1995, NHS {A}. Known to drug services.\n"
        "Next of kin: Linda Foster (mother), DOB 02/06/1961"
    )
    assert _named(text, extra) == [("Foster", "Kayleigh", "1995-03-03", A)]


def test_a_doctor_with_a_given_name_in_the_pmi_is_not_the_patient(
    extra: pmi_terms.Matcher,
) -> None:
    text = f"Re: NHS {C}, sample haemolysed, please repeat.\nDr Sarah Hughes, Consultant"
    assert _named(text, extra) == [(None, None, None, C)]


def test_a_patient_who_is_a_doctor_is_found_by_the_birth_date_after_their_name(
    extra: pmi_terms.Matcher,
) -> None:
    text = (
        "17.24 rang Dr S Gray at Y03824 about Dr Hugh Hall (born 31-03-1980) - Ferritin 299 ug/L."
    )
    assert _named(text, extra) == [("Hall", "Hugh", "1980-03-31", None)]


def test_the_pmi_completes_a_family_name_found_alone(extra: pmi_terms.Matcher) -> None:
    text = "Dear Mr Ó Briain (DOB 16/08/1964), your blood test appointment is on 03/05"
    assert _named(text, None) == []  # a family name and a date: no one, without the PMI
    assert _named(text, extra) == [("Ó Briain", "Seán", "1964-08-16", None)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (f"RE: Pt SMITH-JONES Kieran 7/8/83 NHS {A}", [("SMITH-JONES", "Kieran", "1983-08-07", A)]),
        (f"Subject: Reactive HIV screen\nPatient NHS {A}", [(None, None, None, A)]),
        ("Re: Mr John Low, DOB 01/02/1960", [("Low", "John", "1960-02-01", None)]),
        (f"Dear Mr Ó Briain (DOB 16/08/1964)\nNHS {A}", [("Ó Briain", "", "1964-08-16", A)]),
        (f"Ms Ni Bhriain 04/05/1977 NHS {A} rang", [("Ni Bhriain", None, "1977-05-04", A)]),
        ("Siobhan Ni Bhriain DOB 04/05/1977", [("Ni Bhriain", "Siobhan", "1977-05-04", None)]),
        ("Mr Van Thanh LE DOB 01/01/1970", [("LE", "Van", "1970-01-01", None)]),
        (
            f"Methadone screen for Callum MacLeod (19/11/1965) NHS {A}",
            [("MacLeod", "Callum", "1965-11-19", A)],
        ),
        (
            "Hep C antibody on Gareth O'Neill 09/09/1977",
            [("O'Neill", "Gareth", "1977-09-09", None)],
        ),
        ("pt Jamie McAllister 12/01/1962", [("McAllister", "Jamie", "1962-01-12", None)]),
        ("Seen Priya D'Souza 03/03/1961", [("D'Souza", "Priya", "1961-03-03", None)]),
        ("Sample Received 30/05/2024", []),
    ],
)
def test_names_in_subject_lines_and_gaelic_family_names(
    text: str, found: list[tuple[str | None, ...]]
) -> None:
    assert _named(text, None) == found


def test_a_scanned_forms_captions_and_boxes_a_line_each() -> None:
    text = f"Surname\nO SULLIVAN\nForename(s)\nBridget\nNHS No\n{A}\nTests: FBC  Ferritin\n"
    assert _named(text, None) == [("O SULLIVAN", "Bridget", None, A)]
    prose = "Please check the surname\nJones has given\nforename\nwrong"
    assert _named(prose, None) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("INR for ABERNETHY FIONA DOB 02/03/1950", [("ABERNETHY", "FIONA", "1950-03-02", None)]),
        ("GRACE OKAFOR DOB 12/01/1962", [("OKAFOR", "GRACE", "1962-01-12", None)]),
        ("JOHN SMITH DOB 01/01/1950", [("SMITH", "JOHN", "1950-01-01", None)]),
    ],
)
def test_two_words_in_capitals_a_family_name_the_lists_lack_first(
    text: str, found: list[tuple[str | None, ...]]
) -> None:
    assert _named(text, None) == found


def test_a_letters_header_block_with_its_nhs_number_below_is_one_person() -> None:
    text = (
        "Dear Dr Hughes\n\n"
        "Miriam Achterberg, born September 14, 1975\n"
        "22 Kelsey Park Road, Beckenham BR3 1AJ\n"
        f"NHS number {A}\n\n"
        "I saw Miriam in clinic today. Her predictive test has now reported.\n"
    )
    assert _named(text, None) == [("Achterberg", "Miriam", "1975-09-14", A)]


@pytest.mark.parametrize("with_pmi", [False, True])
def test_a_quoted_e_mail_naming_its_patient_by_first_name_is_theirs(
    with_pmi: bool, extra: pmi_terms.Matcher
) -> None:
    # (With the PMI, the e-mail's staff, "Hughes, Sarah" and "Ward, Helen", are in it too.)
    text = (
        "From: Ward, Helen\nCc: Hughes, Sarah\nSubject: RE: hCG repeat - HUGHES\n\n"
        f"Hi, the 48h repeat on Bethan Hughes (DOB 08/08/1996, NHS {A}) is back:\n"
        "serum hCG 1520 IU/L, so rising appropriately.\n\n"
        f"Also, unrelated, George Whitfield 30.5.1942 NHS {B} - TFT: TSH 7.8, FT4 10.1.\n\n"
        "From: EPU Nurses\nTo: Ward, Helen\nSubject: hCG repeat - HUGHES\n\n"
        "Morning - could you chase the repeat hCG on Bethan please? 6/40 by dates.\n"
    )
    found = {
        (p.values["family_name"].title(), p.values["given_name"]): (
            sorted(p.tests),
            sorted(p.sensitive),
        )
        for p in people_in_text(text, "line:1", extra=extra if with_pmi else None)
    }
    assert found == {
        ("Hughes", "Bethan"): (["HCG"], ["pregnancy"]),
        ("Whitfield", "George"): (["FT4", "TFT", "TSH"], []),
    }
