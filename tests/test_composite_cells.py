"""Table cells that hold a name with its date of birth or NHS number, or both of those, as LIMS
exports and hand-kept lists write them (``detect.composite``): each row gives its person."""

from __future__ import annotations

import pyarrow as pa
import pytest

from breachdesk.detect import composite
from breachdesk.detect.tables import records_from_table
from breachdesk.readers.base import Table
from test_generalise import A, B, C, people_in_file

SPACED = {n: f"{n[:3]} {n[3:6]} {n[6:]}" for n in (A, B, C)}
FIELDS = ("family_name", "given_name", "date_of_birth", "nhs_number", "tests")


@pytest.mark.parametrize(
    ("header", "cells", "expected"),
    [
        (
            "Patient",
            ["OKAFOR, Grace (DOB 12/01/1962)", "NOWAK, Tomasz (DOB 02/11/1975)"],
            [("NOWAK", "Tomasz", "1975-11-02", None), ("OKAFOR", "Grace", "1962-01-12", None)],
        ),
        (
            "Patient Details",
            [
                f"OKAFOR Grace 12/01/1962 NHS {SPACED[A]}",
                f"NOWAK Tomasz 02/11/1975 NHS {SPACED[B]}",
            ],
            [("NOWAK", "Tomasz", "1975-11-02", B), ("OKAFOR", "Grace", "1962-01-12", A)],
        ),
        (
            "Patient",
            [f"Grace OKAFOR ({A})", f"Tomasz NOWAK ({B})"],
            [("NOWAK", "Tomasz", None, B), ("OKAFOR", "Grace", None, A)],
        ),
        (
            "Name",
            ["Mrs Zoë O'Neill-Dąbrowska b. 12 Jan 1962 (F)", "Mr Tomasz Nowak, D.O.B. 2.11.1975"],
            [
                ("O'Neill-Dąbrowska", "Zoë", "1962-01-12", None),
                ("Nowak", "Tomasz", "1975-11-02", None),
            ],
        ),
    ],
)
def test_a_name_cell_with_its_date_of_birth_or_number(
    header: str, cells: list[str], expected: list[tuple[str | None, ...]]
) -> None:
    rows = [["Sample", header, "Test"]] + [[f"S{i}", cell, "HbA1c"] for i, cell in enumerate(cells)]
    data = "\n".join(",".join(f'"{c}"' for c in row) for row in rows).encode()
    kind, people = people_in_file("worklist.csv", data, FIELDS[:4])
    assert kind == "csv"
    assert people == expected


def test_a_date_of_birth_column_that_holds_the_nhs_number_too() -> None:
    data = (
        "Lab No,Name,DOB / NHS No,Tests\n"
        f'L1,"OKAFOR, Grace","12/01/1962 / {SPACED[A]}",HIV\n'
        f'L2,"NOWAK, Tomasz","02/11/1975 / {SPACED[B]}",Hep C antibody\n'
        f'L3,"KOWALSKI, Anna","30/03/1988 / {SPACED[C]}",FBC\n'
    ).encode()
    assert people_in_file("list.csv", data, FIELDS)[1] == [
        ("KOWALSKI", "Anna", "1988-03-30", C, "FBC"),
        ("NOWAK", "Tomasz", "1975-11-02", B, "HCVAB"),
        ("OKAFOR", "Grace", "1962-01-12", A, "HIVAGAB"),
    ]


def _table(header: list[str], *columns: list[str | None]) -> Table:
    return Table(header=header, columns=[list(c) for c in columns], first_row=1)


def test_the_mentions_say_what_a_composite_cell_held_and_where() -> None:
    table = _table(
        ["Patient", "Test"],
        ["OKAFOR, Grace (DOB 12/01/1962)", f"Tomasz NOWAK ({B})", "KOWALSKI, Anna"],
        ["HBA1C", "FBC", "FBC"],
    )
    records, mentions = records_from_table(table, 7)
    assert records.column("locator").to_pylist() == ["row:1", "row:2"]  # Anna: a name alone
    found = sorted(
        (m["locator"], m["kind"], m["field"], m["rule"])
        for m in mentions.to_pylist()
        if m["rule"] == "composite_cell"
    )
    assert found == [
        ("row:1", "date_of_birth", "Patient", "composite_cell"),
        ("row:2", "nhs_number", "Patient", "composite_cell"),
    ]


def test_plain_columns_are_left_as_they_were() -> None:
    # A digit in a name by a typing slip, a date of birth written "unknown": nothing to read in
    # either, and the cells stay what they were.
    assert composite.split(pa.array(["Grace 0kafor", "NOWAK, Tomasz"]), "full_name") is None
    parsed = pa.array([None, None], pa.string())
    assert composite.split(pa.array(["unknown", "not given"]), "date_of_birth", parsed) is None
    assert composite.split(pa.array(["OKAFOR, Grace"]), "full_name") is None
    # A column of plain names with one composite cell: the plain cells come back unchanged.
    found = composite.split(pa.array(["NOWAK, Tomasz", f"OKAFOR, Grace {A}", None]), "full_name")
    assert found is not None
    assert found["full_name"].to_pylist() == ["NOWAK, Tomasz", "OKAFOR, Grace", None]
    assert found["nhs_number"].to_pylist() == [None, A, None]
    assert "date_of_birth" not in found


def test_no_future_date_is_a_date_of_birth_and_no_residue_that_is_not_a_name_a_name() -> None:
    found = composite.split(pa.array(["OKAFOR, Grace 12/01/2099", f"{A} 4 x HbA1c"]), "full_name")
    assert found is not None
    assert found["nhs_number"].to_pylist() == [None, A]
    assert "date_of_birth" not in found
    # (the first cell kept as written: it held nothing read; the second held no name)
    assert found["full_name"].to_pylist() == ["OKAFOR, Grace 12/01/2099", None]


def test_a_date_of_birth_columns_cells_are_mentioned_once_each() -> None:
    table = _table(
        ["Name", "DOB / NHS No", "Test"],
        ["OKAFOR, Grace", "NOWAK, Tomasz", "KOWALSKI, Anna"],
        [f"12/01/1962 / {SPACED[A]}", f"02/11/1975 / {SPACED[B]}", f"30/03/1988 / {SPACED[C]}"],
        ["HBA1C", "FBC", "FBC"],
    )
    records, mentions = records_from_table(table, 7)
    assert records.num_rows == 3
    found = sorted((m["kind"], m["rule"]) for m in mentions.to_pylist() if m["locator"] == "row:1")
    assert found == [
        ("date_of_birth", "header_or_values"),
        ("full_name", "header_or_values"),
        ("nhs_number", "composite_cell"),
        ("test", "header_or_values"),
    ]


def test_a_long_name_keeps_its_words() -> None:
    cell = "Mrs Grace Mary Adaeze Chiamaka van Okafor (DOB 12/01/1962)"
    found = composite.split(pa.array([cell, "NOWAK, Tomasz"]), "full_name")
    assert found is not None
    assert found["full_name"].to_pylist() == [
        "Mrs Grace Mary Adaeze Chiamaka van Okafor",
        "NOWAK, Tomasz",
    ]
    assert found["date_of_birth"].to_pylist() == ["1962-01-12", None]


def test_a_date_of_death_or_collection_in_a_name_cell_is_not_the_date_of_birth() -> None:
    data = (
        "Lab No,Patient,NHS No,Test\n"
        f'L1,"OKAFOR, Grace (dec\'d 12/01/2020)",{A},HIV\n'
        f'L2,"NOWAK, Tomasz (DOD: 02/11/2021)",{B},FBC\n'
        f'L3,"KOWALSKI, Anna coll. 30/03/2024",{C},FBC\n'
    ).encode()
    assert people_in_file("deaths.csv", data, FIELDS[:4])[1] == [
        ("KOWALSKI", "Anna", None, C),
        ("NOWAK", "Tomasz", None, B),
        ("OKAFOR", "Grace", None, A),
    ]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("OKAFOR, Grace (dec'd 12/01/2020)", ("OKAFOR, Grace", None, None)),
        ("OKAFOR, Grace (DOB 12/01/1962) died 03/04/2020", ("OKAFOR, Grace", "1962-01-12", None)),
        ("Grace Okafor, adm. 03/04/2020, born 12/01/1962", ("Grace Okafor", "1962-01-12", None)),
        ("Dee Seen 12/01/1962", ("Dee Seen", "1962-01-12", None)),
    ],
)
def test_a_cell_reads_its_other_dates_as_not_the_birth(
    cell: str, expected: tuple[str | None, ...]
) -> None:
    assert composite._read(cell) == expected
