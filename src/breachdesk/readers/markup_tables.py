"""Tables drawn with bars in a text: Markdown's pipe tables ("| NHS No | Name |" over
"|:---|---|"), reStructuredText's grid tables ("+----+----+", "+====+" under the header, a
cell's text over several lines between rules) and a database shell's boxes pasted into notes.

Analysts keep their cohort pulls in README files and notes so: prose, a staff contact table,
then the patients' table. Read as prose, a row's cells ran into the next row's and the tests
in the header went to whoever was nearest; read as one delimited file, the prose was rows.
Here each block of barred lines is a ``Table`` of its own, located at its header's line, and
the lines it took are blank in the text the rest is read from, so every other line keeps its
number.
"""

from __future__ import annotations

import itertools
import re

from breachdesk.readers import frame_printouts
from breachdesk.readers.base import Table, transpose
from breachdesk.readers.table_edges import DRAWN_RULE, ascii_boxes

# A row: a bar first and last, as Markdown's, reStructuredText's and the shells' rows are.
_ROW = re.compile(r"[ \t]{0,12}\|[^\n]{0,8000}\|[ \t]{0,40}")
_MOST_CELLS = 200
# A frame's header (spaces first, as a default index has no name) over a row opening with its
# index; looked for in notes up to a size (a bigger text is a log or an export, not notes).
_FRAME_START = re.compile(r"(?m)^[ \t]{1,40}[^\s\d][^\n]{0,2000}\n[ \t]{0,8}\d{1,9}[ \t]+\S")
_FRAMES_CHARS = 1 << 20


def tables(text: str) -> tuple[str, list[Table]]:
    """``text`` with its barred tables' lines blanked, and the tables, in order; and so for the
    data frames printed in it (``frame_printouts``). A block needs a header of two labels or
    more and a row under it; any other run of barred lines is left."""
    framed = len(text) <= _FRAMES_CHARS and _FRAME_START.search(text) is not None
    if "|" not in text and not framed:
        return text, []
    text = ascii_boxes(text)
    lines = text.split("\n")
    found: list[Table] = []
    if framed:
        for first, end, table in frame_printouts.frames(lines):
            found.append(table)
            _blank(lines, first, end)
    at = 0
    while at < len(lines):
        if not _barred(lines[at]):
            at += 1
            continue
        end = at
        while end < len(lines) and _barred(lines[end]):
            end += 1
        barred = _table(lines[at:end], at + 1)
        if barred is not None:
            found.append(barred)
            _blank(lines, at, end)
        at = end
    return ("\n".join(lines), found) if found else (text, [])


def _blank(lines: list[str], first: int, end: int) -> None:
    for at in range(first, end):
        lines[at] = lines[at][len(lines[at].rstrip("\r")) :]


def _barred(line: str) -> bool:
    body = line.rstrip("\r")
    return "|" in body or ("+" in body and DRAWN_RULE.fullmatch(body) is not None)


def _is_rule(line: str) -> bool:
    return DRAWN_RULE.fullmatch(line.rstrip("\r")) is not None


def _cells(line: str) -> list[str]:
    inner = line.strip()[1:-1]
    return [cell.strip() for cell in inner.split("|", _MOST_CELLS)]


def _table(block: list[str], first_line: int) -> Table | None:
    """The table a block of barred lines draws, its first line ``first_line``; None where the
    block is no table (a line or two of bars in prose, one label)."""
    rules = [i for i, line in enumerate(block) if _is_rule(line)]
    rows_at = [i for i, line in enumerate(block) if i not in rules and _ROW.fullmatch(line)]
    if len(rows_at) < 2 or len(rows_at) + len(rules) < len(block):
        return None
    # A grid table draws a rule between its rows too, not only under its header: a row's lines
    # between two rules are one row, a cell's words over several lines (reStructuredText).
    # Elsewhere (Markdown, a shell's box) a line is a row.
    grid = any(rows_at[1] < r < rows_at[-1] for r in rules)
    rows = _grid_rows(block, rules) if grid else [_cells(block[i]) for i in rows_at]
    header, body = rows[0], rows[1:]
    if sum(1 for label in header if label) < 2 or not body:
        return None
    width = len(header)
    body = [(row + [""] * width)[:width] for row in body]
    header_line = first_line + rows_at[0]
    return Table(header, transpose(body, width), 1, f"line:{header_line}!")


def _grid_rows(block: list[str], rules: list[int]) -> list[list[str]]:
    rows: list[list[str]] = []
    bounds = [-1, *rules, len(block)]
    for start, end in itertools.pairwise(bounds):
        parts = [_cells(line) for line in block[start + 1 : end] if _ROW.fullmatch(line)]
        if not parts:
            continue
        width = max(len(p) for p in parts)
        merged = [" ".join(p[i] for p in parts if i < len(p) and p[i]) for i in range(width)]
        rows.append(merged)
    return rows
