"""Whose a test is in prose, where lines say little: a sentence runs over wrapped lines, so a test
belongs to the one person its sentence names, not to whoever is nearest by line ("... PSA and
CEA for his bowel cancer follow-up. Also Mrs Gillian Fleming (wife, ..." wrapped at 80 columns
puts the husband's CEA on the wife's line). A relative introduced as such ("Her sister, Mrs
Louise ...") may be a person of their own, but the patient's results do not move to them from
outside the relative's own sentence. Also a date of birth a wrap split at its slash ("DOB: 13/"
over "06/1955"), which the date detector, reading one line, cannot see.

``grouping.group_in`` calls these after sharing the mentions out by line and paragraph; each
changes a share only where its sentence or the relative's label says so, and costs nothing to a
text with one anchor or no test.
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Callable

from breachdesk.detect.base import Mention
from breachdesk.detect.name_context import relative_in_prose

# The facts of a person's health that a sentence gives its subject.
_CLINICAL = frozenset({"test", "test_result", "diagnosis"})
# How far a sentence is looked for on either side of a test: prose sentences are shorter; a
# table without full stops is no sentence, and is left to lines and paragraphs.
_REACH = 400
# A sentence's end: a full stop, "!" or "?" (not a title's, an initial's, "No." or a decimal
# point), then a line break (a log's next entry may open with its time), or spaces before a
# capital; or a blank line. Linear: each repeat is bounded and nothing nests.
# (The mark first, its lookbehinds after it: a pattern opening with a character set is searched
# for by that set, where one opening with lookbehinds is tried at every position.)
_END = re.compile(
    r"[.!?](?<!\bDr.)(?<!\bMr.)(?<!\bMrs.)(?<!\bMs.)(?<!\bSt.)(?<!\bNo.)(?<!\bno.)(?<!\bvs.)"
    r"(?<![\s.][A-Z].)[\"')\]]{0,2}(?:[ \t]{0,4}\r?\n|[ \t]{1,4}(?=[A-Z\"'(]))"
    r"|\n[ \t>]{0,8}\r?\n"
)


def _sentences(text: str) -> Callable[[int, int], tuple[int, int] | None]:
    """The sentence around a span: from the last sentence end before it (or the text's start)
    to the first after it (or the text's end); None where either is further than ``_REACH`` (a
    table, a spool: no sentences). The ends are found in one pass over the text, each span's
    sentence by bisection."""
    ends = [(found.start(), found.end()) for found in _END.finditer(text)]
    marks = [start for start, _ in ends]
    size = len(text)

    def sentence(start: int, end: int) -> tuple[int, int] | None:
        index = bisect.bisect_left(marks, start)
        before = ends[index - 1][1] if index else 0
        after_index = bisect.bisect_left(marks, end)
        after = marks[after_index] if after_index < len(marks) else size
        if start - before > _REACH or after - end > _REACH:
            return None
        return before, after

    return sentence


def by_sentence(
    shares: list[list[Mention]],
    anchors: list[Mention],
    text: str,
    relatives: set[int],
    pairs: dict[Mention, Mention],
) -> None:
    """Each test, result or diagnosis whose sentence names one person only (by their anchors,
    and the NHS numbers ``pairs`` gives to named anchors: not by a date or a name that nearness
    alone gave them) moved to that person's share; a relative's (index in ``relatives``) that
    its sentence does not give them moved to the nearest patient's before it (else after it)."""
    index_of = {anchor: index for index, anchor in enumerate(anchors)}
    owner = sorted(
        [(anchor.start, index) for index, anchor in enumerate(anchors)]
        + [(number.start, index_of[name]) for number, name in pairs.items() if name in index_of]
    )
    starts = [start for start, _ in owner]
    patients = [i for i in range(len(anchors)) if i not in relatives]
    moves: list[tuple[int, Mention, int]] = []
    sentence = _sentences(text)
    for index, share in enumerate(shares):
        for mention in share:
            if mention.kind not in _CLINICAL:
                continue
            bounds = sentence(mention.start, mention.end)
            named: set[int] = set()
            if bounds is not None:
                low = bisect.bisect_left(starts, bounds[0])
                high = bisect.bisect_left(starts, bounds[1])
                named = {who for _, who in owner[low:high]}
            target = next(iter(named)) if len(named) == 1 else None
            if target in relatives and mention.start < anchors[target].start:
                target = None  # ("Her BRCA1 result was sent to her sister, Mrs ...")
            if target is None and index in relatives and patients:
                target = _patient_near(anchors, patients, mention)
            if target is not None and target != index:
                moves.append((index, mention, target))
    for index, mention, target in moves:
        shares[index].remove(mention)
        share = shares[target]
        share.insert(bisect.bisect_left([m.start for m in share], mention.start), mention)


def by_paragraph_name(
    shares: list[list[Mention]], anchors: list[Mention], text: str, blanks: list[int]
) -> None:
    """The tests, results and diagnoses of a paragraph naming no one by an anchor moved to the
    one person it names by a given or family name alone ("could you chase the repeat hCG on
    Bethan please? ... 6/40 by dates": a quoted earlier e-mail under another patient's), where
    nearness gave them to the person written before it. ``blanks``: the paragraphs' ends."""
    owner_of: dict[str, set[int]] = {}
    for index, share in enumerate(shares):
        for mention in share:
            if mention.kind == "name":
                for word in (mention.value, mention.extra):
                    if len(word) > 2 and " " not in word:
                        owner_of.setdefault(word.casefold(), set()).add(index)
    if len(set().union(*owner_of.values(), set())) < 2:
        return
    anchored = {bisect.bisect_left(blanks, anchor.start) for anchor in anchors}
    moves: dict[int, list[tuple[int, Mention]]] = {}
    for index, share in enumerate(shares):
        for mention in share:
            paragraph = bisect.bisect_left(blanks, mention.start)
            if mention.kind in _CLINICAL and paragraph not in anchored:
                moves.setdefault(paragraph, []).append((index, mention))
    for paragraph, facts in moves.items():
        start = blanks[paragraph - 1] if paragraph else 0
        end = blanks[paragraph] if paragraph < len(blanks) else len(text)
        # (a word two people share, "Hughes" of a patient and of a doctor's name, says no one)
        words = _CAPITALISED.findall(_HEADER_LINE.sub("", text[start:end]))
        owners = [owner_of.get(word.casefold(), ()) for word in words]
        named = {who for found in owners if len(found) == 1 for who in found}
        if len(named) != 1:
            continue
        (target,) = named
        for index, mention in facts:
            if index != target:
                shares[index].remove(mention)
                share = shares[target]
                share.insert(bisect.bisect_left([m.start for m in share], mention.start), mention)


# An e-mail's header lines but its subject: they name its senders and readers, staff.
_HEADER_LINE = re.compile(r"(?im)^[ \t>]*(?:from|to|cc|bcc|sent|date)[ \t]*:.*$")
# A word written with a capital, or in capitals, after a space or a bracket: a name written
# alone in prose or in a subject line ("Subject: hCG repeat - HUGHES").
_CAPITALISED = re.compile(r"(?<=[\s(])[A-Z](?:[a-z]+|[A-Z]{2,})(?:['’\-][A-Z][a-zA-Z]+)?\b")


def _patient_near(anchors: list[Mention], patients: list[int], mention: Mention) -> int:
    """The last patient's anchor before the mention (a letter's "Re:" line above its results),
    else the first after it."""
    before = [i for i in patients if anchors[i].start <= mention.start]
    return before[-1] if before else patients[0]


def relatives_of(anchors: list[Mention], text: str) -> set[int]:
    """The indexes of the name anchors that prose introduces as a relative ("her sister, Mrs")."""
    return {
        index
        for index, anchor in enumerate(anchors)
        if anchor.kind == "name" and relative_in_prose(text, anchor.start)
    }


def relatives_own(share: list[Mention], anchor: Mention, text: str) -> list[Mention]:
    """A relative's share when they are the only person a passage names ("Cascade testing: her
    niece Ms Ana Da Silva (DOB 01/02/1936) has requested predictive testing"): their
    identifiers, and only the clinical facts of their own sentence; the rest (the letter's
    results, "MLH1 pathogenic variant detected") are the patient's, named elsewhere."""
    sentence = _sentences(text)
    own = sentence(anchor.start, anchor.end)
    return [m for m in share if m.kind not in _CLINICAL or sentence(m.start, m.end) == own]


# A date of birth's label and its day, the line broken after the day's slash, and the month and
# year opening the next line ("DOB: 13/" over "06/1955", a two-column header wrapped).
# (The label's first letter first, its ``\b`` a lookbehind after it, so ``re`` skips to those
# letters: ``\b(?i:dob|d\.o\.b\.?|date[ \t]of[ \t]birth|born)``, tests/test_speed_text.py.)
_SPLIT_DOB = re.compile(
    r"[DdBb](?<!\w[DdBb])(?:(?<=[Dd])(?i:ob|\.o\.b\.?|ate[ \t]of[ \t]birth)|(?<=[Bb])(?i:orn))"
    r"[ \t]{0,3}[:\-]?[ \t]{0,3}"
    r"(\d{1,2})[/.\-][ \t]{0,3}\r?\n[ \t>]{0,8}(\d{1,2})[/.\-](\d{4})(?!\d)"
)


def wrapped_birth_dates(mentions: list[Mention], text: str) -> list[Mention]:
    """``mentions`` with the dates of birth split over a line end (``_SPLIT_DOB``) that no
    mention already covers; the same list where the text has no slash or dot before a line end."""
    if "/\n" not in text and "/\r\n" not in text and ".\n" not in text and "-\n" not in text:
        return mentions
    added = []
    for found in _SPLIT_DOB.finditer(text):
        day, month, year = (int(found.group(i)) for i in (1, 2, 3))
        try:
            born = datetime.date(year, month, day)
        except ValueError:
            continue
        if not 1880 <= year <= datetime.date.today().year:
            continue
        start, end = found.start(1), found.end(3)
        if any(m.start < end and start < m.end for m in mentions):
            continue
        added.append(
            Mention("date_of_birth", start, end, born.isoformat(), "dates", "dob_label_wrapped")
        )
    if not added:
        return mentions
    return sorted([*mentions, *added], key=lambda m: m.start)
