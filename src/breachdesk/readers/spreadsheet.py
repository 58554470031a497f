"""Spreadsheets (XLSX) through python-calamine: every sheet, title rows above the header skipped."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence

from python_calamine import CalamineWorkbook

from breachdesk.readers.base import Item, ReaderError, Table, transpose
from breachdesk.readers.delimited import split_header

_HEAD_ROWS = 25  # the header is looked for in the first 20 rows


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


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
        table = _table(cells)
        if table is not None:
            table.prefix = f"sheet:{sheet_name}!"
            yield table


def _text(column: list[object]) -> list[str]:
    # Most columns are text already: one look at the set of types spares a test per cell.
    if set(map(type, column)) == {str}:
        return column  # type: ignore[return-value]
    return [c if type(c) is str else _cell(c) for c in column]


def _table(cells: Sequence[Sequence[object]]) -> Table | None:
    """A sheet's rows as a table, title rows above the header skipped."""
    if not cells:
        return None
    width = len(cells[0])
    if width and all(len(row) == width for row in cells):
        # A rectangular sheet (calamine pads rows to the used range) is turned to text column by
        # column; the header is found in its first rows, as in the whole sheet.
        columns = [_text(column) for column in transpose(cells, width)]
        head = [list(row) for row in zip(*(c[:_HEAD_ROWS] for c in columns), strict=True)]
        header, first_data = split_header(head)
        if first_data >= len(cells):
            return None
        return Table(header=header, columns=[c[first_data:] for c in columns], first_row=1)
    rows = [[c if type(c) is str else _cell(c) for c in row] for row in cells]
    header, first_data = split_header(rows)
    body = rows[first_data:]
    if not body:
        return None
    return Table(header=header, columns=transpose(body, len(header)), first_row=1)
