"""A letter's own date beside a name: "Mr Alan PRICE<tab><tab>12 March 2024" (the addressee's
line), "Re: Mr Alan PRICE<tab>12 March 2024" (the subject line).

A date straight after a name is read as that name's date of birth (a worklist's "Alan PRICE
01/02/1950"). A letter puts its date on a tab stop at the right of the addressee's or the "Re:"
line, and a PDF's text layer joins a right-aligned date to the line beside it: that date is the
letter's. So a date after a name is the letter's where a tab parts them on a line that is no
row of tab-separated cells (no tab before the name but a subject label's), or where, on a subject
line ("Re:", "Subject:", "Regarding:"), it is written with its month's full name as letters are
dated ("12 March 2024", "March 12, 2024"): a date of birth there is written in figures
("01/02/1950") or labelled. (May is written the same either way: a date in May is left as a
date of birth.)
"""

from __future__ import annotations

_SUBJECT_LABELS = frozenset({"re", "subject", "regarding"})
_FULL_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def _subject(head: str) -> bool:
    """Whether a line's text before a name opens with a letter's subject label."""
    words = head.split(None, 1)
    return bool(words) and words[0].lower().rstrip(":-.") in _SUBJECT_LABELS


def letter_date(text: str, name_start: int, name_end: int, date_start: int, date_end: int) -> bool:
    """Whether a date after a name (at ``name_start``-``name_end``) is the letter's own date
    rather than the name's date of birth (see the module's docstring)."""
    head = text[text.rfind("\n", 0, name_start) + 1 : name_start]
    subject = _subject(head)
    if "\t" in text[name_end:date_start]:
        return subject or "\t" not in head
    if not subject:
        return False
    written = text[date_start:date_end].lower()
    return any(month in written for month in _FULL_MONTHS)
