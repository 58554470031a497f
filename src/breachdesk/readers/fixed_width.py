"""Plain text whose tables are printed with spaces, the tables read as tables.

Lab systems (WinPath, TelePath...) print cumulative reports and worklists as columns aligned
with spaces under a line of column labels, with the report's title above and, on every page, a
footer ("Page 1 of 3"), a form feed and the title and labels again. Read as prose, the labels
become a patient's name and one row's facts run into the next's. Here a block of such lines is
a ``Table``, so the table detectors type its columns by their labels and values, as a CSV's:

- its header is a line of three or more short labels, two or more spaces apart, one of which
  names who a row is about (a name, date of birth, NHS or hospital number: the header synonyms
  the table detectors use);
- at least two rows follow, each of cells (runs of words one space apart) under the labels: a
  cell may reach into the next column (a long name, a number aligned right), and one running
  across several columns is a sentence, prose, unless its line has other cells (then it is a
  long value and the next, one space apart, cut at its words: ``printed_columns.by_words``);
- blank and ruled lines, and up to ``_MAX_GAP`` other lines followed by a row or by the labels
  again (a page's footer and the next page's title), leave the table going; those other lines
  are read as prose in their place, as is everything outside a table;
- labels printed one space apart ("AGE SEX NHS NO") are cut where a rule under them or the
  rows' gaps draw columns, and a cell wrapped onto the line below, the row's other columns
  blank, goes on in the row above (``printed_columns``).

A request form printed in boxes (a row of labels, each box's value under its label, then the
next row of boxes: "Surname  Forename(s)  Date of birth" over "OKAFOR  Grace  12/01/1962", then
"NHS number  Hospital no" over their values) is no table: each row of boxes becomes a line of
"label: value" pairs, the rows on consecutive lines, so the text detectors read one person with
every field where a table per row of boxes gave one person per row.

A table whose labels name nobody (a patient's results under their letterhead, an analyser's
status list) stays prose: its tests belong to the person named above it, in the same paragraph.
A report printing a patient's name only on their first row has it carried down to the next rows
that leave the patient's columns blank. An extract printed without labels is a table too when its
columns say who each row is, cut at its gaps or, records of one length whose fields touch, where
every record agrees a field starts (``packed``); a form saved as CSV ("D.O.B.,17/02/1961") is
read as its "label: value" lines (``forms``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import BinaryIO

from breachdesk.detect import ocr_digits
from breachdesk.ingest.sniff import decode, text_stream
from breachdesk.readers import forms, markup_tables, packed, printed_columns, totals
from breachdesk.readers import text as text_reader
from breachdesk.readers.base import Item, Record, Table, transpose
from breachdesk.readers.doc_tables import IDENTITY, label_kind

CHUNK_ROWS = 50_000
# A header and a row below it, cheaply: a cell, a gap of two or more spaces (or a tab) and a
# word, twice within a line's reach. Text without one is prose through and through, and is read
# exactly as ``text.read`` reads it, without a look at each line.
# (Possessive: a long run of spaces in hostile input is not tried split every way.)
_PREFILTER = re.compile(r"\S(?: {2}|\t)[ \t]*+[A-Za-z][^\n]{0,120}?\S(?: {2}|\t)[ \t]*+[A-Za-z]")
# ... or a line of two labels alone, as a form's row of two boxes prints them.
_TWO_LABELS = re.compile(
    r"(?m)^[ \t]*[\[{(|]?[A-Za-z][\w .()'/{}\[\]-]{0,39}?(?: {2}|\t)[ \t]*+"
    r"[\[{(|]?[A-Za-z][\w .()'/{}\[\]-]{0,39}$"
)
_CELL = re.compile(r"\S(?:\S| (?=\S))*")
_LABEL = re.compile(r"[A-Za-z][\w .#/()'&%+-]{0,31}")
_DIGITS = re.compile(r"(?<![A-Za-z])\d{3}")  # (a test's name may hold digits: "CA125")
_RULED = re.compile(r"[\s\-=_*+~.|#]*")
_SQL_ROWS = re.compile(r"\),\s*\(")
# A page's furniture lined up under the columns by chance: "Ward: AMU ... Page 2 of 2".
_LABELLED = re.compile(r"[A-Za-z]{2}:(?:\s|$)")
_PAGE = re.compile(r"\bpage\s+\d+\s+of\s+\d+|\bpage[\s:]+\d+\s*$", re.I)
# Page furniture between one page's last row and the next page's labels: a footer, a blank
# line or two, the report's title, the patient's or ward's heading.
_MAX_GAP = 12
# A printout pads each page to its length with blank lines before the form feed.
_MAX_BLANK = 200
# A wrapped cell's lines under one row that a table's first rows may hold.
_MAX_WRAPPED = 8

Cell = tuple[int, int, str]  # start column, end column, text


@dataclass
class _Layout:
    labels: list[str]
    starts: list[int]
    ends: list[int]
    identity: list[int]  # columns that say who a row is about
    cuts: list[int | None] = field(default_factory=list)  # where each column's cell ends
    words: list[str] = field(default_factory=list)  # the labels' words, as a page repeats them

    def __post_init__(self) -> None:
        self.cuts = [*self.starts[1:], None]
        self.words = " ".join(self.labels).split()


def read(data: bytes, name: str) -> Iterator[Item]:
    text, _ = decode(data)
    if "INSERT INTO" in text[:1_000_000]:
        yield from text_reader.read(data, name)  # SQL text, not a printout
        return
    yield from read_text(text)


def read_text(text: str, prefix: str = "") -> Iterator[Item]:
    """A text's prose, printed tables and forms (``segments``), located under ``prefix`` (an
    e-mail body's "part:1!")."""
    text = forms.delimited_pairs(ocr_digits.repair(text))  # CSV'd forms; OCR's "23/1l/1963"
    text, barred = markup_tables.tables(text)  # Markdown's and reStructuredText's tables
    for table in barred:
        table.prefix = prefix + table.prefix
        yield table
    probe = text if "\n" in text[:65536] or "\r" not in text else text.replace("\r", "\n")
    # (Both patterns need two spaces or a tab between cells: most letters and e-mails have
    # neither, and ``in`` says so quicker than either pattern.)
    if ("  " not in probe and "\t" not in probe) or (
        not _PREFILTER.search(probe) and not _TWO_LABELS.search(probe)
    ):
        yield from text_reader.paragraphs(text, prefix=prefix)
        return
    for item in segments(text.splitlines()):
        if isinstance(item, Table):
            item.prefix = prefix + item.prefix
        elif isinstance(item, Record):
            item.locator = prefix + item.locator
        yield item


def read_stream(stream: BinaryIO, name: str) -> Iterator[Item]:
    lines = (line.rstrip("\r\n") for line in text_stream(stream))
    yield from segments(
        piece for line in lines for piece in _SQL_ROWS.sub("),\n(", line).split("\n")
    )


@lru_cache(maxsize=4096)
def _names_who(label: str) -> bool:
    # Imported here: the detectors' header synonyms, loaded once, only for text with a table.
    from breachdesk.detect.columns import fold, synonyms

    folded = fold(label)
    table = synonyms()
    kind = table.get(folded) or table.get(folded.replace(" ", ""))
    return kind in IDENTITY


def _cells(line: str) -> list[Cell]:
    if "\t" in line or "\f" in line:
        line = line.replace("\f", "").expandtabs()
    return [(m.start(), m.end(), m.group()) for m in _CELL.finditer(line)]


def _header(line: str, source: _Lines | None = None) -> _Layout | None:
    """The columns of a line of three or more labels naming who a row is about, or None; with
    ``source``, the lines after it, its labels cut where a rule or the rows under them say
    columns are (``printed_columns``)."""
    if ("  " not in line and "\t" not in line) or _DIGITS.search(line):
        return None
    cells = _cells(line)
    if not 3 <= len(cells) <= 40:
        return None
    for _, _, label in cells:
        if not _LABEL.fullmatch(label) or label.count(" ") > 7:
            return None
    if source is not None:
        cells = printed_columns.columns(line, cells, source.peek)
    if len(cells) > 40 or any(label.count(" ") > 3 for _, _, label in cells):
        return None
    labels = [c[2] for c in cells]
    identity = [i for i, label in enumerate(labels) if _names_who(label)]
    if not identity:
        return None
    return _Layout(labels, [c[0] for c in cells], [c[1] for c in cells], identity)


def _row(layout: _Layout, line: str, least: int = 2, furniture: bool = True) -> list[str] | None:
    """The line's cells by column, or None where it is no row of the table (``least`` cells
    filled at least; ``furniture``, a "Label: value" line is none)."""
    if ("  " not in line and "\t" not in line) or (furniture and _furniture_line(line)):
        return None
    starts, ends = layout.starts, layout.ends
    if "\t" not in line and "\f" not in line:
        # Most rows have a space before each column's start: cut there (a tenth of the work).
        size = len(line)
        if all(s == 0 or s > size or line[s - 1] == " " for s in starts):
            row = [line[a:b].strip() for a, b in zip(starts, layout.cuts, strict=True)]
            row = [" ".join(c.split()) if "  " in c else c for c in row]
            if sum(1 for c in row if c) < least or row == layout.labels:
                return None
            return row
    row, pieces, cells = [""] * len(starts), 0, _cells(line)
    for start, end, cell in cells:
        # A cell crossing a column's start right after a space is two cells one space apart.
        crossed = 0
        for k in range(bisect_right(starts, start), bisect_left(starts, end)):
            at = starts[k] - start
            if cell[at - 1] == " ":
                _put(row, starts, ends, start, starts[k] - 1, cell[: at - 1])
                pieces += 1
                start, cell = starts[k], cell[at:]
            else:
                crossed += 1
        if crossed > 1 and len(cells) < 3:
            return None
        split = printed_columns.cut(starts, start, cell, crossed, cells) if crossed else None
        for piece in split or [(start, end, cell)]:
            _put(row, starts, ends, *piece)
            pieces += 1
    if pieces < least or sum(1 for c in row if c) < least or row == layout.labels:
        return None
    return row


def _names_a_test(layout: _Layout, row: list[str]) -> bool:
    """Whether a column saying who holds a test's name: a patient's results under their
    details ("Haemoglobin   131 g/L" under "Surname   Forename"), no row of the table."""
    from breachdesk.detect import lab_tests

    return any(
        row[i] and not any(c.isdigit() for c in row[i]) and lab_tests.lookup(row[i])
        for i in layout.identity
    )


def _continues(layout: _Layout, line: str, above: list[str] | None) -> list[str] | None:
    """The line's cells when it is a cell of the row ``above`` wrapped onto it, else None."""
    if above is None or not line[:1].isspace():
        return None
    if ("age" in line or "AGE" in line) and _PAGE.search(line):
        return None  # a footer under the last row
    # (Wrapped notes may hold "Plan: admit": no page furniture, directly under their row.)
    row = _row(layout, line, least=1, furniture=False)
    if row is None or printed_columns.continued(row, above, layout.identity) is None:
        return None
    return row


def _total_line(layout: _Layout, line: str) -> bool:
    """Whether a line under the rows, its columns saying who blank, is a total (``totals``)."""
    row = _row(layout, line, least=1, furniture=False)
    return row is not None and not any(row[i] for i in layout.identity) and totals.is_total(row)


def _furniture_line(line: str) -> bool:
    # (Literal tests first: a regex without one to start from costs a row's whole cut.)
    if ":" in line and _LABELLED.search(line):
        return True
    return ("age" in line or "AGE" in line) and _PAGE.search(line) is not None


_WORDY = re.compile(r"[^\W\d_]{2}")  # a cell opening with a word, not a number


def _put(
    row: list[str], starts: list[int], ends: list[int], start: int, end: int, cell: str
) -> None:
    """Put a cell in the column whose label it starts under (a left-aligned value, however far
    it runs on: "Activated partial thromboplastin time" under "Test" reaching past "Result"),
    or, words starting within an empty column's span, that column (a value pushed right by
    its neighbour's overflow); else the one under whose label most of it lies (a number
    aligned right; a cell under none in the column it follows)."""
    first = max(bisect_right(starts, start) - 1, 0)
    if not row[first] and (abs(start - starts[first]) <= 1 or _WORDY.match(cell)):
        row[first] = cell
        return
    best, most = first, 0
    for k in range(first, min(first + 3, len(starts))):
        overlap = min(end, ends[k]) - max(start, starts[k])
        if overlap > most:
            best, most = k, overlap
    row[best] = f"{row[best]} {cell}" if row[best] else cell


class _Lines:
    """Numbered lines with a look ahead and a way back."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._source = enumerate(lines, start=1)
        self._ahead: deque[tuple[int, str]] = deque()

    def peek(self, k: int) -> tuple[int, str] | None:
        while len(self._ahead) <= k:
            item = next(self._source, None)
            if item is None:
                return None
            self._ahead.append(item)
        return self._ahead[k]

    def next(self) -> tuple[int, str] | None:
        return self._ahead.popleft() if self._ahead else next(self._source, None)

    def back(self, items: list[tuple[int, str]]) -> None:
        self._ahead.extendleft(reversed(items))


def _confirmed(layout: _Layout, lines: _Lines) -> bool:
    """Two rows follow the labels (blank or ruled lines between), the first filling half
    the columns: a table, not a line of labels above prose nor a form's rows of boxes (values,
    then the next box's labels) nor a patient's details above their results."""
    rows, k, wrapped = 0, 0, 0
    above: list[str] | None = None
    wanted = max(2, len(layout.starts) // 2)
    while rows < 2 and k < rows + wrapped + 4:
        item = lines.peek(k)
        if item is None:
            return False
        k += 1
        if _RULED.fullmatch(item[1]):
            above = None
            continue
        row = _row(layout, item[1])
        if row is None and wrapped < _MAX_WRAPPED and _continues(layout, item[1], above):
            wrapped += 1
            continue
        if row is None or (not rows and sum(1 for c in row if c) < wanted):
            return False
        if rows and (_box_labels(item[1]) is not None or _names_a_test(layout, row)):
            return False
        rows += 1
        above = row
    return rows == 2


def segments(lines: Iterable[str], found: set[str] | None = None) -> Iterator[Item]:
    """Prose as ``text.paragraphs`` reads it, tables as tables, forms as labelled lines, in the
    order of the text; ``found`` is told "table" or "form" when there is one."""
    found = set() if found is None else found
    source = _Lines(lines)
    prose: list[str] = []
    prose_start = 1
    aligned_until = 0  # the last line of aligned rows found to name no one
    packed_until = 0  # the same, for records of one length cut by ``packed``
    while (item := source.next()) is not None:
        number, line = item
        layout = _header(line, source)
        if layout is not None and _confirmed(layout, source):
            yield from _paragraphs(prose, prose_start)
            prose = []
            found.add("table")
            yield from _table(layout, number, source)
            continue
        unheaded = None
        if layout is None and number > aligned_until:
            unheaded, block = _unheaded(line, number, source)
            aligned_until = number + block  # (its other lines open no table either)
            if unheaded is None and number > packed_until:
                unheaded, block = _packed(line, number, source)
                packed_until = number + block
        if unheaded is not None:
            yield from _paragraphs(prose, prose_start)
            prose = []
            found.add("table")
            yield from unheaded
            continue
        if not prose:
            prose_start = number
        form = _form(line, source)
        if form is not None:
            found.add("form")
        prose.extend(form if form is not None else [line])
    yield from _paragraphs(prose, prose_start)


# A table printed without its labels: a column's values say what it holds from three cells
# (``detect.columns``), and the first rows up to ``_SAMPLE_ROWS`` are typed to see so (a few
# dates of birth may lie within the 20 years that tell them from a report's dates).
_UNHEADED_ROWS = 3
_SAMPLE_ROWS = 50


def _unheaded(line: str, number: int, source: _Lines) -> tuple[Iterator[Table] | None, int]:
    """A table printed without a line of labels, from ``line`` on: three or more rows of three
    or more cells in the same columns ("12/01/1962  OKAFOR, Grace    4557660932  HbA1c"), whose
    values say who each row is (a column of names, and one of NHS numbers or of dates of birth,
    typed as a CSV's columns with no header are). None leaves the lines to be read as prose,
    as before: a block of aligned lines that names no one is not made a table of no one. Also
    how many lines after ``line`` were rows of the block looked at."""
    if ("  " not in line and "\t" not in line) or not _DIGITS.search(line):
        return None, 0
    cells = _cells(line)
    if not 3 <= len(cells) <= 40 or any(_LABELLED.search(c[2]) for c in cells):
        return None, 0
    width = len(cells)
    header = [f"column_{i + 1}" for i in range(width)]
    layout = _Layout(header, [c[0] for c in cells], [c[1] for c in cells], [])
    rows = [[c[2] for c in cells]]
    while len(rows) < _SAMPLE_ROWS and (item := source.peek(len(rows) - 1)) is not None:
        row = _row(layout, item[1], least=width - 1)
        if row is None:
            break
        rows.append(row)
    if len(rows) < _UNHEADED_ROWS or not _names_people(header, rows):
        return None, len(rows) - 1
    return _unheaded_rows(
        header, rows, number, source, lambda text: _row(layout, text, width - 1)
    ), 0


def _packed(line: str, number: int, source: _Lines) -> tuple[Iterator[Table] | None, int]:
    """A fixed-width extract's records from ``line`` on, its fields packed without a gap
    between some (``packed``): as ``_unheaded``, three or more lines of one length whose fields,
    cut where every line agrees one starts, say who each record is."""
    size = len(line)
    if size < packed.MIN_WIDTH or not _DIGITS.search(line):
        return None, 0
    sample = [line]
    while len(sample) < _SAMPLE_ROWS and (item := source.peek(len(sample) - 1)) is not None:
        if len(item[1]) != size:
            break
        sample.append(item[1])
    bounds = packed.spans(sample) if len(sample) >= _UNHEADED_ROWS else None
    if bounds is None:
        return None, len(sample) - 1
    header = [f"column_{i + 1}" for i in range(len(bounds))]
    rows = [packed.cut(text, bounds) for text in sample]
    if not _names_people(header, rows):
        return None, len(sample) - 1

    def row_of(text: str) -> list[str] | None:
        return packed.cut(text, bounds) if len(text) == size else None

    return _unheaded_rows(header, rows, number, source, row_of), 0


def _unheaded_rows(
    header: list[str],
    rows: list[list[str]],
    number: int,
    source: _Lines,
    row_of: Callable[[str], list[str] | None],
) -> Iterator[Table]:
    """The rows ``_unheaded`` read ahead, then the rest (``row_of`` each line, None past the
    table's end), a chunk at a time."""
    width, first, prefix = len(header), 1, f"line:{number}!"
    for _ in rows[1:]:
        source.next()
    while (item := source.peek(0)) is not None:
        row = row_of(item[1])
        if row is None:
            break
        source.next()
        rows.append(row)
        if len(rows) >= CHUNK_ROWS:
            yield Table(header, transpose(rows, width), first, prefix)
            first += len(rows)
            rows = []
    if rows:
        yield Table(header, transpose(rows, width), first, prefix)


def _names_people(header: list[str], rows: list[list[str]]) -> bool:
    """Whether the columns' values type as a name and an NHS number or a date of birth."""
    # Imported here: the detectors' column typing, only for text with aligned lines.
    import pyarrow as pa

    from breachdesk.detect.columns import type_columns

    columns = [pa.array(column, pa.string()) for column in transpose(rows, len(header))]
    kinds = set(type_columns(header, columns))
    named = bool(kinds & {"full_name", "family_name", "given_name"})
    return named and bool(kinds & {"nhs_number", "date_of_birth"})


# A box's edge beside its label, as OCR reads it: "[NHS number", "Forename({s)".
_BOX_EDGES = "[]{}|‘’“”'"
_BOX_LABEL = re.compile(r"[A-Za-z][\w .#/()'&%+-]{0,39}")
_STRAY = re.compile(r"[\[\]{}]")
_SPECK = re.compile(r"[^A-Za-z]{1,2}")


def _box_labels(line: str) -> _Layout | None:
    """The columns of a row of a form's boxes: two or more labels (no digits), one at least
    a label the header synonyms know; or None."""
    if ("  " not in line and "\t" not in line) or _DIGITS.search(line):
        return None
    # (A speck or what is left of a box's side between labels, "Surname   7   Forename(s)",
    # is no label.)
    cells = [cell for cell in _cells(line) if not _SPECK.fullmatch(cell[2])]
    if not 2 <= len(cells) <= 12:
        return None
    labels = [_STRAY.sub("", c[2].strip(_BOX_EDGES)).rstrip(":.,;").rstrip() for c in cells]
    if not all(_BOX_LABEL.fullmatch(label) and label.count(" ") <= 3 for label in labels):
        return None
    kinds = [label_kind(label) for label in labels]
    if not any(kinds):
        return None
    identity = [i for i, kind in enumerate(kinds) if kind in IDENTITY]
    return _Layout(labels, [c[0] for c in cells], [c[1] for c in cells], identity)


def _blank_lines(source: _Lines, at: int, most: int) -> int:
    """``at`` moved past up to ``most`` blank lines ahead."""
    while most and (item := source.peek(at)) is not None and not item[1].strip():
        at, most = at + 1, most - 1
    return at


def _form(line: str, source: _Lines) -> list[str] | None:
    """A form's rows of boxes starting at ``line`` (its lines after it taken from ``source``)
    as lines of "label: value" pairs, a line a row, the rows together and the lines the form
    took otherwise blank (the lines after it keep their numbers); None where ``line`` opens no
    form naming who it is about."""
    boxes: list[str] = []
    who = False
    used = 0  # lines after ``line`` that are the form's
    labels, at = line, 0  # a row's labels, and where the line after them is
    while (layout := _box_labels(labels)) is not None:
        at = _blank_lines(source, at, 1)
        item = source.peek(at)
        if item is None or _box_labels(item[1]) is not None:
            break
        # (A box left empty, or a value too faint to read, leaves the others.)
        values = _row(layout, item[1], least=1)
        if values is None:
            break
        after = source.peek(at + 1)
        table = after is not None and _row(layout, after[1]) and not _box_labels(after[1])
        if table and not boxes:
            return None  # a second row under the first labels: a small table, not a form
        boxes.append(
            "   ".join(f"{k}: {v}" for k, v in zip(layout.labels, values, strict=True) if v)
        )
        who = who or bool(layout.identity)
        used = at + 1
        if table:
            break  # the next row of boxes, its labels misread ("(ate conde   Hospital no")
        at = _blank_lines(source, used, 2)
        item = source.peek(at)
        if item is None:
            break
        labels, at = item[1], at + 1
    if not who:
        return None
    for _ in range(used):
        source.next()
    return boxes + [""] * (used + 1 - len(boxes))


def _paragraphs(lines: list[str], first: int) -> Iterator[Record]:
    for record in text_reader.paragraphs_of_lines(lines):
        if first != 1:
            record.locator = f"line:{int(record.locator[5:]) + first - 1}"
        yield record


def _table(layout: _Layout, header_line: int, source: _Lines) -> Iterator[Item]:
    """The table's rows up to its end, the page furniture inside it as prose; the lines after
    its end are left to the caller."""
    rows: list[list[str]] = []
    last: list[str] | None = None
    first = 1
    gap: list[tuple[int, str]] = []
    furniture = 0  # lines in the gap that are neither blank nor ruled
    prefix = f"line:{header_line}!"
    width, labels = len(layout.starts), layout.labels
    while (item := source.next()) is not None:
        line = item[1]
        if _RULED.fullmatch(line):
            gap.append(item)
        elif line.lstrip(" \f").startswith(labels[0]) and line.split() == layout.words:
            yield from _furniture(gap)  # the labels again, on the next page
            gap, furniture = [], 0
        elif _header(line) is not None:
            source.back([item])  # another table's labels
            break
        elif ("otal" in line or "OTAL" in line) and _total_line(layout, line):
            gap.append(item)  # "PAGE TOTAL 410.50": carried down, the last patient's again
            furniture += 1
        elif (row := _row(layout, line)) is not None:
            yield from _furniture(gap)
            gap, furniture = [], 0
            if last is not None and not any(row[i] for i in layout.identity):
                for i in layout.identity:
                    row[i] = last[i]
            if len(rows) >= CHUNK_ROWS:
                # (Only as the next row comes: until then a line may wrap under the last.)
                yield Table(layout.labels, transpose(rows, width), first, prefix)
                first += len(rows)
                rows = []
            rows.append(row)
            last = row
        elif not gap and (wrapped := _continues(layout, line, last)) is not None:
            printed_columns.wrap(rows[-1], wrapped)  # a cell of the row above, wrapped here
        else:
            gap.append(item)
            furniture += 1
        if furniture > _MAX_GAP or len(gap) > _MAX_BLANK:
            break
    source.back(gap)
    if rows:
        yield Table(layout.labels, transpose(rows, width), first, prefix)


def _furniture(gap: list[tuple[int, str]]) -> Iterator[Record]:
    """Lines between a table's rows (a footer, the next page's title) as prose in their place."""
    if gap:
        lines = ["" if _RULED.fullmatch(line) else line for _, line in gap]
        yield from _paragraphs(lines, gap[0][0])
