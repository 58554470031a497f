"""Plain text, logs and other text-like files, cut into records a person's facts stay inside.

Logs are read an entry at a time (one event, usually one patient: a line, with the stack
trace or payload under it, ``readers.log_entries``); prose a paragraph at a time, with long
paragraphs cut so one record never spans a whole file.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from breachdesk.ingest.sniff import decode, text_stream
from breachdesk.readers.base import Item, Record
from breachdesk.readers.log_entries import entry_blocks

MAX_LINES = 24
# A patient's label opening a paragraph ("Patient: EZE, Ngozi", "Name:", "NHS No:"). A
# paragraph that repeats one the record has already had begins another person's block of a
# printed report: it starts a record of its own, so the blocks before it never lend it their
# results, nor it its results to the next; and a record that begins with one may run to
# ``OPENED_LINES`` (a cumulative report's results under one banner). A form's fields a
# paragraph each ("Name:", then "DOB:", then "NHS No:") repeat none, and stay one record.
_OPENER = re.compile(
    r"[ \t]{0,8}((?:patient(?:'s)?(?:[ \t]+(?:name|details))?|pt(?:[ \t]+name)?"
    r"|(?:full[ \t]+)?name|surname|nhs[ \t]*(?:no\.?|number))[ \t]*[:=])",
    re.IGNORECASE,
)
OPENED_LINES = 4 * MAX_LINES
# Lines handed to the detectors at once by ``line_blocks``: one prefilter scan per block, so
# the lines that cannot hold a person cost no Python each (``detect.text.people_in_lines``).
BLOCK_LINES = 4096


def read_lines(data: bytes, name: str) -> Iterator[Item]:
    yield from _records(line_blocks(data))


def read_lines_stream(stream: BinaryIO, name: str) -> Iterator[Item]:
    yield from _records(line_blocks_stream(stream))


def line_blocks(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """The entries ``read_lines`` makes records of, each at its first line, blank lines (and
    an entry's other lines) included, as (number of the first line, lines) in blocks of about
    BLOCK_LINES (``log_entries.entry_blocks``)."""
    text, _ = decode(data)
    lines = text.splitlines()
    size = BLOCK_LINES
    yield from entry_blocks(
        (first + 1, lines[first : first + size]) for first in range(0, len(lines), size)
    )


def line_blocks_stream(stream: BinaryIO) -> Iterator[tuple[int, list[str]]]:
    """``line_blocks`` over the lines ``read_lines_stream`` reads."""
    yield from entry_blocks(_stream_blocks(stream))


def _stream_blocks(stream: BinaryIO) -> Iterator[tuple[int, list[str]]]:
    block: list[str] = []
    first = 1
    for line in text_stream(stream):
        block.append(line.rstrip("\r\n"))
        if len(block) == BLOCK_LINES:
            yield first, block
            first += BLOCK_LINES
            block = []
    if block:
        yield first, block


def _records(blocks: Iterable[tuple[int, list[str]]]) -> Iterator[Record]:
    for first, lines in blocks:
        for offset, line in enumerate(lines):
            if line.strip():
                yield Record(locator=f"line:{first + offset}", schema="text", text=line)


# A form saved as CSV ("Patient:,OKAFOR Grace", "DOB:;12/01/1962"): the separators after a
# label are read as the spaces they stood for, so the label meets its value; the same length,
# so every offset into the text still points where it did.
_LABEL_SEPARATORS = re.compile(r":[,;]+")


def _unseparated(text: str) -> str:
    if ":," not in text and ":;" not in text:
        return text
    return _LABEL_SEPARATORS.sub(lambda m: ":" + " " * (len(m.group()) - 1), text)


# A database shell's banner over each row of a vertical printout: MySQL's "\\G" ("*****
# 1. row *****"), psql's "\\x" ("-[ RECORD 1 ]-+-----").
ROW_BANNER = re.compile(
    r"[ \t]{0,4}(?:\*{3,}[ \t]{1,4}\d{1,9}\.[ \t]row[ \t]{1,4}\*{3,}"
    r"|-\[[ \t]RECORD[ \t]\d{1,9}[ \t]\][-+]{0,200})[ \t\r]{0,4}"
)


def paragraphs(text: str, prefix: str = "") -> Iterator[Record]:
    """Records of whole paragraphs, merged up to MAX_LINES lines; a paragraph longer than that
    is cut. A letter's "Re: patient, DOB" and the next paragraph's tests stay in one record."""
    yield from paragraphs_of_lines(text.splitlines(), prefix)


def paragraphs_of_lines(lines: Iterable[str], prefix: str = "") -> Iterator[Record]:
    """``paragraphs`` over lines that arrive one at a time (a stream)."""
    buffer: list[str] = []
    start = 1
    paragraph: list[str] = []
    p_start = 1
    held = 0  # the buffer's lines, counting one blank line after each paragraph
    opened = False  # whether the buffer begins with a patient's label (``_OPENER``)
    seen: set[str] = set()  # the labels of the buffer's paragraphs

    def gap() -> list[str]:
        # As many blank lines before a paragraph as the file has (one at least after another
        # paragraph), so a line of the record is the file's line ``start`` + its index.
        return [""] * max(p_start - start - len(buffer), 1 if buffer else 0)

    def flush() -> Iterator[Record]:
        nonlocal buffer
        if any(line.strip() for line in buffer):
            text_ = _unseparated("\n".join(buffer).strip("\n"))
            yield Record(locator=f"{prefix}line:{start}", schema="text", text=text_)
        buffer = []

    for number, line in enumerate(itertools.chain(lines, [""]), start=1):
        if line[:1] in "*-" and ROW_BANNER.fullmatch(line):
            # One row of a database shell's vertical printout ends: the next is another
            # person's, however few lines each holds, and the query above the first is no one's.
            if paragraph:
                start = start if buffer else p_start
                buffer.extend([*gap(), *paragraph])
                paragraph = []
            yield from flush()
            continue
        if line.strip():
            if not paragraph:
                p_start = number
            paragraph.append(line)
            if len(paragraph) < MAX_LINES:
                continue
        if not paragraph:
            continue
        labels = _labels(paragraph)
        limit = OPENED_LINES if opened else MAX_LINES
        if buffer and (held + len(paragraph) > limit or not labels.isdisjoint(seen)):
            yield from flush()
        if not buffer:
            start, held, opened, seen = p_start, 0, bool(labels), set()
        seen |= labels
        buffer.extend([*gap(), *paragraph])
        held += len(paragraph) + 1
        paragraph = []
    yield from flush()


def _labels(paragraph: list[str]) -> set[str]:
    """The patient's label (``_OPENER``) that opens ``paragraph``, in small letters (the
    first line's only: a next of kin's "Name:" under a heading of its own is no new block)."""
    found = _OPENER.match(paragraph[0])
    return {" ".join(found.group(1).lower().split())} if found else set()


_SQL_ROWS = re.compile(r"\),\s*\(")


def read(data: bytes, name: str) -> Iterator[Item]:
    text, _ = decode(data)
    # One SQL INSERT may carry thousands of rows on one line: give each row its own line.
    if "INSERT INTO" in text[:1_000_000]:
        text = _SQL_ROWS.sub("),\n(", text)
    yield from paragraphs(text)


def read_stream(stream: BinaryIO, name: str) -> Iterator[Item]:
    lines = (line.rstrip("\r\n") for line in text_stream(stream))
    yield from paragraphs_of_lines(
        piece for line in lines for piece in _SQL_ROWS.sub("),\n(", line).split("\n")
    )
