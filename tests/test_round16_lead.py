"""Sixteenth round, the lead's fixes: a full-name column's header saying which name comes first
(``name_columns.header_order``); LIMS codes for common tests in the catalogue; a sexual health
screen's "CT" and "NG" read before their result."""

from __future__ import annotations

import random

import pytest

from breachdesk.detect import lab_tests
from breachdesk.detect.name_columns import header_order
from breachdesk.nhs import generate
from test_generalise import people_in_file

_RNG = random.Random(1616)
N1, N2, N3 = (generate(_RNG) for _ in range(3))
FIELDS = ("family_name", "given_name", "date_of_birth", "nhs_number")


@pytest.mark.parametrize(
    ("header", "order"),
    [
        ("Name (Last First)", True),
        ("Patient Name (Surname, Forename)", True),
        ("Surname Forenames", True),
        ("FamilyName_GivenName", True),
        ("Name (First Last)", False),
        ("Forename Surname", False),
        ("first name last name", False),
        ("Name", None),
        ("Patient Surname", None),
        ("First surname", None),  # a Spanish name's first family name, not a given name
    ],
)
def test_header_says_which_name_comes_first(header: str, order: bool | None) -> None:
    from breachdesk.detect.columns import fold

    assert header_order(fold(header).split()) is order


def _csv(header: str, names: list[str]) -> bytes:
    rows = [f"{header},DOB,NHS Number"]
    births = ("12/03/1971", "02/11/1939", "01/01/1960")
    for name, born, nhs in zip(names, births, (N1, N2, N3), strict=True):
        rows.append(f"{name},{born},{nhs}")
    return ("\n".join(rows) + "\n").encode()


EXPECTED = [
    ("Brightwell", "Harold", "1939-11-02", N2),
    ("Okonjo", "Adaeze", "1971-03-12", N1),
    ("Öztürk", "Elif", "1960-01-01", N3),
]


@pytest.mark.parametrize(
    ("header", "names"),
    [
        # The name lists cannot tell "Okonjo Adaeze" apart: the header does.
        ("Patient Name (Surname Forename)", ["Okonjo Adaeze", "Brightwell Harold", "Öztürk Elif"]),
        ("Name (First Last)", ["Adaeze Okonjo", "Harold Brightwell", "Elif Öztürk"]),
        # A header naming one part or neither leaves the cells to say (the lists: given first).
        ("Patient Name", ["Adaeze Okonjo", "Harold Brightwell", "Elif Öztürk"]),
    ],
)
def test_full_names_read_in_the_order_their_header_gives(header: str, names: list[str]) -> None:
    assert people_in_file("list.csv", _csv(header, names), FIELDS) == ("csv", EXPECTED)
    # The same without a diacritic (the column read a distinct cell at a time in Python).
    plain = [name.replace("Öztürk", "Ozturk") for name in names]
    expected = [row if row[0] != "Öztürk" else ("Ozturk", *row[1:]) for row in EXPECTED]
    found = people_in_file("list.csv", _csv(header, plain), FIELDS)
    assert found == ("csv", sorted(expected, key=str))


@pytest.mark.parametrize(
    ("code", "test"),
    [
        ("CHLA", "CHLAM"),
        ("MAGN", "MAG"),
        ("URIC", "URATE"),
        ("LIPA", "LIPASE"),
        ("CORCA", "ADJCA"),
        ("ADJCAL", "ADJCA"),
        ("TRANSF", "TRF"),
        ("HIVAG", "HIVP24"),
        ("HBELEC", "HBOP"),
        ("BCULT", "BCUL"),
        ("PROL", "PRL"),
    ],
)
def test_lims_codes_in_a_test_column(code: str, test: str) -> None:
    assert lab_tests.lookup(code) == [test]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("CT NOT DETECTED  NG NOT DETECTED", [
            ("test", "CHLAM", "CT"), ("test_result", "CHLAM", "NOT DETECTED"),
            ("test", "GC", "NG"), ("test_result", "GC", "NOT DETECTED"),
        ]),
        ("NAAT: CT: Detected", [("test", "CHLAM", "CT"), ("test_result", "CHLAM", "Detected")]),
        # One test of both, not a gonorrhoea test besides.
        ("CT/NG NOT DETECTED", [
            ("test", "CTNG", "CT/NG"), ("test_result", "CTNG", "NOT DETECTED"),
        ]),
        # A scan, a nasogastric tube, a note's "transferred": no test.
        ("CT head: no bleed detected", []),
        ("NG tube placed, position confirmed on x-ray", []),
        ("transf to ICU overnight", []),
        # Lowered LIMS codes in prose are words ("prol", "lipa"): capitals only.
        ("LIPA 45 IU/L, PROL 310", [
            ("test", "LIPASE", "LIPA"), ("test_result", "LIPASE", "45"),
            ("test", "PRL", "PROL"), ("test_result", "PRL", "310"),
        ]),
        ("Dua Lipa and prol. labour", []),
    ],
)  # fmt: skip
def test_sexual_health_shorthand_in_text(text: str, found: list[tuple[str, str, str]]) -> None:
    assert [(m.kind, m.value, text[m.start : m.end]) for m in lab_tests.detect(text)] == found
