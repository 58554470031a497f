"""A data frame as pandas and R print it, pasted into notes: a line of column names, then a line a
row, each opening with the row's index (0, 1, 2... or R's 1, 2, 3...), every value set flush right
under the right end of its column's name, one space apart at least.

``readers.fixed_width`` cuts columns at gaps of two spaces under labels two spaces apart; a
frame's labels stand one space apart ("Surname Forename DateOfBirth Sex"), so its rows were
read as prose: a family name ran into the given name and a sex letter became the given name,
and the results in its test columns went to no one. Here the columns are cut at their names'
right ends, which every row's values end at, and the index is left out.
"""

from __future__ import annotations

import itertools
import re

from breachdesk.readers.base import Table, transpose

# A row: its index (a number, as pandas and R print a default one), then its values.
_INDEXED = re.compile(r"[ \t]{0,8}(\d{1,9})[ \t]{1,40}(?=\S)")
_LABEL = re.compile(r"\S+")
_MOST_COLUMNS = 120


def frames(lines: list[str]) -> list[tuple[int, int, Table]]:
    """The frames printed in ``lines``: (first line, line after the last, table), in order. A
    frame too wide for the console is printed in blocks of columns, each but the last ending
    in a "\\" name, each with the same index: one table again."""
    found: list[tuple[int, int, Table]] = []
    indexes: list[list[str]] = []
    at = 0
    while at + 2 < len(lines):
        table, end, index = _frame(lines, at)
        if table is None:
            at += 1
            continue
        if (
            found
            and found[-1][2].header[-1:] == ["\\"]
            and indexes[-1] == index
            and not any(line.strip() for line in lines[found[-1][1] : at])
        ):
            first, _, before = found.pop()
            table = Table([*before.header[:-1], *table.header],
                          [*before.columns[:-1], *table.columns], 1, before.prefix)  # fmt: skip
            at, indexes = first, indexes[:-1]
        found.append((at, end, table))
        indexes.append(index)
        at = end
    return [(a, b, _without_marker(t)) for a, b, t in found]


def _without_marker(table: Table) -> Table:
    if table.header[-1:] != ["\\"]:
        return table
    return Table(table.header[:-1], table.columns[:-1], table.first_row, table.prefix)


def _frame(lines: list[str], at: int) -> tuple[Table | None, int, list[str]]:
    header = lines[at].rstrip()
    if not header or header[:1] not in " \t" or "\t" in header:
        return None, at, []  # (a default index has no name: the header line opens with spaces)
    labels = [m.group() for m in _LABEL.finditer(header)]
    if not 2 <= len(labels) <= _MOST_COLUMNS:
        return None, at, []
    ends = [m.end() for m in _LABEL.finditer(header)]
    rows: list[list[str]] = []
    index: list[str] = []
    end = at + 1
    while end < len(lines) and (row := _row(lines[end].rstrip(), ends)) is not None:
        index.append(row[0])
        rows.append(row[1:])
        end += 1
    if len(rows) < 2 or not _counts(index):
        return None, at, []
    return Table(labels, transpose(rows, len(labels)), 1, f"line:{at + 1}!"), end, index


def _row(line: str, ends: list[int]) -> list[str] | None:
    """A row's index and its cells, each ending where its column's name does; None where the
    line is no row of the frame (a value standing across a column's end, prose)."""
    found = _INDEXED.match(line)
    if found is None or len(line) > ends[-1] or found.end() > ends[0]:
        return None
    cells = [found.group(1)]
    start = found.end()
    for column, end in enumerate(ends):
        if column and line[start : start + 1] not in (" ", ""):
            return None  # a value running over the end of the column before
        cell = line[start:end].strip()
        if cell and line[end - 1 : end] in (" ", ""):
            return None  # a value not flush right under its name
        cells.append(cell)
        start = end
    return cells if sum(1 for cell in cells[1:] if cell) * 2 >= len(ends) else None


def _counts(index: list[str]) -> bool:
    """Whether an index counts up one by one, as a default index does (from 0 or 1, or a
    frame's slice from wherever it starts)."""
    numbers = [int(i) for i in index]
    return all(b == a + 1 for a, b in itertools.pairwise(numbers))
