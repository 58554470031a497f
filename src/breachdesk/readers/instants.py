"""UTC instants that are a UK date: what a database stored for a date of birth.

An application that keeps a date as a JavaScript ``Date`` or a .NET ``DateTime`` stores local
midnight as a UTC instant: in British Summer Time the day before at 23:00Z
(``{"$date": "2001-09-29T23:00:00Z"}`` is 30 September 2001). Read by its first ten characters
it was a day early; read in Europe/London it is the date it was typed as.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# An ISO instant in UTC ("2001-09-29T23:00:00Z", "...T23:00:00.000+00:00").
_UTC_INSTANT = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:Z|[+-]00:?00)"
)


@cache
def _london() -> ZoneInfo | None:
    try:
        return ZoneInfo("Europe/London")
    except ZoneInfoNotFoundError:  # (no tz database: instants stay as written)
        return None


def uk_date(moment: datetime) -> date | None:
    """The UK date of an instant that is local midnight in Europe/London on another day than
    its UTC date (summer time's 23:00Z), else None: any other instant's first ten characters
    are its date already, and it stays as written."""
    zone = _london()
    if zone is None or moment.astimezone(UTC).hour != 23:
        return None
    local = moment.astimezone(zone)
    if (local.hour, local.minute, local.second, local.microsecond) != (0, 0, 0, 0):
        return None
    return local.date() if local.date() != moment.astimezone(UTC).date() else None


def from_text(text: str) -> str | None:
    """An ISO UTC instant written as text, as its UK date when that is the day after
    (``2001-09-29T23:00:00.000Z`` -> ``2001-09-30``, ``uk_date``); None for any other text."""
    text = text.strip()
    # (Only 23:00Z is midnight of the next day in London: a cheap look turns the rest away.)
    if text[11:16] != "23:00":
        return None
    found = _UTC_INSTANT.fullmatch(text)
    if found is None:
        return None
    year, month, day, hour, minute, second = (int(p) for p in found.groups(default="0")[:6])
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None
    if int(found[7] or 0):
        return None  # fractions of a second: a moment, not a date
    local = uk_date(moment)
    return local.isoformat() if local else None


def from_epoch(value: int, unit: str = "ms") -> str | None:
    """An instant counted from 1970 in ``unit`` (``days``, ``ms``, ``us``), as ISO 8601: a
    date for days, the UK date where ``uk_date`` gives one, else the UTC moment."""
    try:
        if unit == "days":
            return (_EPOCH + timedelta(days=value)).date().isoformat()
        moment = _EPOCH + timedelta(milliseconds=value if unit == "ms" else value / 1000)
    except OverflowError:
        return None
    day = uk_date(moment)
    if day is not None:
        return day.isoformat()
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
