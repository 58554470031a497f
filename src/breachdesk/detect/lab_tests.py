"""Test descriptions and results, recognised from the shipped test catalogue.

Free text is scanned in one Aho–Corasick pass over every catalogue term; short codes and terms
that are ordinary English words are left to columns and HL7 fields, where context makes them safe.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from functools import cache

import ahocorasick

from breachdesk import catalogue
from breachdesk.detect.base import Mention

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# Catalogue terms that are also everyday words: in free text only their upper-case form counts.
_ENGLISH = {
    "fit",
    "iron",
    "lead",
    "sugar",
    "protein",
    "bone",
    "urine",
    "blood",
    "stool",
    "serum",
    "culture",
    "swab",
    "screen",
    "liver",
    "kidney",
    "alt",
    "ast",
    "crp",
}
_RESULT = re.compile(
    r"^\s*(?:(?:[:=]|\bwas\b|\bis\b|\bresult\b|\bof\b|\blevel\b)\s*)?"
    r"(?P<value>[<>]?\s?\d+(?:\.\d+)?(?![/-]\d)|positive|negative|not\s+detected|detected|"
    r"reactive|non-reactive|equivocal|indeterminate|"
    # Tests without a number (a film, a screen) are reported in words.
    r"abnormal|normal|reported|see\s+individual\s+results)\b",
    re.IGNORECASE,
)


@cache
def _automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for test in catalogue.load():
        for term in test.all_names:
            key = term.translate(_ASCII_LOWER).strip()
            if len(key) < 3:
                continue
            # Short codes ("FBC", "LFT") and everyday words count only when written in capitals.
            caps = key in _ENGLISH or (key.isalpha() and len(key) <= 4 and term.isupper())
            if key not in automaton:
                automaton.add_word(key, (len(key), test.code, caps))
    automaton.make_automaton()
    return automaton


def _boundary(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not after.isalnum()


# A code after a ``test=`` label, as interface logs write them (``test=UE``): short codes are
# not matched in prose, but the label makes one safe to look up.
# The leading ``\b`` is written after the "t" (no word character before it) so ``re`` skips to
# each "t" instead of trying every position.
_LABELLED_CODE = re.compile(r"t(?<!\wt)ests?\s{0,2}[=:]\s{0,2}([A-Za-z0-9]{2,12})(?![A-Za-z0-9])")


@functools.lru_cache(maxsize=4096)
def _labelled(code: str) -> str | None:
    """The catalogue code of a labelled test code; cached, as logs label the same few codes."""
    test = catalogue.by_term().get(catalogue.term_key(code))
    return test.code if test else None


def detect(text: str) -> Iterator[Mention]:
    # ASCII text lowers the same either way, and str.lower is many times quicker than translate.
    lowered = text.lower() if text.isascii() else text.translate(_ASCII_LOWER)
    found: list[tuple[int, int, str]] = []
    if "test" in lowered:
        for match in _LABELLED_CODE.finditer(lowered):
            code = _labelled(match.group(1))
            if code:
                found.append((match.start(1), match.end(1), code))
    for end_index, (length, code, caps) in _automaton().iter(lowered):
        start, end = end_index - length + 1, end_index + 1
        if caps and not text[start:end].isupper():
            continue
        if _boundary(lowered, start, end):
            found.append((start, end, code))
    # Keep the longest term where terms overlap ("Hepatitis B surface antigen" over "Hepatitis B").
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    last_end = -1
    for start, end, code in found:
        if start < last_end:
            continue
        last_end = end
        yield Mention("test", start, end, code, "lab_tests", "catalogue")
        result = _RESULT.match(text[end : end + 40])
        if result:
            yield Mention(
                "test_result",
                end + result.start("value"),
                end + result.end("value"),
                code,
                "lab_tests",
                "value_after_test",
            )


def lookup(value: str) -> list[str]:
    """Catalogue codes for a cell: the whole value, else its parts split at ``; , | /``."""
    return list(_lookup(value))


# Cached: messages and tables repeat the same few hundred test names millions of times. Tables
# also list several tests in a cell ("Platelets, DCT") in every combination and order, more
# distinct cells than a cache holds: their pieces are the few hundred catalogue terms, whose
# folded keys are cached apart.
@functools.lru_cache(maxsize=65536)
def _lookup(value: str) -> tuple[str, ...]:
    index = catalogue.by_term()
    pieces = _SEPARATORS.split(value)
    keys = [_key(piece) for piece in pieces]
    # The whole value's key from its pieces' keys: a separator is no key character, so folding
    # turns it and the non-key characters around it into one space (and lowering is the same
    # piece by piece: only a final sigma lowers by context, and it is no key character either).
    whole = index.get(" ".join(key for key in keys if key) if len(keys) > 1 else keys[0])
    if whole:
        return (whole.code,)
    if _PLUS.search(value):
        keys = [_key(part) for part in _PARTS.split(value)]
    codes: list[str] = []
    for key in keys:
        test = index.get(key)
        if test and test.code not in codes:
            codes.append(test.code)
    if not codes:
        # A longer description ("HbA1c (diabetes monitoring)") still names its test.
        codes = list(dict.fromkeys(m.value for m in detect(value) if m.kind == "test"))
    return tuple(codes)


_SEPARATORS = re.compile(r"[;,|/]")
_PLUS = re.compile(r"\s\+\s")
_PARTS = re.compile(r"[;,|/]|\s\+\s")


@functools.lru_cache(maxsize=16384)
def _key(term: str) -> str:
    return catalogue.term_key(term)
