"""A letter's reader is not its patient: "Ms Kirsty Paterson / 27 Meanwood Road / Dear Ms
Paterson, / Re: Ivy Paterson, DOB 02/02/2019" is written to a parent about a child. Where a
salutation has a subject line naming someone else near it ("Re:", "Patient:", "Subject:",
"Child:"), the names of the address block and the salutation are the reader's (a parent, a
carer, a next of kin) and are dropped; the subject's stays, and takes the DOB and NHS number.
A letter to the patient names them in both places, and keeps both.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator

from breachdesk.detect.base import Mention

_DEAR = re.compile(r"^[^\S\n]*+(?:Dear|DEAR)\b[^\n]{0,120}", re.MULTILINE)
# A subject line's label at its start: the name after it is who the letter is about.
_SUBJECT = re.compile(
    r"^[^\S\n]*+(?i:re|patient(?:[^\S\n]name)?|pt|subject|child|regarding|client)"
    r"[^\S\n]*+[:\-][^\S\n]*+",
    re.MULTILINE,
)
# How far from its salutation a subject line and an address block can be.
_SUBJECT_REACH = 400
_ADDRESS_REACH = 600


def _same(reader: Mention, subject: Mention) -> bool:
    """Whether two names can be one person's: one family name, and given names that agree or
    one an initial of the other ("Grace" and "G")."""
    if reader.value.casefold() != subject.value.casefold():
        return False
    a, b = reader.extra.casefold(), subject.extra.casefold()
    return not a or not b or a.startswith(b) or b.startswith(a)


def _line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end == -1 else end


def drop_readers(text: str, found: Iterable[Mention]) -> Iterator[Mention]:
    """``found`` (name mentions, in any order) less the names of letters' readers."""
    given = list(found)
    dears = list(_DEAR.finditer(text)) if len(given) > 1 else []
    if not dears:
        yield from given
        return
    names = sorted(given, key=_start)
    # The subject lines, disjoint and in order: a name is on one if the last starting at or
    # before it ends after it.
    lines = [(m.start(), _line_end(text, m.end())) for m in _SUBJECT.finditer(text)]
    starts = [start for start, _ in lines]

    def on_subject_line(m: Mention) -> bool:
        at = bisect_right(starts, m.start) - 1
        return at >= 0 and m.start < lines[at][1]

    positions = [m.start for m in names]
    readers: set[int] = set()
    previous = 0  # a mail merge's letters follow one another: one letter's reach stops at it
    for dear in dears:
        at = dear.start()
        window = range(
            bisect_left(positions, at - _SUBJECT_REACH),
            bisect_right(positions, at + _SUBJECT_REACH),
        )
        near = [i for i in window if on_subject_line(names[i])]
        if not near:
            continue
        subject = names[min(near, key=lambda i: abs(positions[i] - at))]
        low = max(previous, at - _ADDRESS_REACH)
        for i in range(bisect_left(positions, low), bisect_left(positions, dear.end())):
            m = names[i]
            if m is not subject and not on_subject_line(m) and not _same(m, subject):
                readers.add(id(m))
        previous = max(dear.end(), subject.end)
    yield from (m for m in given if id(m) not in readers)  # in the order found


def _start(m: Mention) -> int:
    return m.start
