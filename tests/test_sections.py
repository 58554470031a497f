"""Exports of several sections, each under its own title and header row (``readers.sections``):
a later section in another column order was read under the first one's header."""

from __future__ import annotations

import pyarrow as pa

from breachdesk.readers.base import Table
from breachdesk.readers.sections import Sections
from test_folder_relations import workbook
from test_generalise import A, B, C, people_in_file

FIELDS = ("locator", "family_name", "given_name", "date_of_birth", "nhs_number", "tests")
EXPECTED = [
    ("row:1", "OKAFOR", "Grace", "1962-01-12", A, "FBC"),
    ("row:5", "NOWAK", "Tomasz", "1975-11-02", B, "HBA1C"),
    ("row:6", "KOWALSKI", "Anna", "1988-03-30", C, "LFT"),
]
ROWS = [
    ["Haematology worklist"],
    ["NHS Number", "Surname", "Forename", "DOB", "Test"],
    [A, "OKAFOR", "Grace", "12/01/1962", "FBC"],
    [],
    ["Biochemistry worklist"],
    ["Surname", "Forename", "DOB", "NHS Number", "Test"],
    ["NOWAK", "Tomasz", "02/11/1975", B, "HbA1c"],
    ["KOWALSKI", "Anna", "30/03/1988", C, "LFT"],
]


def test_a_csv_of_two_sections_in_other_column_orders() -> None:
    data = "".join(",".join(row) + "\n" for row in ROWS).encode()
    kind, people = people_in_file("worklists.csv", data, FIELDS)
    assert kind == "csv"
    assert sorted(people) == EXPECTED


def test_a_worksheet_of_two_sections() -> None:
    kind, people = people_in_file("worklists.xlsx", workbook(ROWS, "Worklists"), FIELDS)
    assert kind == "xlsx"
    assert sorted(p[1:] for p in people) == sorted(p[1:] for p in EXPECTED)


def test_a_header_repeated_as_it_is_stays_a_row_of_one_table() -> None:
    header = ["NHS Number", "Surname", "Forename"]
    table = Table(header=header, columns=[[A, "NHS Number", B], ["OKAFOR", "Surname", "NOWAK"],
                                          ["Grace", "Forename", "Tomasz"]])  # fmt: skip
    assert list(Sections().split(table)) == [table]


def test_one_label_in_a_row_is_no_header() -> None:
    header = ["Surname", "Forename", "Test"]
    table = Table(header=header, columns=[["OKAFOR", "Test"], ["Grace", "x"], ["FBC", "y"]])
    assert list(Sections().split(table)) == [table]


def test_a_section_runs_on_into_the_next_chunk() -> None:
    header = ["NHS Number", "Surname"]
    first = Table(
        header=header,
        columns=[pa.array([A, "Surname", "OKAFOR"]), pa.array(["OKAFOR", "NHS Number", A])],
        first_row=1,
    )
    second = Table(header=header, columns=[pa.array(["NOWAK"]), pa.array([B])], first_row=4)
    sections = Sections()
    parts = list(sections.split(first)) + list(sections.split(second))
    assert [(t.header, t.first_row, [c.to_pylist() for c in t.columns]) for t in parts] == [
        (["NHS Number", "Surname"], 1, [[A], ["OKAFOR"]]),
        (["Surname", "NHS Number"], 3, [["OKAFOR"], [A]]),
        (["Surname", "NHS Number"], 4, [["NOWAK"], [B]]),
    ]
