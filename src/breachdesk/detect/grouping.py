"""Mentions found in a text gathered into person-records: anchors (valid NHS numbers, else a
patient name with a date of birth, or failing that a hospital number, close by) and the facts
that go to each.

A paragraph listing three patients gives three people, each with their own tests: every other
mention goes to the nearest anchor on its own line, else to an anchor of its own paragraph,
else to the person written before it. A date printed straight after a name is that name's date
of birth.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
from collections import Counter
from collections.abc import Callable

from breachdesk.detect.address_blocks import addressees
from breachdesk.detect.base import Mention
from breachdesk.detect.contact_owner import patients_only
from breachdesk.detect.nhs_claims import header_pairs, unclaimed
from breachdesk.detect.prose_owners import (
    by_paragraph_name,
    by_sentence,
    relatives_of,
    relatives_own,
    wrapped_birth_dates,
)
from breachdesk.detect.record_lines import own_line_values, placed, without_heading_names
from breachdesk.detect.records import PersonRecord
from breachdesk.detect.subject_dates import letter_date
from breachdesk.detect.table_tests import detect as table_tests

# The exposure category each kind of mention adds to its person.
_CATEGORY = {
    "nhs_number": "nhs_number",
    "date_of_birth": "date_of_birth",
    "postcode": "postcode",
    "phone": "phone",
    "email": "email",
    "address": "address",
    "hospital_number": "hospital_number",
    "test": "test_description",
    "test_result": "test_result",
}
_FIELDS = frozenset({"nhs_number", "date_of_birth", "postcode", "hospital_number"})  # with a value
START = operator.itemgetter(1)  # Mention.start, without a Python call per mention


def after_name(named: list[Mention], text: str) -> Callable[[int], bool]:
    """Whether a date starting at an offset follows a name as ``_birth_dates_after_names``
    requires (the same test, so a date it rejects is never needed)."""
    name_ends = sorted(m.end for m in named)

    def test(start: int) -> bool:
        i = bisect.bisect_right(name_ends, start) - 1
        return i >= 0 and _name_gap(text[name_ends[i] : start])

    return test


# Worklists print the sex between a name and its date of birth: "NOWAK, Tomasz (M) 02/11/1975".
_SEX_GAP = re.compile(r"[ \t,;:()]*(?:[MFU]|male|female|unknown)[ \t,;:()]*", re.IGNORECASE)


# A time straight after a date: the date is a timestamp's ("08/03/2024 11:05", "2024-03-08T11:05").
_TIME_AFTER = re.compile(
    r"(?:[ \t]{1,3}|,[ \t]{0,2}|T)(?:at[ \t]{1,2})?\d{1,2}[:.]\d{2}(?![\d/.-])"
)


def _name_gap(gap: str) -> bool:
    """Whether what stands between a name and a date lets the date be the name's date of
    birth: a few spaces or punctuation marks, or a sex among them."""
    if len(gap) <= 4 and not gap.strip(" \t,;:()"):
        return True
    return len(gap) <= 16 and _SEX_GAP.fullmatch(gap) is not None


def _birth_dates_after_names(mentions: list[Mention], text: str) -> list[Mention]:
    """A date printed straight after a patient's name is their date of birth."""
    for m in mentions:
        if m.kind == "date":
            break
    else:
        return mentions  # no date to read: as the pass below would give them
    names = sorted((m.end, m.start) for m in mentions if m.kind == "name")
    name_ends = [end for end, _ in names]
    out = []
    for m in mentions:
        if m.kind == "date":
            i = bisect.bisect_right(name_ends, m.start) - 1
            if (
                i >= 0
                and _name_gap(text[name_ends[i] : m.start])
                # ("Re: Mr Alan PRICE<tab>12 March 2024": a letter's date, at its tab stop)
                and not letter_date(text, names[i][1], name_ends[i], m.start, m.end)
                # ("Tom Reid 08/03/2024 11:05": a chat's author and the time of the message)
                and _TIME_AFTER.match(text, m.end) is None
            ):
                m = Mention("date_of_birth", m.start, m.end, m.value, m.detector, "after_name")
            else:
                continue
        out.append(m)
    return out


def _anchors(mentions: list[Mention], line_of: Callable[[int], int]) -> list[Mention]:
    """Valid NHS numbers; and patient names with a date of birth close by, not one that
    another name on the date's own line stands nearer to (the next report's patient's, under
    a signature's "K. FARRINGTON, Principal Clinical Scientist").

    Where NHS numbers are present, a name anchors a person of its own only when it shares a
    line with its date of birth and no NHS number does (a row of a printed list); otherwise
    the name belongs to the NHS number's person, as in a letter's header block.
    """
    nhs = [m for m in mentions if m.kind == "nhs_number"]
    dobs = [m for m in mentions if m.kind == "date_of_birth"]
    if not dobs:
        return _with_hospital_numbers(nhs, mentions, line_of)
    nhs_lines = {line_of(m.start) for m in nhs}
    # A name beside a 999-range NHS number is a test patient on an interface, not a person.
    test_lines = {line_of(m.start) for m in mentions if m.kind == "nhs_number_test"}
    named: list[Mention] = []
    loose: list[Mention] = []  # names with their date of birth, where NHS numbers are written
    starts = [d.start for d in dobs]
    in_order = all(a <= b for a, b in itertools.pairwise(starts))  # as callers pass them
    names_on: dict[int, list[Mention]] = {}
    for m in mentions:
        if m.kind == "name":
            names_on.setdefault(line_of(m.start), []).append(m)
    for m in mentions:
        if m.kind != "name":
            continue
        line = line_of(m.start)
        if line in test_lines:
            continue
        if in_order:
            dob = dobs[_nearest(starts, m.end)]
        else:
            dob = min(dobs, key=lambda d: abs(d.start - m.end))
        if abs(dob.start - m.end) >= 80:
            continue
        dob_line = line_of(dob.start)
        if dob_line != line and any(
            abs(dob.start - other.end) < abs(dob.start - m.end)
            for other in names_on.get(dob_line, ())
        ):
            continue  # the date of birth of the name on its own line (a signature above)
        if not nhs or (line not in nhs_lines and line_of(dob.start) == line):
            named.append(m)
        elif line not in nhs_lines:
            loose.append(m)
    named += unclaimed(nhs, loose, dobs, [m for m in mentions if m.kind == "name"])
    if not named:
        return _with_hospital_numbers(nhs, mentions, line_of)
    if any(m.kind == "hospital_number" for m in mentions):
        # A list's patient given a hospital number and no birth date among others given one
        # ("Patient 3: ROBINSON Daniel, 81y M, Hosp No RJZ2225380"): a patient of their own.
        taken = {line_of(m.start) for m in (*nhs, *named)}
        named += [
            m
            for m in _with_hospital_numbers(nhs, mentions, line_of)
            if m.kind == "name" and line_of(m.start) not in taken
        ]
    return sorted([*nhs, *named], key=lambda m: m.start)


def _with_hospital_numbers(
    nhs: list[Mention], mentions: list[Mention], line_of: Callable[[int], int]
) -> list[Mention]:
    """``nhs``, and where no NHS number is written, the names with a hospital number on their
    line close after or before them ("Patient: Grace Okafor  Hosp No: RX1234567", a worksheet
    or log that gives no date of birth), or alone on the line just below a line naming one
    person (a letter's "Re: Mr Callum Fitzgerald" over "Hosp No: K2287411"): a name with a
    hospital number is a patient. Where NHS numbers are written, as with dates of birth: a name
    anchors a person of its own only beside a hospital number on a line no NHS number is on
    (a handover's "Gentamicin 3.1 on Dylan Moss (MRN K2203451)" over "INR 8.9 for Maureen
    Tibbs (NHS ...)")."""
    numbers = [m for m in mentions if m.kind == "hospital_number"]
    if nhs and not numbers:
        return sorted(nhs, key=START)
    if not numbers:
        return []
    test_lines = {line_of(m.start) for m in mentions if m.kind == "nhs_number_test"}
    numbers = [n for n in numbers if line_of(n.start) not in test_lines]
    names = [m for m in mentions if m.kind == "name"]

    def beside(name: Mention) -> bool:  # a hospital number close on the name's own line
        line = line_of(name.start)
        return any(line_of(n.start) == line and abs(n.start - name.end) < 80 for n in numbers)

    if nhs:
        nhs_lines = {line_of(m.start) for m in nhs}
        own = [m for m in names if line_of(m.start) not in nhs_lines and beside(m)]
        return sorted([*nhs, *own], key=START)
    by_line = Counter(line_of(m.start) for m in names)
    number_lines = {line_of(n.start): n for n in numbers}
    named = []
    for m in names:
        line = line_of(m.start)
        if beside(m):
            named.append(m)
            continue
        below = number_lines.get(line + 1)
        if (
            below is not None
            and by_line[line] == 1
            and line + 1 not in by_line
            and line not in number_lines
            and below.start - m.end < 120
        ):
            named.append(m)
    return sorted(named, key=START)


def _nearest(starts: list[int], offset: int) -> int:
    """The index ``min(range(len(starts)), key=lambda i: abs(starts[i] - offset))`` gives for
    sorted ``starts`` (the first of equals), by bisection rather than a pass over them all."""
    after = bisect.bisect_right(starts, offset)  # starts[:after] <= offset < starts[after:]
    if after == 0:
        return 0
    before = bisect.bisect_left(starts, starts[after - 1])  # the first of that start
    if after == len(starts) or offset - starts[before] <= starts[after] - offset:
        return before
    return after


def _anchors_on_one_line(mentions: list[Mention]) -> list[Mention]:
    """``_anchors(mentions, _first_line)``: on one line a name anchors a person only where no
    NHS number (nor a test-range one) is on it, and its nearest date of birth is close."""
    nhs = [m for m in mentions if m.kind == "nhs_number"]
    dobs = [m for m in mentions if m.kind == "date_of_birth"]
    if not dobs:
        return _with_hospital_numbers(nhs, mentions, _first_line)
    if nhs:
        return sorted(nhs, key=START)  # the names share the NHS number's line
    if any(m.kind == "nhs_number_test" for m in mentions):
        return []
    starts = [d.start for d in dobs]
    in_order = all(a <= b for a, b in itertools.pairwise(starts))
    named = []
    for m in mentions:
        if m.kind != "name":
            continue
        if in_order:
            dob = dobs[_nearest(starts, m.end)]
        else:
            dob = min(dobs, key=lambda d: abs(d.start - m.end))
        if abs(dob.start - m.end) < 80:
            named.append(m)
    if not named:
        return _with_hospital_numbers(nhs, mentions, _first_line)
    return sorted(named, key=lambda m: m.start)


def group(mentions: list[Mention], locator: str, source: str, text: str = "") -> list[PersonRecord]:
    return group_in(mentions, locator, source, text, _breaks(text))


def group_in(
    mentions: list[Mention],
    locator: str,
    source: str,
    text: str,
    breaks: list[int] | None,
    base: int = 0,
) -> list[PersonRecord]:
    """``group``, told where ``text``'s line breaks are; with ``breaks`` None and a ``base``,
    the mentions are of the one line of ``text`` starting there (``_joined_people``), their
    offsets written relative to it."""
    if text:
        mentions = _birth_dates_after_names(mentions, text)
        if breaks is not None:
            # (what the detectors, reading a line or a sentence, cannot see)
            mentions = table_tests(text, wrapped_birth_dates(mentions, text))
    line_of: Callable[[int], int]
    pairs: dict[Mention, Mention] = {}
    addressed: list[Mention] = []
    if breaks is None:
        line_of = _first_line
        anchors = _anchors_on_one_line(mentions)
    else:
        line_of = _line_of(breaks)
        anchors = _anchors(mentions, line_of)
        if not anchors and text:
            anchors = addressed = addressees(mentions, text, line_of)
        if len(anchors) > 1 and any(a.kind == "name" for a in anchors):
            pairs = header_pairs(mentions, anchors, line_of)
            anchors = [a for a in anchors if a not in pairs]
    if not anchors:
        return []
    if text:
        mentions = patients_only(mentions, text, breaks, [*anchors, *pairs], base)
        if breaks is not None:
            mentions = without_heading_names(mentions, anchors, text, line_of)
    people = [PersonRecord(locator=locator, source=source) for _ in anchors]
    if len(anchors) == 1:  # every mention is the one anchor's (a log line's one patient)
        shares = [mentions]
        if breaks is not None:  # (but not a line that gives another person's birth date)
            own_line_values(shares, anchors, line_of)
            if relatives_of(anchors, text):  # (a relative's: not the letter's results)
                shares = [relatives_own(shares[0], anchors[0], text)]
                people[0].relative = True
    else:
        # Anchors in more than one paragraph (a letter about several people): a fact off every
        # anchor's line belongs to an anchor of its own paragraph, else to the person written
        # before it (a letter's results under its "Re:" line), not to whichever is nearest.
        paragraphs = _paragraphs(text, anchors) if breaks is not None else None
        shares = _shares(mentions, anchors, breaks, line_of, paragraphs)
        if pairs:
            _give_paired(shares, anchors, pairs)
        if breaks is not None and any(m.kind == "test" or m.kind == "diagnosis" for m in mentions):
            # (a sentence wrapped over lines is its subject's; a relative is not the patient)
            by_sentence(shares, anchors, text, relatives_of(anchors, text), pairs)
            if paragraphs is not None:  # (a paragraph naming one person by a word alone)
                by_paragraph_name(shares, anchors, text, _blank_lines(text))
        if breaks is not None:
            own_line_values(shares, anchors, line_of)
    for person, share in zip(people, shares, strict=True):
        if breaks is not None:  # (each person at their own line of a paragraph)
            person.locator, base = placed(share, locator, breaks)
        _gather_one(person, share, base)
    for person, anchor in zip(people, anchors, strict=True):
        # A person anchored by their name is that name, whatever name came before it in the
        # text ("Duty log - Ms T Jackson" above "BALL, Ann (born 3 April 1968)" is not Ann Ball).
        if anchor.kind == "name":
            person.values["family_name"], person.values["given_name"] = (
                anchor.value,
                anchor.extra or "",
            )
            person.exposed.add("name")
    # A person whose own facts hold a test-range NHS number and no other is a test patient (a
    # training manual's "NHS number: 999 000 0018" under its made-up name and date of birth).
    people = [
        p
        for p, share in zip(people, shares, strict=True)
        if p.values.get("nhs_number") or not any(m.kind == "nhs_number_test" for m in share)
    ]
    if addressed:  # (a letter's addressee, by their full name and the block's postcode)
        return [p for p in people if p.identifies() or p.addressed()]
    return [p for p in people if p.identifies()]


def _shares(
    mentions: list[Mention],
    anchors: list[Mention],
    breaks: list[int] | None,
    line_of: Callable[[int], int],
    paragraphs: Callable[[Mention], int] | None = None,
) -> list[list[Mention]]:
    """Each anchor's mentions, in order: a mention goes to the nearest anchor on its own line,
    else (``paragraphs`` not None) to its paragraph's, else the nearest anywhere; the first of
    equals. Anchors are looked up by line once rather than per mention and anchor."""
    on_line: dict[int, list[int]] = {}
    for index, anchor in enumerate(anchors):
        on_line.setdefault(line_of(anchor.start), []).append(index)
    everywhere = list(range(len(anchors)))
    # Anchors in order and apart (as a list's rows are): the nearest of them all is the last
    # one ending before the mention or the one after it (``_nearest_apart``), not a pass.
    ends = [a.end for a in anchors] if len(anchors) > 2 and _apart(anchors) else None
    shares: list[list[Mention]] = [[] for _ in anchors]
    where = bisect.bisect_left
    get = on_line.get
    for mention in mentions:
        candidates = None if breaks is None else get(where(breaks, mention[1]))
        if candidates is None and paragraphs is not None:
            nearest = paragraphs(mention)
        elif candidates is None:
            if ends is not None:
                nearest = _nearest_apart(anchors, ends, mention)
            else:
                nearest = _nearest_of(anchors, everywhere, mention)
        elif len(candidates) > 1:
            nearest = _nearest_of(anchors, candidates, mention)
        else:
            nearest = candidates[0]
        shares[nearest].append(mention)
    return shares


def _give_paired(
    shares: list[list[Mention]], anchors: list[Mention], pairs: dict[Mention, Mention]
) -> None:
    """Each paired NHS number (``nhs_claims.header_pairs``) moved to its named anchor's share,
    wherever nearness put it (a long header line can leave it nearer the next person's name)."""
    owner = {number: anchors.index(name) for number, name in pairs.items()}
    for index, share in enumerate(shares):
        moving = [m for m in share if m in owner and owner[m] != index]
        for mention in moving:
            share.remove(mention)
            target = shares[owner[mention]]
            target.insert(bisect.bisect_left([m.start for m in target], mention.start), mention)


def _gather_one(rec: PersonRecord, mentions: list[Mention], base: int = 0) -> None:
    """The mentions' facts set on ``rec`` (``PersonRecord.set`` and ``add_test`` inlined: a
    page's ~35 mentions went through them), their places counted from ``base``."""
    evidence, values, exposed, tests, codes = (
        rec.evidence,
        rec.values,
        rec.exposed,
        rec.tests,
        rec.ods_codes,
    )
    labelled = False
    for kind, start, end, value, detector, rule, _, checksum, extra in mentions:
        if kind.startswith("nhs_number_"):
            continue  # failed checksums and test-range numbers are not people
        evidence.append((kind, f"chars:{start - base}-{end - base}", detector, rule, checksum))
        if kind == "test":
            if value not in tests:
                tests.append(value)
            exposed.add("test_description")
        elif kind == "name":
            if not values.get("family_name"):  # rec.set() of the family and the given name
                if value:
                    values["family_name"] = value
                    exposed.add("name")
                if extra:
                    if not values.get("given_name"):
                        values["given_name"] = extra
                    exposed.add("name")
        elif kind == "ods_code":
            if value not in codes:
                codes.append(value)
        elif kind == "diagnosis":  # a diagnosis, coded or in words: its kinds in ``extra``
            if extra:
                rec.sensitive.update(extra.split(";"))
            exposed.add("test_description")
        elif kind == "sex":  # (stated beside an hCG: ``male_markers``)
            if not values.get("sex"):
                values["sex"] = value
        elif kind in _CATEGORY:
            if kind in _FIELDS:
                if value:
                    if not values.get(kind) or (rule == "in_address" and not labelled):
                        values[kind] = value
                        # the postcode of the patient's labelled address, before any other
                        labelled = labelled or rule == "in_address"
                    exposed.add(_CATEGORY[kind])
            else:
                exposed.add(_CATEGORY[kind])


def _nearest_of(anchors: list[Mention], candidates: list[int], mention: Mention) -> int:
    """The candidate anchor at the least ``_distance`` from the mention, the first of equals."""
    nearest = candidates[0]
    best = _distance(anchors[nearest], mention)
    for index in candidates[1:]:
        distance = _distance(anchors[index], mention)
        if distance < best:
            nearest, best = index, distance
    return nearest


def _apart(anchors: list[Mention]) -> bool:
    """Each anchor non-empty and ending where the next starts or before."""
    return all(a.start < a.end for a in anchors) and all(
        a.end <= b.start for a, b in itertools.pairwise(anchors)
    )


def _nearest_apart(anchors: list[Mention], ends: list[int], mention: Mention) -> int:
    """``_nearest_of`` over every anchor when they are ``_apart``. ``_distance`` then falls
    strictly over the anchors ending before the mention starts (its first case), is 0 over any
    it overlaps, and rises strictly over those after it (its second case), so the least is at
    the last before or the first not before, and the earlier of the two on a tie."""
    after = bisect.bisect_right(ends, mention.start)  # anchors[:after] end before it starts
    if after == len(anchors):
        return after - 1
    if after == 0:
        return 0
    before = mention.start - ends[after - 1]
    return after - 1 if before <= _distance(anchors[after], mention) else after


_NEWLINE = re.compile("\n")


def _breaks(text: str) -> list[int] | None:
    """Where ``text``'s newlines are; None for one line (a log line)."""
    if "\n" not in text:
        return None
    return [m.start() for m in _NEWLINE.finditer(text)]  # not a Python loop per character


def _line_of(breaks: list[int]) -> Callable[[int], int]:
    """Which line an offset is on: a fact on an anchor's own line belongs to that anchor."""
    return lambda offset: bisect.bisect_left(breaks, offset)


def _first_line(offset: int) -> int:
    return 0


# A blank line, or a line that is only a rule ("=====", "-----"): batched reports and printouts
# part their patients so, with no blank line between.
# (A form feed is a page's end: a paragraph's too.)
_BLANK_LINE = re.compile(r"\n[^\S\n]*(?:[=\-_*~#]{3,}[^\S\n]*)?(?=\n|\Z)|\f")


def _blank_lines(text: str) -> list[int]:
    return [m.start() for m in _BLANK_LINE.finditer(text)]


def _paragraphs(text: str, anchors: list[Mention]) -> Callable[[Mention], int] | None:
    """The anchor a fact off every anchor's line belongs to, when the anchors are in more than
    one paragraph (else None): the nearest in the fact's own paragraph, else the last one before
    the fact (the first when none is)."""
    blanks = _blank_lines(text)
    if not blanks:
        return None
    by_paragraph: dict[int, list[int]] = {}
    for index, anchor in enumerate(anchors):
        by_paragraph.setdefault(bisect.bisect_left(blanks, anchor.start), []).append(index)
    if len(by_paragraph) < 2:
        return None
    starts = [a.start for a in anchors]

    def owner(mention: Mention) -> int:
        own = by_paragraph.get(bisect.bisect_left(blanks, mention.start))
        if own is not None:
            return own[0] if len(own) == 1 else _nearest_of(anchors, own, mention)
        return max(bisect.bisect_right(starts, mention.start) - 1, 0)

    return owner


def _distance(anchor: Mention, mention: Mention) -> int:
    if mention.start >= anchor.end:
        return mention.start - anchor.end
    if mention.end <= anchor.start:
        # Facts usually follow the identifier they belong to; a small penalty for those before it.
        return (anchor.start - mention.end) + 5
    return 0
