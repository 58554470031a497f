"""A log's entries: the line that opens an event (with its timestamp) and the lines under it
that carry the same event on (a Java, .NET or Python stack trace, the exception's message, an
object or payload it printed), read as one record, so each person's facts stay on their own
entry; every other line is a record of its own.

A line opens an entry when it opens as a log's lines do (``ingest.sniff.LOG_LINE``: a
timestamp, a level then a timestamp, an access log's client, a syslog date) or with a digit, a
"#" or "[digit". The lines after it carry it on while they have a continuation's shape
(``ingest.sniff.LOG_CONTINUATION``: indented, an exception's name, "Traceback", "Caused by:",
XML or JSON), and, once one has, any line up to the next entry (the objects a .NET exception's
message prints after its frames); up to ``ENTRY_LINES`` lines on. A plain line straight under
an entry's first (an interface engine's "ACK NHS=..." lines without a timestamp) is its own
record, as every line was before. A log whose every line opens an entry costs one search of
each block for a line that does not (a few milliseconds a 100,000 lines).

The lines keep their numbers: an entry is given at its first line, its other lines blank.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from breachdesk.ingest.sniff import LOG_CONTINUATION, LOG_LINE
from breachdesk.readers.log_values import readable

# Lines an entry may span; past them a line is read alone (a dump pasted into a log is no
# event's). A Java trace with its causes is rarely longer.
ENTRY_LINES = 200

_WEEKDAY_OR_MONTH = "Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
# A line (after its "\n") that opens no entry and is not blank. The first test passes the lines
# of the common layouts (a digit, "[digit", "#", "<digit", a syslog date) at one character's
# cost; only the others meet ``LOG_LINE``.
_NO_OPENING = re.compile(
    rf"\n(?![\d#\n]|\[\d|<\d|(?:{_WEEKDAY_OR_MONTH})\b)(?![^\S\n]*(?:\n|\Z))"
    rf"(?!{LOG_LINE.pattern.removeprefix('^')})"
)


def entry_blocks(blocks: Iterable[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    """Blocks of lines (number of the first, lines) as blocks of entries: each entry at its
    first line, joined by "\\n", its other lines blank; the payloads' values made readable
    (``log_values.readable``). An entry is never cut by a block's end: the lines from the last
    entry's first on wait for the next block."""
    held: list[str] = []
    held_first = 1
    for first, lines in blocks:
        if held:
            first, lines = held_first, held + lines
        out, tail = _entries(lines)
        held, held_first = lines[tail:], first + tail
        if tail:
            yield first, out[:tail]
    if held:
        yield held_first, _entries(held)[0]


def _entries(lines: list[str]) -> tuple[list[str], int]:
    """``lines`` as entries, and where the last entry that may go on past them starts (their
    length when none may)."""
    joined = "\n".join(lines)
    text = readable(joined)
    view = lines
    if text is not joined and text != joined:
        view = text.split("\n")
        if len(view) != len(lines):  # (never: no rewrite makes or takes a line break)
            text, view = joined, lines
    continued = _not_opening(text, view)
    if not continued:
        return view, _tail(view, -1, -1, False)
    out = list(view)
    opening = -1  # the last line that opened an entry
    taking = traced = False  # whether its entry takes lines still; whether one had the shape
    previous = -1  # the last line that did not open one
    last_of: dict[int, int] = {}  # an entry's first line -> its last
    for index in continued:
        before = index - 1
        while before > previous and not view[before].strip():
            before -= 1
        if before > previous:  # a line between opened an entry
            opening, taking, traced = before, True, False
        taking = (
            taking
            and index - opening < ENTRY_LINES
            and (traced or LOG_CONTINUATION.match(view[index]) is not None)
        )
        if taking:
            traced = True
            last_of[opening] = index
        previous = index
    for begin, end in last_of.items():
        out[begin] = "\n".join(view[begin : end + 1])
        out[begin + 1 : end + 1] = [""] * (end - begin)
    return out, _tail(view, previous, opening, taking)


def _not_opening(text: str, lines: list[str]) -> list[int]:
    """The indices of the lines (``text`` is them joined by "\\n") that open no entry and are
    not blank."""
    found = [0] if lines and _NO_OPENING.match("\n" + lines[0]) else []
    line = at = 0
    for match in _NO_OPENING.finditer(text):
        after = match.start() + 1
        line += text.count("\n", at, after)
        at = after
        found.append(line)
    return found


def _tail(lines: list[str], previous: int, opening: int, taking: bool) -> int:
    """Where the last entry starts when lines after ``lines`` could still carry it on, else
    their number. ``previous``: the last line that opened no entry; ``opening``, ``taking``:
    the entry it was read with and whether that takes more lines."""
    last = len(lines) - 1
    while last > previous and not lines[last].strip():
        last -= 1
    if last > previous:
        start = last  # a line that opened an entry, nothing under it yet
    elif taking:
        start = opening
    else:
        return len(lines)
    return start if start >= 0 and len(lines) - start < ENTRY_LINES else len(lines)
