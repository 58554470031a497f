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
import io

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
    # Imported here: ``delimited`` imports this module for its ``read``.
    from breachdesk.readers.delimited import CHUNK_ROWS, split_header

    if delim is None:
        delim = delimiter(sample) or ","
    lines = io.StringIO(text, newline="")
    reader = csv.reader(lines, delimiter=delim)
    try:
        head_rows = [row for _, row in zip(range(_HEAD_ROWS), reader, strict=False)]
        header, first_data = split_header(head_rows)
        # The csv module reads a line at a time, so after the title and header rows the buffer
        # stands at the first data row.
        lines.seek(0)
        reader = csv.reader(lines, delimiter=delim)
        for _ in range(first_data):
            next(reader)
    except csv.Error:
        return None
    width = len(header)
    body = text[lines.tell() :]
    if not width or not body:
        return None
    names = [f"c{i}" for i in range(width)]
    try:
        parsed = pcsv.read_csv(
            io.BytesIO(body.encode("utf-8")),
            read_options=pcsv.ReadOptions(column_names=names, use_threads=False),
            parse_options=pcsv.ParseOptions(
                delimiter=delim,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=False,
            ),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeEncodeError):
        return None
    columns = [column.combine_chunks() for column in parsed.columns]
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
        return None
    return [
        Table(
            header=header,
            columns=[c.slice(first, CHUNK_ROWS) for c in columns],
            first_row=first + 1,
        )
        for first in range(0, len(columns[0]), CHUNK_ROWS)
    ]
