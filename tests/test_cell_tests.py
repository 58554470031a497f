"""Tests named in a table's result and free-text cells (``detect.cell_tests``): a row whose only
mention of a test is "HIV POS" under "Result" or "Patient known HIV positive" under "Comments"
exposes that test, and a sensitive kind, about the row's person."""

from __future__ import annotations

import pyarrow.compute as pc
import pytest

from breachdesk.detect.columns import header_kind
from breachdesk.detect.tables import records_from_table
from breachdesk.readers.base import Table
from test_generalise import A, B, C, people_in_file

FIELDS = ("nhs_number", "tests", "sensitive", "e_test_description", "e_test_result")


@pytest.mark.parametrize("header", ["Result", "Results", "Value", "Comments", "Notes", "Remarks"])
def test_a_result_or_comment_cell_names_the_rows_test(header: str) -> None:
    data = (
        f"Patient,NHS Number,{header}\n"
        f"Grace Okafor,{A},HIV POS\n"
        f"Tomasz Nowak,{B},HbA1c 48 mmol/mol\n"
        f"Anna Kowalski,{C},Patient known hepatitis C positive\n"
    ).encode()
    assert people_in_file("results.csv", data, FIELDS)[1] == sorted(
        [
            (A, "HIVAGAB", "hiv", True, True),
            (B, "HBA1C", None, True, True),
            (C, "HCVAB", "hepatitis", True, True),
        ],
        key=str,
    )


def test_a_comment_adds_its_test_to_the_rows_own() -> None:
    data = (
        f"NHS Number,Surname,Forename,Test,Result,Comments\n"
        f"{A},OKAFOR,Grace,FBC,132,Known HIV positive - inform consultant\n"
        f"{B},NOWAK,Tomasz,U+E,5.1,Haemolysed\n"
        f"{C},KOWALSKI,Anna,HbA1c,48,\n"
    ).encode()
    assert people_in_file("worklist.csv", data, FIELDS)[1] == sorted(
        [
            (A, "FBC;HIVAGAB", "hiv", True, True),
            (B, "UE", None, True, True),
            (C, "HBA1C", None, True, True),
        ],
        key=str,
    )


@pytest.mark.parametrize(
    "cell",
    [
        "48",  # a number names no test
        "Haemolysed",
        "Phoned to GP",
        "Lead clinician informed",  # an everyday word in prose is no test ("lead")
        "Sample received in iron-free tube",
        "See individual results",
    ],
)
def test_cells_that_name_no_test_add_none(cell: str) -> None:
    data = f"Patient,NHS Number,Comments\nGrace Okafor,{A},{cell}\n".encode()
    assert people_in_file("notes.csv", data, FIELDS)[1] == [(A, None, None, False, False)]


def test_codes_and_flags_in_an_untyped_column_are_not_read_as_prose() -> None:
    # "FBC" alone in a column no type claims is a code, not prose: only cells with words and a
    # space between are read there ("FBC" under "Test" is a test, read by the column's type).
    data = f"Patient,NHS Number,Ward Code\nGrace Okafor,{A},FBC\n".encode()
    assert people_in_file("codes.csv", data, FIELDS)[1] == [(A, None, None, False, False)]


def test_the_mention_names_the_cells_column() -> None:
    table = Table(
        ["Patient", "NHS Number", "Comments"],
        [["Grace Okafor", "Tomasz Nowak"], [A, B], ["Known HIV positive", ""]],
    )
    _, mentions = records_from_table(table, 3)
    rows = mentions.filter(pc.equal(mentions["kind"], "test")).to_pylist()
    assert [(m["locator"], m["field"], m["rule"]) for m in rows] == [
        ("row:1", "Comments", "test_in_text")
    ]


def test_a_test_column_cell_that_says_not_done_exposes_no_test() -> None:
    data = (
        "NHS Number,Surname,Forename,HIV,Hep B sAg,HbA1c\n"
        f"{A},OKAFOR,Grace,-,N/A,48\n"
        f"{B},NOWAK,Tomasz,Not tested,Negative,\n"
        f"{C},KOWALSKI,Anna,Reactive,not done.,--\n"
    ).encode()
    assert people_in_file("wide.csv", data, FIELDS[:3])[1] == sorted(
        [(A, "HBA1C", None), (B, "HBSAG", "hepatitis"), (C, "HIVAGAB", "hiv")], key=str
    )


@pytest.mark.parametrize(("header", "tail"), [("HIV requested", ""), ("HIV", ""), ("HIV", "?")])
def test_a_column_of_yes_no_flags_asks_for_the_test_only_where_yes(header: str, tail: str) -> None:
    data = (
        f"NHS Number,Surname,Forename,{header}{tail}\n"
        f"{A},OKAFOR,Grace,Y\n{B},NOWAK,Tomasz,N\n{C},KOWALSKI,Anna,No\n"
    ).encode()
    assert people_in_file("flags.csv", data, FIELDS[:3])[1] == sorted(
        [(A, "HIVAGAB", "hiv"), (B, None, None), (C, None, None)], key=str
    )


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("HbA1c (mmol/mol)", "analyte:HBA1C"),
        ("HbA1c [mmol/mol]", "analyte:HBA1C"),
        ("PSA ug/L", "analyte:PSA"),
        ("Cholesterol - mmol/L", "analyte:CHOL"),
        ("WBC x10^9/L", "analyte:WBC"),
        ("Hep B (Y/N)", "analyte:HBSAG"),
        ("Hep C Ab", "analyte:HCVAB"),
        ("Date (dd/mm/yyyy)", "other_date"),  # a unit taken off leaves no test
        ("Sample ID (lab)", "sample_id"),
    ],
)
def test_a_test_columns_header_with_its_units(header: str, code: str) -> None:
    assert header_kind(header) == code


def test_a_test_column_of_ones_and_noughts_holds_results() -> None:
    data = (
        f"NHS Number,Surname,Forename,HIV\n{A},OKAFOR,Grace,1\n{B},NOWAK,Tomasz,0\n"
        f"{C},KOWALSKI,Anna,None\n"
    ).encode()
    # ("None" is no result: the word pandas and Python print for a missing value.)
    assert people_in_file("coded.csv", data, FIELDS[:3])[1] == sorted(
        [(A, "HIVAGAB", "hiv"), (B, "HIVAGAB", "hiv"), (C, None, None)], key=str
    )
