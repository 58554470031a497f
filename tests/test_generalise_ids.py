"""Identifiers in other systems' habits: a patient key that is the NHS number ("Patient ID",
"Patient ID (NHS)") beside a real hospital number that stays one; a name with a possessive
("Mrs Grace Okafor's results"); a number straight after its label ("NHS_NUMBER:4557660932").
Each file must give exactly its people through the scan stage's per-file call."""

from __future__ import annotations

import pyarrow as pa
import pytest

from breachdesk.detect import names, nhs_number
from breachdesk.detect.columns import type_columns
from breachdesk.detect.text import people_in_text
from test_generalise import A, B, C, people_in_file


def test_nhs_numbers_under_a_patient_id_header_are_nhs_numbers() -> None:
    # A GP system's export keys its patients by NHS number; there is no name or date of birth,
    # so read as hospital numbers these rows named no one.
    data = (
        "Patient ID,Sample Date,Test,Result\n"
        f"{A},01/05/2024,HIV antibody,Negative\n"
        f"{B[:3]} {B[3:6]} {B[6:]},01/05/2024,HbA1c,48\n"
        f"{C},02/05/2024,FBC,Normal\n"
    ).encode()
    fields = ("nhs_number", "hospital_number", "tests", "sensitive")
    assert people_in_file("gp_export.csv", data, fields)[1] == [
        (C, None, "FBC", None),
        (B, None, "HBA1C", None),
        (A, None, "HIVAB", "hiv"),
    ]


@pytest.mark.parametrize(
    ("cells", "kind"),
    [
        ([A, B, C, A], "nhs_number"),
        ([A, B, C, A, "H1234567"], "nhs_number"),  # four in five are NHS numbers
        ([A, "H1234567", "K7654321", "L1234567"], "hospital_number"),
        (["1234567890", "2345678901", "3456789012", "4567890123"], "hospital_number"),
        (["H1234567", "K7654321", "L1234567", "M7654321"], "hospital_number"),
    ],
)
def test_a_patient_id_column_is_nhs_numbers_only_when_its_cells_are(
    cells: list[str], kind: str
) -> None:
    assert type_columns(["Patient ID"], [pa.array(cells)]) == [kind]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mrs Grace Okafor's results (DOB 12/01/1962)", [("Okafor", "Grace")]),
        ("Mr Tomasz Nowak's PSA (DOB 02/11/1975) came back raised", [("Nowak", "Tomasz")]),
        # A title and a family name only: no given name, and "PSA" is none
        ("Mr Nowak's PSA (DOB 02/11/1975) came back raised", []),
    ],
)
def test_a_possessive_ends_a_name(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(m.value, m.extra) for m in names.detect(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"NHS_NUMBER:{A} DOB=19620112", [A]),
        (f"nhs number:{B}", [B]),
        (f"10:{A}", []),  # after a time's colon: no label says it is a number
    ],
)
def test_a_number_straight_after_a_number_label(text: str, expected: list[str]) -> None:
    found = [m.value for m in nhs_number.detect(text) if m.kind == "nhs_number"]
    assert found == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Patient Grace Okafor (12/01/1962) seen; HbA1c 48", [("Okafor", "Grace", "1962-01-12")]),
        ("Okafor Grace, 12/01/1962 - repeat FBC", [("Okafor", "Grace", "1962-01-12")]),
        ("Amelia Hughes 03/04/1955 rang re results", [("Hughes", "Amelia", "1955-04-03")]),
        # Words with capitals before a date that the name lists do not know as a given name
        # and a family name
        ("Ward Round 12/01/2024 - 14 samples", []),
        ("Sample Received 30/05/2024 at reception", []),
        ("May Day 06/05/2024: lab closed", []),
        ("Charing Cross 12/01/2024 courier late", []),
        ("Lab Manager 12/01/2024 approved", []),
    ],
)
def test_a_name_with_capitals_only_before_a_date(
    text: str, expected: list[tuple[str, str, str]]
) -> None:
    people = people_in_text(text, "line:1")
    found = [
        (p.values["family_name"], p.values["given_name"], p.values["date_of_birth"]) for p in people
    ]
    assert found == expected


def test_a_relative_named_in_the_row_is_not_the_patient() -> None:
    # The next of kin's name before the patient's; a mother's NHS number beside her baby's
    data = (
        "Next of kin,Patient Name,DOB,Mother's NHS Number,Test\n"
        f'"OKAFOR, Ada","OKAFOR, Grace",12/01/2024,{A},Newborn blood spot\n'
        f'"NOWAK, Ewa","NOWAK, Tomasz",02/11/2023,{B},Newborn blood spot\n'
    ).encode()
    fields = ("family_name", "given_name", "date_of_birth", "nhs_number")
    assert people_in_file("screening.csv", data, fields)[1] == [
        ("NOWAK", "Tomasz", "2023-11-02", None),
        ("OKAFOR", "Grace", "2024-01-12", None),
    ]
