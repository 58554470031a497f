"""Plain text, logs and other text-like files, cut into records a person's facts stay inside.

Logs are read a line at a time (one event, usually one patient); prose a paragraph at a time,
with long paragraphs cut so one record never spans a whole file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from breachdesk.ingest.sniff import decode
from breachdesk.readers.base import Item, Record

MAX_LINES = 12


def read_lines(data: bytes, name: str) -> Iterator[Item]:
    text, _ = decode(data)
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield Record(locator=f"line:{number}", schema="text", text=line)


def paragraphs(text: str, prefix: str = "") -> Iterator[Record]:
    """Records of up to MAX_LINES lines, broken at blank lines; locators name the first line."""
    buffer: list[str] = []
    start = 1
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or len(buffer) >= MAX_LINES:
            if buffer:
                yield Record(locator=f"{prefix}line:{start}", schema="text", text="\n".join(buffer))
            buffer = [line] if line.strip() else []
            start = number
            continue
        if not buffer:
            start = number
        buffer.append(line)
    if buffer:
        yield Record(locator=f"{prefix}line:{start}", schema="text", text="\n".join(buffer))


_SQL_ROWS = re.compile(r"\),\s*\(")


def read(data: bytes, name: str) -> Iterator[Item]:
    text, _ = decode(data)
    # One SQL INSERT may carry thousands of rows on one line: give each row its own line.
    if "INSERT INTO" in text[:1_000_000]:
        text = _SQL_ROWS.sub("),\n(", text)
    yield from paragraphs(text)
