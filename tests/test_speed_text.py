"""The text path's speed-ups give what the forms they replace give.

Each reordered regex is compared with its plain form, and each batched call with the calls one
at a time it replaces, on texts built from pieces that hit and nearly miss them.
"""

from __future__ import annotations

import random
import re

import pytest

from breachdesk.detect import names, nhs_number, ocr_digits, prose_owners, text

_U, _L = names.UPPER, names.LOWER
_PLAIN_TITLE = rf"(?<![\w'’\-])[{_U}]{names._INNER_CAPITAL}(?:-[{_U}][{_L}]{{1,30}})?"
_PLAIN_CAPS = rf"(?<![\w'’\-])[{_U}]{{2,30}}(?:['’\-][{_U}]{{2,30}})?"
_AHEAD = names._DATE_AHEAD
# The given-and-family-name-before-a-date rules as they were written before their fast forms.
PLAIN = {
    "given_caps": re.compile(
        rf"(?P<a>{_PLAIN_TITLE})(?P<sep>[ ]+)(?P<b>{names._CAPS_WORD}){_AHEAD}"
    ),
    "caps_given": re.compile(
        rf"(?P<a>{_PLAIN_CAPS})(?P<sep>[ ]+)(?P<b>{names._TITLE_WORD}){_AHEAD}"
    ),
    "title_title": re.compile(
        rf"(?P<a>{_PLAIN_TITLE})(?P<sep>[ ]*,[ ]*|[ ]+)(?P<b>{names._TITLE_WORD}){_AHEAD}"
    ),
    "caps_caps": re.compile(
        rf"(?P<a>{_PLAIN_CAPS})(?P<sep>[ ]*,[ ]*|[ ]+)(?P<b>{names._CAPS_WORD}){_AHEAD}"
    ),
}
FAST = {
    "given_caps": names._GIVEN_CAPS,
    "caps_given": names._CAPS_GIVEN,
    "title_title": names._TITLE_TITLE,
    "caps_caps": names._CAPS_CAPS,
}

PIECES = [
    "Grace OKAFOR 12/01/1962",
    "OKAFOR Grace 12/01/1962",
    "Grace Okafor 12/01/1962",
    "Callum MacLeod 19/11/1965",
    "Gareth O'Neill 09/09/1977",
    "OKAFOR, GRACE 12.01.1962",
    "OKAFOR GRACE F 12-01-62",
    "Okafor, Grace (F) 12-Jan-1962",
    "WOODCOCK Ethel 4570492363",
    "WOZNIAK Grzegorz MRN R4481029",
    "Mary-Jane O'BRIEN 3/4/61",
    "O'BRIEN Mary-Jane hosp no 1234",
    "ÖZTÜRK Çağla 01/02/1990",
    "Zoë ÅSTRÖM 1 Mar 1980",
    "x",
    "'",
    "-",
    "’",
    "_",
    "9",
    "é",
    "A",
    "AB",
    " ",
    "  ",
    ", ",
    "\n",
    "Sample RECEIVED 30/05/2024",
    "Ward Round 12/01/2024",
    "G OKAFOR 12/01/1962",
    "Grace OKAFOR",
    "12/01/1962",
    "OKAFOR",
    "Grace",
    "dob 12/01/1962",
]


def _texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12))) for _ in range(count)]


TEXTS = _texts(3000, 20261201)


def _found(matches: object) -> list[tuple[object, ...]]:
    return [(m.span(), m.groups(), m.groupdict()) for m in matches]  # type: ignore[attr-defined]


@pytest.mark.parametrize("rule", sorted(PLAIN))
def test_name_before_date_rules_match_their_plain_forms(rule: str) -> None:
    plain, fast = PLAIN[rule], FAST[rule]
    hits = 0
    for sample in TEXTS:
        expected = _found(plain.finditer(sample))
        hits += len(expected)
        assert _found(fast.finditer(sample)) == expected, sample
    assert hits > 100


_OCR_PIECES = ["424O755395", "23/1l/1963", "SpO2", "CO2", "l2", "2I", "O", "1", "o", " ", "x"]
_OCR_PIECES += ["dob ", "\n", "é", "4", "I", "l", "0", "T1DM", "9434765919"]


def test_ocr_gate_passes_every_text_with_a_mix() -> None:
    rng = random.Random(7)
    mixed = 0
    for _ in range(3000):
        sample = "".join(rng.choice(_OCR_PIECES) for _ in range(rng.randint(1, 10)))
        if ocr_digits._ANY_MIX.search(sample) is None:
            assert not re.search(r"[0-9][OolI]|[OolI][0-9]", sample), sample
        else:
            mixed += 1
    assert mixed > 500


_LINE_PIECES = [
    "NHS 943 476 5919",
    "nhs: 9434765919",
    "a/c 9434765919",
    "tel 9434765919",
    "NHS No 4347 635 311",
    "455.766.0932",
    "NHS No......4557660932",
    "NHS: 477/039/7542",
    "1234567890",
    "4010232137",
    "x",
    " ",
    "nhs",
    ".",
    "..",
    ":",
    "/",
    "-",
    "9",
    "é",
    "٣",
]


@pytest.mark.parametrize("digits", ["ascii", "any"])
def test_valid_numbers_of_lines_joined_match_each_line_alone(digits: str) -> None:
    # (A non-ASCII digit anywhere leaves the prefilter without a verdict: every digit is tried.)
    pieces = _LINE_PIECES if digits == "any" else [p for p in _LINE_PIECES if p != "٣"]
    rng = random.Random(11)
    lines = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 6))) for _ in range(2000)]
    indices = sorted(rng.sample(range(len(lines)), 1200))
    expected = {
        index
        for index in indices
        if any(m.kind == "nhs_number" for m in nhs_number.detect(lines[index]))
    }
    assert len(expected) > 100
    assert text._with_valid_numbers(lines, indices) == expected


_SPLIT_DOB_PLAIN = re.compile(
    r"\b(?i:dob|d\.o\.b\.?|date[ \t]of[ \t]birth|born)[ \t]{0,3}[:\-]?[ \t]{0,3}"
    r"(\d{1,2})[/.\-][ \t]{0,3}\r?\n[ \t>]{0,8}(\d{1,2})[/.\-](\d{4})(?!\d)"
)
_DOB_PIECES = ["DOB: 13/", "dob 1.", "D.O.B. 2-", "d.o.b 30/", "Date of birth:", "born ", "BORN 4/"]
_DOB_PIECES += ["xdob 1/", "_born 3/", "Born:", "\n", "\r\n", "  > ", "06/1955", "6.1955", "12"]
_DOB_PIECES += ["x", " ", "é", "Dob", "bOrN", "date\tof birth 7/", "D.o.B. ", "/", "-", "19555"]
_DOB_PIECES += [
    "DOB: 13/\n06/1955",
    "born 3.\r\n  > 4.1960",
    "xD.O.B 1-\n2-1970",
    "Dob 1/ \n1/19601",
]


def test_split_birth_date_rule_matches_its_plain_form() -> None:
    rng = random.Random(3)
    hits = 0
    for _ in range(4000):
        sample = "".join(rng.choice(_DOB_PIECES) for _ in range(rng.randint(1, 10)))
        expected = _found(_SPLIT_DOB_PLAIN.finditer(sample))
        hits += len(expected)
        assert _found(prose_owners._SPLIT_DOB.finditer(sample)) == expected, sample
    assert hits > 100
