"""Where in a text each of its people is, and a heading's name that is no one's record.

A text's people are grouped a paragraph (or a page) at a time, so each would carry the
paragraph's first line as its locator: a handover note's five patients all "line:1", which tells
an analyst opening the file nothing. ``placed`` gives each person the line where their facts
start instead, and counts the places of those facts ("chars:a-b") from the start of that line.

A note's heading names its author ("Handover notes 26/05/2024 - Ms A Woods") a blank line above
the first patient's line; nearness gave that name to the first patient, whose own name on their
line ("re Mr Nigel HUDSON DOB ...") then came second. ``without_heading_names`` drops such a
name where the first person's line names them.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from breachdesk.detect.base import Mention

# Rules whose names are labelled or keyed as the patient's ("Patient: ...", "Surname=..."): a
# heading so labelled is its record's person, never an author.
_LABELLED = frozenset({"label", "key_value", "key_words", "hl7_xpn"})
# A blank line, or one that is only spaces: a heading stands apart from what follows it.
_BLANK = re.compile(r"\n[^\S\n]*\n")
# The paragraph's first line at the end of a locator ("line:3", "page:2!line:14").
_LINE_AT_END = re.compile(r"(?:^|!)line:(\d+)$")


def without_heading_names(
    mentions: list[Mention], anchors: list[Mention], text: str, line_of: Callable[[int], int]
) -> list[Mention]:
    """``mentions`` without the unlabelled names of a heading: above a blank line that stands
    before the first anchor, where the first anchor's own line names its person with another
    family name (the same family name is the person's own, written twice)."""
    first = min(anchors, key=lambda a: a.start)
    heading = [
        m for m in mentions if m.kind == "name" and m.end <= first.start and m.rule not in _LABELLED
    ]
    if not heading:
        return mentions
    line = line_of(first.start)
    own = {
        m.value.casefold()
        for m in mentions
        if m.kind == "name" and m.value and line_of(m.start) == line
    }
    if not own:
        return mentions
    drop = {
        m
        for m in heading
        if line_of(m.start) < line
        and m.value.casefold() not in own
        and _BLANK.search(text, m.end, first.start) is not None
    }
    return [m for m in mentions if m not in drop] if drop else mentions


# The facts a person has one of: where their own line gives one, another line's is not theirs.
_ONE_EACH = ("name", "date_of_birth", "nhs_number")


def own_line_values(
    shares: list[list[Mention]], anchors: list[Mention], line_of: Callable[[int], int]
) -> None:
    """Each person's name, date of birth and NHS number from their own line where it gives
    them. In a list of a person a line, a fact on a line where no one was found went to the
    nearest person (a stray "DOB 1931-05-05" above "re Mr Matthew Cameron DOB 09/07/1953" gave
    Mr Cameron the first date), and the first of a kind is the one a record keeps. Such a
    fact, differing from the one on the person's own line, is dropped from their share; and
    where it is a date of birth or an NHS number, the rest of its line with it, as another
    person's whom no one found ("new pt winston mcfarlane-boyd dob 30/01/1971 hiv 1+2 ab/ag
    reactive" under "Grace OKAFOR DOB 12/01/1962 NHS ..." had given Grace the HIV result)."""
    for index, (share, anchor) in enumerate(zip(shares, anchors, strict=True)):
        line = line_of(anchor.start)
        own: dict[str, set[str]] = {}
        for m in share:
            if m.kind in _ONE_EACH and line_of(m.start) == line:
                own.setdefault(m.kind, set()).add(m.value.casefold())
        if not own:
            continue
        # (A name read on another line may be a list of tests in capitals, "HIV, Ferritin": only
        # another date of birth or NHS number says the line is someone else's.)
        other = {
            at
            for m in share
            if m.kind in own
            and m.kind != "name"
            and m.value.casefold() not in own[m.kind]
            and (at := line_of(m.start)) != line
        }
        shares[index] = [
            m
            for m in share
            if (m.kind not in own or m.value.casefold() in own[m.kind] or line_of(m.start) == line)
            and line_of(m.start) not in other
        ]


def placed(share: list[Mention], locator: str, breaks: list[int]) -> tuple[str, int]:
    """The locator of a person whose facts are ``share``: the line of the first of them, where
    ``locator`` ends in the paragraph's first line (a text's "line:N", a page's
    "page:P!line:N"); and where that line starts in the text, for their places to be counted
    from it. ``locator`` and 0 when it names no line."""
    match = _LINE_AT_END.search(locator)
    starts = [m.start for m in share if not m.kind.startswith("nhs_number_")]
    if match is None or not starts:
        return locator, 0
    line = bisect.bisect_left(breaks, min(starts))
    head, first = locator[: match.start(1)], int(match.group(1))
    return f"{head}{first + line}", breaks[line - 1] + 1 if line else 0
