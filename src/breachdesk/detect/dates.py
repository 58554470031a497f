"""Dates as UK records write them, and which of them are dates of birth.

A column's format is chosen once from its values (day-first is the UK default; a column where
some second parts exceed 12 and no first part does is month-first, and so is a date of birth no
cell of which decides, in a table whose other dates are), then the column is parsed in one
vectorised call.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import locale
import re
import string
import time
from collections.abc import Callable, Iterator, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from breachdesk.detect import cellwise, date_numbers, dob_label, prefilter
from breachdesk.detect.base import Mention
from breachdesk.detect.date_order import month_first

# Formats tried for columns, in order of preference for UK data.
FORMATS = (
    "%d/%m/%Y",
    "%Y-%m-%d",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%d/%b/%Y",
    "%Y%m%d",
    "%d/%m/%y",
    "%d-%b-%y",
    "%d %B %Y",
    "%m/%d/%Y",
    "%Y/%m/%d",
    "%d-%m-%y",
    "%d.%m.%y",
    # "Jan 12, 1962": US-made software writes the month first (Arrow's %b reads %B's names
    # too). Not without the comma: its shape, spaces dropped, is a code's ("S1234").
    "%b %d, %Y",
    # "12011962": a date of birth kept as eight digits day first (after YYYYMMDD, which a
    # column of such dates cannot be read as: its months would be 19 and 20).
    "%d%m%Y",
    "%Y.%m.%d",
)

_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")  # fmt: skip
# Each month's number by its English name and by its abbreviations, in any case once lowered.
_MONTH_WORDS = {name: n for n, name in enumerate(_MONTH_NAMES, start=1)} | {
    name[:3]: n for n, name in enumerate(_MONTH_NAMES, start=1)
}
_MONTH_WORDS["sept"] = 9
_MONTHS3 = "|".join(name[:3] for name in _MONTH_NAMES)
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
    "july|august|september|october|november|december"
)
# Every form starts with a digit or a month's first letter, written first (case-sensitive) so
# ``re`` skips to such characters before trying a match (a pattern opening with a lookbehind is
# tried at every position, seven times the cost): the lookbehinds follow that character, and
# each form continues from it. The same matches as
#   (?<![\d/.-])(\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2}) | \d{4}(?:[-/]\d{2}[-/]|\.\d{2}\.)\d{2}
#                | (?:19|20)\d{6}
#                | \d{1,2}(?:st|nd|rd|th)?(?:[ ]of)?[ -/](?:MONTHS)[a-z]*[ -/,]+(?:\d{4}|\d{2})
#                | \d{1,2}(?:MONTHS3)\d{4})
#   (?![\d/-]|\.\d|:\d)
# and, month first, as US-made software writes them ("Jan 12, 1962", "January 12th 1962"):
#   (?<![^\W\d_])((?:MONTHS)[a-z]*\.?[ ]?\d{1,2}(?:st|nd|rd|th)?(?:,[ ]?|[ ])\d{4})
#   (?![\d/-]|\.\d|:\d)
# "02NOV1975" is how SAS and some LIMS print a date: three letters, no separators. (IGNORECASE
# folds the long s with "s", so it opens "sep" too.)
# Year first, full stops part it only both together ("1989.06.14", as some PDFs print it).
# A full stop after a date ends a sentence ("dob 23/09/1988."); one with a digit after it
# continues a number ("23.09.1988.5"), which is no date.
_MONTH_AFTER_FIRST = (
    r"(?:(?<=[Jj])(?:an|un|ul)|(?<=[Ff])eb|(?<=[Mm])a[ry]|(?<=[Aa])(?:pr|ug)|(?<=[Ss\u017f])ep"
    r"|(?<=[Oo])ct|(?<=[Nn])ov|(?<=[Dd])ec)"
)
DATE_TEXT = re.compile(
    r"((?-i:[\dJFMASONDjfmasond\u017f])(?:"
    r"(?<=\d)(?<![\d/.-]\d)(?:"
    r"\d?[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
    r"|\d{3}(?:[-/]\d{2}[-/]|\.\d{2}\.)\d{2}"
    r"|(?<=1)9\d{6}|(?<=2)0\d{6}"
    rf"|\d?(?:st|nd|rd|th)?(?:[ ]of)?[ -/](?:{_MONTHS})[a-z]*[ -/,]+(?:\d{{4}}|\d{{2}})"
    rf"|\d?(?:{_MONTHS3})\d{{4}}"
    r")"
    rf"|(?<![^\W\d_].){_MONTH_AFTER_FIRST}[a-z]*\.?[ ]?"
    r"\d{1,2}(?:st|nd|rd|th)?(?:,[ ]?|[ ])\d{4}"
    r"))(?![\d/-]|\.\d|:\d)",
    re.IGNORECASE,
)
_TEXT_FORMATS = (
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y%m%d",
    "%d/%m/%y",
    "%d-%m-%y",
    "%d.%m.%y",
    "%d %b %Y",
    "%d-%b-%Y",
    "%d %B %Y",
    "%d/%b/%Y",
    "%d %b %y",
    "%d-%b-%y",
    "%d %B, %Y",
    "%d%b%Y",
)


_EARLIEST_BIRTH = dt.date(1900, 1, 1)


def _plausible_birth(day: dt.date, today: dt.date) -> bool:
    return _EARLIEST_BIRTH <= day <= today


# The shapes most dates in text take, read without strptime (which costs ~10 us a format tried):
# day/month/four-digit-year with one separator, ISO, and eight digits. Each gives what the first
# matching entry of _TEXT_FORMATS would; anything else, or an impossible date, takes the slow path.
_DMY = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


def _fast(text: str) -> dt.date | None:
    try:
        if m := _DMY.fullmatch(text):
            return dt.date(int(m[4]), int(m[3]), int(m[1]))
        if m := _ISO.fullmatch(text) or _COMPACT.fullmatch(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
    return None


@functools.lru_cache(maxsize=8192)
def _strptime_any(text: str) -> tuple[dt.date, bool] | None:
    """The first format that reads ``text``, and whether its year had two digits; cached because
    logs and lists repeat the same dates thousands of times."""
    for fmt in _TEXT_FORMATS:
        try:
            value = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return value, "%y" in fmt
    return None


_SPACES = re.compile(r"\s+")
_SEPT = re.compile(r"Sept(?![a-z])", re.IGNORECASE)
# "12th January 1962", "3rd Mar 1955": letters write the day as an ordinal.
# ("the 12th of January 1962", as a letter writes it.)
# (Multiline: also looked for once over a column's distinct cells joined by line breaks.)
_ORDINAL = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)(?: of)?(?=[ /-])", re.IGNORECASE | re.MULTILINE)


def parse(text: str, today: dt.date | None = None) -> dt.date | None:
    """One date written any common UK way (day first), or None."""
    # "Sept" is read as "Sep"; "September" is left whole (a plain replace made it "Sepember").
    text = _SEPT.sub("Sep", _SPACES.sub(" ", text.strip().rstrip(",.")))
    if text[2:3].isalpha() or text[1:2].isalpha():
        text = _ORDINAL.sub(r"\1", text, count=1)
    fast = _fast(text)
    if fast is not None:
        return fast
    if text[:1].isalpha():
        return _month_first(text)
    found = _strptime_any(text)
    if found is None:
        return _month_day(text, today)
    value, two_digit_year = found
    if two_digit_year and value > (today or dt.date.today()):
        value = value.replace(year=value.year - 100)  # a two-digit birth year is in the past
    return value


# "11/25/1962": a date no UK system writes, so only US-made software's month first can read it.
_MONTH_DAY = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})")


def _month_day(text: str, today: dt.date | None) -> dt.date | None:
    """A numeric date whose second part is no month (13 to 31) but whose first is: read month
    first, the only reading it has; None for anything else."""
    found = _MONTH_DAY.fullmatch(text)
    if found is None or not (int(found[1]) <= 12 < int(found[3])):
        return None
    year = int(found[4])
    if len(found[4]) == 2:  # as strptime's %y, then in the past as a birth year is
        year += 2000 if year <= 68 else 1900
    try:
        value = dt.date(year, int(found[1]), int(found[3]))
    except ValueError:
        return None
    if len(found[4]) == 2 and value > (today or dt.date.today()):
        value = value.replace(year=value.year - 100)
    return value


_MONTH_FIRST = re.compile(
    r"([A-Za-z]{3,9})\.? ?(\d{1,2})(?:st|nd|rd|th)?(?:, ?| )(\d{4})", re.IGNORECASE
)


def _month_first(text: str) -> dt.date | None:
    """ "Jan 12, 1962", "January 12th 1962": a month's name or abbreviation, its day, a
    four-digit year. In English whatever the locale: dumps are written in English."""
    found = _MONTH_FIRST.fullmatch(text)
    if found is None:
        return None
    month = _MONTH_WORDS.get(found[1].lower())
    if month is None:
        return None
    try:
        return dt.date(int(found[3]), month, int(found[2]))
    except ValueError:
        return None


@functools.lru_cache(maxsize=4)
def _today_at(minute: int) -> dt.date:
    return dt.date.today()


def today() -> dt.date:
    """``date.today()``, read once a minute: it costs a clock read and a local-time conversion,
    and text detection asks for it per record. Local midnight falls on a whole minute in every
    time zone, so the date is the same as asking each time."""
    return _today_at(int(time.time() // 60))


def detect_dob(text: str) -> Iterator[Mention]:
    """Dates with a date-of-birth label just before them (``DOB: 01/02/1980``, ``born 1 Feb``)."""
    now = today()
    for match in DATE_TEXT.finditer(text):
        if not dob_label.ends_at(text, match.start()):
            continue
        value = parse(match.group(1), now)
        if value is None or not _plausible_birth(value, now):
            continue
        yield Mention(
            "date_of_birth", match.start(), match.end(), value.isoformat(), "dates", "dob_label"
        )


def detect(
    text: str,
    keep_unlabelled: Callable[[int], bool] | None = None,
    starts: list[int] | None = None,
    line_starts: list[int] | None = None,
) -> Iterator[Mention]:
    """``detect_dob`` and ``detect_unlabelled`` in one pass over the dates: each date is
    labelled or not, so every date gives what exactly one of the two would. ``keep_unlabelled``
    (given a date's start) drops unwanted unlabelled dates before they are parsed; ``starts``
    (``prefilter.starts``) are where a date can begin. ``line_starts``: ``text`` is lines
    joined by "\n" that start there, each read as if alone (no date crosses a line, and a
    label is looked for in the date's own line only)."""
    now = today()
    found = (
        DATE_TEXT.finditer(text) if starts is None else prefilter.matches(DATE_TEXT, text, starts)
    )
    for match in found:
        start = match.start()
        floor = (
            0 if line_starts is None else line_starts[bisect.bisect_right(line_starts, start) - 1]
        )
        labelled = dob_label.ends_at(text, start, floor)
        if not labelled and keep_unlabelled is not None and not keep_unlabelled(start):
            continue
        value = _birth_iso(match.group(1), now)
        if value is None:
            continue
        if labelled:
            yield Mention("date_of_birth", start, match.end(), value, "dates", "dob_label")
        else:
            yield Mention("date", start, match.end(), value, "dates", "date")


def _compact(written: str) -> dt.date | None:
    """Eight ASCII digits as ``_fast`` reads them (``YYYYMMDD``), without its three regexes;
    None where ``parse`` must decide."""
    if not (written.isdigit() and written.isascii()):
        return None
    try:
        return dt.date(int(written[:4]), int(written[4:6]), int(written[6:]))
    except ValueError:
        return None


# Two more shapes ``parse`` reads with strptime, each format tried costing ~8 us: a two-digit
# year (``01/02/80``: "%d/%m/%y", the seventh format tried) and a month's abbreviation between
# one separator twice (``12-Dec-1980``: "%d-%b-%Y", the eleventh). Each is the first format of
# ``_TEXT_FORMATS`` that can read such a text (the earlier ones want digits or four of them).
_SHORT_YEAR = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{2})")
_MONTH_WORD = re.compile(r"([0-9]{1,2})([ /-])([A-Za-z]{3})\2([0-9]{4})")


def _without_strptime(written: str, now: dt.date) -> dt.date | None:
    """``parse(written, now)`` for the shapes above, read as strptime reads them (``%y``: up to
    68 is 20xx; ``%b``: the C locale's abbreviations, any case); None where ``parse`` must
    decide (another shape, an impossible date, or month names of another locale)."""
    try:
        if found := _SHORT_YEAR.fullmatch(written):
            year = int(found[4])
            value = dt.date(year + (2000 if year <= 68 else 1900), int(found[3]), int(found[1]))
            if value > now:  # as parse: a two-digit birth year is in the past
                value = value.replace(year=value.year - 100)
            return value
        if (found := _MONTH_WORD.fullmatch(written)) and _c_time_locale():
            month = _MONTH_WORDS.get(found[3].lower())
            return dt.date(int(found[4]), month, int(found[1])) if month else None
    except ValueError:
        return None
    return None


def _c_time_locale() -> bool:
    """Whether strptime reads month names in the C locale's English (nothing here changes it)."""
    return locale.setlocale(locale.LC_TIME) in {"C", "POSIX"}


# Cached: a dump names the same patients' dates of birth in many files.
@functools.lru_cache(maxsize=65536)
def _birth_iso(written: str, now: dt.date) -> str | None:
    """``parse(written, now)`` as ISO text where it is a plausible date of birth, else None."""
    # ``parse`` tidies spaces, commas and "Sept" first: a text ``_fast`` reads whole has none.
    value = _compact(written) if len(written) == 8 else None
    if value is None:
        value = _fast(written) or _without_strptime(written, now)
    if value is None:
        value = parse(written, now)
    if value is None or not _plausible_birth(value, now):
        return None
    return value.isoformat()


def detect_unlabelled(text: str) -> Iterator[Mention]:
    """Dates without a DOB label: a date right after a patient's name is read as their date of
    birth by the text grouper (``SMITH, John 01/02/1980`` in a printed list)."""
    now = today()
    for match in DATE_TEXT.finditer(text):
        if dob_label.ends_at(text, match.start()):
            continue
        value = parse(match.group(1), now)
        if value is not None and _plausible_birth(value, now):
            yield Mention("date", match.start(), match.end(), value.isoformat(), "dates", "date")


def _shape(text: str) -> str:
    """What a format can match, whatever the digits and month names: whitespace dropped (the
    parser skips it anywhere), each run of digits one ``9``, each run of letters one ``a``."""
    return re.sub(r"[A-Za-z]+", "a", re.sub(r"[0-9]+", "9", re.sub(r"\s+", "", text)))


# A format can read a cell only when their shapes agree (``%d/%m/%Y`` and ``01/02/1980`` are both
# ``9/9/9``): Arrow's parser must consume the whole cell, fields are digits or month names, and
# the separators are literal.
_FORMAT_SHAPES = tuple(
    _shape(re.sub(r"%[bB]", "a", re.sub(r"%[dmYy]", "0", fmt))) for fmt in FORMATS
)


# Made once: a Python literal in a compute call is converted to a scalar on every call.
_EARLIEST = pa.scalar("1890-01-01", pa.string())
_FLOOR = pa.scalar(dt.datetime(1890, 1, 1), pa.timestamp("s"))


_FEW = 2000
# RE2's \s (what Arrow's regexes mean by whitespace) is exactly these five.
_RE2_SPACE = re.compile(r"[\t\n\f\r ]+")
_DIGITS = re.compile(r"[0-9]+")
_LETTERS = re.compile(r"[A-Za-z]+")


_DIGIT_OR_LETTER = str.maketrans(
    dict.fromkeys("0123456789", "9") | dict.fromkeys(string.ascii_letters, "a")
)
_DIGIT_RUN = re.compile(r"9+")
_LETTER_RUN = re.compile(r"a+")


def _shape_ascii(text: str) -> str:
    return _LETTERS.sub("a", _DIGITS.sub("9", _RE2_SPACE.sub("", text)))


def may_parse(cells: list[str]) -> int:
    """How many of these ASCII cells ``parse_column`` could possibly read (an upper bound, so a
    caller needing a share of dates can skip the parse when too few could be): a cell's shape
    must be a format's, allowing a sign before any number (``%Y`` reads ``+1980``); a time,
    which the parser cuts off first, can change the shape, so such cells are always counted.
    (A reference range, "3.5-5.0", is no date's shape, signed or not.)"""
    return sum(1 for cell in cells if ":" in cell or _shape_ascii(cell.strip()) in _SIGNED_SHAPES)


def _signed_shapes(fmt: str) -> set[str]:
    """The format's shape with or without a sign before each of its numbers."""
    fields = re.findall(r"%[dmYy]", fmt)
    pattern = re.sub(r"%[bB]", "a", re.sub(r"%[dmYy]", "\x00", fmt))
    shapes = set()
    for signs in itertools.product(("", "+", "-"), repeat=len(fields)):
        pieces = pattern.split("\x00")
        written = pieces[0] + "".join(s + "0" + p for s, p in zip(signs, pieces[1:], strict=True))
        shapes.add(_shape(written))
    return shapes


_SIGNED_SHAPES = frozenset(shape for fmt in FORMATS for shape in _signed_shapes(fmt))


def _possible_formats(values: pa.Array) -> list[str]:
    """The formats that could read at least one cell, found from the column's few distinct
    shapes: a format that reads nothing only costs time, so it is not tried."""
    return _formats_of(pc.unique(values))


def _few_cells(distinct: pa.Array) -> list[str] | None:
    """The distinct cells (nulls left out) when few enough to read in Python, else None."""
    if len(distinct) > _FEW:
        return None
    return [text for text in distinct.to_pylist() if text is not None]


def _formats_of(distinct: pa.Array, cells: list[str] | None = None) -> list[str]:
    """``_possible_formats`` from the column's distinct cells (``cells``: ``_few_cells``)."""
    if cells is None:
        cells = _few_cells(distinct)
    if cells is not None:
        # Few distinct cells (a small table, or dates repeating): Python's regexes are compiled
        # once a process, Arrow's once a call, so these are cheaper read here.
        joined = "\x00".join(cells)
        if cells and joined.count("\x00") == len(cells) - 1:
            # Marked over the cells joined: NUL is no space, digit or letter, and each piece
            # is its cell's marks (digits and letters mapped one for one in C: few distinct
            # pieces, as dates differ in their digits, not three regex passes a cell).
            squeezed = _RE2_SPACE.sub("", joined).translate(_DIGIT_OR_LETTER)
            return _formats_reading(set(squeezed.split("\x00")))
        # None, or a cell holding a NUL: shaped one by one, field widths not looked at.
        return _formats_in({_shape_ascii(text) for text in cells})
    squeezed = pc.replace_substring_regex(distinct, r"\s+", "")
    marked = pc.replace_substring_regex(squeezed, r"[0-9]", "9")
    marked = pc.unique(pc.replace_substring_regex(marked, r"[A-Za-z]", "a"))
    if len(marked) <= _FEW_PIECES:
        return _formats_reading({piece for piece in marked.to_pylist() if piece is not None})
    shapes = pc.replace_substring_regex(pc.replace_substring_regex(marked, r"9+", "9"), r"a+", "a")
    return _formats_in(set(pc.unique(shapes).to_pylist()))


# Each format's digit fields, in order, and the most digits each reads (Arrow's strptime reads
# at most two for a day, month or two-digit year and four for a year): a format whose shape has
# one run of digits per field cannot read a cell with a run longer than its field (the next
# character it needs is a separator or the end). The compact ``%Y%m%d`` has one run for three
# fields (and ``%d%m%Y``): their widths are not looked at.
_FIELD_DIGITS = {"d": 2, "m": 2, "y": 2, "Y": 4}
_FORMAT_WIDTHS = tuple(
    None
    if fmt in {"%Y%m%d", "%d%m%Y"}
    else [_FIELD_DIGITS[f] for f in re.findall(r"%([dmyY])", fmt)]
    for fmt in FORMATS
)
_FEW_PIECES = 2000


def _formats_in(shapes: set[str]) -> list[str]:
    return [fmt for fmt, shape in zip(FORMATS, _FORMAT_SHAPES, strict=True) if shape in shapes]


def _formats_reading(pieces: set[str]) -> list[str]:
    """The formats that could read a cell marked as one of ``pieces`` (``9`` each digit, ``a``
    each letter, whitespace dropped): the shape must be the format's, and each run of digits
    no longer than its field reads."""
    runs_of: dict[str, list[list[int]]] = {}
    for piece in pieces:
        shape = _LETTER_RUN.sub("a", _DIGIT_RUN.sub("9", piece))
        runs_of.setdefault(shape, []).append([len(run) for run in _DIGIT_RUN.findall(piece)])
    return [
        fmt
        for fmt, shape, widths in zip(FORMATS, _FORMAT_SHAPES, _FORMAT_WIDTHS, strict=True)
        if shape in runs_of
        and (widths is None or any(_fits(runs, widths) for runs in runs_of[shape]))
    ]


def _fits(runs: list[int], widths: list[int]) -> bool:
    return len(runs) == len(widths) and all(r <= w for r, w in zip(runs, widths, strict=True))


_NULL_TIME = pa.scalar(None, pa.timestamp("s"))
_NULL_TEXT = pa.scalar(None, pa.string())


_ORDINAL_RE2 = r"(?i)^(\d{1,2})(?:st|nd|rd|th)(?: of)?([ /-])"  # ``_ORDINAL`` for Arrow


def _any_ordinal(distinct: pa.Array) -> bool:
    return bool(pc.any(pc.match_substring_regex(distinct, _ORDINAL_RE2)).as_py())


def parse_column(values: pa.Array, others: Sequence[pa.Array] = ()) -> pa.Array:
    """ISO dates (strings) for a column of dates in one format chosen from the values.
    ``others``: the table's other dates, which decide day or month first where no cell of
    this column does (``month_first``)."""
    values = pc.utf8_trim_whitespace(pc.cast(values, pa.string()))
    # The distinct cells serve both the look for a time and the formats' shapes.
    distinct = pc.unique(values)
    cells = _few_cells(distinct)
    if cells is not None:
        timed = ":" in "".join(cells)  # a one-character look finds no match across cells
    else:
        timed = bool(pc.any(pc.match_substring(distinct, ":")).as_py())
    # Spreadsheet readers hand us ISO datetimes; keep the date part (only a time has a colon).
    if timed:
        values = pc.replace_substring_regex(
            values, r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}.*$", r"\1"
        )
        values = pc.replace_substring_regex(values, r"^(.*\d) \d{1,2}:\d{2}(:\d{2})?$", r"\1")
        distinct = pc.unique(values)
        cells = None
    # "3rd May 1975": a letter's or a person's ordinal day, read as the plain day.
    if _ORDINAL.search("\n".join(cells)) if cells is not None else _any_ordinal(distinct):
        values = pc.replace_substring_regex(values, _ORDINAL_RE2, r"\1\2")
        distinct = pc.unique(values)
        cells = _few_cells(distinct)
    attempts = []
    formats = _formats_of(distinct, cells)
    # A first format that reads every cell any can (all but the null and empty ones) is the
    # one ranked first and the whole coalesced column, where no tie is the table's to break:
    # the other formats are not tried.
    unread = cellwise.null_or_empty(values) if len(formats) > 1 else None
    alone = not others or _US not in formats or formats[0] == _US
    for fmt in formats:
        parsed = pc.strptime(values, format=fmt, unit="s", error_is_null=True)
        # "%Y" happily reads "45" as the year 45: such a reading is the wrong format, not a date.
        # (A null comparison gives null, where ``parsed`` is null already: no fill needed; and
        # the comparison is made only when the earliest reading is too early.)
        earliest = pc.min(parsed)
        if earliest.is_valid and earliest.value < _FLOOR.value:
            parsed = pc.if_else(pc.less(parsed, _FLOOR), _NULL_TIME, parsed)
        attempts.append(parsed)
        if alone and parsed.null_count == unread:
            formats = formats[:1]
            break
    if not attempts or not len(values) or all(a.null_count == len(values) for a in attempts):
        serials = date_numbers.excel_serials(values)
        if serials is not None:
            return serials
        six = date_numbers.six_digits(values)
        if six is None:
            return pa.nulls(len(values), pa.string())
        attempts, formats = [six], ["%d%m%y"]
    # The format most values agree on decides ambiguous cells (01/02 is 1 February in the UK
    # unless the column shows it is month-first); other formats only fill what it cannot read.
    ranked = sorted(range(len(attempts)), key=lambda i: (attempts[i].null_count, i))
    # A tie of day and month first is the table's to break (``month_first`` asked last: it
    # reads every other date of the table).
    us = formats.index(_US) if others and _US in formats else ranked[0]
    tied = us != ranked[0] and attempts[us].null_count == attempts[ranked[0]].null_count
    if tied and month_first(others):
        ranked.remove(us)
        ranked.insert(0, us)
    parsed = pc.coalesce(*(attempts[i] for i in ranked)) if len(attempts) > 1 else attempts[0]
    # A date's cast to text is ISO already, and ten times cheaper than strftime's formatting.
    text = pc.cast(pc.cast(parsed, pa.date32()), pa.string())
    today = dt.date.today().isoformat()
    # Two-digit years that land in the future are last century's (dates of birth are past).
    # Both fixes below are asked of the extremes first (one call): most columns need neither.
    # (Null comparisons stand only where ``text`` is null, so they need no fill either.)
    low, high = _extremes(text)
    if high is not None and high > today:
        future = pc.greater(text, pa.scalar(today, pa.string()))
        text = pc.if_else(future, pc.replace_substring_regex(text, r"^20", "19"), text)
        low, high = _extremes(text)
    if low is not None and low < _EARLIEST.as_py():
        text = pc.if_else(pc.less(text, _EARLIEST), _NULL_TEXT, text)
    return text


_US = "%m/%d/%Y"


def _extremes(text: pa.Array) -> tuple[str | None, str | None]:
    found = pc.min_max(text)
    return found["min"].as_py(), found["max"].as_py()
