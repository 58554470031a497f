"""A list exported a page at a time repeats its header over each page's rows: the repeats are
no one (read as rows, each was a person named "Patient Name" with hospital number "Hosp No")."""

from __future__ import annotations

import io

import pyarrow as pa
import xlsxwriter

from breachdesk.readers.table_edges import without_header_rows
from test_generalise import people_in_file

N1, N2, N3 = "4319390717", "4795429162", "4730452100"
FIELDS = ("family_name", "given_name", "date_of_birth", "nhs_number", "hospital_number")
HEADER = ["Session", "Patient Name", "Hosp No", "NHS Number", "DOB", "Procedure"]
ROWS = [
    ["AM", "OKAFOR Grace", "RX1234567", N1, "03/04/1961", "Lap chole"],
    ["AM", "PATEL Ravi", "RX2345678", N2, "22/11/1978", "TURP"],
    HEADER,
    ["PM", "WHITTAKER Joan", "RX3456789", N3, "17/02/1945", "Hip hemiarthroplasty"],
    [" session", "PATIENT NAME ", "", "", "", ""],  # the label's case and spaces may differ
]
PEOPLE = [
    ("OKAFOR", "Grace", "1961-04-03", N1, "RX1234567"),
    ("PATEL", "Ravi", "1978-11-22", N2, "RX2345678"),
    ("WHITTAKER", "Joan", "1945-02-17", N3, "RX3456789"),
]


def test_a_csv_list_s_repeated_header_is_no_person() -> None:
    text = "Theatre List - Main Theatres - 30/05/2024\n" + "\n".join(
        ",".join(row) for row in [HEADER, *ROWS]
    )
    assert people_in_file("theatre.csv", text.encode(), FIELDS) == ("csv", PEOPLE)


def test_a_workbook_s_repeated_header_is_no_person() -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("List")
    for at, row in enumerate([HEADER, *ROWS]):
        sheet.write_row(at, 0, row)
    book.close()
    assert people_in_file("theatre.xlsx", buffer.getvalue(), FIELDS) == ("xlsx", PEOPLE)


def test_only_rows_of_labels_are_blanked() -> None:
    header = ["Name", "Result", "Comment"]
    cells = [["Name", "SMITH", "Name"], ["Result", "Result", ""], ["", "", "see name"]]
    out = without_header_rows(header, cells)
    # Row 0 repeats the header; row 1 holds a result named "Result" beside a real name; row 2
    # has one label and a comment: kept.
    assert [column.to_pylist() for column in out] == [
        [None, "SMITH", "Name"],
        [None, "Result", ""],
        [None, "", "see name"],
    ]
    plain = [pa.array(["A", "B"]), pa.array(["1", "2"])]
    assert without_header_rows(["Name", "Result"], plain) == plain
