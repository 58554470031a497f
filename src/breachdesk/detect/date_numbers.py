"""Dates a column writes as bare numbers, which no format of ``dates.FORMATS`` reads: Excel's
day numbers and a date of birth's six digits. Each is read only where every filled cell of the
column is such a number, so a column of other numbers is never taken for dates.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc

_NULL_TEXT = pa.scalar(None, pa.string())

# Excel keeps a date as its day number (1 is 1900-01-01, counted with Excel's false 29 Feb
# 1900, so day 0 is 1899-12-30), and a workbook turned into a CSV by a tool that ignores the
# cell's format writes that number: "22658" is 12/01/1962. Five digits (1927-05-18 to
# 2173-10-14), so a column of years or ages is never read as days.
_SERIAL = r"^[0-9]{5}(?:\.0+)?$"
_EXCEL_TO_UNIX_DAYS = 25_569
# "140348": a date of birth as six digits, day first (a Telepath day list's). Among the formats
# it would make dates of any column of six-digit numbers that the others leave unread.
_SIX = r"^[0-9]{6}$"


def _filled(values: pa.Array) -> pa.Array:
    return pc.drop_null(pc.if_else(pc.equal(values, ""), _NULL_TEXT, values))


def _all(values: pa.Array, pattern: str) -> bool:
    filled = _filled(values)
    return len(filled) > 0 and bool(pc.all(pc.match_substring_regex(filled, pattern)).as_py())


def excel_serials(values: pa.Array) -> pa.Array | None:
    """A column whose every filled cell is an Excel day number, as ISO dates up to today; None
    for any other column."""
    if not _all(values, _SERIAL):
        return None
    values = pc.if_else(pc.equal(values, ""), _NULL_TEXT, values)
    number = pc.cast(pc.cast(values, pa.float64()), pa.int32())
    days = pc.cast(pc.subtract(number, pa.scalar(_EXCEL_TO_UNIX_DAYS, pa.int32())), pa.int32())
    text = pc.cast(pc.cast(days, pa.date32()), pa.string())
    return pc.if_else(pc.greater(text, pa.scalar(dt.date.today().isoformat())), _NULL_TEXT, text)


def six_digits(values: pa.Array) -> pa.Array | None:
    """A column whose every filled cell is six digits, read day, month, two-digit year (as
    timestamps, the year in the future until the caller puts it a century back); None for
    any other column."""
    if not _all(values, _SIX):
        return None
    return pc.strptime(values, format="%d%m%y", unit="s", error_is_null=True)
