"""Forms laid out in a sheet's or a delimited text's cells, read as the "label: value" lines the
text detectors know.

A printed report saved as a spreadsheet or CSV keeps its patient block as cells: a label and
its value side by side ("Patient Surname | FOTHERGILL | | Patient Forename | Imogen", "D.O.B. |
03/04/1966 | | NHS No. | ..."), the labels with a colon or without, above (or below) a table of
results with its own header. Read as a table, the block's first row was taken for the header and
every other label for a value: a forename as the family name, a consultant as the hospital
number. Read as "Patient Surname: FOTHERGILL   Patient Forename: Imogen", the text detectors
name the patient, and the results table below, naming no one, is theirs.

A label is a cell the header synonyms spell exactly (not a test's name: "Sodium | 140" is a
result), or a few words ending in a colon; a row of two cells inside a form, a few words beside a
value, is one more pair ("Clinical details | Needle-stick injury"). A form's block is two rows
or more of such pairs, blank rows between allowed, whose labels say who at least twice (a name,
a date of birth, an NHS or hospital number); a single row of labels and values is a table's
header over a row.

A form printed with its labels above its values ("Surname | Forename | DOB" over "OKAFOR |
Grace | 12/01/1962", a blank row, "Test | Result" over "BRCA1/BRCA2 screen | ...") is a stack
of small tables of one row each (``stacked``): as one table it gave the person and lost every
block below.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from functools import cache, lru_cache
from typing import NamedTuple

from breachdesk.readers.doc_tables import IDENTITY

# A label of a few words ending in a colon, which no synonym need know ("Requesting Dr:").
_COLON_LABEL = re.compile(r"[^\W\d_][^\d:]{0,39}:")
# A label's few words, no digits ("Forename(s)", "Date of birth:", "Clinical details").
_LABEL_LIKE = re.compile(r"[^\W\d_][^\d:]{0,39}:?")
# Rows of a sheet's or CSV's head looked at for a form (the header is looked for in 20 too).
HEAD_ROWS = 20


@cache
def _spellings() -> dict[str, str]:
    """The header synonyms by their folded spelling, and without its spaces ("dob", "d o b")."""
    from breachdesk.detect.columns import synonyms

    table = synonyms()
    return {key.replace(" ", ""): kind for key, kind in table.items()} | table


def label_kind(cell: str) -> str | None:
    """What a form's label names, as the header synonyms spell it: the looser reading of a
    column's header ("Patient OKAFOR" as a full name's) would make a line of prose a form's."""
    # A cell with a digit names nothing (below): answered before the cache, which a table's
    # numbers and dates, most of the cells looked at and each new, would flush of its labels;
    # but a numbered label ("Test 1", "Test 2", "Address 2:") is its label's.
    if any(map(str.isdigit, cell)):
        numbered = _NUMBERED.fullmatch(cell.strip())
        return _label_kind(numbered.group(1)) if numbered else None
    return _label_kind(cell)


# A label and its number: "Test 1", "Test #2", "Address 2:" (the same box repeated on a form).
_NUMBERED = re.compile(r"([^\W\d_][^\d:#]{0,39}?)[ ]?#?[1-9]\d?:?")


@lru_cache(maxsize=4096)
def _label_kind(cell: str) -> str | None:
    from breachdesk.detect.columns import fold

    words = cell.strip().rstrip(":").strip()
    if not words or len(words) > 40 or any(c.isdigit() for c in words):
        return None
    folded = fold(words)
    table = _spellings()
    return table.get(folded) or table.get(folded.replace(" ", ""))


def _is_label(cell: str) -> bool:
    return bool(_COLON_LABEL.fullmatch(cell)) or label_kind(cell) is not None


def pairs(row: Sequence[str]) -> list[tuple[str, str]] | None:
    """A row's filled cells as (label, value) pairs, or None where they are not: each label
    followed by its value, one cell, or several after a label ending in a colon ("Address: |
    27 Sycamore Drive | M25 1HY"; without one, "Surname | OKAFOR | NOWAK" is a comparison's row).
    A label beside a label is a header's row."""
    found: list[list[str]] = []
    for cell in (c.strip() for c in row):
        if not cell:
            continue
        if _is_label(cell):
            if found and not found[-1][1]:
                return None
            found.append([cell, ""])
        elif found and (not found[-1][1] or found[-1][0].endswith(":")):
            found[-1][1] = f"{found[-1][1]} {cell}".lstrip()
        else:
            return None
    if not found or not all(value for _, value in found):
        return None
    return [(label, value) for label, value in found]


def line(found: list[tuple[str, str]]) -> str:
    """Pairs as a line of text: "Patient Surname: FOTHERGILL   Patient Forename: Imogen"."""
    return "   ".join(f"{label.rstrip(': ')}: {value}" for label, value in found)


class Block(NamedTuple):
    """A form's rows: ``start`` to ``stop`` (the row after its last pair), ``wide`` where a row
    holds two pairs or more (which no sideways reading of the sheet reads)."""

    start: int
    stop: int
    wide: bool


def _who(found: list[tuple[str, str]]) -> int:
    return sum(1 for label, _ in found if label_kind(label) in IDENTITY)


def loose(row: Sequence[str]) -> list[tuple[str, str]] | None:
    """A row of two cells inside a form, a few words of a label no synonym knows beside a value
    ("Clinical details | Needle-stick injury", "D-dimer | 4200"), as a pair; or None."""
    cells = [c.strip() for c in row if c.strip()]
    if len(cells) != 2 or not _LABEL_LIKE.fullmatch(cells[0]) or _is_label(cells[1]):
        return None
    return [(cells[0], cells[1])]


def blocks(rows: Sequence[Sequence[str]]) -> Iterator[Block]:
    """The forms among ``rows``, in order: rows of pairs (``pairs``), blank rows and rows of
    one unknown label's pair (``loose``) between and after them, two rows of pairs at least and
    labels saying who twice."""
    i = 0
    while i < len(rows):
        found = pairs(rows[i])
        if found is None:
            i += 1
            continue
        start, stop, count, who, wide = i, i + 1, 1, _who(found), len(found) > 1
        j = i + 1
        while j < len(rows):
            if not any(c.strip() for c in rows[j]):
                j += 1
                continue
            more = pairs(rows[j])
            if more is not None:
                count, who, wide = count + 1, who + _who(more), wide or len(more) > 1
            elif loose(rows[j]) is None:
                break
            j = stop = j + 1
        if count >= 2 and who >= 2:
            yield Block(start, stop, wide)
        i = j


def block(rows: Sequence[Sequence[str]]) -> Block | None:
    """The first form among ``rows`` (the head of a sheet or text), or None."""
    return next(blocks(rows), None)


def form_line(row: Sequence[str]) -> str | None:
    """A form's row as a line of "label: value" pairs (None where it holds none)."""
    found = pairs(row) or loose(row)
    return line(found) if found else None


def form_rows(rows: Sequence[Sequence[str]]) -> Block | None:
    """The form in ``rows`` (a sheet's or a text's head) that is not the whole of them: two
    pairs side by side in a row, or rows after it (a table of results). A form that is all
    there is, a pair a row, is left to be read turned round (``detect.label_columns``)."""
    found = block(rows[:HEAD_ROWS])
    if found is None:
        return None
    if found.wide or any(any(c.strip() for c in row) for row in rows[found.stop :]):
        return found
    return None


def stacked(rows: Sequence[Sequence[str]]) -> list[str] | None:
    """A form printed as small tables of one row each, blank rows between (and titles of one
    cell above), as lines: a line of title, or of "label: value" pairs per small table, the pairs
    on consecutive lines and the lines they took left blank, so each line keeps its row's
    number. None for anything else: a block of more rows is a table, a label repeated in
    another block another person's."""
    groups: list[list[int]] = [[]]
    for i, row in enumerate(rows):
        if any(c.strip() for c in row):
            groups[-1].append(i)
        elif groups[-1]:
            groups.append([])
    groups = [g for g in groups if g]
    titles = 0
    while titles < len(groups) and all(_single(rows[i]) for i in groups[titles]):
        titles += 1
    boxes = groups[titles:]
    if len(boxes) < 2 or any(len(b) != 2 for b in boxes):
        return None
    seen: set[str] = set()
    who = False
    found: list[tuple[int, str]] = []
    for top, bottom in boxes:
        labels, values = rows[top], rows[bottom]
        named = [c.strip() for c in labels if c.strip()]
        # (A label the synonyms do not know, "Centre" beside "Referring Clinician", may stand
        # among those they do.)
        known = sum(1 for c in named if _is_label(c))
        if 2 * known < len(named) or not all(_LABEL_LIKE.fullmatch(c) for c in named):
            return None
        if any(c.strip() and _is_label(c.strip()) for c in values):
            return None
        keys = {label.rstrip(": ").lower() for label in named}
        if keys & seen:
            return None
        seen |= keys
        who = who or any(label_kind(c) in IDENTITY for c in named)
        taken = [
            (label.strip(), value.strip())
            for label, value in zip(labels, values, strict=False)
            if label.strip() and value.strip()
        ]
        if not taken:
            return None
        found.append((top, line(taken)))
    if not who:
        return None
    lines = ["  ".join(c.strip() for c in rows[i] if c.strip()) for g in groups[:titles] for i in g]
    out = [""] * len(rows)
    for i, text in zip((i for g in groups[:titles] for i in g), lines, strict=True):
        out[i] = text
    first = boxes[0][0]
    for k, (_, text) in enumerate(found):
        out[first + k] = text
    return out


def _single(row: Sequence[str]) -> bool:
    return sum(1 for c in row if c.strip()) == 1


# A line of a text that may be a form's row written with a comma or semicolon ("Pt Name,Mr
# Ashok PATEL", "D.O.B.;1961-02-17"): a few words, the delimiter, a value.
_DELIMITED_PAIR = re.compile(r'(?m)^[ \t]*"?[^\W\d_][^\d,;"\n]{0,39}"?[ \t]*[,;][ \t]*"?\S')
# A text read a line at a time for them is a page or a few: a bigger one is a table or prose.
_PAIRED_CHARS = 1 << 20


def delimited_pairs(text: str) -> str:
    """``text`` with the rows of a form written as a CSV's ("Patient Name,TREGENZA Morwenna",
    "Date of Birth,12/09/1961", a report saved as CSV that reads as text) as "label: value"
    lines, where they make a form (``blocks``); the text as it is otherwise. Each line keeps its
    place."""
    if len(text) > _PAIRED_CHARS:
        return text
    # A form needs two such lines (below): a letter's one "Dear Dr Okafor, I" ends here.
    first = _DELIMITED_PAIR.search(text)
    if first is None or _DELIMITED_PAIR.search(text, first.end()) is None:
        return text
    lines = text.split("\n")
    rows: list[list[str]] = []
    for text_line in lines:
        cells = _split(text_line) if _DELIMITED_PAIR.match(text_line) else None
        rows.append(cells if cells is not None else [text_line])
    if sum(1 for row in rows if len(row) > 1 and pairs(row)) < 2:
        return text
    found = list(blocks(rows))
    if not found:
        return text
    for form in found:
        for i in range(form.start, form.stop):
            lines[i] = form_line(rows[i]) or lines[i]
    return "\n".join(lines)


def _split(text_line: str) -> list[str] | None:
    """A line's cells, split at the first delimiter's kind (a comma or a semicolon)."""
    delim = next(c for c in text_line if c in ",;")
    try:
        return next(csv.reader([text_line.rstrip("\r")], delimiter=delim), None)
    except csv.Error:
        return None
