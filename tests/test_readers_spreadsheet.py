"""The spreadsheet reader's tables equal, cell for cell, those of the reader as it was before its
conversion was sped up (kept here as the reference), on workbooks built with every cell type."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Sequence

import pytest
import xlsxwriter
import xlwt
from python_calamine import CalamineWorkbook

from breachdesk.readers import spreadsheet
from breachdesk.readers.base import Table, transpose
from breachdesk.readers.delimited import split_header


def _reference_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _reference_text(column: list[object]) -> list[str]:
    if set(map(type, column)) == {str}:
        return column  # type: ignore[return-value]
    return [c if type(c) is str else _reference_cell(c) for c in column]


def _reference_table(cells: Sequence[Sequence[object]]) -> Table | None:
    """``spreadsheet._table`` as it was (main at 1c74eb5)."""
    if not cells:
        return None
    width = len(cells[0])
    if width and all(len(row) == width for row in cells):
        columns = [_reference_text(column) for column in transpose(cells, width)]
        head = [list(row) for row in zip(*(c[:25] for c in columns), strict=True)]
        header, first_data = split_header(head)
        if first_data >= len(cells):
            return None
        return Table(header=header, columns=[c[first_data:] for c in columns], first_row=1)
    rows = [[c if type(c) is str else _reference_cell(c) for c in row] for row in cells]
    header, first_data = split_header(rows)
    body = rows[first_data:]
    if not body:
        return None
    return Table(header=header, columns=transpose(body, len(header)), first_row=1)


_TEXT = [
    "", " ", "  x ", "SMITH", "Seán Ó’Brien", "李小龙", "😀 ok", "a\nb", "tab\there", "<&>\"'",
    "_x000D_", "0123", "12", "01/02/1980", "1980-02-01", "1980-02-01 00:00:00", "True", "true",
    "NHS No", "Title row", "4010232137", "401 023 2137", "-0", "1e-05", "#DIV/0!", "=A1",
]  # fmt: skip
_FLOATS = [
    0.0, -0.0, 1.0, -7.0, 3.5, 94.3, 0.1 + 0.2, 1 / 3, 1e-5, 2.5e-300, 1e16, 1.5e16, 1e300,
    123456789012345678.0, 4010232137.0, 65.5, -1e-7, 2**53 + 0.0,
]  # fmt: skip
_KINDS = [
    "text", "text", "float", "int", "bool", "date", "datetime", "time", "serial", "duration",
    "percent", "formula", "error", "rich", "blank",
]  # fmt: skip
_SERIALS = [0, 1, 59, 60, 61, 0.5, 60.5, -1, 2.75]  # 1900's false leap day and serials below 1
_ERRORS = ["#DIV/0!", "#N/A", "#NAME?", "#REF!", "#VALUE!", "#NUM!", "#NULL!"]


def _xlsx_value(rng: random.Random, formats: dict[str, object]) -> tuple[str, tuple[object, ...]]:
    """A writer method and its arguments for one random cell."""
    kind = rng.choice(_KINDS)
    if kind == "text":
        return "write_string", (rng.choice(_TEXT),)
    if kind == "float":
        return "write_number", (rng.choice(_FLOATS),)
    if kind == "int":
        return "write_number", (rng.randint(-(10**12), 10**12),)
    if kind == "bool":
        return "write_boolean", (rng.random() < 0.5,)
    if kind == "date":
        day = dt.date(1900, 3, 1) + dt.timedelta(days=rng.randint(0, 60000))
        return "write_datetime", (dt.datetime.combine(day, dt.time()), formats["date"])
    if kind == "datetime":
        moment = dt.datetime(1950, 1, 1) + dt.timedelta(
            days=rng.randint(0, 40000), microseconds=rng.randint(0, 86_400_000_000)
        )
        return "write_datetime", (moment, formats["datetime"])
    if kind == "time":
        return "write_datetime", (dt.time(rng.randint(0, 23), rng.randint(0, 59)), formats["time"])
    if kind == "serial":  # a bare number under a date format
        return "write_number", (rng.choice(_SERIALS), formats["date"])
    if kind == "duration":
        return "write_number", (rng.choice([0.25, 1.5, 3.0, 100.125]), formats["duration"])
    if kind == "percent":
        return "write_number", (rng.choice([0.25, 1.0, 0.125]), formats["percent"])
    if kind == "formula":  # the cached value is what a reader sees
        cached = rng.choice([6, 2.5, "ab", "", True, False])
        return "write_formula", ("=A1", None, cached)
    if kind == "error":
        return "write_formula", ("=1/0", None, rng.choice(_ERRORS))
    if kind == "rich":
        return "write_rich_string", ("ab", formats["bold"], rng.choice(_TEXT) or "c")
    return "write_blank", (None, formats["bold"])


def _workbook(seed: int) -> bytes:
    rng = random.Random(seed)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    formats: dict[str, object] = {
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss.000"}),
        "time": book.add_format({"num_format": "hh:mm"}),
        "duration": book.add_format({"num_format": "[h]:mm:ss"}),
        "percent": book.add_format({"num_format": "0.00%"}),
        "bold": book.add_format({"bold": True}),
    }
    for number in range(rng.randint(1, 4)):
        sheet = book.add_worksheet(f"S{number} ✓" if rng.random() < 0.3 else f"Sheet{number}")
        if rng.random() < 0.1:
            continue  # an empty sheet
        width = rng.randint(1, 7)
        row = rng.randint(0, 2)  # rows left blank above everything
        for _ in range(rng.randint(0, 3)):  # title rows
            sheet.write_string(row, rng.randint(0, 2), rng.choice(["QA results", "Printed 01/06"]))
            row += rng.randint(1, 2)
        if rng.random() < 0.2:
            sheet.merge_range(row, 0, row, width, "Merged title")
            row += 1
        if rng.random() < 0.8:
            sheet.write_row(row, 0, [f"Col {i}" for i in range(width)])
            row += 1
        for _ in range(rng.randint(0, 60)):
            # Ragged rows: some short, some long; calamine pads the sheet to its used range.
            for col in range(width + rng.choice([0, 0, 0, -1, 1, 2])):
                if rng.random() < 0.85:
                    method, args = _xlsx_value(rng, formats)
                    getattr(sheet, method)(row, col, *args)
            row += rng.choice([1, 1, 1, 1, 2])
            if rng.random() < 0.03:
                sheet.merge_range(row, 0, row + 1, 1, rng.choice(_TEXT))
                row += 2
    book.close()
    return buffer.getvalue()


def _xls_workbook(seed: int) -> bytes:
    rng = random.Random(seed)
    book = xlwt.Workbook()
    styles = {
        "date": xlwt.easyxf(num_format_str="YYYY-MM-DD"),
        "datetime": xlwt.easyxf(num_format_str="YYYY-MM-DD hh:mm:ss"),
        "time": xlwt.easyxf(num_format_str="hh:mm"),
    }
    for number in range(rng.randint(1, 3)):
        sheet = book.add_sheet(f"Sheet{number}")
        width = rng.randint(1, 6)
        sheet.write(0, 0, "Report title")
        for col in range(width):
            sheet.write(2, col, f"Col {col}")
        for row in range(3, 3 + rng.randint(0, 40)):
            for col in range(width):
                kind = rng.choice(["text", "float", "int", "bool", "date", "datetime", "time"])
                if kind == "text":
                    sheet.write(row, col, rng.choice(_TEXT))
                elif kind == "float":
                    sheet.write(row, col, rng.choice(_FLOATS))
                elif kind == "int":
                    sheet.write(row, col, rng.randint(-(10**6), 10**6))
                elif kind == "bool":
                    sheet.write(row, col, rng.random() < 0.5)
                else:
                    day = dt.datetime(1950, 1, 1) + dt.timedelta(minutes=rng.randint(0, 10**7))
                    value = day.time() if kind == "time" else day
                    sheet.write(row, col, value, styles[kind])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheets(data: bytes) -> list[tuple[str, list[list[object]]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return [(name, book.get_sheet_by_name(name).to_python()) for name in book.sheet_names]


def _assert_same(data: bytes, name: str) -> int:
    """The reader's tables equal the reference's, sheet by sheet; the number of cells compared."""
    expected = []
    for sheet_name, cells in _sheets(data):
        table = _reference_table(cells)
        if table is not None:
            expected.append((f"sheet:{sheet_name}!", table.header, table.columns, table.first_row))
    # (Title rows that may name a patient come as prose records too: only tables compared.)
    tables = [t for t in spreadsheet.read(data, name) if isinstance(t, Table)]
    got = [(t.prefix, t.header, t.columns, t.first_row) for t in tables]
    assert got == expected
    assert all(type(c) is str for _, _, columns, _ in got for column in columns for c in column)
    return sum(len(column) for _, _, columns, _ in got for column in columns)


@pytest.mark.parametrize("seed", range(40))
def test_xlsx_tables_equal_the_reference_reading(seed: int) -> None:
    _assert_same(_workbook(seed), "book.xlsx")


@pytest.mark.parametrize("seed", range(10))
def test_xls_tables_equal_the_reference_reading(seed: int) -> None:
    _assert_same(_xls_workbook(seed), "book.xls")


def test_the_fuzzed_workbooks_hold_every_cell_type() -> None:
    """The workbooks above do reach each type calamine returns, so the comparison covers them."""
    seen = {type(c) for seed in range(40) for _, cells in _sheets(_workbook(seed)) for row in cells
            for c in row}  # fmt: skip
    assert {str, float, bool, dt.date, dt.datetime, dt.time, dt.timedelta} <= seen


def test_each_cell_type_as_text() -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("T")
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss.000"})
    clock = book.add_format({"num_format": "hh:mm"})
    hours = book.add_format({"num_format": "[h]:mm:ss"})
    sheet.write_string(0, 0, "Value")
    sheet.write_number(1, 0, 3.0)
    sheet.write_number(2, 0, 94.3)
    sheet.write_number(3, 0, 1e-5)
    sheet.write_number(4, 0, 1e16)
    sheet.write_number(5, 0, -0.0)
    sheet.write_boolean(6, 0, True)
    sheet.write_datetime(7, 0, dt.datetime(1980, 2, 1), date)
    sheet.write_datetime(8, 0, dt.datetime(2024, 6, 1, 9, 30, 15, 500000), stamp)
    sheet.write_datetime(9, 0, dt.time(9, 30), clock)
    sheet.write_number(10, 0, 1.5, hours)
    sheet.write_formula(11, 0, "=1/0", None, "#DIV/0!")
    sheet.write_formula(12, 0, "=A2*2", None, 6)
    sheet.write_string(13, 0, " Seán ")
    sheet.write_number(15, 0, 1 / 3)
    book.close()
    (table,) = spreadsheet.read(buffer.getvalue(), "t.xlsx")
    assert table.header == ["Value"]  # type: ignore[union-attr]
    assert table.columns == [  # type: ignore[union-attr]
        ["3", "94.3", "1e-05", "10000000000000000", "0", "True", "1980-02-01",
         "2024-06-01T09:30:15.500000", "09:30:00", "1 day, 12:00:00", "", "6", " Seán ", "",
         "0.3333333333333333"]
    ]  # fmt: skip
