"""Which free-text detectors can find anything in a text, from one Hyperscan pass.

Each detector's regular expressions are slow to run (Python ``re``, ten passes a record) and most
of a log's lines hold nothing they would take. One multi-pattern Hyperscan scan reports which
*triggers* occur; a trigger is a lookaround-free pattern that every match of its detector's
patterns contains, so a detector whose trigger is absent would find nothing and is skipped, and a
record that can hold no anchor (a valid NHS number, or a name and a date) is skipped whole. The
detectors themselves still decide every mention, so results are exactly those of running them all.

The triggers are written for ASCII bytes. On Unicode text ``re`` is wider (``\\d`` takes any
decimal digit, ``\\s`` any space, ``’`` is in the CAPS-comma class, and four letters fold to ASCII
ones under IGNORECASE), so each non-ASCII character is scanned as the ASCII character it can stand
for, or as one no trigger uses; a text holding a non-ASCII digit or one of the four folding
letters gets no verdict.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# Python ``re`` counts these as ``\s`` on str patterns; Hyperscan's ``\s`` does not.
_S = r"[\t\n\v\f\r \x1c-\x1f]"
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"

# Trigger name -> patterns. Each is implied by (contained in) every match of the named detector
# rule, so "trigger absent" proves "rule finds nothing"; they are deliberately loose.
# What may follow a name read before a date (``names._DATE_AHEAD``): a sex, then a date with the
# month in digits or a word, or an NHS number's ten digits; or a hospital number's label.
_SEX_DATE = (
    r" *(?:[,(] *)?(?:(?:\(?[MFU]\)?,? +)?"
    r"\d{1,2}(?:[/.-]\d{1,2}[/.-]\d{2}|[ -][A-Za-z]{3}|\d[ -]?\d{3}[ -]?\d{4})"
    r"|(?i:mrn|hosp))"
)
TRIGGERS: dict[str, tuple[str, ...]] = {
    # nhs_number.PATTERN, and RARER's full stops, 4-3-3 and 3-4-3 groupings and slashes,
    # without their lookarounds (RARER's dotted leader is a lookbehind; the label its detector
    # reads backwards).
    "nhs": (
        r"\d{3}[ -]?\d{3}[ -]?\d{4}",
        r"\d{3}\.\d{3}\.\d{4}",
        r"\d{4}[ -]\d{3}[ -]\d{3}",
        r"\d{3}[ -]\d{4}[ -]\d{3}",
        r"\d{3}/\d{3}/\d{4}",
    ),
    # dates.DATE_TEXT's alternatives; the month form's separator class is the range " -/".
    "date": (
        r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2}",
        r"\d{4}(?:[-/]\d{2}[-/]|\.\d{2}\.)\d{2}",
        r"(?:19|20)\d{6}",
        rf"(?i)\d{{1,2}}(?:st|nd|rd|th)?(?: of)?[ -/](?:{_MONTHS})",
        rf"(?i)\d{{1,2}}(?:{_MONTHS})\d{{4}}",
        rf"(?i)(?:{_MONTHS})[a-z]*\.?[ ]?\d{{1,2}}(?:st|nd|rd|th)?(?:,[ ]?|[ ])\d{{4}}",
    ),
    # names: the label, title, CAPS-comma and HL7 caret rules, one trigger each.
    # The rules' leading \b as a non-word character (or the start): "MSG4794216" is no title.
    "name:label": (
        rf"(?i)(?:^|\W)(?:(?:patient|pt)(?:{_S}|_)*name|patient|pt|name|re|subject)[\"']?{_S}*"
        r"(?:[:=\-]|\.\.)",  # a colon, or a printed form's dotted leader
        r"(?i)(?:^|\W)(?:patient|pt)[ \t]?\d{1,3}[ \t]*[:=\-]",  # a list's "Patient 3:"
    ),
    "name:title": (
        r"(?:^|\W)(?:Mr|Mrs|Ms|Miss|Mx|Master|MR|MRS|MS|MISS|MX|MASTER)\.?[ \t\v\f\r\x1c-\x1f]",
    ),
    # A non-ASCII letter is scanned as DEL (``_stand_in``): "ÖZ, Ali" as "\x7fZ, Ali".
    "name:caps_comma": (r"[A-Z\x7f][A-Z'\-\x7f]+[\t\v\f\r \x1c-\x1f]*,",),
    "name:hl7_xpn": (r"\^",),
    # Both key=value rules: a name key and its "=" or ":".
    "name:key_value": (
        rf"(?i)(?:surname|family(?:[_. ]?name)?|last[_. ]?name|l[_. ]?name|sn|forenames?|"
        rf"first[_. ]?names?|given(?:[_. ]?names?)?|f[_. ]?names?|fn)[\"']?{_S}*(?:[=:]|\.\.)",
        # names.key_words: a family name's caption and a word, no colon.
        r"(?i)(?:surname|family[_. ]name|last[_. ]name)[ \t\v\f\r\x1c-\x1f]+[a-z\x7f]",
        # ... or its caption alone on a line, its box on the next (a scanned form's text)
        r"(?i)(?:surname|family[_. ]name|last[_. ]name)[ \t\v\f\r\x1c-\x1f]*\n",
    ),
    # names.before_dob: a date-of-birth label after the name, or an NHS label and its number.
    "name:before_dob": (
        rf"(?i)d\.?{_S}?o\.?{_S}?b|date{_S}+of{_S}+birth|born|birth{_S}?date|b\.{_S}*\d",
        rf"(?i)nhs{_S}*(?:no|number)?\.?{_S}*[:#]?{_S}*\d",
    ),
    # names.given_caps, either way round (or both words in capitals, or both with a capital
    # only): the first word's last letter(s), the second word, the date.
    "name:given_caps": (
        rf"[a-z\x7f](?: +| *, *)[A-Z\x7f][A-Za-z'\-\x7f]+{_SEX_DATE}",
        rf"[A-Z\x7f] +[A-Z\x7f][A-Za-z\-\x7f]+{_SEX_DATE}",
        rf"[A-Z\x7f]{{2}}(?: *, *| +)[A-Z\x7f]{{2}}[A-Z'\-\x7f]*{_SEX_DATE}",
    ),
    # names.dear: a salutation and a capital.
    "name:dear": (r"(?:^|[^A-Za-z0-9_'\-])(?:Dear|DEAR)[ \t\v\f\r\x1c-\x1f]+[A-Za-z\x7f]",),
    "postcode": (
        r"(?i)GIR ?0AA|[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRVWXY\d]?) ?\d"
        r"[ABD-HJLNP-UW-Z]{2}",
    ),
    "contact": (r"(?:\+44[ \t]?\(?0?\)?[ \t]?|0)(?:\d[ \t]?){9}", "@"),
    "address": (r"(?i)addr|residence",),
    "hospital": (r"(?i)hosp|mrn|m\.r\.n\.|unit|case|pas|patient[ \t\n\v\f\r\x1c-\x1f_]{1,2}id",),
    # ods.PRACTICE's lookarounds as the characters they allow (or the text's ends).
    "ods:practice": (r"(?:^|[^A-Za-z0-9])[A-HJ-NP-Y]\d{5}(?:[^A-Za-z0-9]|$)",),
    # ods.TRUST without its word boundaries: a label, then the code close after it.
    "ods:trust": (
        r"(?i)(?:ods|trust|site|facility|source|provider|org(?:anisation)?)[^A-Za-z0-9\n]{0,4}"
        rf"(?:code{_S}*)?[:=#]?{_S}*R[A-Z0-9]{{2}}",
    ),
}
# The triggers that decide whether a record can hold an anchor (``text._may_anchor``): a log's
# records are scanned for these first, and for the others only when they can (``which``), as
# most log lines hold no anchor and the full set costs twice as much to scan.
ANCHOR_TRIGGERS = (
    "nhs",
    "date",
    "name:label",
    "name:title",
    "name:caps_comma",
    "name:hl7_xpn",
    "name:key_value",
    "name:before_dob",
    "name:given_caps",
    "name:dear",
)
_WHICH = {
    "all": tuple(TRIGGERS),
    "anchor": ANCHOR_TRIGGERS,
    "other": tuple(name for name in TRIGGERS if name not in ANCHOR_TRIGGERS),
}

# Where a detector's regex can match, not only whether: Hyperscan reports every match of these
# with its leftmost start, and the detector tries its regex at those starts only (``matches``),
# where ``finditer`` would try it at every digit of a log line. Each match of the regex starts
# where a match of one of these does, and that start is the leftmost one reported for its end:
# the regex's lookbehind (``dates.DATE_TEXT``: no digit or ``/.-`` before it; ``nhs_number``:
# no digit) rules out an earlier start, as every character of a longer match of these patterns
# before the regex's first digit would be a digit or ``/.-`` (the month form's one separator
# follows its digits). So the starts hold every start of the regex's matches.
# Each pattern reports on its own (a report per pattern and end), so the argument is per pattern.
STARTS: dict[str, tuple[str, ...]] = {"date": TRIGGERS["date"], "nhs": TRIGGERS["nhs"]}
_START_NAMES = tuple(STARTS)
_START_OF = tuple(i for i, name in enumerate(STARTS) for _ in STARTS[name])


def _compile(patterns: dict[str, tuple[str, ...]], flags: int) -> Any:
    """A Hyperscan database of ``patterns``; a match reports its pattern's number in the order
    they are listed. None where Hyperscan is not installed."""
    try:
        import hyperscan
    except ImportError:  # pragma: no cover - a platform without wheels: every detector runs
        return None
    expressions = [p.encode("ascii") for name in patterns for p in patterns[name]]
    ids = list(range(len(expressions)))
    database = hyperscan.Database()
    database.compile(
        expressions=expressions,
        ids=ids,
        elements=len(expressions),
        flags=[flags | hyperscan.HS_FLAG_DOTALL] * len(expressions),  # "." never minds lines
    )
    return database


@functools.cache
def _database(which: str = "all") -> Any:
    """The compiled trigger database: one report per pattern is all a yes/no needs."""
    try:
        import hyperscan
    except ImportError:  # pragma: no cover
        return None
    patterns = {name: TRIGGERS[name] for name in _WHICH[which]}
    return _compile(patterns, hyperscan.HS_FLAG_SINGLEMATCH)


@functools.cache
def _trigger_of(which: str) -> tuple[str, ...]:
    """Pattern number -> trigger name, in a database of ``which`` triggers."""
    return tuple(name for name in _WHICH[which] for _ in TRIGGERS[name])


@functools.cache
def _start_database() -> Any:
    """The compiled ``STARTS`` database, every match reported with its leftmost start."""
    try:
        import hyperscan
    except ImportError:  # pragma: no cover
        return None
    return _compile(STARTS, hyperscan.HS_FLAG_SOM_LEFTMOST)


# The only non-ASCII characters ``re`` matches to ASCII letters under IGNORECASE (İ ı ſ K).
_FOLDS_TO_ASCII = frozenset("\u0130\u0131\u017f\u212a")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@functools.lru_cache(maxsize=4096)
def _stand_in(char: str) -> str:
    """The ASCII character a non-ASCII one can play in a detector's pattern: a space, the
    CAPS-comma rule's apostrophe; else DEL, which only the triggers' ``[^A-Za-z0-9]`` classes
    take, as re's do the original."""
    if char.isspace():
        return " "
    return "'" if char == "\u2019" else "\x7f"


def _ascii(text: str) -> str | None:
    if text.isascii():
        return text
    # A non-ASCII digit is both ``\\d`` and outside ``[A-Za-z0-9]`` to re: no one stand-in is.
    if any(c in _FOLDS_TO_ASCII or c.isdecimal() for c in set(_NON_ASCII.findall(text))):
        return None
    return _NON_ASCII.sub(lambda match: _stand_in(match.group()), text)


def _ascii_block(lines: list[str], joined: str | None = None) -> tuple[str, set[int]]:
    """``lines`` joined by "\\n" as Hyperscan scans them (``_ascii`` of each), and the lines
    with no verdict, blanked to spaces of their length so every other line keeps its place."""
    block = "\n".join(lines) if joined is None else joined
    verdictless: set[int] = set()
    if block.isascii():
        return block, verdictless
    scanned = list(lines)
    for index, line in enumerate(lines):
        if not line.isascii():
            stand_in = _ascii(line)
            if stand_in is None:
                verdictless.add(index)
                stand_in = " " * len(line)
            scanned[index] = stand_in
    return "\n".join(scanned), verdictless


def triggers(text: str, which: str = "all") -> frozenset[str] | None:
    """The trigger names present in ``text``; None when no verdict can be given (a letter that
    folds to ASCII, or no Hyperscan), meaning every detector must run. ``which``: "all", or
    "anchor" (``ANCHOR_TRIGGERS``) and "other" (the rest), which between them give "all"."""
    scanned = _ascii(text)
    if scanned is None:
        return None
    database = _database(which)
    if database is None:
        return None
    found: set[int] = set()
    add = found.add

    def hit(index: int, start: int, end: int, flags: int, context: object) -> None:
        add(index)

    database.scan(scanned.encode("ascii"), match_event_handler=hit)
    return _trigger_names(which, frozenset(found))


@functools.lru_cache(maxsize=1024)
def _trigger_names(which: str, found: frozenset[int]) -> frozenset[str]:
    """The trigger names of the patterns found, each with the detector it belongs to ("name:title"
    also says "a name rule may fire"); a few combinations recur, so each is worked out once."""
    trigger_of = _trigger_of(which)
    names = {trigger_of[index] for index in found}
    return frozenset(names | {name.split(":", 1)[0] for name in names})


def starts(text: str) -> dict[str, list[int]] | None:
    """For each of ``STARTS``, the offsets in ``text`` where its detector's regex can match, in
    order; None when no verdict can be given (as ``triggers``), meaning try everywhere."""
    scanned = _ascii(text)
    if scanned is None:
        return None
    database = _start_database()
    if database is None:
        return None
    found: list[list[int]] = [[] for _ in _START_NAMES]

    def hit(index: int, start: int, end: int, flags: int, context: object) -> None:
        found[_START_OF[index]].append(start)

    database.scan(scanned.encode("ascii"), match_event_handler=hit)
    return {name: sorted(set(offsets)) for name, offsets in zip(_START_NAMES, found, strict=True)}


# The triggers ``triggers_and_starts`` scans for as triggers: "date" and "nhs" are the
# ``STARTS`` patterns themselves, so each is present exactly where its starts are not empty.
_OWN_TRIGGERS = tuple(name for name in TRIGGERS if name not in STARTS)


@functools.cache
def _both_database() -> Any:
    """``_OWN_TRIGGERS`` (one report each) and ``STARTS`` (every match, leftmost start) in one
    database, numbered in that order: one scan where ``triggers`` and ``starts`` took three."""
    try:
        import hyperscan
    except ImportError:  # pragma: no cover
        return None
    return _with_starts(_OWN_TRIGGERS, hyperscan.HS_FLAG_SINGLEMATCH)


def _with_starts(names: tuple[str, ...], trigger_flag: int) -> Any:
    """A database of the named triggers (each with ``trigger_flag``) then ``STARTS`` (leftmost
    starts), numbered in that order."""
    import hyperscan

    triggers_ = [p.encode("ascii") for name in names for p in TRIGGERS[name]]
    starts_ = [p.encode("ascii") for name in STARTS for p in STARTS[name]]
    flags = [hyperscan.HS_FLAG_DOTALL | trigger_flag] * len(triggers_)
    flags += [hyperscan.HS_FLAG_DOTALL | hyperscan.HS_FLAG_SOM_LEFTMOST] * len(starts_)
    database = hyperscan.Database()
    database.compile(
        expressions=triggers_ + starts_,
        ids=list(range(len(flags))),
        elements=len(flags),
        flags=flags,
    )
    return database


_TRIGGER_COUNT = sum(len(TRIGGERS[name]) for name in _OWN_TRIGGERS)
_OWN_TRIGGER_OF = tuple(name for name in _OWN_TRIGGERS for _ in TRIGGERS[name])


def triggers_and_starts(
    text: str,
) -> tuple[frozenset[str], dict[str, list[int]]] | tuple[None, None]:
    """``triggers(text)`` and ``starts(text)`` from one scan; (None, None) where they give
    None (no verdict: a letter that folds to ASCII, a non-ASCII digit, or no Hyperscan)."""
    scanned = _ascii(text)
    if scanned is None:
        return None, None
    database = _both_database()
    if database is None:  # pragma: no cover
        return None, None
    found: set[int] = set()
    add = found.add
    offsets: list[list[int]] = [[] for _ in _START_NAMES]
    count = _TRIGGER_COUNT

    def hit(index: int, start: int, end: int, flags: int, context: object) -> None:
        if index < count:
            add(index)
        else:
            offsets[_START_OF[index - count]].append(start)

    database.scan(scanned.encode("ascii"), match_event_handler=hit)
    starts_ = {
        name: sorted(set(each)) if len(each) > 1 else each
        for name, each in zip(_START_NAMES, offsets, strict=True)
    }
    with_starts = tuple(bool(each) for each in offsets)
    return _own_trigger_names(frozenset(found), with_starts), starts_


@functools.lru_cache(maxsize=1024)
def _own_trigger_names(found: frozenset[int], with_starts: tuple[bool, ...]) -> frozenset[str]:
    """``_trigger_names("all", ...)`` of a ``triggers_and_starts`` scan: the own triggers found,
    and each of ``STARTS`` that has a start."""
    names = {_OWN_TRIGGER_OF[index] for index in found}
    names.update(name for name, has in zip(_START_NAMES, with_starts, strict=True) if has)
    return frozenset(names | {name.split(":", 1)[0] for name in names})


def matches(
    pattern: re.Pattern[str], text: str, offsets: list[int] | None
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` when every start of its matches is in ``offsets`` (sorted):
    the pattern is tried at those only, from the end of the last match on, as finditer would
    find them. None: finditer itself."""
    if offsets is None:
        yield from pattern.finditer(text)
        return
    end = 0
    for start in offsets:
        if start >= end:
            found = pattern.match(text, start)
            if found:
                yield found
                end = found.end()


# The triggers a line needs one of to hold an anchor when a date is on nearly every line (a
# log's timestamps): a name rule's or the NHS number's; and a date's too where the PMI's names
# need no trigger (``text._may_anchor``).
# Every anchor trigger but the date, "nhs" first (its patterns are the database's first).
# The caret's is looked for with ``str.find`` instead (``_lines_with``): it is the one character,
# and an interface log's PID lines hold ~15 each, a Python call apiece from the scan.
_LINE_TRIGGERS = tuple(name for name in ANCHOR_TRIGGERS if name not in {"date", "name:hl7_xpn"})
assert _LINE_TRIGGERS[0] == "nhs"
_NHS_PATTERNS = len(TRIGGERS["nhs"])
assert TRIGGERS["name:hl7_xpn"] == (r"\^",)


# Reports a block's scan may make before its lines take the per-line path instead: a log line
# makes a few (a PID segment ~20, one a caret); a flood of them would cost a Python call each.
_HITS_PER_LINE = 32
_HITS_PER_BLOCK = 1024


@functools.cache
def _line_database(with_dates: bool) -> Any:
    """``_LINE_TRIGGERS`` (and "date"), every match reported by its end: one scan of a block of
    lines says which lines hold any."""
    names = (*_LINE_TRIGGERS, "date") if with_dates else _LINE_TRIGGERS
    return _compile({name: TRIGGERS[name] for name in names}, 0)


def line_candidates(lines: list[str], *, with_dates: bool = False) -> list[tuple[int, bool]]:
    """The indices of the ``lines`` that ``text.people_in_text`` can find a person in, in order,
    from one Hyperscan scan of them all joined by "\\n"; every other line gives nobody. With
    each, whether only the NHS-number trigger put it there: such a line holds a person only if
    it holds a valid NHS number, which the caller checks first (the trigger's cost is a line's
    cost again, while the NHS-number regex alone settles it).

    A line is left out only where its own scan (``triggers(line, "anchor")``) would give a
    verdict and ``text._may_anchor`` would reject it: no "PID|", no NHS-number trigger, no
    name trigger (nor, ``with_dates``, a date's). Joined, each line's characters are the same
    and the "\\n" before it is a ``\\W`` where its own scan has ``^`` (the triggers' only
    anchor), so every match in a line alone is a match ending in that line here; a match that
    crosses a "\\n" only adds a candidate, which then takes the per-line path.
    """
    database = _line_database(with_dates)
    if database is None:  # pragma: no cover - no Hyperscan: every line takes the per-line path
        return [(index, False) for index in range(len(lines))]
    import hyperscan

    block, chosen = _ascii_block(lines)  # a line with no verdict takes the per-line path
    starts = line_starts(lines)
    ends: list[int] = []  # of the name (and date) triggers' matches
    nhs_ends: list[int] = []  # of the NHS-number trigger's, the first patterns

    budget = _HITS_PER_LINE * len(lines) + _HITS_PER_BLOCK

    def hit(index: int, start: int, end: int, flags: int, context: object) -> bool:
        nonlocal budget
        (ends if index >= _NHS_PATTERNS else nhs_ends).append(end)
        budget -= 1
        return budget < 0  # True ends the scan

    try:
        database.scan(block.encode("ascii"), match_event_handler=hit)
    except hyperscan.ScanTerminated:
        # A flood of matches (a line of digits or carets reports one at each character): every
        # line takes the per-line path, whose scans report each trigger once.
        return [(index, False) for index in range(len(lines))]
    where = bisect.bisect_right
    for end in ends:
        chosen.add(where(starts, end - 1) - 1)  # the line of the match's last character
    chosen.update(_lines_with(block, "PID|", starts))
    chosen.update(_lines_with(block, "^", starts))
    nhs_only = {where(starts, end - 1) - 1 for end in nhs_ends} - chosen
    return sorted([(index, False) for index in chosen] + [(index, True) for index in nhs_only])


def _lines_with(block: str, needle: str, starts: list[int]) -> Iterator[int]:
    """The lines of ``block`` (starting at ``starts``, one more entry than there are lines)
    that hold ``needle``, found a line at a time: after a find, the search goes on from the
    next line."""
    position = block.find(needle)
    while position >= 0:
        line = bisect.bisect_right(starts, position) - 1
        yield line
        position = block.find(needle, starts[line + 1])


def line_starts(lines: list[str]) -> list[int]:
    """Where each line starts in ``"\\n".join(lines)``, and one more entry: where a line after
    the last would (its length + 1)."""
    return list(itertools.accumulate(map(_PLUS_ONE, map(len, lines)), initial=0))


_PLUS_ONE = (1).__add__


@dataclass
class JoinedScan:
    """What ``scan_joined`` found in lines joined by "\\n"."""

    text: str  # the lines joined
    line_starts: list[int]  # where each line starts in ``text``
    alone: set[int]  # the lines to read alone: a trigger of the caller's, or no verdict
    present: frozenset[str]  # the name rules' triggers found anywhere in ``text``
    starts: dict[str, list[int]]  # ``STARTS`` in ``text``, every line's own, in order


_NAME_RULES = tuple(name for name in _OWN_TRIGGERS if name.startswith("name:"))


@functools.cache
def _joined_database(alone: frozenset[str]) -> tuple[Any, tuple[str, ...], int]:
    """The triggers of ``alone`` and the name rules' (but the caret's, found with
    ``str.find``), every match reported by its end, then ``STARTS`` with leftmost starts; with
    each trigger pattern's name and how many they are."""
    wanted = alone.union(_NAME_RULES) - {"name:hl7_xpn"}
    names = tuple(name for name in _OWN_TRIGGERS if name in wanted)
    try:
        import hyperscan  # noqa: F401  (only whether it is there)
    except ImportError:  # pragma: no cover
        return None, names, 0
    of = tuple(name for name in names for _ in TRIGGERS[name])
    return _with_starts(names, 0), of, len(of)


def scan_joined(lines: list[str], alone: frozenset[str]) -> JoinedScan | None:
    """One scan of ``lines`` (none holding a line break) joined by "\\n": which lines hold a
    trigger named in ``alone`` (of detectors or name rules a caller runs per line) or have no
    verdict (``triggers``); which name rules can match anywhere; and where dates and NHS
    numbers can start. None after a flood of matches (see ``line_candidates``).

    The starts are each line's own (no ``STARTS`` pattern takes a "\\n", so each match lies
    in one line and no longer one starts before it there). A trigger matched in a line alone
    is matched here, ending in that line ("\\n" is a ``\\W`` where the line's own scan has
    ``^`` or ``$``); one crossing a "\\n" may also mark a line that holds none of its own:
    that line is only read alone when it need not be, or a name rule run that finds nothing.
    """
    # A detector's name stands for each of its triggers ("ods": "ods:practice", "ods:trust").
    alone = frozenset(t for t in _OWN_TRIGGERS if t in alone or t.split(":", 1)[0] in alone)
    database, trigger_of, count = _joined_database(alone)
    if database is None:  # pragma: no cover
        return None
    import hyperscan

    text = "\n".join(lines)
    block, verdictless = _ascii_block(lines, text)
    starts = line_starts(lines)
    marked: list[int] = []  # ends of the ``alone`` triggers' matches
    rules: set[str] = set()
    offsets: list[list[int]] = [[] for _ in _START_NAMES]
    budget = _HITS_PER_LINE * len(lines) + _HITS_PER_BLOCK

    def hit(index: int, start: int, end: int, flags: int, context: object) -> bool:
        nonlocal budget
        if index >= count:
            offsets[_START_OF[index - count]].append(start)
        else:
            name = trigger_of[index]
            if name in alone:
                marked.append(end)
            else:
                rules.add(name)
        budget -= 1
        return budget < 0  # True ends the scan

    try:
        database.scan(block.encode("ascii"), match_event_handler=hit)
    except hyperscan.ScanTerminated:
        return None
    where = bisect.bisect_right
    found_alone = verdictless | {where(starts, end - 1) - 1 for end in marked}
    if "^" in block:
        rules.add("name:hl7_xpn")
    present = frozenset(rules | {"name"}) if rules else frozenset()
    return JoinedScan(
        text=text,
        line_starts=starts[:-1],
        alone=found_alone,
        present=present,
        starts={name: sorted(set(each)) for name, each in zip(_START_NAMES, offsets, strict=True)},
    )
