"""Reports exported grouped by patient (``detect.grouped_rows``): the patient written on the
first row of their group, left blank on the rest. Each row with a test is the patient's."""

from __future__ import annotations

import pyarrow.compute as pc

from breachdesk.detect.tables import records_from_table
from breachdesk.readers.base import Table
from test_generalise import A, B, people_in_file

FIELDS = ("locator", "nhs_number", "family_name", "date_of_birth", "tests", "sensitive")


def test_rows_left_blank_under_their_patient_are_the_patients() -> None:
    data = (
        "NHS Number,Name,DOB,Test,Result\n"
        f'{A},"OKAFOR, Grace",12/01/1962,HbA1c,48\n'
        ",,,FBC,Normal\n"
        ",,,HIV antibody,Negative\n"
        f'{B},"NOWAK, Tomasz",02/11/1975,LFT,Normal\n'
        ",,,Hep C antibody,Detected\n"
    ).encode()
    people = people_in_file("grouped.csv", data, FIELDS)[1]
    assert sorted(people, key=lambda p: str(p[0])) == [
        ("row:1", A, "OKAFOR", "1962-01-12", "HBA1C", None),
        ("row:2", A, "OKAFOR", "1962-01-12", "FBC", None),
        ("row:3", A, "OKAFOR", "1962-01-12", "HIVAB", "hiv"),
        ("row:4", B, "NOWAK", "1975-11-02", "LFT", None),
        ("row:5", B, "NOWAK", "1975-11-02", "HCVAB", "hepatitis"),
    ]


def _table(*rows: list[str]) -> Table:
    header = ["NHS Number", "Surname", "Forename", "DOB", "Test"]
    return Table(header=header, columns=[list(c) for c in zip(*rows, strict=True)], first_row=1)


def test_the_mentions_say_whose_row_a_blank_row_took() -> None:
    records, mentions = records_from_table(
        _table([A, "OKAFOR", "Grace", "12/01/1962", "FBC"], ["", "", "", "", "HIV"]), 1
    )
    assert records["locator"].to_pylist() == ["row:1", "row:2"]
    grouped = mentions.filter(pc.equal(mentions["rule"], "grouped_rows")).to_pylist()
    assert [(m["record_id"], m["kind"], m["field"]) for m in grouped] == [
        ("1:row:2", "grouped_row", "row:1")
    ]


def test_only_a_blank_row_with_a_test_below_a_patient_is_theirs() -> None:
    records, _ = records_from_table(
        _table(
            ["", "", "", "", "HbA1c"],  # no patient above it: nobody's
            [A, "OKAFOR", "Grace", "12/01/1962", "FBC"],
            ["", "", "", "", ""],  # no test: nobody's
            ["", "NOWAK", "", "", "LFT"],  # says who, if not enough: not Grace's
            ["", "", "", "", "U&E"],  # below the row that said who: that row's
        ),
        1,
    )
    assert records.select(["locator", "nhs_number", "family_name"]).to_pylist() == [
        {"locator": "row:2", "nhs_number": A, "family_name": "OKAFOR"},
    ]
