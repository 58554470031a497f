"""NHS numbers: Modulus 11, repeated digits rejected, the issuing ranges known.

Numbers in the 999 range are test data, flagged rather than taken as people; a ten-digit number
that fails the check (an invoice or phone number) is kept as a failed mention, never a person.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from breachdesk import nhs
from breachdesk.detect import cellwise, prefilter
from breachdesk.detect.base import Mention

# Not after a letter either: ``S2401234567`` is a sample id, ``INV4010232137`` an invoice; nor
# after a dot or colon (a decimal, a time), but for a label's: ``NHS No.4557660932``,
# ``NHS:4557660932``, ``NHS_NUMBER:4557660932`` (as "number: " with a space reads already).
# Digit first, so ``re`` skips to digits before trying a match; the lookbehinds after it are
# the plain form's ``(?:(?<![\dA-Za-z/.:-])|(?<=no[.:])|(?<=nhs[.:])|(?<=number[.:]))``
# ``(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d|[/.-]\d)``. A space between the groups may be a
# word processor's or web page's no-break or thin space ("455&nbsp;766&nbsp;0932"): the
# prefilter scans such spaces as plain ones.
_GAP = "[ \u00a0\u2007\u2009\u202f-]"
_AFTER = r"(?!\d|[/.-]\d)"
# A URL's path names a patient by it ("/api/patients/4557660932/results", "/nhs/4557660932"):
# after a slash only so, as other ids in paths are no one's.
_IN_PATH = (
    r"|(?<=[Pp][Aa][Tt][Ii][Ee][Nn][Tt]/\d)|(?<=[Pp][Aa][Tt][Ii][Ee][Nn][Tt][Ss]/\d)"
    r"|(?<=[Nn][Hh][Ss]/\d)|(?<=[Nn][Hh][Ss][Nn][Uu][Mm][Bb][Ee][Rr]/\d)"
    r"|(?<=[Nn][Hh][Ss][-_][Nn][Uu][Mm][Bb][Ee][Rr]/\d)"
)
PATTERN = re.compile(
    r"(\d(?:(?<![\dA-Za-z/.:-]\d)|(?<=[Nn][Oo][.:]\d)|(?<=[Nn][Hh][Ss][.:]\d)"
    rf"|(?<=[Nn][Uu][Mm][Bb][Ee][Rr][.:]\d){_IN_PATH})\d{{2}})"
    rf"{_GAP}?(\d{{3}}){_GAP}?(\d{{4}}){_AFTER}"
)
# The rarer ways a number is written, read in a pass of their own (``PATTERN`` is the common
# one, and the 4-3-3 form's label is checked on each match):
# - full stops parting the groups, both together ("455.766.0932", as some PAS exports write
#   it); one alone, or a group more before or after, is a decimal, a version or an address
#   ("455.7660932", "1.455.766.0932");
# - a printed form's dotted leader against the number ("NHS No......4557660932");
# - four, three and three digits, one kind of separator ("NHS 4347 635 311"): how some systems
#   print the number, but also how phone and account numbers are grouped, so taken only after
#   an NHS label (``_NHS_LABEL_BEFORE``);
# - after an NHS label too, three, four and three digits ("NHS No 415 5834 103", a grouping
#   some letters use) and slashes parting 3-3-4 ("NHS: 477/039/7542"), which unlabelled reads
#   as a fraction or a reference.
# No match of one is a match of ``PATTERN``: before the first digit ".." or after it a full
# stop, four digits before the first separator or after the second, or a slash after three.
RARER = re.compile(
    r"(\d(?:(?<![\dA-Za-z/.:-]\d)|(?<=[Nn][Oo][.:]\d)|(?<=[Nn][Hh][Ss][.:]\d)"
    r"|(?<=[Nn][Uu][Mm][Bb][Ee][Rr][.:]\d)|(?<=\.\.\d))\d{2})"
    rf"(?:\.(\d{{3}})\.|(?<=\.\.\d{{3}}){_GAP}?(\d{{3}}){_GAP}?)(\d{{4}}){_AFTER}"
    rf"|(\d(?<![\dA-Za-z/.:-]\d)\d{{3}})({_GAP})(\d{{3}})\6(\d{{3}}){_AFTER}"
    rf"|(\d(?<![\dA-Za-z/.:-]\d)\d{{2}})(?:/(\d{{3}})/(\d{{4}})|({_GAP})(\d{{4}})\12(\d{{3}})){_AFTER}"
)
# The label just before a 4-3-3 number, on its line: "NHS", "NHS No.", "NHS number:", and a
# form's dotted leader after it ("NHS No. ...... 4347 635 311").
_NHS_LABEL_BEFORE = re.compile(
    r"(?<![^\W_])nhs(?:[ \t_]*(?:no|num(?:ber)?)\b)?[ \t.:#=_\-]{0,40}\Z", re.IGNORECASE
)
_LABEL_REACH = 64
# A cell of one NHS number; Excel's text marker may stand before it ("'4557660932"). Grouped
# 3-3-4 (spaces, dashes, or full stops both), or 4-3-3: a cell is read only in a column headed
# or shown (four cells in five pass the check) to hold NHS numbers, where that grouping is one.
_CELL = (
    r"^\s*'?(?:\d{3}(?:[ -]?\d{3}[ -]?|\.\d{3}\.)\d{4}"
    r"|\d{4} \d{3} \d{3}|\d{4}-\d{3}-\d{3})\s*$"
)
# A number written after its label in the cell ("NHS4557660932", "NHS No: 455 766 0932"): the
# label is taken off before the shape is looked at again.
_LABEL_PREFIX = r"^\s*(?i:nhs)\s*(?i:no\.?|number)?\s*[:#]?"
_FALSE = pa.scalar(False)
_WEIGHTS = np.array([10, 9, 8, 7, 6, 5, 4, 3, 2], dtype=np.int64)
_TEN = np.arange(10)
# Longest day of each month, indexed by month number (0: no such month).
_MONTH_DAYS = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


# Cached: a dump names the same patients' numbers in many places.
@functools.lru_cache(maxsize=65536)
def classify(digits: str) -> str:
    """``valid`` (an issued-range patient number), ``test`` (999 range) or ``invalid``."""
    if not nhs.is_valid(digits):
        return "invalid"
    region = nhs.region(digits)
    if region == "test":
        return "test"
    return "valid" if region else "invalid"


# A label naming another kind of number just before it: about one invoice, phone or timestamp in
# eleven passes Modulus 11 and many fall in an issued range, so the label outweighs the checksum.
OTHER_LABEL = re.compile(
    # Bounded by letters and digits, not by "\b": a log's key "invoice_no=", "sample_id=",
    # "phone_number=" names its number with an underscore after the word.
    r"(?<![^\W_])(?:invoice|inv|account|acct|a/c|tel|telephone|phone|fax|mob|mobile|sample|"
    r"specimen|accession|barcode|batch|epoch|timestamp|unix|ts|staff|employee|emp|payroll|order|"
    r"ticket|call)(?![^\W_])[^\n\d]{0,12}$",
    re.IGNORECASE,
)
# ``OTHER_LABEL`` read backwards (each alternative spelled backwards; its bounds look both ways):
# its matches end where the text searched does (``$`` also allows a last newline), so one anchored
# attempt on the reversed text says the same as ``search`` trying every position.
_OTHER_LABEL_REVERSED = re.compile(
    r"\n?[^\n\d]{0,12}(?<![^\W_])(?:eciovni|vni|tnuocca|tcca|c/a|let|enohpelet|enohp|xaf|bom|"
    r"elibom|elpmas|nemiceps|noissecca|edocrab|hctab|hcope|pmatsemit|xinu|st|ffats|eyolpme|pme|"
    r"llroyap|redro|tekcit|llac)(?![^\W_])",
    re.IGNORECASE,
)
_NHS_LABEL = re.compile(r"nhs|chi\b|h&c|h\+c", re.IGNORECASE)


_PIECE_REVERSED = re.compile(r"[^\d\n]*")


def _other_number(text: str, start: int) -> bool:
    # Only the words since the previous number or line: "NHS No: 943.., a/c 401.." is an account.
    # Read backwards: the run before the number up to a digit or line break, reversed.
    before_reversed = _PIECE_REVERSED.match(text[max(0, start - 24) : start][::-1])
    return _other_label(before_reversed.group() if before_reversed else "")


# Cached: a log writes the same words before every number ("patient NHS=").
@functools.lru_cache(maxsize=4096)
def _other_label(before_reversed: str) -> bool:
    """Whether the words before a number (reversed) name another kind of number and not NHS."""
    label = _OTHER_LABEL_REVERSED.match(before_reversed)
    return label is not None and not _NHS_LABEL.search(before_reversed[::-1])


# Each status's (kind, score, checksum), so a mention is made from positional fields alone.
_OF_STATUS = {
    "valid": ("nhs_number", 1.0, "pass"),
    "test": ("nhs_number_test", 0.0, "pass"),
    "invalid": ("nhs_number_invalid", 0.0, "fail"),
}


def detect(text: str, starts: list[int] | None = None) -> Iterator[Mention]:
    """NHS numbers, valid or not; ``starts`` (``prefilter.starts``) are where one can begin."""
    rarer = _rarer(text, starts)
    for match in (
        PATTERN.finditer(text) if starts is None else prefilter.matches(PATTERN, text, starts)
    ):
        start = match.start()
        while rarer and rarer[0].start < start:
            yield rarer.pop(0)
        first, second, third = match.groups()
        digits = first + second + third
        if not digits.isascii():  # full-width or other scripts' digits: the number they write
            digits = "".join(str(int(c)) for c in digits)
        status = classify(digits)
        if status == "valid" and _other_number(text, start):
            yield Mention(
                "nhs_number_other",
                start,
                match.end(),
                digits,
                "nhs_number",
                "labelled_other",
                0.0,
                "pass",
            )
            continue
        kind, score, checksum = _OF_STATUS[status]
        yield Mention(
            kind, start, match.end(), digits, "nhs_number", "modulus11+range", score, checksum
        )
    yield from rarer


# What may follow a number's first four digits in RARER's 4-3-3 form (``_GAP``'s characters).
_GAP_CHARS = frozenset(" \u00a0\u2007\u2009\u202f-")
_SLASH_OR_DOT = frozenset("./")


def _rarer_starts(text: str, starts: list[int]) -> list[int]:
    """The prefilter's NHS-number starts where a ``RARER`` match can begin: a full stop after
    three digits (or a slash), a dotted leader before them, a gap after four, or one after
    eight (3-4-3). Nearly every start is a plain number's, and trying the pattern at each had
    cost a log as much as ``PATTERN``."""
    return [
        s
        for s in starts
        if text[s + 3 : s + 4] in _SLASH_OR_DOT
        or text[s + 4 : s + 5] in _GAP_CHARS
        or text[s - 2 : s] == ".."
        or text[s + 8 : s + 9] in _GAP_CHARS
    ]


def _rarer(text: str, starts: list[int] | None) -> list[Mention]:
    """The numbers written in one of ``RARER``'s ways, in order."""
    found: list[Mention] = []
    if starts is not None:
        starts = _rarer_starts(text, starts)
        if not starts:
            return found
    for match in RARER.finditer(text) if starts is None else prefilter.matches(RARER, text, starts):
        if match[1] is not None:
            found.append(_mention(text, match, match[1] + (match[2] or match[3]) + match[4]))
        elif not _NHS_LABEL_BEFORE.search(
            text, max(0, match.start() - _LABEL_REACH), match.start()
        ):
            continue
        elif match[5] is not None:
            found.append(_mention(text, match, match[5] + match[7] + match[8], "nhs_label+4-3-3"))
        elif match[10] is not None:
            digits = match[9] + match[10] + match[11]
            found.append(_mention(text, match, digits, "nhs_label+slashed"))
        else:
            digits = match[9] + match[13] + match[14]
            found.append(_mention(text, match, digits, "nhs_label+3-4-3"))
    return found


def _mention(
    text: str, match: re.Match[str], digits: str, rule: str = "modulus11+range"
) -> Mention:
    """``detect``'s mention of a number ``RARER`` found."""
    if not digits.isascii():
        digits = "".join(str(int(c)) for c in digits)
    status = classify(digits)
    start = match.start()
    if status == "valid" and _other_number(text, start):
        kind, rule, score, checksum = "nhs_number_other", "labelled_other", 0.0, "pass"
    else:
        kind, score, checksum = _OF_STATUS[status]
    return Mention(kind, start, match.end(), digits, "nhs_number", rule, score, checksum)


# A number column that went through a float on its way out: pandas writes a column of integers
# with a gap in it as "4557660932.0", and some tools write "4.557660932E9" (still all ten
# digits; a rounded "4.56E+09" has lost the number and is left alone).
_FLOAT_CELL = r"^\s*(\d{10})\.0+\s*$"
_EXPONENT_CELL = r"^\s*(\d)\.(\d{9})[eE]\+?0?9\s*$"


def _unfloated(values: pa.Array) -> pa.Array:
    """``values`` with cells written as floats (``_FLOAT_CELL``, ``_EXPONENT_CELL``) as their
    ten digits."""
    values = pc.replace_substring_regex(values, _FLOAT_CELL, r"\1")
    return pc.replace_substring_regex(values, _EXPONENT_CELL, r"\1\2")


def _labelled(values: pa.Array) -> bool:
    return bool(pc.any(pc.match_substring(values, "nhs", ignore_case=True)).as_py())


def _shaped(values: pa.Array) -> pa.Array:
    """Whether each cell is one number's shape (``_CELL``), a null cell's false."""
    found = pc.match_substring_regex(values, _CELL)
    return pc.fill_null(found, _FALSE) if found.null_count else found


def _every(shaped: pa.Array) -> bool:
    """``pc.all`` of a boolean column without nulls, off its count where it is one array."""
    if isinstance(shaped, pa.Array):
        return shaped.true_count == len(shaped)
    return bool(pc.all(shaped).as_py())


def _some(shaped: pa.Array) -> bool:
    """``pc.any`` of a boolean column without nulls, as ``_every``."""
    if isinstance(shaped, pa.Array):
        return shaped.true_count > 0
    return bool(pc.any(shaped).as_py())


# Every spelling of "nh" (no other character folds with an "n" or an "h", in RE2 or Python).
_NH = (b"nh", b"nH", b"Nh", b"NH")


def validate_column(values: pa.Array) -> pa.Array:
    """Valid patient NHS numbers (digits only) where a cell holds one, else null; vectorised."""
    values = pc.cast(values, pa.string())
    shaped = _shaped(values)
    # (Float and label are each searched for only where the column's bytes may hold one: where
    # none does, the replacing calls would change no cell.)
    if (
        not _every(shaped)
        and cellwise.may_contain(values, (b".",))
        and pc.any(pc.match_substring(values, ".")).as_py()
    ):
        values = _unfloated(values)
        shaped = _shaped(values)
    if not _every(shaped) and cellwise.may_contain(values, _NH) and _labelled(values):
        values = pc.replace_substring_regex(values, _LABEL_PREFIX, "")
        shaped = _shaped(values)
    if not _some(shaped):
        return pa.nulls(len(values), pa.string())
    if isinstance(values, pa.ChunkedArray):
        values, shaped = values.combine_chunks(), shaped.combine_chunks()
    # A cell of the right shape holds only its ten digits, inner spaces or dashes, outer
    # whitespace and perhaps an apostrophe: its digit bytes, read straight off the string data,
    # are the number (no trimming or replacing calls), and those of all such cells lie in order
    # as an m x 10 matrix.
    n = len(values)
    data = values.buffers()[2]
    offsets = cellwise.offsets(values)
    text = np.frombuffer(data, dtype=np.uint8)[offsets[0] : offsets[-1]]
    is_shaped = shaped.to_numpy(zero_copy_only=False)
    sizes = np.diff(offsets)
    starts = offsets[:-1][is_shaped] - offsets[0]
    if (sizes[is_shaped] == 10).all():
        # (A shaped cell of ten bytes is its ten digits: read at their places, not by a pass
        # over every byte of the column.)
        raw = text[starts[:, None] + _TEN] - ord("0")
    else:
        of_shaped = np.repeat(is_shaped, sizes)
        raw = text[of_shaped & (text >= ord("0")) & (text <= ord("9"))].reshape(-1, 10) - ord("0")
    check = 11 - (raw[:, :9] @ _WEIGHTS) % 11
    check[check == 11] = 0
    ok = (check == raw[:, 9]) & (raw.min(axis=1) != raw.max(axis=1))
    number = raw[:, :9] @ (10 ** np.arange(8, -1, -1, dtype=np.int64))
    # The same ranges as nhs.region; a CHI number (Scotland) must start with a DDMMYY date.
    day, month = raw[:, 0] * 10 + raw[:, 1], raw[:, 2] * 10 + raw[:, 3]
    # (Month 0 and months past 12 have no days: clipping alone let "0513..." pass as May.)
    longest = np.where(month <= 12, _MONTH_DAYS[np.clip(month, 0, 12)], 0)
    chi = (number >= 10_100_000) & (number <= 311_299_999) & (day >= 1) & (day <= longest)
    in_range = (
        ((number >= 400_000_000) & (number <= 499_999_999))
        | ((number >= 600_000_000) & (number <= 799_999_999))
        | ((number >= 320_000_000) & (number <= 399_999_999))
        | chi
    )
    keep = ok & in_range
    valid = np.zeros(n, dtype=bool)
    valid[is_shaped] = keep
    # The kept numbers' digits as a string column: ten bytes a valid cell, none elsewhere.
    digits = (raw[keep] + ord("0")).astype(np.uint8).tobytes()
    ends = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(valid * 10, out=ends[1:])
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(pa.string(), n, [bitmap, pa.py_buffer(ends), pa.py_buffer(digits)])
