"""Logs read a block of lines at a time give exactly the people of reading them a line at a time."""

from __future__ import annotations

import importlib.util
import io
import random
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from breachdesk.detect import nhs_number, pmi_terms, prefilter
from breachdesk.detect.records import PersonRecord
from breachdesk.detect.text import people_in_text
from breachdesk.ingest.limits import Limits
from breachdesk.readers import text as text_reader
from breachdesk.readers.base import Table
from breachdesk.scan.stage import _items
from test_detect_pmi_terms import PMI
from test_detect_prefilter import FRAGMENTS

needs_hyperscan = pytest.mark.skipif(
    importlib.util.find_spec("hyperscan") is None, reason="hyperscan not installed"
)
# Beside the detectors' fragments: log lines as feeds write them, the 999 test range, PID
# segments, PMI names with and without dates, and lines the per-line path skips.
LOG_FRAGMENTS = [
    *FRAGMENTS,
    "2024-05-26 00:03:11,398 INFO [ORU] ACK sent for MSG9457941 patient",
    "NHS=4505577104 DOB=19681112 Patel^Eileen test=SPE",
    "NHS=9990000018 DOB=19700101 TEST^Patient",
    "PID|1||9990000018^^^NHS^NH||TEST^Patient||19700101|F",
    "PID|1||4505577104^^^NHS^NH~G1816846^^^RJ1^MR||CHEN^Karen^^^MS||20040329|F|||||",
    "ERROR [ORU] Rejected MSG0532925 (PID-3 assigning authority missing):",
    "Okafor seen 03/04/1961",
    "Grace Okafor",
    "Green",
    "DEBUG [ENGINE] Heartbeat ok queue_depth=67",
    "ZOË SMITH, 01/02/1980",
    "Łukasz Horváth 01/02/1980",
]
SEPARATORS = [" ", ", ", " | ", "\t", ": ", "; ", "\u2003"]
ENDINGS = [b"\n", b"\r\n", b"\r", b"\n\n", b"\r\n   \r\n", b"\n\t\n"]


def _log(seed: int, lines: int) -> bytes:
    rng = random.Random(seed)
    out = b""
    for _ in range(lines):
        parts = rng.sample(LOG_FRAGMENTS, rng.randint(0, 4))
        line = "".join(part + rng.choice(SEPARATORS) for part in parts)
        out += line.encode() + rng.choice(ENDINGS)
    return out


def _people(items: Iterator[PersonRecord | Table]) -> list[PersonRecord]:
    found = list(items)
    assert all(isinstance(item, PersonRecord) for item in found)
    return found  # type: ignore[return-value]


def _line_by_line(data: bytes, stream: bool, extra: pmi_terms.Matcher | None) -> list[object]:
    """The scan stage as it was for logs: a record a line, each through ``people_in_text``."""
    if stream:
        records = text_reader.read_lines_stream(io.BytesIO(data), "x.log")
    else:
        records = text_reader.read_lines(data, "x.log")
    return [
        person
        for record in records
        for person in people_in_text(record.text, "in!" + record.locator, "text", extra=extra)
    ]


def _blocks(data: bytes, stream: bool, extra: pmi_terms.Matcher | None) -> list[PersonRecord]:
    source: bytes | io.BytesIO = io.BytesIO(data) if stream else data
    return _people(_items(source, "log", "x.log", "in!", 0, Limits(), extra))


@pytest.fixture(scope="module")
def extra(tmp_path_factory: pytest.TempPathFactory) -> pmi_terms.Matcher:
    path: Path = tmp_path_factory.mktemp("terms") / "pmi_terms.pickle"
    pmi_terms.save(pmi_terms.build(pa.table(PMI)), path)
    return pmi_terms.matcher(str(path))


@needs_hyperscan
@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("stream", [False, True])
def test_blocks_give_the_people_of_each_line(
    seed: int, stream: bool, extra: pmi_terms.Matcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text_reader, "BLOCK_LINES", 7)  # many block edges
    data = _log(seed, 60)
    expected = _line_by_line(data, stream, None)
    assert expected  # the fragments hold people, so a lost one shows
    assert _blocks(data, stream, None) == expected
    assert _blocks(data, stream, extra) == _line_by_line(data, stream, extra)


@needs_hyperscan
def test_locators_count_every_line_blank_ones_and_crlf_included(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(text_reader, "BLOCK_LINES", 2)
    data = (
        b"2024-05-26 INFO start\r\n\r\n   \r\n"
        b"ACK NHS=4505577104 test=FBC\r\n"
        b"ACK NHS=9990000018 DOB=19700101 TEST^Patient\r\n"
        b"\r\nRejected: PID|1||4505577104^^^NHS^NH||CHEN^Karen||20040329|F\r\n"
    )
    for stream in (False, True):
        people = _blocks(data, stream, None)
        assert [p.locator for p in people] == ["in!line:4", "in!line:7"]
        assert [p.values["nhs_number"] for p in people] == ["4505577104", "4505577104"]
        assert people[1].values["family_name"] == "CHEN"


@needs_hyperscan
@pytest.mark.parametrize("with_dates", [False, True])
def test_a_line_left_out_gives_nobody(with_dates: bool, extra: pmi_terms.Matcher) -> None:
    lines = _log(99, 400).decode().splitlines()
    found = prefilter.line_candidates(lines, with_dates=with_dates)
    assert found == sorted(set(found))
    chosen = {index for index, _ in found}
    assert len(chosen) == len(found)
    nhs_only = {index for index, only in found if only}
    assert nhs_only and 0 < len(chosen) < len(lines)
    matcher = extra if with_dates else None
    for index, line in enumerate(lines):
        no_valid_nhs = not any(m.kind == "nhs_number" for m in nhs_number.detect(line))
        if index not in chosen or (index in nhs_only and no_valid_nhs):
            assert people_in_text(line, "line:1", extra=matcher) == [], line


@needs_hyperscan
def test_lines_without_a_verdict_or_with_pid_are_always_candidates() -> None:
    lines = [
        "NHS ٤٥٠ 557 7104",  # a non-ASCII digit: no verdict, so the per-line path decides
        "ſite RJ1",  # folds to ASCII under IGNORECASE: no verdict
        "queue_depth=67 PID|",
        "Horváth née Łukasz",  # non-ASCII letters that stand in for no trigger
        "Heartbeat ok",
        "pt:",  # a label trigger
        "2024-05-26 Invoice 4271372278",  # only the NHS-number trigger: its regex decides
        "01/02/1980",  # a date alone is no anchor without the PMI's names
        "Order 4505577104 SMITH, John",  # a name trigger too: the per-line path
    ]
    assert prefilter.line_candidates(lines) == [
        (0, False),
        (1, False),
        (2, False),
        (5, False),
        (6, True),
        (8, False),
    ]
    assert prefilter.line_candidates(lines, with_dates=True) == [
        (0, False),
        (1, False),
        (2, False),
        (5, False),
        (6, False),
        (7, False),
        (8, False),
    ]


@needs_hyperscan
def test_a_flood_of_matches_sends_every_line_the_per_line_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = ["Heartbeat ok", "9" * 5000, "", "ACK NHS=4505577104 WALKER^Geoffrey 19700101"]
    assert prefilter.line_candidates(lines) == [(0, False), (1, False), (2, False), (3, False)]
    few = ["Heartbeat ok", "9" * 40, "", "ACK NHS=4505577104 WALKER^Geoffrey 19700101"]
    assert prefilter.line_candidates(few) == [(1, True), (3, False)]
    monkeypatch.setattr(text_reader, "BLOCK_LINES", 3)
    data = "\n".join(lines).encode()
    for stream in (False, True):
        people = _blocks(data, stream, None)
        assert people == _line_by_line(data, stream, None)
        assert [p.locator for p in people] == ["in!line:4"]
