"""Test names as other labs spell them: "CA-125" for "CA 125", "Ab/Ag" for "Ag/Ab", a bare "HIV"
on a request; in table cells and in free text alike."""

from __future__ import annotations

import pytest

from breachdesk import catalogue
from breachdesk.detect import lab_tests


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("CA 125", ("CA 125", "CA125", "CA-125")),
        ("HIV-1 p24", ("HIV-1 p24", "HIV1 p24", "HIV 1 p24")),
        ("CA19-9", ("CA19-9", "CA 19-9", "CA-19-9")),
        (
            "HIV 1+2 Ag/Ab",
            (
                "HIV 1+2 Ag/Ab",
                "HIV1+2 Ag/Ab",
                "HIV-1+2 Ag/Ab",
                "HIV 1+2 Ab/Ag",
                "HIV1+2 Ab/Ag",
                "HIV-1+2 Ab/Ag",
            ),
        ),
        ("B12", ("B12",)),  # too short to vary: "B 12" is everywhere
        ("HbA1c", ("HbA1c",)),  # not a capitals code before its number
        ("HIV 4th generation", ("HIV 4th generation",)),  # "4th" is not a number on its own
        ("Day 21 progesterone", ("Day 21 progesterone",)),  # a word, not a code
    ],
)
def test_spellings(term: str, expected: tuple[str, ...]) -> None:
    assert catalogue.spellings(term) == expected


def test_spellings_never_move_a_name_to_another_test() -> None:
    plain: dict[str, str] = {}
    for test in catalogue.load():
        for term in test.all_names:
            plain.setdefault(catalogue.term_key(term), test.code)
    index = catalogue.by_term()
    assert {key: index[key].code for key in plain} == plain
    assert len(index) > len(plain)


@pytest.mark.parametrize(
    ("cell", "codes"),
    [
        ("HIV 1+2 Ab/Ag", ["HIVAGAB"]),
        ("HIV", ["HIVAGAB"]),
        ("Hep C", ["HCVAB"]),
        ("Hepatitis B", ["HBSAG"]),
        ("HPV", ["HRHPV"]),
        ("CA-125, PSA", ["CA125", "PSA"]),
        ("HIV1 antibody", ["HIVAB"]),
        ("Cystic fibrosis genetics", ["CFTR"]),
    ],
)
def test_cells(cell: str, codes: list[str]) -> None:
    assert lab_tests.lookup(cell) == codes


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Requested: PSA, CA-125, FBC.", ["PSA", "CA125", "FBC"]),
        ("Her HIV 1+2 Ab/Ag screen was reactive", ["HIVAGAB"]),
        ("Known HIV, on treatment; HCV negative", ["HIVAGAB", "HCVAB"]),
        ("seen in the hiv clinic", []),  # a bare three-letter code counts only in capitals
    ],
)
def test_free_text(text: str, codes: list[str]) -> None:
    assert [m.value for m in lab_tests.detect(text) if m.kind == "test"] == codes
