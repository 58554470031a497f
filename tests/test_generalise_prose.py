"""Prose in other systems' habits (a ninth round): a sex between a name and its date of birth, a
month written as a word, a form's labels without colons, glued test codes and shorthand results.
Each text must give exactly its people and facts."""

from __future__ import annotations

import pytest

from breachdesk.detect import lab_tests
from breachdesk.detect.text import people_in_text
from test_generalise import A


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
