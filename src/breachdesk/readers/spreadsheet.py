"""Spreadsheets (XLSX) through python-calamine: every sheet, title rows above the header skipped."""

from __future__ import annotations

import io
from collections.abc import Iterator

from python_calamine import CalamineWorkbook

from breachdesk.readers.base import Item, ReaderError, Table, transpose
from breachdesk.readers.delimited import split_header


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
            # Most cells are text already: the type test is cheaper than a call per cell.
            rows = [
                [c if type(c) is str else _cell(c) for c in row]
                for row in book.get_sheet_by_name(sheet_name).to_python()
            ]
        except Exception as exc:
            raise ReaderError(f"sheet {sheet_name!r}: {exc}") from exc
        if not rows:
            continue
        header, first_data = split_header(rows)
        body = rows[first_data:]
        if not body:
            continue
        width = len(header)
        columns = transpose(body, width)
        yield Table(header=header, columns=columns, first_row=1, prefix=f"sheet:{sheet_name}!")
