"""The free-text fast paths say exactly what the plain ones do: log lines read joined, one-line
grouping, the triggers read off the starts, cached readings of dates and labels."""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
import re

import pytest

from breachdesk.detect import (
    dates,
    grouping,
    lab_tests,
    name_context,
    names,
    nhs_number,
    prefilter,
    text,
)
from breachdesk.detect.base import Mention
from test_detect_fast_paths import TEXTS
from test_detect_line_blocks import LOG_FRAGMENTS

needs_hyperscan = pytest.mark.skipif(
    importlib.util.find_spec("hyperscan") is None, reason="hyperscan not installed"
)

# A line's end and the next line's start that would read as one fact if a detector looked
# across the line break: a label before a date or a name, a staff title, a test label and its
# code, a test and its result, an NHS-number label, a name split over two lines.
LINE_ENDS = ["DOB:", "d.o.b.", "born", "Dr", "requested by", "test", "test =", "tests:", "FBC",
             "HbA1c", "NHS No", "a/c", "Mr", "Patient:", "SMITH,", "x", ""]  # fmt: skip
LINE_STARTS = ["01/02/1980", "19800101 ", "3 Feb 1979", "SMITH^John", "=UE", ": LFT", "5.0 mmol",
               "was 48", "4505577104", "John SMITH", "Ann", "^Ann", "-FBC", ""]  # fmt: skip
# What makes a line one the joined read takes: a date and a name trigger.
PATIENTS = [
    "ACK sent for MSG9457941 patient NHS=4505577104 DOB=19681112 Patel^Eileen test=SPE",
    "NHS=9434765919 DOB=19700101 WALKER^Geoffrey test=FBC~UE",
    "DOB 01/02/1980 O'BRIEN-KAUR^Mary HbA1c 48",
    "NHS=9990000018 DOB=19700101 TEST^Patient",
    "Mr Tom JONES 02/03/1960 CRP was 5",
    "SMITH, John 01/02/1950 tests: LFT",
    "surname=SMITH forename=John dob=1950-02-01",
    "Łukasz^Horváth 01/02/1980 NHS 450 557 7104",
    "ZOË^SMITH 01/02/1980",
    "JONES^Ann DOB 2 Sept 1961 test = UE ferritin 30",
]


def _lines(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    lines = []
    for _ in range(count):
        pool = rng.choice([PATIENTS, LOG_FRAGMENTS, LINE_ENDS + LINE_STARTS])
        middle = " ".join(rng.sample(pool, rng.randint(0, 2)))
        lines.append(f"{rng.choice(LINE_STARTS)}{middle} {rng.choice(LINE_ENDS)}".rstrip(" "))
    return lines


def _line_by_line(lines: list[str], first: int, prefix: str) -> list[object]:
    return [
        person
        for index, line in enumerate(lines)
        if line.strip()
        for person in text.people_in_text(line, f"{prefix}line:{first + index}")
    ]


@needs_hyperscan
@pytest.mark.parametrize("seed", range(25))
def test_lines_read_joined_give_each_lines_own_people(seed: int) -> None:
    lines = _lines(seed, 300)
    candidates = prefilter.line_candidates(lines)
    joined = text._joined_people(lines, candidates, 7, "a.zip!")
    assert len(joined) > 40  # the joined read does take most patient lines
    assert list(text.people_in_lines(lines, 7, "a.zip!")) == _line_by_line(lines, 7, "a.zip!")


@needs_hyperscan
def test_a_line_joined_is_read_as_if_alone() -> None:
    lines = [
        "note DOB:",
        "01/02/1980 SMITH^John NHS=4505577104 test",
        "=UE 5.0 SMITH^Ann 19700101 requested by",
        "WALKER^Geoffrey 19700101 FBC",
        "was 48 Patel^Eileen DOB=19681112",
    ]
    candidates = prefilter.line_candidates(lines)
    joined = text._joined_people(lines, candidates, 1, "")
    # (the first line's "DOB" is a trigger of the names' before-DOB rule: read, and no one)
    assert sorted(joined) in ([1, 2, 3, 4], [0, 1, 2, 3, 4]) and not joined.get(0)
    people = [person for index in sorted(joined) for person in joined[index]]
    assert people == _line_by_line(lines[1:], 2, "")
    first = joined[1][0]
    assert first.values["nhs_number"] == "4505577104"
    assert "date_of_birth" not in first.values  # "DOB:" ends the line before: no label here
    assert ("test", "chars:37-41", "lab_tests", "catalogue", "") not in first.evidence  # "test"
    assert first.tests == []  # "=UE" starts the next line: no labelled code


def test_names_joined_refuse_the_label_rule() -> None:
    with pytest.raises(ValueError, match="label rule"):
        list(names.detect("Patient: SMITH John", None, [0]))
    with pytest.raises(ValueError, match="label rule"):
        list(names.detect("Patient: SMITH John", frozenset({"name", "name:label"}), [0]))


@pytest.mark.parametrize("seed", range(10))
def test_tests_joined_are_each_lines_own(seed: int) -> None:
    rng = random.Random(seed)
    pieces = [*LINE_ENDS, *LINE_STARTS, "test=FBC", "Tests : UE", "FBC 5.0", "crp", "CRP"]
    lines = [" ".join(rng.choices(pieces, k=rng.randint(0, 4))) for _ in range(200)]
    joined = "\n".join(lines)
    bases = prefilter.line_starts(lines)
    found = list(lab_tests.detect(joined, bases[:-1]))
    expected = [
        Mention(m.kind, m.start + base, m.end + base, *m[3:])
        for line, base in zip(lines, bases, strict=False)
        for m in lab_tests.detect(line)
    ]
    assert found == expected
    assert len(expected) > 60


@needs_hyperscan
def test_triggers_read_off_the_starts_are_the_triggers() -> None:
    verdicts = 0
    for piece in [*TEXTS, *LOG_FRAGMENTS, *PATIENTS]:
        present, starts = prefilter.triggers_and_starts(piece)
        assert present == prefilter.triggers(piece)
        assert starts == prefilter.starts(piece)
        verdicts += present is not None
    assert verdicts > 2000


def _mentions(rng: random.Random) -> list[Mention]:
    kinds = [
        "nhs_number",
        "nhs_number_test",
        "date_of_birth",
        "name",
        "test",
        "date",
        "hospital_number",
    ]
    found = []
    for _ in range(rng.randint(0, 7)):
        start = rng.randint(0, 200)
        found.append(Mention(rng.choice(kinds), start, start + rng.randint(1, 12), "X", "d", "r"))
    if rng.random() < 0.8:
        found.sort(key=lambda m: m.start)  # as callers pass them, mostly
    return found


def test_one_line_anchors_are_those_of_the_plain_pass() -> None:
    rng = random.Random(17)
    anchored = 0
    for _ in range(5000):
        mentions = _mentions(rng)
        expected = grouping._anchors(mentions, grouping._first_line)
        anchored += bool(expected)
        assert grouping._anchors_on_one_line(mentions) == expected, mentions
    assert anchored > 1000


@pytest.mark.parametrize("today", [dt.date(2024, 6, 1), dt.date(2080, 1, 1), dt.date(2000, 2, 29)])
def test_birth_dates_read_once_are_parse_and_its_bounds(today: dt.date) -> None:
    rng = random.Random(4)
    written = ["19800101", "20240602", "18991231", "19801301", "19800230", "00000000",
               "01/02/80", "3 Feb 1979", "2 Sept 1961", "1 February 2030", "12-13-1980",
               "٤٥٠٥٥٧٧١"]  # fmt: skip
    written += ["".join(rng.choices("0123456789", k=8)) for _ in range(3000)]
    digits = [str(n) for n in range(0, 40)] + ["00", "01", "09"]
    months = ["Jan", "FEB", "mar", "Sep", "Sept", "May", "Xyz", "June", "dec"]
    for _ in range(3000):
        day, month, year = rng.choice(digits), rng.choice(digits[:15]), f"{rng.randint(0, 99):02d}"
        first, second = rng.choice("/.-"), rng.choice("/.-")
        written.append(f"{day}{first}{month}{rng.choice([first, first, second])}{year}")
        word, full = rng.choice(months), str(rng.randint(1890, 2030))
        first, second = rng.choice([" ", "-", "/", ".", "  "]), rng.choice([" ", "-", "/"])
        written.append(f"{day}{first}{word}{rng.choice([first, first, second])}{full}")
    for each in written:
        value = dates.parse(each, today)
        expected = value.isoformat() if value and dates._plausible_birth(value, today) else None
        assert dates._birth_iso(each, today) == expected, each
        if each.isascii() and len(each) == 8 and each.isdigit():
            assert dates._compact(each) == dates._fast(each)
    assert sum(dates._without_strptime(each, today) is not None for each in written) > 2000


def _other_number_plainly(before_number: str, start: int) -> bool:
    before = re.split(r"[\d\n]", before_number[max(0, start - 24) : start])[-1]
    label = nhs_number.OTHER_LABEL.search(before)
    return label is not None and not nhs_number._NHS_LABEL.search(before)


def test_other_number_labels_read_backwards_and_cached_say_the_same() -> None:
    hits = 0
    for piece in [*TEXTS, "Invoice no.\n4505577104", "a/c 4505577104", "NHS a/c 4505577104"]:
        for start in range(len(piece) + 1):
            expected = _other_number_plainly(piece, start)
            hits += expected
            assert nhs_number._other_number(piece, start) == expected, (piece, start)
    assert hits > 50


@needs_hyperscan
@pytest.mark.parametrize("seed", range(5))
def test_a_joined_scan_says_what_each_lines_own_scan_does(seed: int) -> None:
    lines = _lines(seed, 400)
    scan = prefilter.scan_joined(lines, text._PER_LINE_TRIGGERS)
    assert scan is not None and scan.text == "\n".join(lines)
    expected_starts: dict[str, list[int]] = {"date": [], "nhs": []}
    rules: set[str] = set()
    for number, (line, base) in enumerate(zip(lines, scan.line_starts, strict=True)):
        present, starts = prefilter.triggers_and_starts(line)
        if present is None or starts is None:
            assert number in scan.alone  # no verdict: read alone
            continue
        # A line with another detector's trigger is read alone (and maybe one more besides).
        if not present.isdisjoint(text._PER_LINE_TRIGGERS):
            assert number in scan.alone, line
        rules |= {name for name in present if name.startswith("name:") and name != "name:label"}
        for name in expected_starts:
            expected_starts[name] += [base + start for start in starts[name]]
    assert scan.starts == expected_starts  # a line without a verdict is scanned as spaces
    assert rules <= scan.present
    assert len(scan.alone) < len(lines) // 2


def test_staff_titles_looked_for_after_their_last_letter_say_what_the_regex_does() -> None:
    hits = 0
    extra = ["Dr: ", "Dr -  ", "nurse:\t", "signed -", "FROM", "regards, ", "Dr ::", "ſister ",
             "requested by\u2003", "GP- ", "prof.", "x: -"]  # fmt: skip
    for piece in [*TEXTS, *extra]:
        for end in range(len(piece) + 1):
            for floor in (0, max(0, end - 5)):
                window = piece[max(floor, end - 30) : end]
                expected = name_context.STAFF_BEFORE.search(window) is not None
                hits += expected
                assert name_context.staff_before(piece, end, floor) == expected, window
    assert hits > 100


def test_common_dates_of_birth_are_read_without_the_general_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = {"01/02/80": "1980-02-01", "1.2.03": "2003-02-01", "12-Dec-1980": "1980-12-12",
                "3 feb 1979": "1979-02-03", "19800201": "1980-02-01", "1/2/1980": "1980-02-01",
                "01-02-1980": "1980-02-01", "1980-02-01": "1980-02-01"}  # fmt: skip
    dates._birth_iso.cache_clear()

    def unexpected(written: str, today: dt.date | None = None) -> None:
        raise AssertionError(written)

    monkeypatch.setattr(dates, "parse", unexpected)
    for written, iso in expected.items():
        assert dates._birth_iso(written, dt.date(2024, 6, 1)) == iso
    dates._birth_iso.cache_clear()
