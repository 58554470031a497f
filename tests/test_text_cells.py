"""People written inside a table's free-text cells (``detect.text_cells``): a comments column, a
message archive's HL7 column, an application's JSON payload column. Column typing reads such a
column as nothing, so each such table named no one before."""

from __future__ import annotations

import pyarrow as pa
import pytest

from breachdesk.detect import text_cells
from breachdesk.detect.tables import records_from_table
from breachdesk.readers.base import Table
from test_generalise import A, B, C, people_in_file

FIELDS = ("locator", "family_name", "given_name", "date_of_birth", "nhs_number", "tests")


def test_a_comments_column_gives_the_people_it_names_at_their_rows() -> None:
    data = (
        "Lab No,Received,Comments\n"
        'L1,01/05/2024,"Pt Grace Okafor DOB 12/01/1962 rang re HIV result, advised GP"\n'
        "L2,01/05/2024,Haemolysed - repeat requested\n"
        f'L3,02/05/2024,"Mr Tomasz Nowak (NHS {B[:3]} {B[3:6]} {B[6:]}) HbA1c repeated"\n'
    ).encode()
    kind, people = people_in_file("comments.csv", data, FIELDS)
    assert kind == "csv"
    assert people == [
        ("row:1", "Okafor", "Grace", "1962-01-12", None, "HIVAGAB"),
        ("row:3", "Nowak", "Tomasz", None, B, "HBA1C"),
    ]


def test_a_json_payload_column_gives_its_people() -> None:
    data = (
        "id,created,payload\n"
        '1,2024-05-01,"{""name"":""Grace Okafor"",""dob"":""1962-01-12"",""nhs"":""'
        + A
        + '"",""test"":""HbA1c""}"\n'
        '2,2024-05-01,"{""name"":""Tomasz Nowak"",""dob"":""1975-11-02"",""test"":""FBC""}"\n'
    ).encode()
    assert people_in_file("events.csv", data, FIELDS)[1] == [
        ("row:1", "Okafor", "Grace", "1962-01-12", A, "HBA1C"),
        ("row:2", "Nowak", "Tomasz", "1975-11-02", None, "FBC"),
    ]


def _message(control: str, nhs: str, name: str, born: str, test: str) -> str:
    return (
        f"MSH|^~\\\\&|LIMS|RJ1|GP|F83001|202405011000||ORU^R01|{control}|P|2.4\\r"
        f"PID|1||{nhs}^^^NHS^NH||{name}||{born}\\r"
        f"OBR|1|||{test}\\rOBX|1|ST|{test}||Negative"
    )


def test_an_interface_engines_message_table_gives_each_messages_patient() -> None:
    rows = [
        ("M1", A, "OKAFOR^Grace", "19620112", "HIV^HIV antibody"),
        ("M2", C, "KOWALSKI^Anna", "19880330", "HBA1C^HbA1c"),
    ]
    values = ",\n".join(
        f"({i}, '2024-05-01 10:0{i}:00', '{_message(*row)}')" for i, row in enumerate(rows, 1)
    )
    data = (
        "CREATE TABLE message_store (id integer, received timestamp, raw_message text);\n"
        f"INSERT INTO message_store VALUES\n{values};\n"
    ).encode()
    kind, people = people_in_file("engine.sql", data, FIELDS)
    assert kind == "sql"
    assert people == [
        # (a coded test is read by its text first: "HIV^HIV antibody" is the antibody test)
        ("table:message_store!row:1", "OKAFOR", "Grace", "1962-01-12", A, "HIVAB"),
        ("table:message_store!row:2", "KOWALSKI", "Anna", "1988-03-30", C, "HBA1C"),
    ]


def _typed(header: list[str], *columns: list[str | None]) -> Table:
    table = Table(header=header, columns=[list(c) for c in columns], first_row=1)
    records_from_table(table, 1)  # types the columns, as the scan does first
    return table


@pytest.mark.parametrize(
    ("header", "cells"),
    [
        ("Received", ["2024-05-01 10:00:00", "2024-05-01 10:05:00", "2024-05-02 09:00:00"]),
        ("Status", ["Authorised", "Pending", "Authorised"]),
        ("Flag", ["H", None, "L"]),
        ("Comments", [None, None, None]),
    ],
)
def test_a_column_of_short_values_or_none_is_no_text(header: str, cells: list[str | None]) -> None:
    table = _typed(["Lab No", header], ["L1", "L2", "L3"], cells)
    assert text_cells.text_columns(table) == []


def test_only_the_untyped_text_column_is_read() -> None:
    notes = ["Spoke to ward re repeat sample", None, "Pt Grace Okafor DOB 12/01/1962 rang"]
    table = _typed(
        ["Patient Name", "Date of Birth", "Notes"],
        ["OKAFOR, Grace", "NOWAK, Tomasz", "KOWALSKI, Anna"],
        ["12/01/1962", "02/11/1975", "30/03/1988"],
        notes,
    )
    assert text_cells.text_columns(table) == [2]
    people = text_cells.people_in_cells(table)
    assert [(p.locator, p.values["family_name"]) for p in people] == [("row:3", "Okafor")]


def test_an_arrow_column_with_nulls_and_repeats_locates_every_row() -> None:
    cell = "Pt Grace Okafor DOB 12/01/1962 rang re result"
    table = Table(
        header=["Id", "Text"],
        columns=[pa.array(["1", "2", "3", "4"]), pa.array([cell, None, "no one at all", cell])],
        first_row=5,
    )
    records_from_table(table, 1)
    people = text_cells.people_in_cells(table)
    assert [p.locator for p in people] == ["row:5", "row:8"]


def test_a_small_headerless_tables_text_cell_gives_its_person_once() -> None:
    # Its rows are read as lines of text already (``scan.stage._rows_as_text``).
    data = (
        b"L1,01/05/2024,Pt Grace Okafor DOB 12/01/1962 rang re HIV result\n"
        b"L2,01/05/2024,Haemolysed sample repeat requested\n"
    )
    assert people_in_file("calls.csv", data, FIELDS)[1] == [
        ("row:1", "Okafor", "Grace", "1962-01-12", None, "HIVAGAB"),
    ]
