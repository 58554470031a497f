"""Which name an NHS number written in text belongs with (``grouping``): a letter's header
block's, its number on a line of its own beside or under the name and date of birth's
(``header_pairs``); else the nearest name before it in its block, where another person's block
with a date of birth of its own and no NHS number is theirs (``unclaimed``).
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Callable

from breachdesk.detect.base import Mention

# What a header block's NHS-number line may say besides the number: more of who the patient is
# ("NHS No: 455 766 0932   Hosp No: H1234567   GP: F83001"), not a name, a date of birth or a
# test (a line of its own event, as in a log).
_IDENTIFIERS = frozenset(
    {
        "nhs_number",
        "nhs_number_invalid",
        "hospital_number",
        "postcode",
        "phone",
        "email",
        "ods_code",
    }
)
_BANNER = _IDENTIFIERS | {"date_of_birth"}


def _claimed(number: Mention, names: list[Mention]) -> Mention:
    """The name an NHS number claims: the nearest written before it (a block's or a letter's
    header names its patient first), else the nearest after it."""
    before = [m for m in names if m.end <= number.start]
    if before:
        return max(before, key=operator.attrgetter("end"))
    return min(names, key=operator.attrgetter("start"))


def unclaimed(
    nhs: list[Mention], loose: list[Mention], dobs: list[Mention], names: list[Mention]
) -> list[Mention]:
    """The names off the NHS numbers' lines that no NHS number claims, each with a date of
    birth of its own after it: each number claims its nearest name (its block's: "Surname:
    OKAFOR" above "NHS No: 401 023 2137") and that name written again. Another person's block
    in the same text, with no NHS number of its own ("Surname: PEMBERTON-LLOYD", "Date of
    birth: 30/06/1977", "Tests requested: CEA"), is that person, not the numbered patient's:
    read so, their tests went to the patient above. (A date of birth is its own only where it
    follows the name within ``_NEAR`` and no other name stands between them.)"""
    if not nhs or not loose:
        return []
    claimed = {_claimed(number, loose) for number in nhs}
    families = {m.value.casefold() for m in claimed}
    found = []
    for name in loose:
        if name in claimed or name.value.casefold() in families:
            continue
        after = [d for d in dobs if 0 <= d.start - name.end < _NEAR]
        if after and not any(name.end <= o.start < after[0].start for o in names):
            found.append(name)
    return found


_NEAR = 80  # (as a name's date of birth is looked for in ``_anchors``)


def header_pairs(
    mentions: list[Mention], anchors: list[Mention], line_of: Callable[[int], int]
) -> dict[Mention, Mention]:
    """NHS-number anchors alone on their line next to a line whose name and date of birth
    anchor a person, by the named anchor they belong to: a letter's header block ("Patient:
    OKAFOR, Grace  DOB 12/01/1962" over "NHS: 455 766 0932  Hosp No: H1234567") is one
    person, not two. Only where the number's line says nothing but who the patient is (one NHS
    number, a hospital number, contacts, a date of birth the name's line lacks) and the two
    lines stand apart from other anchors' lines:
    rows of a list (a row with only an NHS number beside a row with only a name) stay people
    of their own. The line above is looked at first (the usual order), then the line below."""
    # Each anchor's and mention's line, worked out once (a page's mentions were looked up
    # several times each).
    anchor_at = [(line_of(a.start), a) for a in anchors]
    named = {line: a for line, a in anchor_at if a.kind == "name"}
    if not named:
        return {}
    anchor_lines = {line for line, _ in anchor_at}
    mention_lines = [line_of(m.start) for m in mentions]
    said: dict[int, set[str]] = {}
    for line, m in zip(mention_lines, mentions, strict=True):
        said.setdefault(line, set()).add(m.kind)
    numbers = Counter(line for line, a in anchor_at if a.kind == "nhs_number")
    # A two-column banner splits the patient's date of birth from their name ("Patient: BELL,
    # Ann   Hosp No: RX1" over "DOB: 21.03.1952   NHS No: 455 766 0932"): the number's line
    # may give the date of birth too, where the name's line gives none.
    lone = {
        line: a
        for line, a in anchor_at
        if a.kind == "nhs_number" and numbers[line] == 1 and said[line] <= _BANNER
    }

    def fits(line: int, near: int) -> bool:
        return "date_of_birth" not in said[line] or "date_of_birth" not in said[near]

    if (
        lone
        and set(lone) == {line + 1 for line in named}
        and all(fits(line, line - 1) for line in lone)
    ):
        # Every name's line followed by its number's: header blocks one after another.
        return {number: named[line - 1] for line, number in lone.items()}
    # A sentence wrapped after the name and date of birth, its NHS number opening the next line
    # ("... Mrs Elaine CARTWRIGHT DOB 27/11/1958" / "NHS 477 016 8314, her HIV viral load ..."):
    # the number's line may go on with the tests, where the name's line named none.
    first_on_line: dict[int, Mention] = {}
    for line, m in zip(mention_lines, mentions, strict=True):
        first_on_line.setdefault(line, m)
    wrapped = {
        line: a
        for line, a in anchor_at
        if a.kind == "nhs_number"
        and numbers[line] == 1
        and first_on_line.get(line) is a
        and line - 1 in named
        and not said[line - 1] & {"test", "nhs_number", "hospital_number"}
    }
    pairs: dict[Mention, Mention] = {}
    for line, anchor in (wrapped | lone).items():
        # (a wrapped sentence goes on from the line above; a lone number's line may also stand
        # above its name's, or below it past a line that says nothing: a header's wrapped tail)
        up = _named_above(line, named, said) if line in lone else line - 1
        for near, away in ((up, -1), (line + 1, 1)) if line in lone else ((line - 1, -1),):
            # The pair's lines, and no anchor on the lines either side of them.
            if (
                near in named
                and fits(line, near)
                and near + away not in anchor_lines
                and line - away not in anchor_lines
            ):
                pairs[anchor] = named[near]
                break
    return pairs


def _named_above(line: int, named: dict[int, Mention], said: dict[int, set[str]]) -> int:
    """The line above a lone NHS number's whose name it is: the next line up, or past up to
    ``_BLOCK_GAP`` lines saying nothing but an address ("Miriam Achterberg, born September 14,
    1975" / "22 Kelsey Park Road, Beckenham BR3 1AJ" / "NHS number 422 066 5129": a letter's
    header block), where a name's line stands above them."""
    for up in range(line - 1, line - 2 - _BLOCK_GAP, -1):
        if up in named:
            return up
        if not said.get(up, set()) <= _ADDRESS:
            break
    return line - 1


_BLOCK_GAP = 2  # a header block's address lines between its name and its NHS number
_ADDRESS = frozenset({"postcode", "address", "phone", "email"})
