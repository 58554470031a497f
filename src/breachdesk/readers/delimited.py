"""CSV, TSV and pipe-delimited tables, with the delimiter and header row found from content.

Real worklists put a title or two above the header ("Chemistry worklist - printed 01/06/2024"),
so the header is the first row that has the table's usual width and mostly non-numeric cells.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator

from breachdesk.ingest.sniff import decode, delimiter
from breachdesk.readers.base import Item, ReaderError, Table

CHUNK_ROWS = 50_000
_NUMERIC = re.compile(r"^[\d\s/.:+-]*$")


def _header_index(rows: list[list[str]]) -> int:
    widths = Counter(len(r) for r in rows if any(c.strip() for c in r))
    if not widths:
        return 0
    width = widths.most_common(1)[0][0]
    for i, row in enumerate(rows[:20]):
        cells = [c.strip() for c in row]
        filled = [c for c in cells if c]
        numeric = sum(bool(_NUMERIC.match(c)) for c in filled)
        if len(row) == width and len(filled) >= max(1, width // 2) and numeric <= len(filled) // 3:
            return i
    return 0


def read(data: bytes, name: str) -> Iterator[Item]:
    text, _encoding = decode(data)
    if "\x00" in text:
        raise ReaderError("NUL bytes in a delimited text file")
    delim = delimiter(text[:200_000]) or ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        head_rows = [row for _, row in zip(range(25), reader, strict=False)]
        start = _header_index(head_rows)
        header = [h.strip() for h in head_rows[start]] if head_rows else []
        width = len(header)
        pending = head_rows[start + 1 :]
        first = 1
        chunk: list[list[str]] = []

        def flush() -> Table:
            cols = [[row[i] if i < len(row) else "" for row in chunk] for i in range(width)]
            return Table(header=header, columns=cols, first_row=first)

        for row in _chain(pending, reader):
            chunk.append(row)
            if len(chunk) >= CHUNK_ROWS:
                yield flush()
                first += len(chunk)
                chunk = []
        if chunk and width:
            yield flush()
    except csv.Error as exc:
        raise ReaderError(f"malformed delimited text: {exc}") from exc


def _chain(first: list[list[str]], rest: Iterator[list[str]]) -> Iterator[list[str]]:
    yield from first
    yield from rest
