"""Round 13: forms saved as spreadsheets and CSVs (``readers.forms``), short headerless CSVs,
and fixed-width extracts whose fields are packed without gaps (``readers.packed``)."""

from __future__ import annotations

import datetime as dt
import io

import xlsxwriter

from breachdesk.readers import forms, packed
from test_folder_relations import workbook
from test_generalise import A, B, C, people_in_file

FIELDS = (
    "locator",
    "nhs_number",
    "family_name",
    "given_name",
    "date_of_birth",
    "hospital_number",
    "postcode",
    "tests",
)


def _dated(rows: list[list[object]], sheet_name: str) -> bytes:
    """A one-sheet XLSX whose dates are Excel dates, as a report writer saves them."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(sheet_name)
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    for number, row in enumerate(rows):
        for column, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.write_datetime(number, column, value, day)
            else:
                sheet.write(number, column, value)
    book.close()
    return buffer.getvalue()


def test_a_report_page_whose_labels_have_no_colon_is_a_form() -> None:
    data = _dated(
        [
            ["CLINICAL BIOCHEMISTRY - PATIENT REPORT", "", "", "", ""],
            ["Wessex County Hospital, Dorchester DT1 2JY", "", "", "", ""],
            ["", "", "", "", ""],
            ["Patient Surname", "ASHCROFT", "", "Patient Forename", "Rowena"],
            ["D.O.B.", dt.datetime(1966, 4, 3), "", "NHS No.", A],
            ["Hosp. No.", "RW3320981", "", "Consultant", "Dr Bernard QUILL"],
            ["", "", "", "", ""],
            ["Test", "Result", "Units", "Reference", "Flag"],
            ["CA 125", 412, "kU/L", "<35", "H"],
            ["CEA", 3.1, "ug/L", "<5", ""],
            ["Albumin", 29, "g/L", "35-50", "L"],
        ],
        "Report",
    )
    # The consultant is no hospital number, the letterhead's postcode not the patient's.
    assert people_in_file("report.xlsx", data, FIELDS)[1] == [
        (
            "sheet:Report!line:4",
            A,
            "ASHCROFT",
            "Rowena",
            "1966-04-03",
            "RW3320981",
            None,
            "CA125;CEA;ALB",
        )
    ]


def test_a_form_a_pair_a_row_above_its_results_is_one_person() -> None:
    data = workbook(
        [
            ["MICROBIOLOGY REPORT (COPY)", "", ""],
            ["", "", ""],
            ["Pt Name", "PRYCE, Emrys", ""],
            ["D.O.B.", "21/11/1970", ""],
            ["Hosp. No.", "YG449120", ""],
            ["NHS No.", B, ""],
            ["Requested by", "Dr Owain THOMAS", ""],
            ["", "", ""],
            ["Specimen", "Test", "Result"],
            ["Blood", "Hepatitis C antibody", "Reactive"],
        ],
        "Print",
    )
    assert people_in_file("micro.xlsx", data, FIELDS)[1] == [
        ("sheet:Print!line:3", B, "PRYCE", "Emrys", "1970-11-21", "YG449120", None, "HCVAB")
    ]


def test_a_form_printed_as_small_tables_keeps_its_results() -> None:
    data = workbook(
        [
            ["GENETICS LABORATORY - REPORT", "", "", ""],
            ["", "", "", ""],
            ["Surname", "Forename", "Date of Birth", "NHS Number"],
            ["TREMAYNE-HOLT", "Lowenna", "07/10/1982", C],
            ["", "", "", ""],
            ["Referring Clinician", "Centre", "", ""],
            ["Dr Philippa GRANT", "Clinical Genetics, Leeds", "", ""],
            ["", "", "", ""],
            ["Test", "Result", "", ""],
            ["BRCA1/BRCA2 full screen", "Pathogenic variant BRCA2 detected", "", ""],
        ]
    )
    found = people_in_file("genetics.xlsx", data, (*FIELDS, "sensitive"))[1]
    assert [row[1:5] + row[7:] for row in found] == [
        (C, "TREMAYNE-HOLT", "Lowenna", "1982-10-07", "BRCA", "genetic")
    ]


def test_small_tables_repeating_their_labels_are_two_people() -> None:
    rows = [
        ["Surname", "Forename", "NHS Number"],
        ["OKAFOR", "Grace", A],
        ["", "", ""],
        ["Surname", "Forename", "NHS Number"],
        ["NOWAK", "Tomasz", B],
    ]
    assert forms.stacked(rows) is None


def test_a_csv_report_with_its_patient_block_below_the_results() -> None:
    data = (
        "Report,COAGULATION SCREEN\nLab,Kernow Laboratory\n,\n"
        "Test,Result,Units,Ref\nPT,14.9,s,10-13\nD-dimer,4200,ng/mL,<500\n,\n"
        "Patient Name,PENHALIGON Morwenna\nDate of Birth,12/09/1961\n"
        f"Hospital No,RC0088123\nNHS No,{C}\nRequested by,Dr Kwame MENSAH\n"
    ).encode()
    assert people_in_file("coag.csv", data, FIELDS)[1] == [
        ("line:1", C, "PENHALIGON", "Morwenna", "1961-09-12", "RC0088123", None, "COAG;DDIM")
    ]


def test_a_csv_request_form_reads_its_dotted_labels() -> None:
    data = (
        "ST OSWALD'S HOSPITAL LABORATORY MEDICINE\n,\nLab Number,G24-118833\n"
        f"Pt Name,Mr Ashok VARMA\nD.O.B.,1961-02-17\nUnit No,SO881002\nNHS No.,{A}\n"
        "Requesting Dr,Dr Victoria HOLLIS\n,\nTest Code,Test Name,Status\n"
        "TROPT,High sensitivity troponin T,Complete\nINR,INR,Complete\n"
    ).encode()
    assert people_in_file("request.csv", data, FIELDS)[1] == [
        ("line:4", A, "VARMA", "Ashok", "1961-02-17", "SO881002", None, "TROPT;INR")  # "Pt Name"
    ]


def test_a_csv_form_side_by_side_above_a_cumulative_table() -> None:
    data = (
        '"WINPATH - CUMULATIVE REPORT",,,,,\n,,,,,\n'
        '"Patient Surname:","HARGRAVE",,"Forename:","Lucinda",\n'
        f'"Date of Birth:","09/05/1983",,"NHS Number:","{B}",\n'
        '"Hospital Number:","J4412087",,"Sex:","F",\n,,,,,\n'
        '"Test","10/01/2024","07/02/2024","06/03/2024","Units","Ref Range"\n'
        '"TSH","8.9","6.1","3.2","mU/L","0.27-4.2"\n'
        '"Free T4","9.8","11.2","13.4","pmol/L","12-22"\n'
    ).encode()
    assert people_in_file("cumulative.csv", data, FIELDS)[1] == [
        ("line:3", B, "HARGRAVE", "Lucinda", "1983-05-09", "J4412087", None, "TSH;FT4")
    ]


def test_a_comparison_row_is_no_pair_and_a_header_row_no_form() -> None:
    assert forms.pairs(["Surname", "OKAFOR", "NOWAK"]) is None
    assert forms.pairs(["Surname", "Forename", "NHS Number"]) is None
    assert forms.pairs(["Address:", "27 Elm Drive", "M25 1HY"]) == [
        ("Address:", "27 Elm Drive M25 1HY")
    ]
    assert forms.block([["Surname", "OKAFOR", "", "Forename", "Grace"]]) is None


def test_a_short_headerless_csv_is_one_table_from_its_first_row() -> None:
    data = (
        f"{A},SMITH,Frances,12.01.1962,Creatinine,78.5,umol/L,Dr Hoyle\n"
        f"{B},JONES,Gareth,03.07.1955,PSA,12.40,ug/L,Dr Hoyle\n"
        f"{C},BROWN,Helena,28.02.1991,HIV Ag/Ab,Negative,,Dr Hoyle\n"
        "4390248367,TAYLOR,Ian,19.09.1941,HbA1c,52,mmol/mol,Dr Hoyle\n"
    ).encode()
    found = people_in_file("extract.csv", data, FIELDS)[1]
    assert [(row[0], row[2], row[7]) for row in found] == [
        ("row:1", "SMITH", "CREA"),
        ("row:2", "JONES", "PSA"),
        ("row:3", "BROWN", "HIVAGAB"),
        ("row:4", "TAYLOR", "HBA1C"),
    ]


PACKED = (
    f"{A}GREENHOW            MAUREEN ANN         19480512FBB2 4HT ANBOOK  K81022DR JONES     \n"
    f"{B}MBATHA              THANDIWE            19930101FM14 5TG HIVAGAB P84009DR HUSSAIN   \n"
    f"{C}ROURKEY             DECLAN              19720816ML8 0SY  HCVRNA  N82054DR CLARKE    \n"
)


def test_a_packed_fixed_width_extract_is_cut_into_its_fields() -> None:
    found = people_in_file("pas.dat", PACKED.encode(), FIELDS)[1]
    assert found == [
        ("line:1!row:1", A, "GREENHOW", "MAUREEN ANN", "1948-05-12", None, "BB2 4HT", "ANBOOK"),
        ("line:1!row:2", B, "MBATHA", "THANDIWE", "1993-01-01", None, "M14 5TG", "HIVAGAB"),
        ("line:1!row:3", C, "ROURKEY", "DECLAN", "1972-08-16", None, "L8 0SY", "HCVRNA"),
    ]


def test_packed_fields_are_cut_at_padding_not_inside_a_value() -> None:
    lines = PACKED.splitlines()
    bounds = packed.spans(lines)
    assert bounds is not None
    assert packed.cut(lines[0], bounds) == [
        A,
        "GREENHOW",
        "MAUREEN ANN",
        "19480512",
        "F",
        "BB2 4HT",
        "ANBOOK",
        "K81022",
        "DR JONES",
    ]
    # Lines of different lengths are no fixed-width records.
    assert packed.spans([lines[0], lines[1] + " ", lines[2]]) is None


def test_prose_with_a_comma_is_no_form_and_a_form_keeps_its_unknown_labels() -> None:
    prose = "Patient OKAFOR, Grace  DOB 12/01/1962\nPatient NOWAK, Tomasz  DOB 02/11/1975\n"
    assert forms.delimited_pairs(prose) == prose
    form = "Pt Name,Mr Ashok VARMA\nD.O.B.,1961-02-17\nClinical Details,Chest pain\nD-dimer,4200"
    assert forms.delimited_pairs(form).split("\n") == [
        "Pt Name: Mr Ashok VARMA",
        "D.O.B.: 1961-02-17",
        "Clinical Details: Chest pain",
        "D-dimer: 4200",
    ]
