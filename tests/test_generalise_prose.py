"""Prose in other systems' habits (a ninth round): a sex between a name and its date of birth, a
month written as a word, a form's labels without colons, glued test codes and shorthand results.
Each text must give exactly its people and facts."""

from __future__ import annotations

import pytest

from breachdesk.detect import lab_tests
from breachdesk.detect.text import people_in_text
from test_generalise import A, people_in_file


def _people(text: str) -> list[tuple[str | None, ...]]:
    return [
        (
            p.values.get("family_name"),
            p.values.get("given_name"),
            p.values.get("date_of_birth"),
            p.values.get("nhs_number"),
        )
        for p in people_in_text(text, "line:1")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"OKAFOR GRACE F 12.01.1962 {A} HIV1/2 AG/AB NEG",
            [("OKAFOR", "GRACE", "1962-01-12", A)],
        ),
        (
            "Patient details: Okafor, Grace (F) 12-Jan-1962",
            [("Okafor", "Grace", "1962-01-12", None)],
        ),
        ("Grace OKAFOR (F), 12 January 1962", [("OKAFOR", "Grace", "1962-01-12", None)]),
        # A form's labels without colons are no name: the person is their NHS number
        (f"Surname OKAFOR Forename GRACE DOB 12011962 NHS {A} Sex F", [(None, None, None, A)]),
        # The lists know both words, but a comma puts the given name first: not so written
        ("Grace, Okafor 12/01/1962", []),
    ],
)
def test_names_before_their_date_of_birth(
    text: str, expected: list[tuple[str | None, ...]]
) -> None:
    assert _people(text) == expected


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("HIV1/2 AG/AB NEG", [("test", "HIVAGAB"), ("test_result", "HIVAGAB")]),
        ("HIV1/2 Ab: pos", [("test", "HIVAB"), ("test_result", "HIVAB")]),
        ("HIV position paper", [("test", "HIVAGAB")]),  # "pos" only as a word
    ],
)
def test_glued_codes_and_shorthand_results(text: str, found: list[tuple[str, str]]) -> None:
    assert [(m.kind, m.value) for m in lab_tests.detect(text)] == found


@pytest.mark.parametrize(
    "relative",
    [
        "Mother: Mrs Anna Nowak, DOB 14/05/1950",
        "Mother's name: Anna Nowak  DOB: 14/05/1950",
        "Next of kin: Mr Piotr Nowak (father), born 01/02/1948",
        "NOK - Anna NOWAK 14/05/1950",
    ],
)
def test_a_relative_named_on_a_form_is_not_the_patient(relative: str) -> None:
    # Before, the relative was a person of their own and took the patient's hospital number
    # and test with them.
    form = (
        "Request form\nName: Tomasz Nowak\nDate of birth: 02/11/1975\n"
        f"Hospital No: RX7654321\n{relative}\nSample: Hep C antibody\n"
    )
    found = [
        (
            p.values.get("given_name"),
            p.values.get("date_of_birth"),
            p.values.get("hospital_number"),
            p.tests,
        )
        for p in people_in_text(form, "line:1")
    ]
    assert found == [("Tomasz", "1975-11-02", "RX7654321", ["HCVAB"])]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("note.txt", "Patient: Grace Okafor  Hosp No: RX1234567\nHIV 1+2 Ab/Ag reactive\n"),
        (
            "results.log",
            "2024-05-30 10:00:01 INFO result posted patient=Grace Okafor mrn=RX1234567"
            " test=HIV 1+2 Ab/Ag value=Reactive\n"
            "2024-05-30 10:00:02 INFO heartbeat ok\n",
        ),
    ],
)
def test_a_name_with_a_hospital_number_and_no_birth_date_is_a_patient(name: str, text: str) -> None:
    # Before: no NHS number and no date of birth, so no one (the hospital number's label was
    # even read as the family name, "Grace Okafor Hosp").
    fields = ("family_name", "given_name", "hospital_number", "tests", "sensitive")
    assert people_in_file(name, text.encode(), fields)[1] == [
        ("Okafor", "Grace", "RX1234567", "HIVAGAB", "hiv")
    ]


def test_a_hospital_number_label_is_no_name_and_ward_is_a_family_name() -> None:
    # (Ward, Unit: family names too, "WARD, Neil"; "Hosp" after a name is the next label, not
    # a third word of the name: "Grace Okafor Hosp" made "Hosp" the family name.)
    assert _people("WARD, Neil  DOB 23/08/1952  Unit No 1234567") == [
        ("WARD", "Neil", "1952-08-23", None)
    ]
    assert _people("Patient: Grace Okafor  Hosp No: RX1234567  DOB 12/01/1962") == [
        ("Okafor", "Grace", "1962-01-12", None)
    ]
