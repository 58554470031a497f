"""Tables in other systems' habits (a ninth round): a date of birth kept in three columns."""

from __future__ import annotations

import pyarrow as pa
import pytest

from breachdesk.detect.columns import type_columns
from test_generalise import people_in_file

FIELDS = ("family_name", "given_name", "date_of_birth")


@pytest.mark.parametrize(
    "header",
    [
        "Surname,Forename,DOB Day,DOB Month,DOB Year,Test",
        "Surname,Forename,Day of birth,Month of birth,Year of birth,Test",
        "Surname,Forename,dob_dd,dob_mm,dob_yyyy,Test",
    ],
)
def test_a_date_of_birth_in_three_columns(header: str) -> None:
    data = (
        f"{header}\nOKAFOR,Grace,12,01,1962,HIV antibody\n"
        "NOWAK,Tomasz,2,Nov,1975,HbA1c\nKOWALSKI,Anna,30,3,1988,FBC\n"
    ).encode()
    assert people_in_file("births.csv", data, FIELDS)[1] == [
        ("KOWALSKI", "Anna", "1988-03-30"),
        ("NOWAK", "Tomasz", "1975-11-02"),
        ("OKAFOR", "Grace", "1962-01-12"),
    ]


def test_two_parts_of_a_date_of_birth_are_no_date() -> None:
    header = ["Surname", "Birth Month", "Birth Year"]
    cells = [pa.array(["OKAFOR"] * 3), pa.array(["1"] * 3), pa.array(["1962"] * 3)]
    assert type_columns(header, cells) == ["family_name", None, None]
