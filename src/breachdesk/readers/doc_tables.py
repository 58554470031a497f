"""Tables inside documents (HTML pages and e-mail bodies, Word and OpenDocument files).

A results page or a referral letter often holds a grid of patients typed into a table:
"NHS Number | Patient Name | Date of Birth | Investigation" over a row a person. Read as
lines of text, each row loses its header: a date of birth is just a date, a mixed-case
"Smith, John" no name. So each table of a document is read one of three ways:

- a table whose header row names who its rows are about (a name, date of birth, NHS or
  hospital number: the header synonyms the table detectors use) and has a row below it is a
  ``Table``, its columns typed by their header and values as a spreadsheet's are;
- a form of label and value cells ("Patient name | OKAFOR, Grace", "DOB | 12/01/1962", also
  several pairs a row), or of rows of boxes (a row of labels over a row of their values, then the
  next), is read as "label: value" lines, the text detectors' labels;
- any other table (results under a letter's patient, a layout table holding the page) stays
  text, a line a row with its cells between " | ", in its place among the paragraphs: its tests
  belong to the person the letter names.

A table's place in the text is kept as blank lines, so the line numbers of the text's locators
are those of the whole document read as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from breachdesk.readers.base import Item, Table, transpose
from breachdesk.readers.delimited import split_header
from breachdesk.readers.table_edges import FOOTER_ROWS, footer_start
from breachdesk.readers.text import paragraphs

Grid = list[list[str]]
Piece = str | Grid  # a line of text, or a table's rows of cell texts

MAX_SPAN = 64  # a merged cell counts as at most this many columns (hostile markup says 10**9)
_SPACE = re.compile(r"\s+")
# The column types that say who a row is about (also the printouts' test, ``fixed_width``).
IDENTITY = frozenset(
    {"nhs_number", "hospital_number", "family_name", "given_name", "full_name", "date_of_birth"}
)


@lru_cache(maxsize=4096)
def label_kind(cell: str) -> str | None:
    """What a cell names as a column header or a form's label, or None."""
    # Imported here: the detectors' header synonyms, loaded once, only for documents with tables.
    from breachdesk.detect.columns import header_kind

    words = cell.strip().rstrip(":").strip()
    if not words or len(words) > 40 or any(c.isdigit() for c in words):
        return None
    return header_kind(words)


def _tidy(grid: Grid) -> Grid:
    """Cells as one line each, blank rows out, every row as wide as the widest."""
    rows = [[_SPACE.sub(" ", cell).strip() for cell in row] for row in grid]
    rows = [row for row in rows if any(row)]
    width = max(map(len, rows), default=0)
    return [row + [""] * (width - len(row)) for row in rows]


def _labelled(line: str) -> tuple[str, str] | None:
    """A cell's line as (label, value) when it opens with what a header would name, the longest
    such label of up to four words: "DOB 12/01/1962", "NHS No: 455 766 0932". A colon ends
    the label ("Name: OKAFOR," is no label, though it opens with one)."""
    words = line.replace(":", ": ", 1).split()
    colon = next((i for i, word in enumerate(words) if word.endswith(":")), len(words))
    for count in range(min(4, len(words) - 1, colon + 1), 0, -1):
        label = " ".join(words[:count]).rstrip(":").strip()
        if label_kind(label):
            return label, " ".join(words[count:])
    return None


def _unstack(grid: Grid) -> Grid:
    """Cells that stack fields on their lines ("OKAFOR, Grace<br>DOB 12/01/1962", as a page
    lays out a patient in one cell) as a column per label: the cell keeps its other lines and
    each labelled line's value moves to a column headed by its label, after the cell's own.
    The first line is the cell's own value, unless every line is labelled ("NHS 441 862
    7170<br>MRN RWE3301289" under "Identifiers": left there, the number was no column's)."""
    labels: dict[int, dict[str, None]] = {}  # column -> its stacked labels, in order of sight
    split: dict[tuple[int, int], tuple[str, dict[str, str]]] = {}
    for r, row in enumerate(grid[1:], start=1):
        for c, cell in enumerate(row):
            if "\n" not in cell:
                continue
            kept: list[str] = []
            values: dict[str, str] = {}
            lines = list(filter(None, map(str.strip, cell.split("\n"))))
            fields = [_labelled(line) for line in lines]
            if fields and (len(lines) < 2 or None in fields):
                fields[0] = None
            for line, found in zip(lines, fields, strict=True):
                if found is None or found[0] in values:
                    kept.append(line)
                else:
                    values[found[0]] = found[1]
            if values:
                split[(r, c)] = (" ".join(kept), values)
                labels.setdefault(c, {}).update(dict.fromkeys(values))
    if not split:
        return grid
    width = max(map(len, grid))  # a ragged row's missing cells, so every label column aligns
    out: Grid = []
    for r, row in enumerate(row + [""] * (width - len(row)) for row in grid):
        cells: list[str] = []
        for c, cell in enumerate(row):
            stacked = labels.get(c, {})
            if r == 0:
                cells += [cell, *stacked]
                continue
            own, values = split.get((r, c), (cell, {}))
            cells += [own, *(values.get(label, "") for label in stacked)]
        out.append(cells)
    return out


def _text_lines(grid: Grid) -> Iterator[str]:
    """A table read as text: a row of one-line cells is a line, its cells between " | "; a cell
    of several lines (a letter laid out in a table) keeps its lines."""
    for row in grid:
        cells = [cell.strip() for cell in row]
        if any("\n" in cell for cell in cells):
            for cell in cells:
                yield from (line.strip() for line in cell.split("\n"))
        elif any(cells):
            yield " | ".join(_SPACE.sub(" ", cell) for cell in cells)


# A box's label: a few words, no digits ("Forename(s)", "Date of birth:", "Clinical details").
_LABEL_LIKE = re.compile(r"[^\W\d_][^\d:]{0,39}:?")


def _is_form(rows: Grid) -> bool:
    """Label and value cells side by side, a pair or more a row: in most rows each even cell is
    a label, and the first row's values are not (a two-column table headed "Name | DOB" is a
    table)."""
    width = len(rows[0])
    if width % 2:
        return False
    labelled = 0
    for row in rows:
        keys = [row[i] for i in range(0, width, 2) if row[i] or row[i + 1]]
        if keys and _labels(keys):
            labelled += 1
    return labelled * 3 >= len(rows) * 2 and not any(label_kind(v) for v in rows[0][1::2] if v)


def _labels(keys: list[str]) -> bool:
    """Whether a row's label cells are labels: each one names a field or ends in a colon, or in
    a row of three pairs or more, a few words of a label that names none ("Range", beside
    "Test" and "Result"), one in three at most."""
    unnamed = [key for key in keys if not (key.endswith(":") or label_kind(key))]
    return not unnamed or (
        len(unnamed) * 3 <= len(keys) and all(_LABEL_LIKE.fullmatch(key) for key in unnamed)
    )


def _form_lines(rows: Grid) -> Iterator[str]:
    for row in rows:
        for i in range(0, len(row), 2):
            key, value = row[i].rstrip(": "), row[i + 1]
            if key or value:
                yield f"{key}: {value}" if key else value


def _boxes(rows: Grid) -> list[str] | None:
    """A request form's rows of boxes as lines of "label: value" pairs, a line a row of boxes:
    rows of labels, each over one row of their values ("Surname | Forename | DOB" over
    "OKAFOR | Grace | 12/01/1962", then "NHS number | Hospital no" over theirs), at least two
    such pairs of rows, one label at least naming who. None for any other grid (read as a
    table, its first row the header, every other row a person of its own)."""
    if len(rows) < 4 or len(rows) % 2:
        return None
    lines: list[str] = []
    who = False
    for labels, values in zip(rows[::2], rows[1::2], strict=True):
        named = [cell for cell in labels if cell]
        if not any(values) or not all(_LABEL_LIKE.fullmatch(cell) for cell in named):
            return None
        kinds = [label_kind(cell) for cell in named]
        if sum(1 for kind in kinds if kind) * 2 < len(named):
            return None
        if any(cell and label_kind(cell) for cell in values):
            return None
        who = who or any(kind in IDENTITY for kind in kinds)
        lines.append(
            "   ".join(
                f"{label.rstrip(': ')}: {value}"
                for label, value in zip(labels, values, strict=True)
                if value
            )
        )
    return lines if who else None


def _as_table(rows: Grid) -> Table | None:
    """The table, when its header names who each row is about and a row follows it."""
    header, first = split_header(rows)
    if first >= len(rows) or not any(label_kind(h) in IDENTITY for h in header):
        return None
    body = rows[first:]
    body = body[: max(0, len(body) - FOOTER_ROWS) + footer_start(body[-FOOTER_ROWS:])]
    if not body:
        return None
    return Table(header=header, columns=transpose(body, len(header)), first_row=1)


def items(pieces: Iterable[Piece], prefix: str = "") -> Iterator[Item]:
    """The document's text as paragraphs (``paragraphs``) and its tables of people as
    ``Table``s, located ``{prefix}table:N!row:M``."""
    lines: list[str] = []
    tables: list[Table] = []
    for piece in pieces:
        if isinstance(piece, str):
            lines.extend(piece.split("\n"))
            continue
        rows = _tidy(piece)
        if rows and _is_form(rows):
            lines.extend([*_form_lines(rows), ""])
            continue
        boxes = _boxes(rows)
        if boxes is not None:
            lines.extend([*boxes, ""])
            continue
        if len(piece) >= 2:
            rows = _tidy(_unstack(piece))
        table = _as_table(rows) if len(rows) >= 2 and len(rows[0]) >= 2 else None
        if table is None:
            lines.extend([*_text_lines(piece), ""])
            continue
        table.prefix = f"{prefix}table:{len(tables) + 1}!"
        tables.append(table)
        lines.extend([""] * (len(rows) + 1))
    yield from paragraphs("\n".join(lines), prefix=prefix)
    yield from tables


def span(value: str | None) -> int:
    """The number of columns a merged cell's span attribute says, within ``MAX_SPAN``."""
    try:
        return min(max(int(value or 1), 1), MAX_SPAN)
    except ValueError:
        return 1
