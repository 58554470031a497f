"""Round 14: GP systems' exports with a block of titles above a small table (report name, "Run
by", "Run date", practice, criteria) and a count under it ("Total patients: 3"), and a test
named only in a group row over its "Date | Value" columns (an EMIS search saved to Excel).

Every person, number and practice here is invented."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
import xlsxwriter

from breachdesk.ingest.limits import Limits
from breachdesk.ingest.sniff import delimiter, sniff_data
from breachdesk.ingest.walk import Entry
from breachdesk.readers import delimited, doc_tables, spreadsheet
from breachdesk.readers.arrow_csv import ARROW_MIN_CHARS
from breachdesk.readers.base import Record, Table
from breachdesk.readers.table_edges import footer_start, group_header, is_group_row
from breachdesk.scan.stage import _scan_file

N1, N2, N3, N4 = "4231713758", "4571501846", "4005945473", "4073296930"
FIELDS = ("locator", "nhs_number", "family_name", "given_name", "date_of_birth", "postcode",
          "sex", "tests", "sensitive")  # fmt: skip


def _scan(name: str, data: bytes) -> tuple[str, list[dict[str, Any]]]:
    """The file's sniffed type and its records, through the scan stage's own per-file call."""
    kind = sniff_data(data, name)
    entry = Entry(path=name, parent=None, depth=0, size=len(data), type=kind, data=data)
    records: list[dict[str, Any]] = []
    for found, _ in _scan_file(entry, 1, Limits(), keyed=[]):
        records.extend(found.to_pylist())
    return kind, records


def _people(name: str, data: bytes) -> tuple[str, list[tuple[Any, ...]]]:
    kind, records = _scan(name, data)
    return kind, sorted((tuple(r[f] for f in FIELDS) for r in records), key=str)


def _names(records: list[dict[str, Any]]) -> set[str]:
    return {r["family_name"].upper() for r in records if r["family_name"]}


# A Vision "Search and Reports" export: five title lines, a blank, the table, a count.
_PSA = "43Z2.,Serum prostate specific antigen level"
VISION = "\r\n".join(
    [
        "INPS Vision - Search and Reports",
        "Search: Men 50+ with PSA in last 6 months",
        "Practice: Elmfield Medical Centre",
        "Printed: 02/04/2024 15:20 by JBRAMLEY",
        "",
        "Surname,Forename,Date of Birth,Sex,Postcode,NHS Number,Date,Read Code,Description,Value,"
        "Units",
        f"HARTIGAN,Desmond,11/07/1949,M,NR2 3PT,{N1},20/02/2024,{_PSA},5.8,ng/mL",
        f"OYELARAN,Tunde,01/04/1958,M,NR3 1HS,{N2},29/02/2024,{_PSA},12.4,ng/mL",
        f"VARLEY,Keith,25/12/1955,M,NR5 9AA,{N3},04/03/2024,{_PSA},1.2,ng/mL",
        "",
        "Total patients: 3",
        "",
    ]
)

VISION_PEOPLE = [
    ("row:1", N1, "HARTIGAN", "Desmond", "1949-07-11", "NR2 3PT", "M", "PSA", "cancer"),
    ("row:2", N2, "OYELARAN", "Tunde", "1958-04-01", "NR3 1HS", "M", "PSA", "cancer"),
    ("row:3", N3, "VARLEY", "Keith", "1955-12-25", "NR5 9AA", "M", "PSA", "cancer"),
]


def test_a_vision_search_under_five_title_lines_and_over_a_count_is_its_three_patients() -> None:
    assert _people("psa_search.csv", VISION.encode()) == ("csv", VISION_PEOPLE)


# An EMIS search report: a quoted block of "label","value" lines (the GP who ran it among
# them), a group row naming the test over its Date and Value columns, then the patients.
EMIS = "\r\n".join(
    [
        '"Search","Diabetes - latest HbA1c > 75 mmol/mol (last 12m)"',
        '"Organisation","Larchfield Surgery (B86099)"',
        '"Run date","14-Mar-2024 09:12"',
        '"Run by","PENHALIGON, Morwenna (Dr)"',
        '"Population count","3"',
        '""',
        '"Patient Details","","","","","Latest HbA1c","","Usual GP"',
        '"Name","Date of Birth","Gender","NHS Number","Postcode","Date","Value","Usual GP"',
        f'"CULLINANE, Brid (Mrs)","14-Feb-1951","Female","{N1[:3]} {N1[3:6]} {N1[6:]}",'
        '"LS6 2QR","03-Feb-2024","82 mmol/mol","PENHALIGON, Morwenna (Dr)"',
        f'"ABERNETHY-COLE, Samuel (Mr)","03-Sep-1967","Male","{N2}","LS7 4DN",'
        '"11-Jan-2024","91 mmol/mol","TREMAYNE, Stuart (Dr)"',
        f'"WOJCIK, Tomasz (Mr)","22-Nov-1979","Male","{N3}","LS8 1AB","27-Feb-2024",'
        '"78 mmol/mol","PENHALIGON, Morwenna (Dr)"',
        "",
    ]
)


def test_an_emis_search_with_a_quoted_title_block_is_a_table_and_its_gp_no_patient() -> None:
    kind, records = _scan("hba1c_search.csv", EMIS.encode())
    assert kind == "csv"
    assert sorted((tuple(r[f] for f in FIELDS) for r in records), key=str) == [
        ("row:1", N1, "CULLINANE", "Brid", "1951-02-14", "LS6 2QR", "Female", "HBA1C", None),
        ("row:2", N2, "ABERNETHY-COLE", "Samuel", "1967-09-03", "LS7 4DN", "Male", "HBA1C", None),
        ("row:3", N3, "WOJCIK", "Tomasz", "1979-11-22", "LS8 1AB", "Male", "HBA1C", None),
    ]
    # Each row's HbA1c is a result, from the "Value" column under "Latest HbA1c".
    assert all(r["e_test_result"] for r in records)
    assert not {"PENHALIGON", "TREMAYNE"} & _names(records)


def test_the_group_row_names_the_columns_under_it() -> None:
    rows = list(csv.reader(EMIS.split("\r\n")[:11]))
    header, first = delimited.split_header(rows)
    assert first == 8
    assert header == ["Name", "Date of Birth", "Gender", "NHS Number", "Postcode",
                      "Latest HbA1c Date", "Latest HbA1c Value", "Usual GP"]  # fmt: skip
    # The titles name no patient: none is read as prose (the GP's name is in them).
    assert list(delimited.titles(rows, ",")) == []


# A pharmacy's register: its own name and address (with commas) over the clients' table.
_SPACED = [f"{n[:3]} {n[3:6]} {n[6:]}" for n in (N1, N2)]
_PRESCRIBER = "Dr A Ghazali (Recovery Team)"
PHARMACY = "\n".join(
    [
        "Pharmacy: Kestrel Pharmacy, 4 Quay St, Hull HU1 1PS (ODS FK999)",
        "Supervised consumption register - week commencing 11/03/2024",
        "Service user,DOB,NHS Number,Prescriber,Drug,Daily dose,Mon,Tue,Wed,Thu,Fri,Sat,Sun,"
        "Keyworker",
        f"Darren PLUMMER,14/09/1982,{_SPACED[0]},{_PRESCRIBER},Methadone 1mg/ml oral solution,"
        "60ml,Y,Y,N,Y,,,,Kelly Marsh",
        f"Lisa GREENHALGH,02/11/1990,{_SPACED[1]},{_PRESCRIBER},Buprenorphine 8mg SL,16mg,"
        "Y,Y,Y,Y,,,,Kelly Marsh",
        "",
    ]
)


def test_a_pharmacy_register_under_its_address_is_a_table_and_the_postcode_the_pharmacys() -> None:
    kind, records = _scan("supervised.csv", PHARMACY.encode())
    assert kind == "csv"
    assert sorted(tuple(r[f] for f in FIELDS) for r in records) == [
        ("row:1", N1, "PLUMMER", "Darren", "1982-09-14", None, None, "METHAD",
         "substance_misuse"),
        ("row:2", N2, "GREENHALGH", "Lisa", "1990-11-02", None, None, "BUP",
         "substance_misuse"),
    ]  # fmt: skip


# A titled sheet saved as CSV by Excel: each title and "label, value" line padded to the
# table's width with empty cells, the table narrow enough that a pair fills half a row.
EXCEL_SAVED = f"""Diabetes recall - HbA1c,,,,
Run by,"PENHALIGON, Morwenna (Dr)",,,
Run date,14/03/2024,,,
Practice,Larchfield Surgery,,,
,,,,
NHS Number,Surname,Forename,Date of Birth,HbA1c (mmol/mol)
{N1},CULLINANE,Brid,14/02/1951,82
{N2},ABERNETHY-COLE,Samuel,03/09/1967,91
{N3},WOJCIK,Tomasz,22/11/1979,78
,,,,
Total,3,,,
"""


def test_an_excel_saved_titled_sheet_keeps_its_titles_out_of_the_table() -> None:
    kind, records = _scan("recall.csv", EXCEL_SAVED.encode())
    assert kind == "csv"
    assert sorted(tuple(r[f] for f in FIELDS) for r in records) == [
        ("row:1", N1, "CULLINANE", "Brid", "1951-02-14", None, None, "HBA1C", None),
        ("row:2", N2, "ABERNETHY-COLE", "Samuel", "1967-09-03", None, None, "HBA1C", None),
        ("row:3", N3, "WOJCIK", "Tomasz", "1979-11-22", None, None, "HBA1C", None),
    ]
    assert "PENHALIGON" not in _names(records)


# A SystmOne report as tab-separated text: more "label<tab>value" lines than patients.
SYSTMONE = "\n".join(
    [
        "Report Name\tCervical screening - HPV results",
        "Run By\tSMITHERS, Karen",
        "Run Date\t01/05/2024 09:00",
        "Organisation\tThe Ridge Surgery (M85099)",
        "Criteria\tFemale, aged 25 to 64",
        "Population\t2",
        "",
        "NHS Number\tSurname\tFirst Name\tDate of Birth\tHPV result\tSample date",
        f"{N3}\tFAIRCLOUGH\tJade\t29/12/1999\tHPV not detected\t02/04/2024",
        f"{N4}\tOYEDELE\tFunmi\t17/05/1989\tHPV detected\t05/04/2024",
        "",
    ]
)


def test_a_systmone_report_with_more_labels_than_patients_is_its_two_patients() -> None:
    kind, records = _scan("hpv.txt", SYSTMONE.encode())
    assert kind == "tsv"
    assert sorted(tuple(r[f] for f in FIELDS) for r in records) == [
        ("row:1", N3, "FAIRCLOUGH", "Jade", "1999-12-29", None, None, "HRHPV", "cancer"),
        ("row:2", N4, "OYEDELE", "Funmi", "1989-05-17", None, None, "HRHPV", "cancer"),
    ]
    assert "SMITHERS" not in _names(records)


def _search_workbook(*, repeat: bool, title: bool) -> bytes:
    """An EMIS search saved to Excel: "HIV viral load" and "CD4 count" each over their own
    Date and Value columns, merged (or, ``repeat``, written in each column); ``title``: the
    search's name above it."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Search Results")
    top = 2 if title else 0
    if title:
        sheet.write(0, 0, "HIV monitoring - patients on ART")
    groups = [("Patient Details", 0, 4), ("HIV viral load", 5, 6), ("CD4 count", 7, 8)]
    for name, first, last in groups:
        if repeat:
            sheet.write_row(top, first, [name] * (last - first + 1))
        else:
            sheet.merge_range(top, first, top, last, name)
    sheet.write_row(top + 1, 0, ["Surname", "Forename", "Date of Birth", "NHS Number",
                                 "Postcode", "Date", "Value", "Date", "Value"])  # fmt: skip
    people = [
        ["MWANGALA", "Josephat", "14-Feb-1978", f"{N1[:3]} {N1[3:6]} {N1[6:]}", "E8 3PL",
         "05-Jan-2024", "<20 copies/mL", "05-Jan-2024", "612 cells/uL"],
        ["FERRAZ", "Bruno", "02-Aug-1985", f"{N2[:3]} {N2[3:6]} {N2[6:]}", "E9 6NA",
         "22-Dec-2023", "", "", ""],
    ]  # fmt: skip
    for number, row in enumerate(people, start=top + 2):
        sheet.write_row(number, 0, row)
    book.close()
    return buffer.getvalue()


@pytest.mark.parametrize(("repeat", "title"), [(False, False), (True, False), (False, True)])
def test_a_test_named_over_its_date_and_value_columns_is_each_rows_test(
    repeat: bool, title: bool
) -> None:
    kind, records = _scan("hiv_search.xlsx", _search_workbook(repeat=repeat, title=title))
    assert kind == "xlsx"
    at = "sheet:Search Results!"
    people = sorted((tuple(r[f] for f in FIELDS), r["e_test_result"]) for r in records)
    assert people == [
        ((f"{at}row:1", N1, "MWANGALA", "Josephat", "1978-02-14", "E8 3PL", None, "HIVVL;CD4",
          "hiv"), True),
        # No result under either test: the row names no test of its own.
        ((f"{at}row:2", N2, "FERRAZ", "Bruno", "1985-08-02", "E9 6NA", None, None, None),
         False),
    ]  # fmt: skip


def test_a_group_row_in_a_document_table_names_the_columns_under_it() -> None:
    grid = [
        ["Patient Details", "", "", "HIV viral load", "", "CD4 count", ""],
        ["Surname", "Forename", "NHS Number", "Date", "Value", "Date", "Value"],
        ["MWANGALA", "Josephat", N1, "05-Jan-2024", "<20 copies/mL", "05-Jan-2024", "612"],
    ]
    tables = [item for item in doc_tables.items([grid]) if isinstance(item, Table)]
    assert [t.header for t in tables] == [
        ["Surname", "Forename", "NHS Number", "HIV viral load Date", "HIV viral load Value",
         "CD4 count Date", "CD4 count Value"]
    ]  # fmt: skip


def _big_export(rows: int) -> str:
    """A search export of ``rows`` patients under a title block, with its count under them."""
    lines = [
        "Practice: Elmfield Medical Centre, 2 Mill Lane, Norwich NR3 2BB",
        "Report: Patients with a PSA in the last year",
        "Run by: JBRAMLEY",
        "Run on: 02/04/2024",
        "",
        "NHS Number,Surname,Forename,Date of Birth,PSA (ng/mL)",
    ]
    lines += [f"{N1},SURNAME{i},Given,01/01/1950,{i % 9}.{i % 7}" for i in range(rows)]
    lines += ["", f"Total patients: {rows}", ""]
    return "\n".join(lines)


def test_a_big_export_with_a_count_under_it_reads_every_row_and_not_the_count() -> None:
    text = _big_export(800)
    assert len(text) > ARROW_MIN_CHARS  # Arrow parses it
    data = text.encode()
    assert delimiter(text) == ","
    by_arrow = [item for item in delimited.read(data, "big.csv") if isinstance(item, Table)]
    streamed = [
        item for item in delimited.read_stream(io.BytesIO(data), "big.csv")
        if isinstance(item, Table)
    ]  # fmt: skip
    for tables in (by_arrow, streamed):
        assert [t.header for t in tables] == [
            ["NHS Number", "Surname", "Forename", "Date of Birth", "PSA (ng/mL)"]
        ]
        (table,) = tables
        assert table.n_rows == 800
        assert [str(c[-1]) for c in table.columns] == [N1, "SURNAME799", "Given", "01/01/1950",
                                                         "7.1"]  # fmt: skip
    # Neither reading reads the practice's address above it as anyone's.
    assert not any(isinstance(item, Record) for item in delimited.read(data, "big.csv"))


def test_a_count_under_a_chunk_boundary_is_no_row(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delimited, "CHUNK_ROWS", 10)
    text = _big_export(20)  # two full chunks, then the count
    tables = list(delimited.read_stream(io.BytesIO(text.encode()), "big.csv"))
    assert [t.n_rows for t in tables if isinstance(t, Table)] == [10, 10]
    assert [t.first_row for t in tables if isinstance(t, Table)] == [1, 11]


@pytest.mark.parametrize(
    ("last", "kept"),
    [
        (["Total patients: 3"], False),
        (["Population count", "3"], False),
        (["Total", "3"], False),
        (["End of report"], False),
        (["Page 2 of 2"], False),
        (["(3 rows)"], False),
        (["Printed on 02/04/2024 by JBRAMLEY"], False),
        # A result, not a count: a results table may end with it.
        (["Total cholesterol", "5.2"], True),
        (["Total protein: 71"], True),
        (["VARLEY"], True),
        ([N1, "VARLEY", "Keith"], True),
    ],
)
def test_a_footer_is_a_count_or_a_closing_line(last: list[str], kept: bool) -> None:
    rows = [["Test", "Result", "Units"], ["Sodium", "140", "mmol/L"], [], last]
    assert footer_start(rows) == (4 if kept else 2)


def test_lines_of_one_cell_after_a_count_are_the_footers_and_rows_above_it_are_kept() -> None:
    rows = [["NHS", "Surname"], [N1, "VARLEY"], ["VARLEY"], ["(2 rows)"], [], ["lims=> \\q"]]
    assert footer_start(rows) == 3


def test_a_note_with_a_table_of_results_under_its_sentences_stays_text() -> None:
    note = "\n".join(
        [
            "Clinic note",
            "Mrs Okonjo was seen in clinic today, with her daughter.",
            "She reports tiredness, no weight loss.",
            "Bloods were taken this morning, results below.",
            "Test,Result,Units",
            "Sodium,140,mmol/L",
            "Potassium,4.1,mmol/L",
            "Urea,6.2,mmol/L",
        ]
    )
    assert delimiter(note) is None
    assert sniff_data(note.encode(), "note.txt") == "text"
    # The same table under titles, not sentences, is a table.
    titled = note.replace(" today, with her daughter.", "").replace(".", "")
    assert delimiter(titled) == ","


@pytest.mark.parametrize(
    ("group", "header", "expected"),
    [
        # A test over what of it each column holds.
        (["", "Latest eGFR", "", ""], ["NHS Number", "Date", "Value", "Units"],
         ["NHS Number", "Latest eGFR Date", "Latest eGFR Value", "Latest eGFR Units"]),
        # A group naming no test, or over columns that name their own: the header as it is.
        (["Patient", "", "Results", ""], ["Surname", "Forename", "Sodium", "Potassium"],
         ["Surname", "Forename", "Sodium", "Potassium"]),
        (["Patient", "", "HbA1c", ""], ["Surname", "Forename", "Date", "Comment"],
         ["Surname", "Forename", "HbA1c Date", "Comment"]),
    ],
)  # fmt: skip
def test_a_group_names_only_its_tests_columns(
    group: list[str], header: list[str], expected: list[str]
) -> None:
    assert is_group_row(group, header)
    assert group_header(group, header) == expected


@pytest.mark.parametrize(
    "row",
    [
        # A title in the first cell, the rest blank: the report's name, no group.
        ["HIV monitoring", "", "", ""],
        # The patient's line above a per-patient table: a title, read as prose.
        ["Patient: OKAFOR, Grace", "", "NHS: 455 766 0932", ""],
        # As many labels as the header: a header, not a group.
        ["Date", "Value", "Date", "Value"],
        # Over no other column of the header.
        ["", "", "", "Latest HbA1c"],
    ],
)
def test_rows_that_are_no_group_row(row: list[str]) -> None:
    assert not is_group_row(row, ["Surname", "NHS Number", "Date", "Value"])


def test_a_per_patient_title_above_a_group_row_is_still_read_as_prose() -> None:
    """The group row is left out of the titles; a title naming the patient is not."""
    rows = [
        ["Patient: OKAFOR, Grace   NHS: 455 766 0932", "", "", ""],
        ["", "", "", ""],
        ["", "Latest HbA1c", "", ""],
        ["Clinic", "Date", "Value", "Units"],
        ["Diabetes", "03/02/2024", "82", "mmol/mol"],
    ]
    header, first = delimited.split_header(rows)
    assert (header, first) == (["Clinic", "Latest HbA1c Date", "Latest HbA1c Value",
                                "Latest HbA1c Units"], 4)  # fmt: skip
    (prose,) = delimited.titles(rows, "  ", cells_only=True)
    assert prose.text == "Patient: OKAFOR, Grace   NHS: 455 766 0932"


def test_a_sheet_whose_count_is_under_its_rows_reads_the_rows_alone() -> None:
    cells: list[list[object]] = [
        ["Diabetes recall", "", "", ""],
        ["", "", "", ""],
        ["NHS Number", "Surname", "Forename", "HbA1c"],
        [float(N1), "CULLINANE", "Brid", 82.0],
        [float(N2), "WOJCIK", "Tomasz", 78.0],
        ["", "", "", ""],
        ["Total patients: 2", "", "", ""],
    ]
    (table,) = [t for t in spreadsheet.sheet(cells, "sheet:S!") if isinstance(t, Table)]
    assert table.columns == [[N1, N2], ["CULLINANE", "WOJCIK"], ["Brid", "Tomasz"], ["82", "78"]]
    # The same rows, ragged as a sheet's rows may come: the count is no row either.
    ragged = [row[:1] if row[0] == "Total patients: 2" else row for row in cells]
    (table,) = [t for t in spreadsheet.sheet(ragged, "sheet:S!") if isinstance(t, Table)]
    assert table.n_rows == 2
