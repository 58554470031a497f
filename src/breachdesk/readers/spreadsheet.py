"""Spreadsheets (XLSX) through python-calamine: every sheet, title rows above the header skipped.

A printed report saved as a sheet is read as the form it is (``forms``): its patient block of
labels and values as "label: value" lines, or its small tables of one row each as such lines."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from itertools import chain

from python_calamine import CalamineWorkbook

from breachdesk.readers import forms
from breachdesk.readers.base import Item, ReaderError, Table, transpose
from breachdesk.readers.delimited import sections, split_header, titles
from breachdesk.readers.table_edges import FOOTER_ROWS, footer_start
from breachdesk.readers.text import paragraphs

_HEAD_ROWS = 25  # the header is looked for in the first 20 rows


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _float(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


# What ``_cell`` gives, looked up by the exact type calamine returns: one dict lookup per cell
# instead of a chain of isinstance and hasattr tests. A datetime is a date, hence exact types.
_BY_TYPE: dict[type, Callable[[object], str]] = {
    float: _float,  # type: ignore[dict-item]
    int: str,
    bool: str,
    dt.date: dt.date.isoformat,  # type: ignore[dict-item]
    dt.datetime: dt.datetime.isoformat,  # type: ignore[dict-item]
    dt.time: dt.time.isoformat,  # type: ignore[dict-item]
    dt.timedelta: str,
    type(None): lambda _: "",
}
_KNOWN = {str, *_BY_TYPE}


def read(data: bytes, name: str) -> Iterator[Item]:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types for damaged workbooks
        raise ReaderError(f"damaged spreadsheet: {exc}") from exc
    for sheet_name in book.sheet_names:
        try:
            cells = book.get_sheet_by_name(sheet_name).to_python()
        except Exception as exc:
            raise ReaderError(f"sheet {sheet_name!r}: {exc}") from exc
        yield from sheet(cells, f"sheet:{sheet_name}!")


def sheet(cells: Sequence[Sequence[object]], prefix: str) -> Iterator[Item]:
    """One sheet's rows of cells (text, numbers, dates): its title rows and its table."""
    # A per-patient sheet says whom it is about above its header ("Patient: OKAFOR, Grace
    # NHS: ..."): those title rows are read as prose, other titles left out.
    head = [[c if type(c) is str else _cell(c) for c in row] for row in cells[:_HEAD_ROWS]]
    if len(cells) <= _SECTIONED_ROWS and _first_cells_repeat(cells, head):
        every = head + [[c if type(c) is str else _cell(c) for c in r] for r in cells[_HEAD_ROWS:]]
        blocks = sections(every, prefix)
        if blocks is not None:
            yield from blocks
            return
    if len(cells) <= _STACKED_ROWS:
        lines = forms.stacked(head if len(cells) <= _HEAD_ROWS else _texts(cells))
        if lines is not None:
            yield from paragraphs("\n".join(lines), prefix=prefix)
            return
    yield from titles(head, "  ", prefix, cells_only=True)
    table = _table(cells)
    if table is not None:
        table.prefix = prefix
        yield table


# A report printed a block per patient (``delimited.sections``) is a few pages of rows.
_SECTIONED_ROWS = 5_000
# A form printed as small tables of a row each (``forms.stacked``) is a page.
_STACKED_ROWS = 60


def _texts(cells: Sequence[Sequence[object]]) -> list[list[str]]:
    return [[c if type(c) is str else _cell(c) for c in row] for row in cells]


def _first_cells_repeat(cells: Sequence[Sequence[object]], head: list[list[str]]) -> bool:
    """Whether a label without a digit in the first column of the sheet's first rows comes back
    further down it: what a report printed a block per patient does (its "Patient:" or "Test"),
    looked for before the whole sheet is turned to text for ``sections``."""
    labels = {
        row[0].strip()
        for row in head
        if row and row[0].strip() and not any(map(str.isdigit, row[0]))
    }
    if not labels:
        return False
    firsts = Counter(row[0].strip() for row in cells if row and type(row[0]) is str)
    return any(firsts[label] > 1 for label in labels)


def _text(column: list[object]) -> list[str]:
    # Most columns are text already: one look at the set of types spares a test per cell.
    types = set(map(type, column))
    if types == {str}:
        return column  # type: ignore[return-value]
    if types <= _KNOWN:
        by_type = _BY_TYPE
        return [c if type(c) is str else by_type[type(c)](c) for c in column]
    return [c if type(c) is str else _cell(c) for c in column]


def _table(cells: Sequence[Sequence[object]]) -> Table | None:
    """A sheet's rows as a table, title rows above the header skipped."""
    if not cells:
        return None
    width = len(cells[0])
    if width and set(map(len, cells)) == {width}:
        # A rectangular sheet (calamine pads rows to the used range) is turned to text column by
        # column, each sliced out of the cells laid end to end; the header is found in its first
        # rows, as in the whole sheet.
        flat = list(chain.from_iterable(cells))
        columns = [_text(flat[i::width]) for i in range(width)]
        del flat
        head = [list(row) for row in zip(*(c[:_HEAD_ROWS] for c in columns), strict=True)]
        header, first_data = split_header(head)
        stop = len(cells)
        if width > 1:
            # A footer under the rows ("Total patients: 3") is none of them.
            tail = max(first_data, stop - FOOTER_ROWS)
            stop = tail + footer_start(list(zip(*(c[tail:] for c in columns), strict=True)))
        if first_data >= stop:
            return None
        if first_data or stop < len(cells):
            columns = [c[first_data:stop] for c in columns]
        return Table(header=header, columns=columns, first_row=1)
    rows = [[c if type(c) is str else _cell(c) for c in row] for row in cells]
    header, first_data = split_header(rows)
    body = rows[first_data:]
    if len(header) > 1:
        body = body[: footer_start(body[-FOOTER_ROWS:]) + max(0, len(body) - FOOTER_ROWS)]
    if not body:
        return None
    return Table(header=header, columns=transpose(body, len(header)), first_row=1)
