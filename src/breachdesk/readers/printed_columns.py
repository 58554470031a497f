"""A printout's columns where its line of labels alone does not draw them, and its wrapped cells.

PAS, EPR and LIMS list printouts (an ED tracking list, a ward list, a clinic list) print narrow
columns' labels one space apart ("AGE SEX NHS NO") and wrap a long cell onto the lines below.
``readers.fixed_width`` cuts a header at its gaps of two spaces, so such labels would make one
column of three values; these say where the columns really are:

- a rule under the labels ("------ --- --- -------------", of ``-``, ``=`` or ``_``) draws each
  column: the labels are cut at its runs' starts;
- without one, the rows do: a label of several words is cut before a word where every row below
  leaves two spaces and some row has values on both sides ("23 F   498 344 2065" under
  "AGE SEX NHS NO" cuts before "NHS");
- a cell too long for its column goes on under it on the next line, the row's other columns
  blank ("                      HIV/HBsAg sent, SARC ref"): that line continues the row above,
  not a row of its own and not prose given to the next row's patient.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

Cell = tuple[int, int, str]  # start column, end column, text
Peek = Callable[[int], tuple[int, str] | None]  # the k-th numbered line ahead, or None

_RUN = re.compile(r"[-=_]+")
_RULE_CHARS = " \t\f-=_"
# Rows looked at to cut a header's labels by its rows' gaps (a page's worth is plenty).
SAMPLE_LINES = 12


def _plain(line: str) -> str:
    # (As ``fixed_width._cells`` reads a line, so columns agree.)
    return line.replace("\f", "").expandtabs() if "\t" in line or "\f" in line else line


def columns(header: str, cells: list[Cell], peek: Peek) -> list[Cell]:
    """The header's cells cut by a rule under it, else by the gaps of the rows under it (and
    under the rule, where it is no rule of the header's labels)."""
    if all(" " not in label for _, _, label in cells):
        return cells  # (a rule could only move a label, and the rows' cells find theirs)
    after = peek(0)
    first = 0
    if after is not None and (runs := rule_runs(after[1])) is not None:
        cut = cut_by_rule(header, cells, runs)
        if cut is not None:
            return cut
        first = 1
    lines: list[str] = []
    while len(lines) < SAMPLE_LINES:
        item = peek(first + len(lines))
        if item is None or (not item[1].strip() and lines):
            break
        lines.append(item[1])
    return cut_by_rows(header, cells, lines)


def rule_runs(line: str) -> list[tuple[int, int]] | None:
    """The runs of a rule drawing two or more columns ("------ ---- ====="), or None."""
    if "-" not in line and "=" not in line and "_" not in line:
        return None
    line = _plain(line)
    if line.strip(_RULE_CHARS) or not line.strip():
        return None
    runs = [(m.start(), m.end()) for m in _RUN.finditer(line)]
    return runs if len(runs) >= 2 else None


def cut_by_rule(header: str, cells: list[Cell], runs: list[tuple[int, int]]) -> list[Cell] | None:
    """The header's labels cut at the rule's runs, when that splits them (never merges two) and
    no label runs over two runs; else None. A run with no label over it (a flag's column, "*"
    or "H") is a column of its own, labelled "", when at most one run in three is."""
    header = _plain(header)
    if len(runs) <= len(cells) or header[: runs[0][0]].strip():
        return None
    cut: list[Cell] = []
    unlabelled = 0
    for k, (start, end) in enumerate(runs):
        if start and start < len(header) and header[start - 1] != " ":
            return None  # a label runs across the column's edge: the rule is not its columns'
        stop = runs[k + 1][0] if k + 1 < len(runs) else len(header)
        piece = header[start:stop]
        label = piece.strip()
        if not label:
            unlabelled += 1
            if unlabelled * 3 > len(runs):
                return None  # not the header's rule: most of its columns would have no label
        left = start + len(piece) - len(piece.lstrip()) if label else start
        cut.append((left, max(end, left + len(label)), label))
    return cut


def cut_by_rows(header: str, cells: list[Cell], lines: list[str]) -> list[Cell]:
    """The header's labels of several words cut before a word where every one of ``lines``
    leaves two spaces and one at least has values on both sides; the others as they are."""
    header = _plain(header)
    rows = [_plain(line) for line in lines if line.strip() and not rule_runs(line)]
    if len(rows) < 2:
        return cells
    out: list[Cell] = []
    for start, end, label in cells:
        if " " not in label:
            out.append((start, end, label))
            continue
        left = start
        for at in range(start + 1, end):
            if header[at - 1] != " " or header[at] == " ":
                continue  # not a word's start
            if _gap_before(rows, at, left, end):
                out.append((left, at - 1, header[left:at].strip()))
                left = at
        out.append((left, end, header[left:end].strip()))
    return out


def _gap_before(rows: list[str], at: int, left: int, end: int) -> bool:
    both = False
    for row in rows:
        if row[at - 2 : at].strip():
            return False
        both = both or bool(row[left : at - 2].strip() and row[at:end].strip())
    return both


def continued(row: list[str], above: list[str], identity: list[int]) -> int | None:
    """The column a line's only cell continues when the line is a wrapped cell of the row above:
    blank under the first and the identity columns, its text under a column the row above has
    text in; else None."""
    filled = [i for i, cell in enumerate(row) if cell]
    if len(filled) != 1:
        return None
    column = filled[0]
    if column == 0 or column in identity or not above[column]:
        return None
    return column


def wrap(above: list[str], row: list[str]) -> None:
    """``row``'s cells, a wrapped line's, added to the row ``above``'s."""
    for i, cell in enumerate(row):
        if cell:
            above[i] = f"{above[i]} {cell}" if above[i] else cell


_WORD = re.compile(r"\S+")
# A result written right after a long value, one space apart: a number, maybe with a sign.
_NUMBER = re.compile(r"[<>]?=?\d+(?:\.\d+)?")


def _column(starts: list[int], at: int) -> int:
    """The column a cell starting at ``at`` is under: the last whose start is at or before it
    (the first where none is)."""
    return max(bisect_right(starts, at) - 1, 0)


def cut(starts: list[int], start: int, cell: str, crossed: int, cells: list[Cell]) -> list[Cell]:
    """A cell running over ``crossed`` columns' starts cut into a cell a column: over several,
    at its words (``by_words``); over one, only where words end in a number starting under
    that column and no other cell of the line is there ("Serum angiotensin converting enzyme
    94" under "Test" and "Result"), so not a long value overrunning an empty column
    ("Activated partial thromboplastin time") nor a spaced number. Else the cell, whole."""
    if crossed > 1:
        return by_words(starts, start, cell)
    head, _, last = cell.rpartition(" ")
    at = start + len(head) + 1
    column = _column(starts, at)
    end = starts[column + 1] if column + 1 < len(starts) else at + len(last) + 1
    if (
        not any(c.isalpha() for c in head)  # ("762 285 1833" under a header cut "NHS  No")
        or _NUMBER.fullmatch(last) is None
        or starts[column] <= start
        or any(starts[column] <= s < end for s, _, _ in cells if s > start)
    ):
        return [(start, start + len(cell), cell)]
    return [(start, start + len(head), head.rstrip()), (at, at + len(last), last)]


def by_words(starts: list[int], start: int, cell: str) -> list[Cell]:
    """A cell running over more than one column's start, one space between its values (a long
    test name then its result, "Extractable nuclear antigen antibodies Reported" under "Test"
    and "Result" of a PDF's table), cut into a cell a column: each word to the column it starts
    under, the first word's column taking those before it."""
    pieces: list[Cell] = []
    column = -1
    for match in _WORD.finditer(cell):
        at = start + match.start()
        here = _column(starts, at)
        if pieces and here == column:
            first, _, text = pieces[-1]
            pieces[-1] = (first, start + match.end(), f"{text} {match.group()}")
        else:
            pieces.append((at, start + match.end(), match.group()))
            column = here
    return pieces
