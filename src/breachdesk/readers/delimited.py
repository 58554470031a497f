"""CSV, TSV and pipe-delimited tables, with the delimiter and header row found from content.

Real worklists put a title or two above the header ("Chemistry worklist - printed 01/06/2024"),
so the header is the first row that has the table's usual width and mostly non-numeric cells; the
titles are read as prose when they may name the patient the table is about. A report saved as
CSV may hold a form's block of labels and values above its table instead ("Patient Surname,
FOTHERGILL,,Forename,Imogen"): its rows are read as "label: value" lines (``forms``) and the
table's header is the first row of cells below them.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, BinaryIO

import pyarrow as pa
import pyarrow.compute as pc

from breachdesk.ingest.damaged import first_lines
from breachdesk.ingest.sniff import decode, delimiter, text_stream
from breachdesk.readers.arrow_csv import ARROW_MIN_CHARS, arrow_tables, last_head
from breachdesk.readers.base import Item, ReaderError, Record, Table, transpose
from breachdesk.readers.table_edges import (
    FOOTER_ROWS,
    footer_start,
    group_header,
    is_footer,
    is_group_row,
    unboxed,
)
from breachdesk.readers.text import paragraphs

if TYPE_CHECKING:
    from breachdesk.readers import forms

CHUNK_ROWS = 50_000
_SNIFF_CHARS = 200_000
_NUMERIC = re.compile(r"^[\d\s/.:+-]*$")


# A cell no header holds: an NHS number's shape, a date, eight digits of a date (19620112), or
# a name as HL7 writes it (OKAFOR^GRACE); the first two perhaps after their label, as a list
# typed by hand writes them ("DOB 24/11/2015", "NHS 7859952890").
_DATA_CELL = re.compile(
    r"^\s*(?:(?i:d\.?o\.?b\.?|born|nhs(?:[ \t]?(?:no\.?|number))?)[ \t]{0,3}:?[ \t]{0,3}"
    r"(?=\d))?(?:\d{3}[ -]?\d{3}[ -]?\d{4}|\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}|(?:19|20)\d{6}"
    r"|[A-Za-z][A-Za-z' -]{0,40}\^[A-Za-z][A-Za-z' -]{0,40}(?:\^[^^]{0,40})?)\s*$"
)


def is_data_row(row: list[str]) -> bool:
    """A first row holding NHS-number-like or date values is data: the file has no header."""
    return any(_DATA_CELL.match(cell) for cell in row)


def _table_start(rows: list[list[str]]) -> int:
    """Where a table's header (or, without one, its first row) is among ``rows``: below a
    form's block, and never below its own first rows of data."""
    return _head(rows)[0]


# ``split_header`` and ``titles`` look at the same first rows one after the other (from the
# same text or sheet): the last rows' start and form, kept by their cells, spare the second
# look (a quarter of a small table's reading).
_last_head: tuple[tuple[tuple[str, ...], ...], tuple[int, forms.Block | None]] | None = None


def _head(rows: list[list[str]]) -> tuple[int, forms.Block | None]:
    """``_table_start`` of ``rows`` and their form (``_form``)."""
    global _last_head
    key = tuple(map(tuple, rows))
    last = _last_head
    if last is not None and last[0] == key:
        return last[1]
    form = _form(rows)
    found = (_start(rows, form), form)
    _last_head = (key, found)
    return found


def _start(rows: list[list[str]], form: forms.Block | None) -> int:
    if form is not None:
        # A form's block above the table ("Patient Surname | FOTHERGILL | | Patient Forename |
        # Imogen"): the table's header is the first row of cells below it (a cumulative report's
        # "Test | 10/01/2024 | 07/02/2024", too, which ``_may_be_header`` would pass over). (A
        # heading of one cell, "Results", may stand between them.)
        at = (i for i in range(form.stop, len(rows)) if sum(1 for c in rows[i] if c.strip()) > 1)
        return next(at, len(rows))
    i = _header_index(rows)
    if i and i < len(rows) and is_data_row(rows[i]):
        # A headerless table whose first rows' numbers outnumber their words (an NHS number, a
        # date of birth and a result) was taken to start at its first row of more words: its
        # rows above it, of its width and holding data too, are its own.
        width = len(rows[i])
        while i and len(rows[i - 1]) == width and is_data_row(rows[i - 1]):
            i -= 1
    return i


def _form(rows: list[list[str]]) -> forms.Block | None:
    # Imported here: the forms' labels are the header synonyms, loaded only for such a head.
    from breachdesk.readers import forms

    return forms.form_rows(rows)


def _header_index(rows: list[list[str]]) -> int:
    width = _table_width(rows)
    if width is None:
        return 0
    for i, row in enumerate(rows[:20]):
        if _may_be_header(row, width) and not _title_pair(rows, i, width):
            # A group row above the header ("Patient" over "Surname | Forename | DOB", merged
            # cells left blank or repeating): the row below names more columns.
            below = rows[i + 1] if i + 1 < len(rows) else None
            merged = _repeats(row)
            if (
                below is not None
                and (merged or not all(c.strip() for c in row))
                and _may_be_header(below, width)
                and _labels(below) >= max(2, _labels(_distinct(row) if merged else row) + 1)
            ):
                return i + 1
            return i
    return 0


def _table_width(rows: list[list[str]]) -> int | None:
    """The table's width among ``rows``: their usual width; but where title lines and a
    report's "label, value" lines above a small table outnumber its rows, the width of the
    table below them (``_last_table``). None for rows all blank."""
    lengths = set(map(len, rows))
    if len(lengths) == 1:
        # Every row has one width, so it is the usual width (a sheet of blank rows has no header
        # row below either way): no need to look for a filled cell in thousands of rows.
        (width,) = lengths
        return width
    widths = Counter(len(r) for r in rows if any(c.strip() for c in r))
    if not widths:
        return None
    common = widths.most_common(1)[0][0]
    if len(widths) == 1:
        return common
    return _last_table(rows[:_HEAD_ROWS]) or common


_HEAD_ROWS = 25


def _last_table(rows: list[list[str]]) -> int | None:
    """The width of the run of rows of one width (two columns at least, blank rows between
    them allowed) that opens with a header (below a group row or not), has rows under it and
    runs to the end of ``rows`` but for a footer: the table under a report's titles."""
    filled = [(i, row) for i, row in enumerate(rows) if any(c.strip() for c in row)]
    end = len(filled)
    while end and (
        sum(1 for c in filled[end - 1][1] if c.strip()) <= 1 or is_footer(filled[end - 1][1])
    ):
        end -= 1
    if end < 2:
        return None
    width = len(filled[end - 1][1])
    start = end - 1
    while start and len(filled[start - 1][1]) == width:
        start -= 1
    if width < 2 or start == 0 or end - start < 2:
        return None  # one width all through: the usual width is the table's
    # The header, or a group row over it.
    for k in range(start, min(start + 2, end - 1)):
        if _may_be_header(filled[k][1], width):
            return width
    return None


def _title_pair(rows: list[list[str]], i: int, width: int) -> bool:
    """Whether row ``i`` opens a block of titles and "label, value" lines (a sheet saved as CSV
    pads them: "Run by,QURESHI Nadia,,"), each with its one or two cells first in the row,
    blank rows between, just above a header that names more columns than any of them."""
    if width < 3:
        return False
    most = 0
    for j in range(i, min(len(rows), 20)):
        filled = [k for k, c in enumerate(rows[j]) if c.strip()]
        if not filled:
            continue
        if len(filled) <= 2 and filled[-1] == len(filled) - 1:
            most = max(most, _labels(rows[j]))
            continue
        return (
            j > i
            and len(filled) >= 3
            and _may_be_header(rows[j], width)
            and _labels(rows[j]) >= max(2, most + 1)
        )
    return False


def _distinct(row: list[str]) -> list[str]:
    """A row's cells, a merged cell written into each of its columns counted once."""
    return [c for k, c in enumerate(row) if not k or c != row[k - 1]]


def _repeats(row: list[str]) -> bool:
    """Whether a test's name is repeated in the next column: a merged cell over its columns
    written into each of them."""
    from breachdesk.detect.columns import header_kind  # loaded once, only for such a row

    return any(
        a.strip() and a == b and (header_kind(a.strip()) or "").startswith("analyte:")
        for a, b in itertools.pairwise(row)
    )


def _may_be_header(row: list[str], width: int) -> bool:
    filled = [c for c in (c.strip() for c in row) if c]
    numeric = sum(bool(_NUMERIC.match(c)) for c in filled)
    return (
        len(row) == width
        and len(filled) >= max(1, width // 2)
        and numeric <= len(filled) // 3
        and not _form_row(filled)
    )


def _form_row(filled: list[str]) -> bool:
    """A form's row above a per-patient table ("Patient Name:" | "Grace OKAFOR"): a label
    ending in ":" beside a value that names no column. A header of labels written with colons
    ("Name:" | "DOB:") is still a header."""
    pairs = [(a, b) for a, b in itertools.pairwise(filled) if a[-1] == ":" and b[-1] != ":"]
    if not pairs:
        return False
    from breachdesk.detect.columns import header_kind  # loaded once, only for such a row

    return any(not header_kind(value) for _, value in pairs)


def _labels(row: list[str]) -> int:
    """How many cells of a row are column headers the table detectors know (tests aside: a
    row of test names is data)."""
    # Imported here: the header synonyms, loaded once, only for a table with a gap in its header.
    from breachdesk.detect.columns import header_kind

    kinds = (header_kind(c.strip()) for c in row if 0 < len(c.strip()) <= 40)
    return sum(1 for kind in kinds if kind and not kind.startswith("analyte:"))


def split_header(rows: list[list[str]]) -> tuple[list[str], int]:
    """The header (names by position when the table has none) and the index of the first
    data row among ``rows`` (the first rows of a table, title rows included)."""
    if not rows:
        return [], 0
    start = _table_start(rows)
    if start >= len(rows):
        return [], len(rows)
    header = [h.strip() for h in rows[start]]
    if is_data_row(header):
        return _labelled(header), start
    if start and is_group_row(rows[start - 1], header):
        # A test named over its "Date | Value" columns: their names take the test's.
        header = group_header(rows[start - 1], header)
    return header, start + 1


def _above(rows: list[list[str]]) -> list[list[str]]:
    """The title rows above a table's header, its group row (``is_group_row``) not one."""
    start = _table_start(rows)
    if 0 < start < len(rows) and is_group_row(rows[start - 1], rows[start]):
        return rows[: start - 1]
    return rows[:start]


def _by_position(width: int) -> list[str]:
    return [f"column_{i + 1}" for i in range(width)]


_CELL_LABEL = re.compile(
    r"(?i:(d\.?o\.?b\.?|born|nhs(?:[ \t]?(?:no\.?|number))?))[ \t]{0,3}:?[ \t]{0,3}\d"
)


def _labelled(first: list[str]) -> list[str]:
    """A headerless table's column names: by position, or the label its first row's cell
    writes before its value ("DOB 24/11/2015", "NHS 7859952890": a list typed by hand)."""
    return [
        found.group(1) if (found := _CELL_LABEL.match(cell)) else f"column_{i + 1}"
        for i, cell in enumerate(first)
    ]


def is_unheaded(header: list[str]) -> bool:
    """Whether ``split_header`` named the columns by position (or by their cells' labels):
    the table had no header."""
    return all(
        h == f"column_{i + 1}" or _CELL_LABEL.match(f"{h} 0") is not None
        for i, h in enumerate(header)
    )


# Title rows that may say whom the export is about: "Patient: OKAFOR, Grace  NHS No: 455 766
# 0932" above a table of that patient's results. A report's name and print date are not.
_PERSONAL = re.compile(
    r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b|\b(?:DOB|D\.O\.B|date of birth|born|patient)\b", re.I
)


def titles(
    rows: list[list[str]], delim: str, prefix: str = "", *, cells_only: bool = False
) -> Iterator[Record]:
    """The title rows above a table's header (``rows``: its first rows), read as prose when
    they may name the patient the table is about; other titles are left out. ``cells_only``:
    a row's empty cells are left out of its line (a sheet's rows are padded to its width)."""
    above = _above(rows) if len(rows) > 1 else []
    if not above:
        return
    lines = [delim.join(c for c in row if c.strip() or not cells_only) for row in above]
    form = _head(rows)[1]
    if form is None:
        if any(_PERSONAL.search(text) for text in lines):
            yield from paragraphs("\n".join(lines), prefix=prefix)
        return
    # A form's rows as its labels and values ("D.O.B.: 03/04/1966   NHS No.: ..."), as the
    # text detectors read a form (joined by the delimiter, its labels were no labels); and apart
    # from the titles around it, whose letterhead's address is not the patient's.
    from breachdesk.readers.forms import form_line

    others = [text if not form.start <= i < form.stop else "" for i, text in enumerate(lines)]
    if any(_PERSONAL.search(text) for text in others):
        yield from paragraphs("\n".join(others), prefix=prefix)
    found = [form_line(row) if form.start <= i < form.stop else "" for i, row in enumerate(above)]
    yield from paragraphs("\n".join(text or "" for text in found), prefix=prefix)


# A block's patient line: an NHS number or a date of birth's label (a page's repeated header
# under "Patient list, page 2" is one table's).
_BLOCK_PATIENT = re.compile(
    r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b|\b(?:DOB|D\.O\.B|date of birth|born)\b", re.I
)


def sections(rows: list[list[str]], prefix: str = "") -> list[Record] | None:
    """A report printed a block per patient ("Patient: SMITH, John  DOB ...  NHS No ...", then
    its own "Test | Result | Units" rows, then the next patient's): as prose, a paragraph per
    block, when a row of labels comes back with a patient's line above each
    (``_BLOCK_PATIENT``); else None. Read as one table under its first patient, every block's
    results went to that patient and the others were lost."""
    if len(rows) < 4:
        return None
    keys = [tuple(map(str.strip, row)) for row in rows]
    # The blocks' header: the commonest row of two or more labels, no digit in them.
    labels = Counter(
        key for key in keys if len(key) - key.count("") >= 2 and not _has_digit("".join(key))
    )
    if not labels:
        return None
    header, count = labels.most_common(1)[0]
    if count < 2:
        return None
    repeats = [i for i, key in enumerate(keys) if i and key == header]
    lines = ["  ".join(c for c in key if c) for key in keys]
    if sum(1 for i in repeats if _BLOCK_PATIENT.search(lines[i - 1])) < 0.8 * len(repeats):
        return None
    # A list printed a page at a time repeats its header over more patients' rows: the row
    # under each repeat names a patient, where a block's rows under it are its results.
    below = [lines[i + 1] for i in repeats if i + 1 < len(lines)]
    if below and sum(1 for line in below if _BLOCK_PATIENT.search(line)) >= 0.8 * len(below):
        return None
    for i in reversed(repeats):
        lines.insert(i - 1, "")  # each block its own paragraph, its patient's line first
    return list(paragraphs("\n".join(lines), prefix=prefix))


_ASCII_DIGIT = re.compile(r"[0-9]")


def _has_digit(text: str) -> bool:
    """Whether any character of ``text`` is a digit (``str.isdigit``): in ASCII, one of 0-9,
    looked for in C rather than a character at a time."""
    if text.isascii():
        return _ASCII_DIGIT.search(text) is not None
    return any(map(str.isdigit, text))


# Excel's way to keep a number as text in a CSV: ="4557660932" (leading zeros, long numbers).
_FORMULA = re.compile(r'^="(.*)"$', re.DOTALL)


def _unformula(item: Table | Record) -> Table | Record:
    """A table's cells written ="...", as the text inside."""
    if isinstance(item, Table):
        item.columns = [
            pc.replace_substring_regex(col, _FORMULA.pattern, r"\1")
            if isinstance(col, pa.Array)
            else [c[2:-1] if c[:2] == '="' and _FORMULA.match(c) else c for c in col]
            for col in item.columns
        ]
    return item


def read(data: bytes, name: str) -> Iterator[Item]:
    if b'="' in data:
        yield from map(_unformula, _read(data))
    else:
        yield from _read(data)


# Field terminators of more than one character, as bcp and some ETL tools write them
# (``bcp ... -t "|~|"``): a single "|" or "~" of them would split every field into three.
_WIDE = ("|~|", "~|~", "|^|", "^|^", "#|#", "|#|")
_UNIT = "\x1f"  # ASCII's unit separator, in no one's data


def _wide_terminator(sample: str) -> str | None:
    """The multi-character terminator every one of the first lines parts the same number of
    fields with, or None."""
    head = sample[:4096]
    if "|" not in head:  # (each of them holds one: most files are spared six searches)
        return None
    for wide in _WIDE:
        if wide in head:
            lines = [line for line in first_lines(sample, 20) if line.strip()]
            count = lines[0].count(wide)
            if count and all(line.count(wide) == count for line in lines):
                return wide
    return None


def _read(data: bytes) -> Iterator[Table | Record]:
    text, _encoding = decode(data)
    if "\x00" in text:
        raise ReaderError("NUL bytes in a delimited text file")
    if len(text) < _DOCUMENT_CHARS and _drawn(text[:_SNIFF_CHARS]):
        # Tables drawn with bars in notes (Markdown, reStructuredText): a text with its tables.
        from breachdesk.readers import fixed_width  # (it reads this module's forms)

        items = [i for i in fixed_width.read_text(text) if isinstance(i, Table | Record)]
        if any(isinstance(item, Table) for item in items):
            yield from items
            return
    text = unboxed(text)
    sample = text[:_SNIFF_CHARS]
    wide = _wide_terminator(sample)
    if wide is not None:  # one character in its place, as the CSV readers need
        text, sample = text.replace(wide, _UNIT), sample.replace(wide, _UNIT)
    delim = _UNIT if wide is not None else delimiter(sample) or ","
    if len(text) < _SECTIONED_CHARS and (blocks := _sectioned(sample, text, delim)) is not None:
        yield from blocks
        return
    if len(text) >= ARROW_MIN_CHARS:
        tables = arrow_tables(sample, text, delim)
        read_head = last_head(text)
        if tables is not None:
            # The titles are read from the sample's first rows, split at "\n" alone: the
            # text's, where they end inside the sample as it begins the text (no wide
            # terminator cut at its end) and no "\r" but a "\r\n" ends a line of them.
            head, end = read_head or ([], len(text))
            if not (
                end < len(sample)
                and sample.count("\r", 0, end) == sample.count("\r\n", 0, end)
                and text.startswith(sample[:end])
            ):
                try:
                    head = list(
                        itertools.islice(csv.reader(io.StringIO(sample), delimiter=delim), 25)
                    )
                except csv.Error:
                    head = []
            yield from titles(head, delim)
            yield from tables
            return
    yield from _tables(sample, io.StringIO(text, newline=""), delim)


# A line opening a table drawn with bars: a rule ("+----+", "|:---|") or a barred row; and the
# size of a document of notes holding such tables (a bigger file is an export).
_DRAWN = re.compile(
    r"(?m)^[ \t]{0,12}(?:\+[-=]{3}|\|[ \t:]{0,4}-{3}|\|[^|\n]{1,200}\|[^\n]{0,2000}\|[ \t]*$)"
)
_DOCUMENT_CHARS = 1 << 20
# Where a line may open such a table (its indent, then a "+" or a "|"): ``_DRAWN`` is tried at
# those lines only, as searching all of a sample for it cost a sixth of a small CSV's reading.
_DRAWN_OPENING = re.compile(r"\n[ \t]{0,12}[+|]")


def _drawn(sample: str) -> bool:
    """Whether ``_DRAWN`` finds a line in ``sample``."""
    if _DRAWN.match(sample):
        return True
    return any(_DRAWN.match(sample, at.start() + 1) for at in _DRAWN_OPENING.finditer(sample))


# A report printed a block per patient is a few pages; a bigger file is a table.
_SECTIONED_CHARS = 1 << 20


def _sectioned(sample: str, text: str, delim: str) -> list[Record] | None:
    """``sections`` of a delimited text in which a line of labels comes back (looked for among
    its first lines as written, so that most files, whose header appears once, are not parsed
    twice)."""
    first = first_lines(sample, _TITLE_ROWS)
    if not any(
        delim in line and not any(map(str.isdigit, line)) and text.count(line) > 1
        for line in first
        if line.strip(delim + " ")
    ):
        return None
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
    except csv.Error:
        return None
    return sections(rows)


_TITLE_ROWS = 10


def read_stream(stream: BinaryIO, name: str) -> Iterator[Item]:
    """The same tables from a stream, ``CHUNK_ROWS`` at a time, for files too big to hold."""
    handle = text_stream(stream)
    head = handle.read(_SNIFF_CHARS)
    head += handle.readline()  # end the sample on a line boundary
    if "\x00" in head:
        raise ReaderError("NUL bytes in a delimited text file")
    tables = _tables(head, itertools.chain(io.StringIO(head, newline=""), handle))
    # A writer that keeps numbers as text does it from the first rows on.
    yield from map(_unformula, tables) if '="' in head else tables


# A free-text column, whose cells may hold the delimiter unquoted: an address by the header
# synonyms ("Flat 3, Rose Court"), a comment or note by these words ("Reactive, repeat").
_FREE_TEXT = re.compile(
    r"(?i)\b(?:comments?|notes?|remarks?|description|details|free ?text|narrative)\b"
)


def _spill_column(header: list[str]) -> int:
    """The first free-text column of a table (``_FREE_TEXT``), or -1 for none."""
    from breachdesk.detect.columns import header_kind  # loaded only for a table with a long row

    return next(
        (i for i, h in enumerate(header) if header_kind(h) == "address" or _FREE_TEXT.search(h)),
        -1,
    )


def _realigned(row: list[str], width: int, spill: int, delim: str) -> list[str]:
    """A row with more cells than the header's ``width``: its cells from both ends in their
    columns, the extra ones joined back into the free-text column ``spill`` whose unquoted
    delimiter split it. Without one, the row as it is: its first cells (an NHS number, a name
    and a date of birth, most often) in their columns, the extra cut at the end."""
    if spill < 0:
        return row
    stop = spill + len(row) - width + 1
    return [*row[:spill], delim.join(row[spill:stop]), *row[stop:]]


def _tables(
    sample: str, lines: Iterable[str], delim: str | None = None
) -> Iterator[Table | Record]:
    if delim is None:
        delim = delimiter(sample) or ","
    reader = csv.reader(lines, delimiter=delim)
    try:
        head_rows = [row for _, row in zip(range(25), reader, strict=False)]
        header, first_data = split_header(head_rows)
        yield from titles(head_rows, delim)
        width = len(header)
        if not width:
            return  # a form and nothing below it: its lines were all there was
        pending = head_rows[first_data:]
        first = 1
        chunk: list[list[str]] = []

        def flush(rows: list[list[str]]) -> Table:
            return Table(header=header, columns=transpose(rows, width), first_row=first)

        # The last rows are held back from a full chunk: a footer at the end ("Total
        # patients: 3") is no row, whichever chunk it would have ended.
        spill: int | None = None  # where a long row's extra cells go, looked for at the first
        for row in itertools.chain(pending, reader):
            if len(row) > width > 1:
                spill = _spill_column(header) if spill is None else spill
                row = _realigned(row, width, spill, delim)
            chunk.append(row)
            if len(chunk) >= CHUNK_ROWS + FOOTER_ROWS:
                yield flush(chunk[:CHUNK_ROWS])
                first += CHUNK_ROWS
                chunk = chunk[CHUNK_ROWS:]
        if width > 1:
            chunk = chunk[: footer_start(chunk)]
        if chunk:
            yield flush(chunk)
    except csv.Error as exc:
        raise ReaderError(f"malformed delimited text: {exc}") from exc
