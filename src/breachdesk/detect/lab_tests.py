"""Test descriptions and results, recognised from the shipped test catalogue.

Free text is scanned in one Aho–Corasick pass over every catalogue term; short codes and terms
that are ordinary English words are left to columns and HL7 fields, where context makes them safe.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
from collections.abc import Iterator
from functools import cache

import ahocorasick

from breachdesk import catalogue
from breachdesk.detect import diagnoses, diagnosis_words, male_markers, test_context, test_headers
from breachdesk.detect.base import Mention

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ASCII_LOWER_BYTES = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")


def _ascii_lower(text: str) -> str:
    """``text.translate(_ASCII_LOWER)``: str.translate looks each character of a non-ASCII text
    up in a dict (~25 ns a character); bytes.translate is a table. In UTF-8 the bytes A-Z stand
    only for those letters (a non-ASCII character's bytes are all >= 0x80), and surrogatepass
    carries any lone surrogate there and back unchanged."""
    raw = text.encode("utf-8", "surrogatepass").translate(_ASCII_LOWER_BYTES)
    return raw.decode("utf-8", "surrogatepass")


# Catalogue terms that are also everyday words: in free text only their upper-case form counts.
_ENGLISH = {
    "fit", "iron", "lead", "sugar", "protein", "bone", "urine", "blood", "stool", "serum",
    "culture", "swab", "screen", "liver", "kidney", "alt", "ast", "crp",
    "zinc",  # "zinc oxide cream", "zinc and castor oil" on a drug chart
    "transf",  # "transf to ICU": a LIMS's code for transferrin, a note's for "transferred"
}  # fmt: skip
# What may stand between a test and its value: a colon, "was", "level", "result ....", and in
# a letter's or a note's sentence a few of "test ... came back", "added - result", and of its
# time and trend words ("Your chlamydia test was POSITIVE", "INR came back 8.2", "PSA added -
# result 14.6 ug/L", "Hb this morning was 71"), and a log's keys and quotes ('test="Serum
# lithium" value=1.42', "TEST=HCG RES=5321").
_RESULT = re.compile(
    r"^[\"']?\s*(?:(?:[:=\-]|\.{2,}+|[;,](?=\s*+result)|\b(?:was|is|were|of|level|result|results|"
    r"test|tests|came|come|has|back|added|value|res|new|this|morning|today|now|down|up|to|"
    r"fallen|dropped|risen|fell|rose)\b[\"']?)\s*+){0,4}[\"']?"
    r"(?P<value>[<>]?\s?\d+(?:\.\d+)?(?![/-]\d)|positive|negative|not\s+detected|detected|"
    r"reactive|non-reactive|equivocal|indeterminate|pos|neg|"
    # Tests without a number (a film, a screen) are reported in words.
    r"abnormal|normal|reported|see\s+individual\s+results)\b",
    re.IGNORECASE,
)


# What stands between a short name and its value: a spool's column of spaces ("HB      101"),
# a colon, a dash, or a sentence's few words ("Hb this morning was 71", "CK has risen to 2400").
_GAP = (
    r"(?:[ \t]{0,40}[:=]?[ \t]{0,3}|[ \t]{1,3}-[ \t]{1,3}|(?:[ \t]{1,2}(?:was|is|now|of|this|"
    r"today|yesterday|overnight|morning|evening|on|admission|has|had|fallen|dropped|fell|risen|"
    r"rose|up|down|to|level|came|back|repeat|latest|still)){1,5}[ \t]{1,2})"
)
# A spool's flag between a value and its unit ("101 L g/L", "6.1 H", "(L)"), and the flag
# that ends a line or a clause ("Hb 79 L").
_FLAG = r"(?:[ \t]{1,6}(?:[HL]{1,2}|\*{1,2}|\([HL]\))(?![A-Za-z0-9]))?"
_FLAG_ALONE = r"[ \t]{1,6}(?:[HL]{1,2}|\*{1,2}|\([HL]\))(?![ \t]*+[A-Za-z0-9%/^])"


def _value_after(value: str, unit: str, *, unit_needed: str = "", alone: bool = False) -> str:
    """What must follow a short name: a plausible value of its test, not part of a date, time
    or list ("12/03", "10:30", "3-4"), then its flag, and then its own unit, the flag alone, or
    a clause's end ("Hb 79 - transfuse", "CK 2400, AKI"; not "CK 45 mins", "Alcohol: 20 units",
    nor a bare "Hb 98", which may be anything). ``unit_needed``: values read only with the
    unit; ``alone``: a value with no word after it counts too (a results cell's "Alcohol <2").
    (A pattern, compiled at module level where the regex checks find it.)"""
    end = r"(?![\d.,]\d|\d|[ \t]{0,2}[/:\-][ \t]?\d)"
    own = rf"[ \t]{{0,6}}(?:{unit})(?![A-Za-z0-9/])"
    clause = r"[ \t]{0,2}(?:[,;)]|\.(?!\d)|-[ \t])"
    clause += r"|(?![ \t]*+[A-Za-z%/^])" if alone else ""
    tail = rf"(?:{_FLAG}(?:{own}|{clause})|{_FLAG_ALONE})"
    needed = rf"|(?:{unit_needed}){end}{_FLAG}{own}" if unit_needed else ""
    return rf"{_GAP}[<>]?(?:(?:{value}){end}{tail}{needed})"


def _valued(term: str, value: str, unit: str, *, unit_needed: str = "") -> str:
    """The pattern of a short name (group ``term``) that counts only before a value."""
    return rf"(?P<term>{term})(?={_value_after(value, unit, unit_needed=unit_needed)})"


# Shorthand that names a test only before its value, written as here, case and all: a
# handover's "Na 118, medics aware" (the unit rule below needs "mmol/L"; a value in another
# unit is not sodium's), "Hb 79 - transfuse", "CK 2400", "PT 14.9 s" (where "PT" alone is a
# patient or a physiotherapist and "CK" someone's initials), a biopsy's "Gleason 3+4"
# ("Gleason" alone is a surname). Each is keyed in the automaton with what may follow it, a
# text holds few of them, and only there is its value looked for: the catalogue's code, those
# followers, and the pattern of the term (group ``term``) and its value from the term's start.
_FOLLOWERS = (" ", ":", "=", "\t")
_DETECTED = _GAP + r"(?i:not[ \t]detected|detected)\b"
_SHORTHAND = {
    "Na": (
        "NA",
        _FOLLOWERS,
        re.compile(
            r"(?P<term>Na)[ \t]{0,2}[:=]?[ \t]{0,2}1[0-8]\d"
            r"(?![\d.]|[ \t]{0,2}(?:(?!mmol/)[A-Za-z%]{1,6}/|(?:mg|g|%)\b))"
        ),
    ),
    # g/L (30-249) or g/dL (2.0-24.9).
    "Hb": (
        "HB",
        _FOLLOWERS,
        re.compile(
            _valued(
                "Hb|HB|hb",
                r"[3-9]\d|1\d\d|2[0-4]\d|(?:[2-9]|1\d|2[0-4])\.\d",
                r"(?i:gm?/d?l)",
            )
        ),
    ),
    "CK": (
        "CK",
        _FOLLOWERS,
        re.compile(_valued("CK", r"\d{1,3}(?:,\d{3})+|\d{2,6}", r"(?i:i?u/l)")),
    ),
    # Seconds, written with their tenth ("14.9"), or whole with the unit ("PT 15 s").
    "PT": (
        "PTIME",
        _FOLLOWERS,
        re.compile(
            _valued(
                "PT",
                r"(?:[5-9]|[1-9]\d|1\d\d)\.\d{1,2}",
                r"s|secs?|seconds",
                unit_needed=r"[5-9]|[1-9]\d|1\d\d",
            )
        ),
    ),
    "K+": (
        "K",
        ("", *_FOLLOWERS),
        re.compile(_valued(r"K\+", r"(?:[1-9]|1\d)\.\d{1,2}", r"(?i:mmol/l)")),
    ),
    # A name of a test in a cell (``catalogue.CELL_ONLY``) that is also prose ("alcohol
    # intake", "Alcohol: 14 units a week"): read before a result, in mg/dL, or as a test
    # ("Alcohol screen"), never alone.
    "Alcohol": (
        "ETOH",
        ("",),
        re.compile(
            r"(?P<term>[Aa]lcohol|ALCOHOL)(?![A-Za-z0-9])(?=[ \t]{1,2}(?i:test|screen|sample|"
            r"specimen|assay|result)s?\b|"
            + _GAP
            + r"(?i:not[ \t]detected|detected|positive|negative)\b|"
            + _value_after(
                r"\d{1,3}(?:\.\d{1,2})?",
                r"(?i:mg/d?l|mg/100[ \t]?ml|mmol/l|g/l|mg/l)",
                alone=True,
            )
            + ")"
        ),
    ),
    # "CT" and "NG" alone are a scan and a nasogastric tube; before "(not) detected" they are
    # a sexual health screen's NAATs. Not the "NG" of "CT/NG", which the catalogue reads whole.
    "CT": ("CHLAM", _FOLLOWERS, re.compile(rf"(?P<term>CT)(?={_DETECTED})")),
    "NG": ("GC", _FOLLOWERS, re.compile(rf"(?<![A-Za-z0-9/])(?P<term>NG)(?={_DETECTED})")),
    "Gleason": (
        "HISTO",
        ("",),
        re.compile(
            r"(?P<term>Gleason)(?=(?:[ \t]{1,2}(?:score|grade|sum))?[ \t]{0,2}[:=]?[ \t]{0,2}"
            r"[1-5][ \t]?\+[ \t]?[1-5](?![\d.]))"
        ),
    ),
}
# A test said, straight after its name, not to have been done: "Bone marrow aspirate has not
# yet been done", "HIV: not tested", "U&E sample not taken", "HIV test declined". "Declined"
# says so only of a test reported in words ("eGFR has declined" is a result falling); and an
# offer declined ("HIV test offered and declined") still tells of the offer.
_NOT_DONE = re.compile(
    r"(?:(?:tests?|testing|samples?|screen)[ \t]{1,3})?"
    r"(?:(?:has|have|was|were|is|are|had)[ \t]{1,3})?"
    r"(?:(?:not|never)\s{1,3}(?:yet\s{1,3})?(?:been\s{1,3})?(?:done|performed|sent|tested|"
    r"requested|checked|undertaken|indicated|required|carried\s{1,3}out|taken(?!\s{1,3}into))"
    r"|yet\s{1,3}to\s{1,3}be\s{1,3}(?:done|performed|taken|sent)"
    r"|(?P<declined>(?:been\s{1,3})?declined|refused))\b"
)  # matched on the lowered text after the test and its colon or dash


@cache
def _reported_in_words() -> frozenset[str]:
    """The codes of tests whose result is text (a screen, a biopsy), not a number."""
    return frozenset(test.code for test in catalogue.load() if test.result_type == "text")


# A code shaped like a postcode's district ("B12", "FT4") before an inward code is the district
# ("Birmingham B12 9QL"), not the test.
_DISTRICT = re.compile(r"[a-z]{1,2}\d{1,2}")
_NOT_DISTRICT = re.compile(
    r"(?P<term>[A-Za-z]{1,2}\d{1,2})(?![A-Za-z0-9])(?! \d[ABD-HJLNP-UW-Z]{2}(?![A-Za-z0-9]))"
)


@cache
def _automaton() -> ahocorasick.Automaton:
    """Every catalogue spelling of three characters or more, lowered -> (length, code, the
    written forms it counts in, or None for any, and the pattern it must match where it starts,
    if any). Short codes ("FBC", "LFT") and everyday words count only in capitals, or as the
    catalogue writes them ("eGFR": its code "EGFR" alone left "eGFR 54" unread)."""
    terms: dict[str, tuple[int, str, set[str] | None]] = {}
    for test in catalogue.load():
        for term in test.spellings:
            key = term.translate(_ASCII_LOWER).strip()
            if len(key) < 3:
                continue
            caps = key in _ENGLISH or (key.isalpha() and len(key) <= 4 and term.isupper())
            if key not in terms:
                terms[key] = (len(key), test.code, set() if caps else None)
            forms = terms[key][2]
            if forms is not None and terms[key][1] == test.code and not term.isupper():
                if key in _ENGLISH:
                    continue
                forms.add(term.strip())
    automaton = ahocorasick.Automaton()
    for key, (length, code, forms) in terms.items():
        shape = _NOT_DISTRICT if _DISTRICT.fullmatch(key) else None
        automaton.add_word(key, (length, code, None if forms is None else frozenset(forms), shape))
    codes = {test.code for test in catalogue.load()}
    for term, (code, followers, shape) in _SHORTHAND.items():
        for key in (term.lower() + follower for follower in followers):
            if code in codes and key not in terms:
                automaton.add_word(key, (len(key), code, None, shape))
    automaton.make_automaton()
    return automaton


# "Hb 98 g/L", "Na 140 mmol/L", "K+ 4.1 mmol/L", "Iron 16 umol/L": terms of one or two
# characters, and everyday words, are too common to read alone, but before a number in the
# test's own unit they are that test. (Only where the text holds a "/L": every such unit does.)
# A spool sets them in columns, with a flag before the unit ("K      2.9   L   mmol/L").
# Read back from each "/L" (a text holds few): the unit, the number, the term, on the window
# before it reversed, one anchored try. Forwards it is
# ``(?<![A-Za-z0-9+])TERM[ \t]{0,40}[:=]?[ \t]{0,3}[<>]?(?<![\d.])NUMBER(?:[ \t]{1,6}FLAG)?
# [ \t]{0,6}UNIT$``.
_SHORT_BEFORE_UNIT_REVERSED = re.compile(
    r"(?P<unit>[Ll]/[A-Za-z0-9^.]{0,10}[A-Za-z])[ \t]{0,6}"
    r"(?:(?<![A-Za-z0-9])(?:[HL]{1,2}|\*{1,2}|\)[HL]\()[ \t]{1,6})?"
    r"(?:\d{1,4}\.)?\d{1,6}(?![\d.])[<>]?"
    r"[ \t]{0,40}[:=]?[ \t]{0,3}(?P<term>\+?[A-Za-z0-9]{0,7}[A-Za-z])(?![A-Za-z0-9+])"
)
_UNIT_REACH = 80


@cache
def _short_units() -> dict[str, tuple[str, str]]:
    """Catalogue spellings shorter than three characters or everyday words (lowered) -> (code,
    unit lowered), for the tests that have a unit with a litre in it."""
    found: dict[str, tuple[str, str]] = {}
    for test in catalogue.load():
        if "/l" not in test.units.lower():
            continue
        for term in test.spellings:
            key = term.strip().lower()
            if len(key) < 3 or key in _ENGLISH:
                found.setdefault(key, (test.code, test.units.lower()))
    return found


def _short_with_units(text: str, lowered: str) -> list[tuple[int, int, int, str]]:
    found = []
    short = _short_units()
    at = lowered.find("/l")
    while at != -1:
        end = at + 2
        if end == len(text) or not text[end].isalnum():
            floor = max(end - _UNIT_REACH, 0)
            match = _SHORT_BEFORE_UNIT_REVERSED.match(text[floor:end][::-1])
            if match is not None:
                term = match.group("term")[::-1]
                known = short.get(term.lower())
                if known is not None and match.group("unit")[::-1].lower() == known[1]:
                    start, stop = end - match.end("term"), end - match.start("term")
                    found.append((start, start - stop, stop, known[0]))
        at = lowered.find("/l", end)
    return found


@cache
def _term_with_a_line_break() -> bool:
    """Whether a catalogue term holds a line break (none does: the check is cheap insurance)."""
    return any("\n" in key for key in _automaton())  # iterated, it gives its keys


# A code after a ``test=`` label, as interface logs write them (``test=UE``): short codes are
# not matched in prose, but the label makes one safe to look up.
# The leading ``\b`` is written after the "t" (no word character before it) so ``re`` skips to
# each "t" instead of trying every position.
_LABELLED_CODE = re.compile(r"t(?<!\wt)ests?\s{0,2}[=:]\s{0,2}([A-Za-z0-9]{2,12})(?![A-Za-z0-9])")
# The same within a line: its spaces are every ``\s`` but the line break (a line holds none).
_LABELLED_CODE_IN_LINE = re.compile(
    r"t(?<!\wt)ests?[^\S\n]{0,2}[=:][^\S\n]{0,2}([A-Za-z0-9]{2,12})(?![A-Za-z0-9])"
)


# A request's list of tests after its label ("Tests requested: U+E, Iron, Non-HDL cholesterol",
# as a request form prints them): each item is a test when it is a catalogue term, everyday
# words ("Iron", "Lead", "Sugar") and short codes in small letters included, which prose never
# counts.
_LABELLED_LIST = re.compile(
    r"t(?<!\wt)ests?(?:\(s\))?(?:[^\S\n]{1,3}requested)?[^\S\n]{0,3}:[^\S\n]{0,3}([^\n]{1,400})"
)
_LIST_ITEM = re.compile(r"[^,;\s](?:[^,;]{0,200}[^,;\s])?")  # an item without its spaces


@functools.lru_cache(maxsize=4096)
def _labelled(code: str) -> str | None:
    """The catalogue code of a labelled test code; cached, as logs label the same few codes."""
    test = catalogue.by_cell_term().get(catalogue.term_key(code))
    return test.code if test else None


_LONGEST_FIRST = operator.itemgetter(0, 1)


def _catalogue_terms(text: str, lowered: str, across: bool) -> list[tuple[int, int, int, str]]:
    """(start, -length, end, code) of the automaton's terms in ``text``, each between
    non-alphanumeric characters (or the text's ends); none across a line when ``across``."""
    found = []
    last = len(lowered) - 1
    for end_index, (length, code, forms, shape) in _automaton().iter(lowered):
        start = end_index - length + 1
        if forms is not None:
            written = text[start : end_index + 1]
            if (
                not written.isupper()
                and written not in forms
                # ("hiv neg", "psa 14": a note's code in small letters with its result)
                and not (
                    written.islower()
                    and written not in _ENGLISH
                    and test_context.result_after(text, end_index + 1)
                )
            ):
                continue
        if shape is not None:
            match = shape.match(text, start)
            if match is None or (start > 0 and lowered[start - 1].isalnum()):
                continue
            found.append((start, start - match.end("term"), match.end("term"), code))
            continue
        if across and "\n" in lowered[start : end_index + 1]:
            continue
        if start > 0 and lowered[start - 1].isalnum():
            continue
        if end_index < last and lowered[end_index + 1].isalnum():
            continue
        found.append((start, -length, end_index + 1, code))
    return found


# A line's first word (lowered), after a line break: where a letter's or a PDF's text wraps a
# term of several words ("serum free\nlight chains").
_NEXT_WORD = re.compile(r"\n[ \t]{0,8}([a-z0-9][^\s]{0,30})")
_WRAP_REACH = 80
_WORD_END = ".,;:)"


@cache
def _wrap_pairs() -> dict[str, frozenset[str]]:
    """Each word that follows another within a catalogue term of several words -> the words
    it follows ("light" -> "free", of "serum free light chains")."""
    pairs: dict[str, set[str]] = {}
    for key in _automaton():  # iterated, it gives its keys
        words = key.split()
        for before, after in itertools.pairwise(words):
            pairs.setdefault(after, set()).add(before)
    return {after: frozenset(befores) for after, befores in pairs.items()}


def _wrapped(text: str, lowered: str) -> list[tuple[int, int, int, str]]:
    """The terms of several words that a line break splits, as ``_catalogue_terms`` gives
    them: where a line's last word and the next line's first follow each other in a term,
    the two lines' ends are read joined by a space."""
    pairs = _wrap_pairs()
    found = []
    for match in _NEXT_WORD.finditer(lowered):
        word = match.group(1)
        befores = pairs.get(word) or pairs.get(word.rstrip(_WORD_END))
        if befores is None:
            continue
        brk = match.start()
        left_at = max(lowered.rfind("\n", max(0, brk - _WRAP_REACH), brk) + 1, brk - _WRAP_REACH)
        left = lowered[left_at:brk].rstrip(" \t\r")
        if not left or left.rsplit(None, 1)[-1] not in befores:
            continue
        right_start = match.start(1)
        line_end = lowered.find("\n", right_start)
        right_end = min(right_start + _WRAP_REACH, len(lowered) if line_end == -1 else line_end)
        joined = text[left_at : left_at + len(left)] + " " + text[right_start:right_end]
        joined_lowered = left + " " + lowered[right_start:right_end]
        join = len(left)
        for start, _, end, code in _catalogue_terms(joined, joined_lowered, False):
            if start < join < end - 1:
                at, to = left_at + start, right_start + end - join - 1
                found.append((at, at - to, to, code))
    return found


def detect(
    text: str, line_starts: list[int] | None = None, *, coded: bool = True
) -> Iterator[Mention]:
    """Catalogue tests and the results written after them; with ``coded``, the coded diagnoses
    too (``diagnoses.detect``: health facts like the tests, read wherever they are, after
    them). ``line_starts``: ``text`` is lines joined by "\n" that start there, each read as if
    alone (a label's spaces and a result's are looked for within the line, and no term runs
    across lines)."""
    # ASCII text lowers the same either way, and str.lower is many times quicker than translate.
    lowered = text.lower() if text.isascii() else _ascii_lower(text)
    # (start, -length, end, code): the longest term first at each start (``_LONGEST_FIRST``).
    found: list[tuple[int, int, int, str]] = []
    if "test" in lowered:
        labelled = _LABELLED_CODE if line_starts is None else _LABELLED_CODE_IN_LINE
        for match in labelled.finditer(lowered):
            code = _labelled(match.group(1))
            if code:
                start, end = match.span(1)
                found.append((start, start - end, end, code))
        for match in _LABELLED_LIST.finditer(lowered):
            for item in _LIST_ITEM.finditer(lowered, *match.span(1)):
                code = _labelled(item.group())
                if code:
                    start, end = item.span()
                    found.append((start, start - end, end, code))
    if "/l" in lowered:
        found += _short_with_units(text, lowered)
    found += _catalogue_terms(text, lowered, line_starts is not None and _term_with_a_line_break())
    if line_starts is None and "\n" in lowered:
        found += _wrapped(text, lowered)
    # Keep the longest term where terms overlap ("Hepatitis B surface antigen" over "Hepatitis B").
    found.sort(key=_LONGEST_FIRST)  # stable: equal spans keep the order they were found in
    last_end = -1
    marker = False
    for start, _, end, found_code in found:
        if start < last_end:
            continue
        last_end = end
        code = test_context.written_as(text, lowered, start, end, found_code)
        if code is None:
            continue  # an empty tick box before it, a tumour's gene, a vaccine
        limit = end + 60
        if line_starts is not None:
            after = bisect.bisect_right(line_starts, start)  # the next line's index
            if after < len(line_starts):
                limit = min(limit, line_starts[after] - 1)  # its line's "\n"
        undone = _NOT_DONE.match(lowered[end:limit].lstrip(" \t:-"))
        if undone and (not undone.group("declined") or code in _reported_in_words()):
            continue
        yield Mention("test", start, end, code, "lab_tests", "catalogue")
        marker = marker or code in male_markers.NOT_IN_MEN
        result = _RESULT.match(text[end : min(limit, end + 40)])
        if result:
            value_start, value_end = result.span("value")
            yield Mention(
                "test_result",
                end + value_start,
                end + value_end,
                code,
                "lab_tests",
                "value_after_test",
            )
    if coded:
        yield from diagnoses.detect(text, line_starts)
        yield from diagnosis_words.detect(text, line_starts)
        if marker:  # (hCG in a man is no pregnancy's: his sex, where the text states it)
            yield from male_markers.sex_mentions(text, line_starts)


def lookup(value: str) -> list[str]:
    """Catalogue codes for a cell: the whole value, else each item of the list it holds (items
    split at ``; , |`` and `` + ``), an item being a term, terms joined by ``/`` ("FBC/UE") or a
    description that names one."""
    return list(_lookup(value))


# Cached: messages and tables repeat the same few hundred test names millions of times. Tables
# also list several tests in a cell ("Platelets, DCT") in every combination and order, more
# distinct cells than a cache holds: their items are the few hundred catalogue terms, cached
# apart.
@functools.lru_cache(maxsize=65536)
def _lookup(value: str) -> tuple[str, ...]:
    if "/" not in value and "+" not in value:
        return lookup_pieces(value)
    return _lookup_items(value)


def lookup_pieces(value: str) -> tuple[str, ...]:
    """``lookup`` (uncached) of a value without "/" or "+": its items are then the pieces it is
    split into for the whole value's key, so it is split once and each piece's key and codes come
    from one cached call."""
    parts = [_piece(piece) for piece in _SEPARATORS.split(value)]
    whole = catalogue.by_cell_term().get(
        " ".join(key for key, _ in parts if key) if len(parts) > 1 else parts[0][0]
    )
    if whole:
        return (whole.code,)
    if len(parts) == 1:
        return parts[0][1]
    return tuple(dict.fromkeys(code for _, codes in parts for code in codes))


def _lookup_items(value: str) -> tuple[str, ...]:
    index = catalogue.by_cell_term()
    pieces = _SEPARATORS.split(value)
    keys = [_key(piece) for piece in pieces]
    # The whole value's key from its pieces' keys: a separator is no key character, so folding
    # turns it and the non-key characters around it into one space (and lowering is the same
    # piece by piece: only a final sigma lowers by context, and it is no key character either).
    whole = index.get(" ".join(key for key in keys if key) if len(keys) > 1 else keys[0])
    if whole:
        return (whole.code,)
    codes: list[str] = []
    for item in _ITEMS.split(value):
        for code in _item(item):
            if code not in codes:
                codes.append(code)
    return tuple(codes)


@functools.lru_cache(maxsize=16384)
def _piece(piece: str) -> tuple[str, tuple[str, ...]]:
    """``_key`` and ``_item`` of one piece of a list, in one cached call."""
    return _key(piece), _item(piece)


@functools.lru_cache(maxsize=16384)
def _item(item: str) -> tuple[str, ...]:
    """One item of a list: its terms (``_terms``), else the tests free text detection finds in
    it ("HbA1c (diabetes monitoring)" still names its test)."""
    found = detect(item, coded=False)
    terms = _terms(item)
    if terms and "/" in item and not _terms(item, every=True):
        # A "/" list inside a description: "Antenatal booking (HIV/HBsAg/Syph)" has pieces
        # "Antenatal booking (HIV" and "Syph)" that are no terms whole, so the free text's tests
        # are read too (HIV), then the pieces' terms ("Syph" counts only as a piece).
        detected = (m.value for m in found if m.kind == "test")
        return tuple(dict.fromkeys((*detected, *terms)))
    named = tuple(dict.fromkeys(m.value for m in found if m.kind == "test"))
    # a script's "syph_tpab", a lab's local "CHLAMPCR"
    return terms or named or test_headers.codes_of_cell(item) or test_headers.compact_code(item)


def _terms(item: str, *, every: bool = False) -> tuple[str, ...]:
    """The codes of an item that is a catalogue term, else of the terms among its "/"-joined
    pieces (all of them must be terms when ``every``). "/" is a separator only when the item is
    not a term whole: "HIV 1 and 2 antigen/antibody" is one test, "FBC/UE" two."""
    index = catalogue.by_cell_term()
    test = index.get(_key(item))
    if test:
        return (test.code,)
    if "/" not in item:
        return ()
    found = [_piece_code(index, piece) for piece in item.split("/")]
    if every and not all(found):
        return ()
    return tuple(dict.fromkeys(code for code in found if code))


def _piece_code(index: dict[str, catalogue.Test], piece: str) -> str | None:
    """A "/"-list's piece's test: a catalogue term, or a lab's local code ("GCPCR")."""
    test = index.get(_key(piece))
    if test is not None:
        return test.code
    return next(iter(test_headers.compact_code(piece)), None)


@functools.lru_cache(maxsize=65536)
def is_test_list(cell: str) -> bool:
    """Whether a cell names a test or lists tests and nothing else: every item of it a catalogue
    term, or terms joined by "/". What a test column holds, whatever its header says
    ("Order Codes": "HCT, Urine analysis"); a comment that mentions a test is not such a cell."""
    if catalogue.by_cell_term().get(_key(cell)):
        return True
    items = [item for item in _ITEMS.split(cell) if item.strip()]
    return bool(items) and all(_terms(item, every=True) for item in items)


_SEPARATORS = re.compile(r"[;,|/]")
_ITEMS = re.compile(r"[;,|]|\s\+\s")


@functools.lru_cache(maxsize=16384)
def _key(term: str) -> str:
    return catalogue.term_key(term)


def term(value: str) -> str | None:
    """The catalogue code whose name or synonym ``value`` is, whole; else None."""
    found = catalogue.by_cell_term().get(_key(value))
    return found.code if found else None
