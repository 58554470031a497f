"""Where a patient's name stands on a line of its own: above the block of their details, as an
e-mail or a note copies them ("Patient details below:" / "Agnieszka WROBLEWSKA" / "D.O.B
09.09.1989" / "NHS 434 763 5311"). The name's own shape is read by ``detect.names``; this finds
the lines to read it on.

A line is read only where the next (after at most one hospital-number line) opens with a date of
birth's label or an NHS number's label and digits: a signature's "Jane Bell" above "Staff Nurse"
is no patient's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from breachdesk.detect.given_names import kind as given_kind

_SP = r"[^\S\n]"
# A line break, then a date of birth's label or an NHS number's label with its digits at the
# start of the next line. (Every match holds the trigger the name-line rule is read with,
# ``name:before_dob``.)
_BLOCK_LINE = re.compile(
    rf"\n{_SP}*+(?i:d\.?{_SP}?o\.?{_SP}?b\b|date{_SP}+of{_SP}+birth|birth{_SP}?date"
    rf"|nhs(?={_SP}*+(?:(?:no|number)\b\.?{_SP}*+)?[:#]?{_SP}*+\d))"
)
# A hospital number's line between the name and the date of birth ("Hosp no. UH4400917").
_HOSPITAL_LINE = re.compile(
    rf"(?i:hosp(?:ital)?\.?{_SP}*+(?:no|number)\b|mrn\b|unit{_SP}*+(?:no|number)\b"
    r"|pas\b|case{_SP}*+(?:no|number)\b)"
)
# A name line is short: a title and three words.
_LONGEST = 100


def above_blocks(text: str) -> Iterator[tuple[int, int]]:
    """The start and end of the words of each line that may hold the name of a patient whose
    block follows it, in order; at most once each."""
    last = -1
    for found in _BLOCK_LINE.finditer(text):
        start, end = _line_before(text, found.start())
        if start > 0 and _HOSPITAL_LINE.match(text, start, end) is not None:
            start, end = _line_before(text, text.rfind("\n", 0, start))
        if last < start < end and end - start <= _LONGEST:
            last = start
            yield start, end


def _line_before(text: str, end: int) -> tuple[int, int]:
    """The words of the line that ends at ``end`` (a line break), without the spaces about
    them (at most ``_LONGEST`` characters of it looked at: a longer line is no name's)."""
    floor = max(0, end - _LONGEST - 40)
    start = text.rfind("\n", floor, end) + 1
    if start == 0 and floor > 0:
        return end, end  # a longer line
    line = text[start:end]
    words = line.strip()
    start += len(line) - len(line.lstrip())
    return start, start + len(words)


def matches(text: str, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """``pattern`` (``names._NAME_LINE``) fullmatched over each line above a patient's block;
    not a doctor's or professor's ("Dr Jane Bell" above a DOB line is more likely a letter's
    author than its patient)."""
    for start, end in above_blocks(text):
        found = pattern.fullmatch(text, start, end)
        if found is not None and (found["t"] or "").lower() not in ("dr", "prof"):
            yield found


def sure(title: str | None, third: str | None, kept: str | None, family: str, given: str) -> bool:
    """Whether a name line's words are a name: the whole line (no ``third`` word that ``names``
    did not keep), and a title, a family name in capitals, or a given name the lists know
    ("Blood Transfusion" above a DOB line is a heading)."""
    if third and not kept:
        return False
    return bool(
        title
        or (family.isupper() and len(family) > 1 and not given.isupper())
        or given_kind(given.split("-")[0]) > 0
    )
