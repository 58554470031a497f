"""Digits an OCR tool read as letters: ``424O755395``, ``23/1l/1963``.

Text saved from an OCR tool (a scanned letter or worklist, kept as .txt) confuses O with 0 and
l or I with 1 inside numbers; read as is, such an NHS number or date of birth is no identifier
at all. ``repair`` puts the digits back where the repaired token is one beyond doubt:

- an NHS number (3-3-4 digits, one optional space or dash between groups) of at least seven
  real digits whose repair passes Modulus 11 and falls in an England/Wales range (about one
  random repair in twenty does, so the checksum, not the shape, is what guards against
  inventing numbers);
- a date (day/month/four-digit year, one kind of separator) of at least five real digits that
  repairs to a real day, in a text that names a date of birth somewhere (a label beside it,
  or a column headed so: OCR mangles the label too, "D0B"), so a page of clinic dates with no
  birth date on it keeps its words.

A repair swaps one character for one, so offsets into the text stay right. The work is gated on
a letter touching a digit amid enough digits (``_mixes``, vectorised), and each candidate is
tried in a small window there, so text without one pays a few array passes.
"""

from __future__ import annotations

import datetime
import re

import numpy as np

from breachdesk import nhs

# A letter OCR writes for a digit, touching a digit.
_MIX = re.compile(r"\d[OolI]|[OolI]\d")
_TO_DIGIT = str.maketrans("OolI", "0011")
_D = "[0-9OolI]"
# Not inside a word or a longer number on either side ("Kl2O4567", "INV424O755395").
_NHS_TOKEN = re.compile(rf"(?<![A-Za-z0-9]){_D}{{3}}[ -]?{_D}{{3}}[ -]?{_D}{{4}}(?![A-Za-z0-9])")
_DATE_TOKEN = re.compile(
    rf"(?<![A-Za-z0-9/.-])({_D}{{1,2}})([/.-])({_D}{{1,2}})\2({_D}{{4}})(?![A-Za-z0-9]|[/.-]\d)"
)
# A date-of-birth label, OCR's "D0B" and "D.O.B" among them.
_DOB_LABEL = re.compile(r"(?<![A-Za-z])d\.?[o0]\.?b\b|date of birth|birth ?date|\bborn\b", re.I)
# How far either side of a mix a candidate can reach (an NHS number's twelve characters).
_REACH = 13
_LEAST_NHS_DIGITS = 7
_LEAST_DATE_DIGITS = 5


def repair(text: str) -> str:
    """``text`` with OCR's letters-for-digits put back in NHS numbers and dates of birth."""
    fixes: dict[int, str] = {}  # start -> the repaired token
    dob_text: bool | None = None
    last = -1
    for at in _mixes(text):
        if at < last:
            continue
        lo, hi = max(0, at - _REACH), min(len(text), at + _REACH + 2)
        for token in _NHS_TOKEN.finditer(text, lo, hi):
            if _goes_on(text, token.end()):
                continue  # cut at the window's end: the text goes on (a longer token)
            repaired = _nhs_repair(token.group())
            if repaired is not None:
                fixes[token.start()] = repaired
                last = token.end()
        if last > at:
            continue
        for date in _DATE_TOKEN.finditer(text, lo, hi):
            if _goes_on(text, date.end()):
                continue
            repaired = _date_repair(date)
            if repaired is None:
                continue
            if dob_text is None:
                dob_text = _DOB_LABEL.search(text) is not None
            if dob_text:
                fixes[date.start()] = repaired
                last = date.end()
    if not fixes:
        return text
    pieces, done = [], 0
    for start in sorted(fixes):
        if start < done:
            continue
        pieces.append(text[done:start])
        pieces.append(fixes[start])
        done = start + len(fixes[start])
    pieces.append(text[done:])
    return "".join(pieces)


# Each byte's class: 1 a digit, 2 a letter OCR writes for one, 3 what may part a number's or a
# date's groups, 4 another letter, 0 anything else.
_CLASS = np.zeros(256, dtype=np.uint8)
_CLASS[[ord(c) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"]] = 4
_CLASS[[ord(c) for c in "0123456789"]] = 1
_CLASS[[ord(c) for c in "OolI"]] = 2
_CLASS[[ord(c) for c in " /.-"]] = 3
# The characters about a mix (its first at 10) a candidate can span (an NHS number's twelve).
_AROUND = np.arange(-10, 12)
# An ASCII digit beside a letter OCR writes for one, either way round: what every mix below
# holds, so a text without one (most) skips the array passes. Opening with the digit, as ``re``
# then skips to digits, fewer than the letters.
_ANY_MIX = re.compile(r"[0-9](?:[OolI]|(?<=[OolI][0-9]))")


def _mixes(text: str) -> list[int]:
    """Where a letter touches a digit (the first of the two) with at least
    ``_LEAST_DATE_DIGITS`` digits near: where a repair can be. Vectorised: clinical text mixes
    letters and digits often ("SpO2", "T1DM", "CO2") but seldom amid so many digits, and a text
    with no mix at all costs a few array passes."""
    if len(text) < 2 or _ANY_MIX.search(text) is None:
        return []
    if text.isascii():
        kind = _CLASS[np.frombuffer(text.encode("ascii"), dtype=np.uint8)]
    else:  # (by code point, so the places are the string's)
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        kind = _CLASS[np.minimum(codes, 255)]
        kind[codes > 255] = 0
    digit, letter = kind == 1, kind == 2
    mix = np.flatnonzero((digit[:-1] & letter[1:]) | (letter[:-1] & digit[1:]))
    # Not where the letter is inside a word ("SpO2", "CO2"): no candidate holds it.
    before = kind[np.maximum(mix - 1, 0)]
    after = kind[np.minimum(mix + 2, len(kind) - 1)]
    mix = mix[~((letter[mix] & (before == 4)) | (letter[mix + 1] & (after == 4)))]
    if not mix.size:
        return []
    # The digits in the unbroken run of classes 1-3 about each mix, within reach: the window's
    # classes, cut at the first character of class 0 either way from the mix's two.
    window = kind[np.clip(mix[:, None] + _AROUND, 0, len(kind) - 1)]
    window[mix[:, None] + _AROUND < 0] = 0
    window[mix[:, None] + _AROUND >= len(kind)] = 0
    inside = (window != 0) & (window != 4)
    left = np.logical_and.accumulate(inside[:, 10::-1], axis=1)[:, ::-1]
    right = np.logical_and.accumulate(inside[:, 11:], axis=1)
    digits = (np.concatenate([left, right], axis=1) & (window == 1)).sum(axis=1)
    return [int(at) for at in mix[digits >= _LEAST_DATE_DIGITS]]


def _goes_on(text: str, end: int) -> bool:
    """Whether a token ending at ``end`` runs on into a word or number (the lookaheads see a
    window's end as the text's)."""
    after = text[end : end + 2]
    return bool(after) and (after[0].isalnum() or (after[0] in "/.-" and after[1:].isdigit()))


def _nhs_repair(token: str) -> str | None:
    """The token with its digits put back, if it has letters, enough real digits, and is then a
    valid England/Wales NHS number; else None."""
    if token.isdigit() or sum(c.isdigit() for c in token) < _LEAST_NHS_DIGITS:
        return None
    repaired = token.translate(_TO_DIGIT)
    digits = repaired.replace(" ", "").replace("-", "")
    # England and Wales only (4xx, 6xx and 7xx): a CHI number's date guard is weaker.
    if digits[0] not in "467" or len(set(digits)) == 1 or not nhs.is_valid(digits):
        return None
    return repaired


def _date_repair(date: re.Match[str]) -> str | None:
    """The date with its digits put back, if it has letters, enough real digits, and is then a
    real day in the last two centuries; else None."""
    token = date.group()
    if sum(c.isdigit() for c in token) < _LEAST_DATE_DIGITS or not _MIX.search(token):
        return None
    day, month, year = (int(date[i].translate(_TO_DIGIT)) for i in (1, 3, 4))
    if not 1900 <= year <= 2099:
        return None
    try:
        datetime.date(year, month, day)
    except ValueError:
        try:
            datetime.date(year, day, month)  # a US-ordered date
        except ValueError:
            return None
    return token.translate(_TO_DIGIT)
