"""Big delimited files parsed by Arrow's CSV reader, where it reads them as the csv module does.

Python's ``csv`` module and the transpose to columns are half the time of a big CSV; Arrow parses
it in C into columns directly. The title rows and the header are still found by ``delimited``'s
own logic on the first rows, and Arrow reads from the first data row on, every column as text.
Arrow is strict where the csv module is forgiving: a ragged row, a quote left open or text after a
closing quote that makes a row the wrong width is an error to Arrow, and the file is then read by
the csv module instead, exactly as before. Where Arrow accepts a file it gives the csv module's
cells (fuzzed against it in the tests): doubled quotes, quoted newlines and delimiters, ``\\r``,
``\\n`` and ``\\r\\n`` line ends alike, and an empty line as a row of empty cells (the csv
module's empty row, padded to the table's width).
"""

from __future__ import annotations

import csv
import functools
import io
import itertools

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from breachdesk.ingest.sniff import delimiter
from breachdesk.readers.base import Table
from breachdesk.readers.table_edges import FOOTER_ROWS, footer_start

# Below this many characters the csv module and the conversion of its cells to Arrow (which
# ``records_from_table`` makes of a reader's lists) cost no more than Arrow's start-up: measured
# on the 1 GB synthetic dump's delimited files, the two are even at about 15 kB, Arrow a fifth
# cheaper at 20-40 kB and two fifths from 40 kB.
ARROW_MIN_CHARS = 16 * 1024
_HEAD_ROWS = 25


def arrow_tables(sample: str, text: str, delim: str | None = None) -> list[Table] | None:
    """The tables ``delimited._tables`` would give for ``text``, or None where Arrow would not
    read the file as the csv module does (the caller then uses the csv module). ``delim``: the
    caller's ``delimiter(sample) or ","``, when it has it (sniffing costs ~0.3 ms a file)."""
    global _last_head
    tables, rows, end = _arrow_read(sample, text, delim)
    _last_head = (text, rows, end) if rows else None
    return tables


# The first rows the last ``arrow_tables`` read of its text for the header, and where they end:
# ``delimited`` reads the same rows again for the titles above them (a tenth of a small CSV's
# reading), so it takes them once (``last_head``) instead of parsing them twice.
_last_head: tuple[str, list[list[str]], int] | None = None


def last_head(text: str) -> tuple[list[list[str]], int] | None:
    """The first rows ``arrow_tables`` read of ``text`` and where they end in it (None where
    its last call was for another text, or read none); forgotten once taken."""
    global _last_head
    last, _last_head = _last_head, None
    if last is None or last[0] is not text:
        return None
    return last[1], last[2]


@functools.lru_cache(maxsize=64)
def _options(
    width: int, delim: str
) -> tuple[pcsv.ReadOptions, pcsv.ParseOptions, pcsv.ConvertOptions]:
    """Arrow's options for a table of ``width`` columns (every one text) under ``delim``, as the
    csv module reads it; kept, as a dump's tables have a few widths and delimiters."""
    names = [f"c{i}" for i in range(width)]
    return (
        pcsv.ReadOptions(column_names=names, use_threads=False),
        pcsv.ParseOptions(
            delimiter=delim,
            quote_char='"',
            double_quote=True,
            escape_char=False,
            newlines_in_values=True,
            ignore_empty_lines=False,
        ),
        pcsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _arrow_read(
    sample: str, text: str, delim: str | None
) -> tuple[list[Table] | None, list[list[str]], int]:
    # Imported here: ``delimited`` imports this module for its ``read``.
    from breachdesk.readers.delimited import CHUNK_ROWS, split_header

    if delim is None:
        delim = delimiter(sample) or ","
    lines = io.StringIO(text, newline="")
    reader = csv.reader(lines, delimiter=delim)
    head_rows: list[list[str]] = []
    # The csv module reads a line at a time, so after each row the buffer stands at the next.
    ends: list[int] = []
    try:
        for row in itertools.islice(reader, _HEAD_ROWS):
            head_rows.append(row)
            ends.append(lines.tell())
        header, first_data = split_header(head_rows)
    except csv.Error:
        return None, [], 0
    head = (head_rows, ends[-1] if ends else 0)
    width = len(header)
    body = text[ends[first_data - 1] if first_data else 0 :]
    if not width or not body:
        return None, *head
    read_options, parse_options, convert_options = _options(width, delim)
    try:
        # (A buffer Arrow reads in C, where a Python file object costs a third more.)
        parsed = pcsv.read_csv(
            pa.BufferReader(body.encode("utf-8")),
            read_options=read_options,
            parse_options=parse_options,
            convert_options=convert_options,
        )
    except (pa.ArrowInvalid, UnicodeEncodeError):
        return None, *head
    # (A small file's column is one chunk: taken as it is, not concatenated into a copy.)
    columns = [c.chunk(0) if c.num_chunks == 1 else c.combine_chunks() for c in parsed.columns]
    if width > 1 and parsed.num_rows:
        # A footer at the end ("Total patients: 3") is no row (``table_edges``): its last few
        # rows looked at in Python, the rest never.
        tail = min(parsed.num_rows, FOOTER_ROWS)
        last = zip(*(c.slice(parsed.num_rows - tail).to_pylist() for c in columns), strict=True)
        cut = parsed.num_rows - tail + footer_start([list(row) for row in last])
        if cut < parsed.num_rows:
            columns = [c.slice(0, cut) for c in columns]
    # The csv module refuses a cell longer than its field limit: such a file stays unreadable.
    # (No cell is longer than the text it came from, so a short text needs no look.)
    limit = csv.field_size_limit()
    if len(body) > limit and any(
        len(c) and (pc.max(pc.utf8_length(c)).as_py() or 0) > limit for c in columns
    ):
        return None, *head
    tables = [
        Table(
            header=header,
            columns=[c.slice(first, CHUNK_ROWS) for c in columns],
            first_row=first + 1,
        )
        for first in range(0, len(columns[0]), CHUNK_ROWS)
    ]
    return tables, *head
