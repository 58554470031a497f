"""The free-text detectors' fast paths find exactly what their plain forms find.

Each fast path (a regex reordered so ``re`` can skip ahead, a regex tried only where Hyperscan
says a match can start, an end-anchored search read backwards) is compared with the plain form
it replaces on texts built from pieces that hit and nearly miss every rule.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
import re
from collections.abc import Iterable

import pytest

from breachdesk.detect import (
    address,
    dates,
    dob_label,
    hl7_in_text,
    hospital,
    lab_tests,
    name_context,
    names,
    nhs_number,
    ods,
    postcode,
    prefilter,
)
from breachdesk.detect.grouping import _nearest

needs_hyperscan = pytest.mark.skipif(
    importlib.util.find_spec("hyperscan") is None, reason="hyperscan not installed"
)

_TOKEN = r"[^\W\d_](?:[^\W\d_]|['’\-](?=[^\W\d_]))*"
_SP = r"[^\S\n]"
_FAMILY = rf"(?:{names._PARTICLE}{_SP}+){{0,3}}{_TOKEN}"
# The rules as they were written before their fast forms.
PLAIN = {
    "label": re.compile(
        rf"(?:\bpatient(?:[\s_]*name)?|\bpt(?:[\s_]*name)?|\bname|\bre|\bsubject)[\"']?\s*"
        r"(?:[:=\-]|\.{2,}+(?:\s*[:=])?)\s*[\"']?"
        rf"(?:{names.TITLES}\.?\s+)?"
        rf"(?P<a>{_TOKEN})(?P<sep>{_SP}*,{_SP}*|{_SP}+|\^|{names._INITIAL_SEP})(?P<b>{_FAMILY})"
        rf"(?:{names._MIDDLE_INITIAL}{_SP}+(?P<c>{_TOKEN}))?",
        re.IGNORECASE,
    ),
    "title": re.compile(
        rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Master|MR|MRS|MS|MISS|MX|MASTER)\.?{_SP}+(?P<a>{_TOKEN})"
        rf"(?P<sep>{_SP}+|{names._INITIAL_SEP})(?P<b>{_FAMILY})"
        rf"(?:{names._MIDDLE_INITIAL}{_SP}+(?P<c>{_TOKEN}))?"
    ),
    "caps_comma": re.compile(
        rf"(?<!\w)(?<!\w['’])(?P<a>[{names.UPPER}][{names.UPPER}'’\-]+"
        rf"(?:{_SP}{names._PARTICLE_CAPS}(?={_SP})){{0,2}}(?:{_SP}[{names.UPPER}][{names.UPPER}'’\-]+)?)"
        rf"{_SP}*(?P<sep>,){_SP}*(?P<b>[{names.UPPER}][{names.LOWER}](?:\w|['’\-](?=\w))*)"
    ),
    "practice": re.compile(r"(?<![A-Za-z0-9])([A-HJ-NP-Y]\d{5})(?![A-Za-z0-9])"),
    "test_label": re.compile(r"\btests?\s{0,2}[=:]\s{0,2}([A-Za-z0-9]{2,12})(?![A-Za-z0-9])"),
    "pid": re.compile(r"(?<![A-Za-z0-9])PID\|[^\r\n]{1,4000}"),
    "hospital": re.compile(
        r"\b(?:hosp(?:ital)?\.?[\s_]{0,2}(?:(?:no|num(?:ber)?)\b\.?|id\b\.?)|mrn\b|m\.r\.n\."
        r"|unit[\s_]{1,2}(?:no|num(?:ber)?)\b\.?"
        r"|case[\s_]{0,2}note[\s_]{1,2}(?:no|num(?:ber)?)\b\.?|hospital[\s_]{1,2}id\b"
        r"|pas[\s_]{0,2}(?:(?:no|num(?:ber)?)\b\.?|id\b)|patient[\s_]{1,2}id\b)"
        r"[\s:#=]{0,10}(?:(?:[._\u2026] ?){2,60}[\s:#=]{0,10})?"
        r"(?P<value>[A-Z]{0,3}\d{5,10}[A-Z]?|[A-Z]{2}\d[ ]\d{5,8}"
        r"|[A-Z]{1,4}-\d{5,10})(?![A-Za-z0-9])",
        re.IGNORECASE,
    ),
    "address": re.compile(
        r"\b(?:address|addr|home\s{1,2}address|residence)\b\.?\s{0,2}[:=-]\s{0,3}"
        r"(?P<value>[0-9A-Za-z][^\n|]{4,120})",
        re.IGNORECASE,
    ),
    "trust": re.compile(
        r"(?:\bods|\btrust|\bsite|\bfacility|\bsource|\bprovider|\borg(?:anisation)?)\b"
        r"[^A-Za-z0-9\n]{0,4}(?:code\s*+)?[:=#]?\s*(R[A-Z0-9]{2})(?![A-Za-z0-9])",
        re.IGNORECASE,
    ),
    "postcode": re.compile(
        r"(?<![A-Za-z0-9])((?:GIR ?0AA|[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRVWXY\d]?)"
        r" ?\d[ABD-HJLNP-UW-Z]{2}))(?![A-Za-z0-9])",
        re.IGNORECASE,
    ),
}
FAST = {
    "label": names._LABELLED,
    "title": names._TITLED,
    "caps_comma": names._CAPS_COMMA,
    "practice": ods.PRACTICE,
    "test_label": lab_tests._LABELLED_CODE,
    "pid": hl7_in_text.PID,
    "hospital": hospital.LABELLED,
    "address": address.LABELLED,
    "trust": ods.TRUST,
    "postcode": postcode.PATTERN,
}

PIECES = [
    "Patient: SMITH, John",
    "Pt name - O'BRIEN-KAUR Mary Anne",
    "patient name= Jo Bloggs",
    '{"name":"Grace Okafor"',
    '"patient_name": "Anna KOWALSKI",',
    "Re: Mrs Jane DOE",
    "ſubject: Ann LEE",
    "name:Zoë ÅSTRÖM",
    "xre: Ann LEE",
    "MR Tom JONES",
    "Master. Ian Hart",
    "xMr Tom JONES",
    "_Mrs Ann LEE",
    "éMr Tom JONES",
    "Mrs.\u2003Ann LEE",
    "WALKER^Geoffrey",
    "PID|1||4763972502^^^NHS^NH||JONES^Ann^^^MRS||19700101|F",
    "xPID|1||4763972502",
    "MSH|^~\\&|LAB\rPID|2||9434765919",
    "O’BRIEN^Mary-Jane",
    "a-b^c",
    "x'SMITH^Jo",
    "^^SMITH^^Jo",
    "LE GUIN, Ursula",
    "MÜLLER, Noor",
    "VAN DER BERG, Pieter",
    "Patient: Maria de la Cruz",
    "Mr Ludwig van Beethoven",
    "surname=van der Berg",
    "ÖZ, Çağla",
    "xÖZ, Ali",
    "'SMITH, John",
    "SMITH ,John",
    "DOB: 01/02/1980",
    'dob="07/08/1953"',
    'name="John Smith"',
    "d.o.b. 1980-02-01",
    "Date of birth:\n3 Feb 1979",
    "born on 12-sept-85",
    "19891012",
    "20011231",
    "12.03.85",
    "1.2.2000.5",
    "2024-06-01 00:08:27,564",
    "112/03/1980",
    "3 jan 99",
    "NHS 943 476 5919",
    "NHS=4180340631",
    "450-557-7104",
    "a/c 401 023 2137",
    "Invoice 4271372278",
    "tel: 4505577104",
    "timestamp 4505577104",
    "S2401234567",
    "G85001",
    "MSG4794216 xG85001 G85002b",
    "test=UE",
    "tests : FBC",
    "attest=UE",
    "Dr Alan GREY",
    "requested by Mr Paul WHITE",
    "Regards,\nMrs Ann LEE",
    "biomedical  scientist: Ann LEE",
    "nurse - Ann LEE",
    "Siobhán",
    "DOB\xa001/02/1980",
    "٤G85001",
    "NHS ٤٥٠ 557 7104",
    "Hosp No: K1120052",
    "Hospital No:    K0456789",
    "Hosp No: RJ1 123456",
    "hosp_no=N4410982 patient_id=RX1234567 unit__no:12345",
    "Hosp No: RBH-7741203, MRN ABCDE-12345",
    "candidates 'ROSSI, Giulia' and O'BRIEN, Mary, x'SMITH, Jo",
    "Unit Number: 0123456",
    "PAS No: 7654321",
    "xpas id 1234567",
    "Patient ID: RX1234567",
    "patient  id 12345",
    "HOSPITAL NUMBER 1234567",
    "hosp.  id#=RJ1234567",
    "Hospital  ID=ABC12345",
    "MRN 12345678X",
    "m.r.n.#A123456",
    "M.R.N. 99999",
    "Unit No. 1234567",
    "UNIT  NO:1234567",
    "case note no 123456",
    "CaseNote  No. 7654321",
    "xMRN 123456",
    "_hosp no 12345",
    "éhosp no 12345",
    "mrn1234567",
    "Hosp. No. ...... RX7710293",
    "MRN . . . . K0012345",
    "Unit No____ 7654321",
    "Hosp No.… AE0029381",
    "hosp no . 12345",
    "NHS No. ........ 455.766.0932",
    "NHS No......455 766 0932",
    "nhs no.427.429.5745",
    "NHS 4347 635 311",
    "nhs no: 4347-635-311",
    "Tel 4347 635 3110",
    "1.455.766.0932",
    "455.766.0932.7",
    "DOB ....... 1989.06.14",
    "2019.13.45",
    "1989.06/14",
    "Address: 12 High Street, Leeds",
    "home  address = Flat 3, Rose Court",
    "ADDR. - 4 Mill Lane",
    "residence:The Old Barn, Hill Rd",
    "xaddress: 12 High Street",
    "_residence: 1 Low Rd",
    "trust: RJ1",
    "ODS code RXH",
    "ſite=RWE",
    "Facility # R1H",
    "source RTH22",
    "Provider:RR8",
    "organisation code: RJZ",
    "org: rj1",
    "xtrust: RJ1",
    "LS1 4AB",
    "ls14ab",
    "GIR 0AA",
    "gir0aa",
    "SW1A 1AA",
    "ſW1A 1AA",
    "\u212aT1 1AA",
    "\u0130G1 1AA",
    "M1 1AA",
    "xM1 1AA",
    "EC1A1BB2",
    "B33 8TH",
]
SEPARATORS = [" ", ", ", "\n", " | ", "\t", ": ", "\n\n", "; ", "", "-", "^", "'"]


def _texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        text = ""
        for piece in rng.sample(PIECES, rng.randint(1, 5)):
            text += piece + rng.choice(SEPARATORS)
        texts.append(text)
    return texts


TEXTS = _texts(3000, 20261129)


def _found(matches: Iterable[re.Match[str]]) -> list[tuple[object, ...]]:
    return [(m.span(), m.groups(), m.groupdict()) for m in matches]


@pytest.mark.parametrize("rule", sorted(PLAIN))
def test_reordered_rules_match_their_plain_forms(rule: str) -> None:
    plain, fast = PLAIN[rule], FAST[rule]
    hits = 0
    for text in TEXTS:
        expected = _found(plain.finditer(text))
        hits += len(expected)
        assert _found(fast.finditer(text)) == expected, text
    assert hits > 100  # the pieces do exercise the rule


def test_caret_rule_tried_at_caret_runs_matches_finditer() -> None:
    hits = 0
    for text in TEXTS:
        expected = _found(names._CARET.finditer(text))
        hits += len(expected)
        assert _found(names._caret_matches(text)) == expected, text
    assert hits > 100


@needs_hyperscan
@pytest.mark.parametrize(
    ("name", "pattern"),
    [("date", dates.DATE_TEXT), ("nhs", nhs_number.PATTERN), ("nhs", nhs_number.RARER)],
)
def test_regex_tried_at_hyperscan_starts_matches_finditer(
    name: str, pattern: re.Pattern[str]
) -> None:
    hits = verdicts = 0
    for text in TEXTS:
        expected = _found(pattern.finditer(text))
        hits += len(expected)
        starts = prefilter.starts(text)
        if starts is None:
            continue  # a non-ASCII digit: callers fall back to finditer
        verdicts += 1
        assert _found(prefilter.matches(pattern, text, starts[name])) == expected, text
    assert hits > (30 if pattern is nhs_number.RARER else 300) and verdicts > 2000


@needs_hyperscan
def test_starts_are_where_dates_and_numbers_begin() -> None:
    text = "2024-06-01 00:08 DOB=19800101 NHS 450 557 7104, 3 Feb 1979"
    assert prefilter.starts(text) == {"date": [0, 2, 21, 48], "nhs": [34]}
    assert prefilter.starts("NHS ٤٥٠ 557 7104") is None
    assert list(prefilter.matches(dates.DATE_TEXT, text, None)) != []  # None: finditer


@pytest.mark.parametrize(
    ("plain", "reversed_", "width"),
    [
        (name_context.STAFF_BEFORE, name_context.STAFF_BEFORE_REVERSED, 30),
        (dob_label.DOB_LABEL, dob_label._DOB_LABEL_REVERSED, dob_label.DOB_REACH),
        (nhs_number.OTHER_LABEL, nhs_number._OTHER_LABEL_REVERSED, 24),
    ],
)
def test_end_anchored_labels_read_backwards_say_the_same(
    plain: re.Pattern[str], reversed_: re.Pattern[str], width: int
) -> None:
    hits = 0
    for text in TEXTS:
        for end in range(len(text) + 1):
            window = text[max(0, end - width) : end]
            expected = plain.search(window) is not None
            hits += expected
            assert (reversed_.match(window[::-1]) is not None) == expected, window
    windows = ["dr\n", "Invoice no.\n", "sample/\n", "DOB:\n\n", "D.O.B - "]
    windows += [
        "Sex/DOB: F ",
        "DOB M ",
        "dob female ",
        "DOBM ",
        "born on Male ",
        "DOB: F",
        "DOB:\tU\n",
    ]
    windows += ["Date of birth . . F ", "DOB: XF ", 'DOB: F"', "birth date - male "]
    # leaders before and after the colon, spaced, underscored, as an ellipsis; one dot is none
    windows += ["DOB: ........ ", "DOB ____ ", "Date of Birth . . . . ", "DOB \u2026\u2026 "]
    windows += ["DOB . ", "DOB ._ : __ ", "D.O.B. _"]
    for window in windows:
        assert (reversed_.match(window[::-1]) is not None) == (plain.search(window) is not None)
    assert hits > 100


def test_nearest_start_is_the_first_of_the_closest() -> None:
    rng = random.Random(3)
    for _ in range(5000):
        starts = sorted(rng.randint(0, 30) for _ in range(rng.randint(1, 6)))
        offset = rng.randint(-5, 40)
        expected = min(range(len(starts)), key=lambda i: abs(starts[i] - offset))
        assert _nearest(starts, offset) == expected
    assert _nearest([10, 20], 15) == 0  # a tie goes to the earlier date


def test_today_is_todays_date() -> None:
    assert dates.today() == dt.date.today()


def test_ascii_lowering_through_bytes_is_str_translate() -> None:
    rng = random.Random(5)
    alphabet = "ABCxyz09 \n\tÉéİıſ\u212aẞßΣς\ud800\udfff😀’"
    texts = list(PIECES)
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    changed = 0
    for text in texts:
        expected = text.translate(lab_tests._ASCII_LOWER)
        assert lab_tests._ascii_lower(text) == expected, repr(text)
        changed += expected != text
    assert changed > 1000


def test_names_before_a_dob_label_read_backwards_match_finditer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The names the rule gives, read backwards from each label, are those ``finditer`` gives
    (a label's own word taken as a name, which the stop words refuse, may part them)."""
    pieces = ["Grace", "OKAFOR", "de", "la", "Cruz", "Al", "van", "der", "Berg", "Ted", "Ned"]
    pieces += ["Zoë", "O'Neill", "Smith-Jones", "x", "2"]
    labels = [" DOB", " dob:", " D.O.B.", " born", " date of birth", " Birth date", " (DOB"]
    labels += [" NHS", " (NHS No:", " nhs number", " NHS#", ", NHS Trust"]
    separators = [" ", "  ", ", ", ",", "\n", "\t", "-", ""]
    present = frozenset({"name", "name:before_dob"})
    rng = random.Random(5)
    texts = []
    for _ in range(20000):
        text = ""
        for _ in range(rng.randint(1, 7)):
            text += rng.choice(pieces) + rng.choice(separators)
            if rng.random() < 0.3:
                text += rng.choice(labels) + " 01/02/1980" + rng.choice(separators)
        texts.append(text)
    got = [list(names.detect(text, present)) for text in texts]
    monkeypatch.setattr(names, "_before_dob_matches", names._BEFORE_DOB.finditer)
    expected = [list(names.detect(text, present)) for text in texts]
    assert got == expected
    assert sum(map(len, expected)) > 2000


def test_dob_labels_found_letter_first_match_the_plain_form() -> None:
    plain = re.compile(names._DOB_AHEAD)
    pieces = ["DOB", "d.o.b", "D. O. B.", "dob2", "born", "Born", "unborn", "date of birth"]
    pieces += ["Date  of\\tBirth", "birthdate", "Birth date", "BIRTH DATE", "bd", "x", " ", "\\n"]
    pieces += ["NHS", "nhs", "No", "number", ".", ":", "#", "4", " Trust", "Nhs"]
    rng = random.Random(9)
    hits = 0
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        expected = [m.span() for m in plain.finditer(text)]
        assert [m.span() for m in names._DOB_WORD.finditer(text)] == expected, text
        hits += len(expected)
    assert hits > 3000
