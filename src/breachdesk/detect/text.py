"""Person-records from free text: detectors find mentions, anchors gather them into people.

Anchors are valid NHS numbers, else a patient name with a date of birth. Every other mention in
the same record goes to the nearest anchor, so a paragraph listing three patients gives three
people, each with their own tests.

Speed: one Hyperscan pass (``prefilter``) says which detectors can match a record; a record that
can hold no anchor is skipped whole and the rest run only the detectors whose trigger occurs,
the date and NHS-number regexes only at the offsets the same pass says a match can start at.
A log is read a block of lines at a time (``people_in_lines``): one scan of the block says which
lines can hold a person, and those are read together (``_joined_people``): one more scan of
them joined, each detector run once over them all with every line read as if alone, the
mentions grouped line by line; a line with a rarer detector's trigger is read as above.
The result is exactly that of running every detector everywhere (tests/test_detect_prefilter.py,
tests/test_detect_fast_paths.py, tests/test_text_speed_paths.py).
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
from collections import Counter
from collections.abc import Callable, Iterator

from breachdesk.detect import dates, lab_tests, names, nhs_number, ods, prefilter
from breachdesk.detect.base import Mention
from breachdesk.detect.hl7_in_text import segment_people, with_segments
from breachdesk.detect.records import PersonRecord
from breachdesk.detect.registry import GATED_DETECTORS

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


def find_mentions(
    text: str,
    present: frozenset[str] | None = None,
    *,
    for_people: bool = False,
    nhs: list[Mention] | None = None,
    starts: dict[str, list[int]] | None = None,
) -> list[Mention]:
    """Every detector's mentions in ``text``, in order of position. ``present`` (the prefilter's
    triggers found in the text) skips the detectors that cannot find anything; None runs all.
    ``for_people`` leaves out the unlabelled dates ``group`` would drop (those not straight
    after a name), so a log's timestamps are not parsed only to be thrown away. ``nhs``: the
    NHS-number detector's mentions when the caller has them already; ``starts``: where dates
    and NHS numbers can begin (``prefilter.starts``), None: anywhere."""
    named: list[Mention] = []
    if present is None or "name" in present:
        named = list(names.detect(text, present))  # and each rule by its own trigger
    after_name = _after_name(named, text) if for_people else None
    date_starts = None if starts is None else starts["date"]
    nhs_starts = None if starts is None else starts["nhs"]
    found: list[Mention] = []
    for detector, trigger in GATED_DETECTORS:
        if detector is names.detect:
            found.extend(named)
        elif detector is nhs_number.detect and nhs is not None:
            found.extend(nhs)
        elif present is not None and trigger is not None and trigger not in present:
            continue
        elif detector is dates.detect:
            found.extend(dates.detect(text, after_name, date_starts))
        elif detector is nhs_number.detect:
            found.extend(nhs_number.detect(text, nhs_starts))
        elif detector is ods.detect:
            found.extend(ods.detect(text, present))  # each rule by its own trigger
        else:
            found.extend(detector(text))
    found.sort(key=_START)
    return found


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
_START = operator.itemgetter(1)  # Mention.start, without a Python call per mention


def _after_name(named: list[Mention], text: str) -> Callable[[int], bool]:
    """Whether a date starting at an offset follows a name as ``_birth_dates_after_names``
    requires (the same test, so a date it rejects is never needed)."""
    name_ends = sorted(m.end for m in named)

    def test(start: int) -> bool:
        i = bisect.bisect_right(name_ends, start) - 1
        return i >= 0 and _name_gap(text[name_ends[i] : start])

    return test


# Worklists print the sex between a name and its date of birth: "NOWAK, Tomasz (M) 02/11/1975".
_SEX_GAP = re.compile(r"[ \t,;:()]*(?:[MFU]|male|female|unknown)[ \t,;:()]*", re.IGNORECASE)


def _name_gap(gap: str) -> bool:
    """Whether what stands between a name and a date lets the date be the name's date of
    birth: a few spaces or punctuation marks, or a sex among them."""
    if len(gap) <= 4 and not gap.strip(" \t,;:()"):
        return True
    return len(gap) <= 16 and _SEX_GAP.fullmatch(gap) is not None


def _may_anchor(
    present: frozenset[str] | None, text: str, *, pmi_names: bool = False
) -> tuple[bool, list[Mention] | None]:
    """Whether ``text`` can hold an anchor: a valid NHS number, or a name and a date (every date
    of birth is a date). False only when that is certain, so skipping the text loses nothing.
    With ``pmi_names`` a name needs no trigger: the PMI's family names are found without one.
    Also the NHS-number mentions, where finding that out needed them (for ``find_mentions``)."""
    if present is None or ("date" in present and (pmi_names or "name" in present)):
        return True, None
    if "nhs" not in present:
        return False, None
    found = list(nhs_number.detect(text))
    return any(m.kind == "nhs_number" for m in found), found


def _birth_dates_after_names(mentions: list[Mention], text: str) -> list[Mention]:
    """A date printed straight after a patient's name is their date of birth."""
    for m in mentions:
        if m.kind == "date":
            break
    else:
        return mentions  # no date to read: as the pass below would give them
    name_ends = sorted(m.end for m in mentions if m.kind == "name")
    out = []
    for m in mentions:
        if m.kind == "date":
            i = bisect.bisect_right(name_ends, m.start) - 1
            if i >= 0 and _name_gap(text[name_ends[i] : m.start]):
                m = Mention("date_of_birth", m.start, m.end, m.value, m.detector, "after_name")
            else:
                continue
        out.append(m)
    return out


def _anchors(mentions: list[Mention], line_of: Callable[[int], int]) -> list[Mention]:
    """Valid NHS numbers; and patient names with a date of birth close by.

    Where NHS numbers are present, a name anchors a person of its own only when it shares a
    line with its date of birth and no NHS number does (a row of a printed list); otherwise
    the name belongs to the NHS number's person, as in a letter's header block.
    """
    nhs = [m for m in mentions if m.kind == "nhs_number"]
    dobs = [m for m in mentions if m.kind == "date_of_birth"]
    if not dobs:
        return nhs
    nhs_lines = {line_of(m.start) for m in nhs}
    # A name beside a 999-range NHS number is a test patient on an interface, not a person.
    test_lines = {line_of(m.start) for m in mentions if m.kind == "nhs_number_test"}
    named = []
    starts = [d.start for d in dobs]
    in_order = all(a <= b for a, b in itertools.pairwise(starts))  # as callers pass them
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
        if not nhs or (line not in nhs_lines and line_of(dob.start) == line):
            named.append(m)
    return sorted([*nhs, *named], key=lambda m: m.start)


def _header_pairs(
    mentions: list[Mention], anchors: list[Mention], line_of: Callable[[int], int]
) -> dict[Mention, Mention]:
    """NHS-number anchors alone on their line next to a line whose name and date of birth
    anchor a person, by the named anchor they belong to: a letter's header block ("Patient:
    OKAFOR, Grace  DOB 12/01/1962" over "NHS: 455 766 0932  Hosp No: H1234567") is one
    person, not two. Only where the number's line says nothing but who the patient is (one NHS
    number, a hospital number, contacts) and the two lines stand apart from other anchors' lines:
    rows of a list (a row with only an NHS number beside a row with only a name) stay people
    of their own. The line above is looked at first (the usual order), then the line below."""
    named = {line_of(a.start): a for a in anchors if a.kind == "name"}
    if not named:
        return {}
    anchor_lines = {line_of(a.start) for a in anchors}
    said: dict[int, set[str]] = {}
    for m in mentions:
        said.setdefault(line_of(m.start), set()).add(m.kind)
    numbers = Counter(line_of(a.start) for a in anchors if a.kind == "nhs_number")
    lone = {
        line_of(a.start): a
        for a in anchors
        if a.kind == "nhs_number"
        and numbers[line_of(a.start)] == 1
        and said[line_of(a.start)] <= _IDENTIFIERS
    }
    if set(lone) == {line + 1 for line in named}:
        # Every name's line followed by its number's: header blocks one after another.
        return {number: named[line - 1] for line, number in lone.items()}
    pairs: dict[Mention, Mention] = {}
    for line, anchor in lone.items():
        for near, away in ((line - 1, -1), (line + 1, 1)):
            # The pair's lines, and no anchor on the lines either side of them.
            if (
                near in named
                and near + away not in anchor_lines
                and line - away not in anchor_lines
            ):
                pairs[anchor] = named[near]
                break
    return pairs


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
        return nhs
    if nhs:
        return sorted(nhs, key=_START)  # the names share the NHS number's line
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
    return sorted(named, key=lambda m: m.start)


def group(mentions: list[Mention], locator: str, source: str, text: str = "") -> list[PersonRecord]:
    return _group(mentions, locator, source, text, _breaks(text))


def _group(
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
    line_of: Callable[[int], int]
    pairs: dict[Mention, Mention] = {}
    if breaks is None:
        line_of = _first_line
        anchors = _anchors_on_one_line(mentions)
    else:
        line_of = _line_of(breaks)
        anchors = _anchors(mentions, line_of)
        if len(anchors) > 1 and any(a.kind == "name" for a in anchors):
            pairs = _header_pairs(mentions, anchors, line_of)
            anchors = [a for a in anchors if a not in pairs]
    if not anchors:
        return []
    people = [PersonRecord(locator=locator, source=source) for _ in anchors]
    if len(anchors) == 1:  # every mention is the one anchor's (a log line's one patient)
        _gather_one(people[0], mentions, base)
    else:
        # Anchors in more than one paragraph (a letter about several people): a fact off every
        # anchor's line belongs to an anchor of its own paragraph, else to the person written
        # before it (a letter's results under its "Re:" line), not to whichever is nearest.
        paragraphs = _paragraphs(text, anchors) if breaks is not None else None
        shares = _shares(mentions, anchors, breaks, line_of, paragraphs)
        if pairs:
            _give_paired(shares, anchors, pairs)
        for person, share in zip(people, shares, strict=True):
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
    """Each paired NHS number (``_header_pairs``) moved to its named anchor's share, wherever
    nearness put it (a long header line can leave it nearer the next person's name)."""
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
        elif kind in _CATEGORY:
            if kind in _FIELDS:
                if value:
                    if not values.get(kind):
                        values[kind] = value
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


_BLANK_LINE = re.compile(r"\n[^\S\n]*(?=\n)")


def _paragraphs(text: str, anchors: list[Mention]) -> Callable[[Mention], int] | None:
    """The anchor a fact off every anchor's line belongs to, when the anchors are in more than
    one paragraph (else None): the nearest in the fact's own paragraph, else the last one before
    the fact (the first when none is)."""
    blanks = [m.start() for m in _BLANK_LINE.finditer(text)]
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


def people_in_text(
    text: str,
    locator: str,
    source: str = "text",
    *,
    extra: Callable[[str, list[Mention]], list[Mention]] | None = None,
) -> list[PersonRecord]:
    """People in ``text``; ``extra`` (text, mentions) -> mentions merges more of them in before
    grouping (``detect.pmi_terms``: the PMI's own names and numbers)."""
    embedded: list[PersonRecord] = []
    if "PID|" in text:
        embedded, text = segment_people(text, locator, source)
    # Every trigger, though _may_anchor reads only the anchor ones: the text that gets this far
    # mostly can hold one (a log's other lines are passed over by ``people_in_lines``).
    present, starts = prefilter.triggers_and_starts(text)
    may, nhs = _may_anchor(present, text, pmi_names=extra is not None)
    if not may:
        return embedded  # no anchor, so no person: group() would return nothing
    if extra is None:
        found = find_mentions(text, present, for_people=True, nhs=nhs, starts=starts)
        return embedded + group(found, locator, source, text)
    # PMI terms turn a family name and any date near it into a person, so every date is kept.
    found = extra(text, find_mentions(text, present, nhs=nhs, starts=starts))
    return embedded + group(found, locator, source, text)


def tests_in_text(text: str) -> tuple[list[str], bool]:
    """The catalogue tests a text names (in order of first sight) and whether it gives a
    result: for a part of a report that names no one (``scan.stage`` gives them to the
    report's one patient)."""
    codes: dict[str, None] = {}
    results = False
    for mention in lab_tests.detect(text):
        if mention.kind == "test":
            codes[mention.value] = None
        elif mention.kind == "test_result":
            results = True
    return list(codes), results and bool(codes)


def people_in_lines(
    lines: list[str],
    first: int,
    prefix: str = "",
    *,
    extra: Callable[[str, list[Mention]], list[Mention]] | None = None,
) -> Iterator[PersonRecord]:
    """``people_in_text`` of each non-blank line of ``lines`` (a log read a line at a time), the
    line numbered from ``first`` and located ``{prefix}line:N``: the same people in the same
    order, with the lines that cannot hold one (``prefilter.line_candidates``) passed over, and
    the commonest kind of line read together with its like (``_joined_people``)."""
    candidates = prefilter.line_candidates(lines, with_dates=extra is not None)
    # A logged message's segments after its PID line are its patient's: joined to that line.
    # Every PID line is a candidate, so only the candidates are looked at, not every line.
    for index, _ in candidates:
        if "PID|" in lines[index]:
            joined_lines = with_segments(lines)
            if joined_lines is not lines:
                lines = joined_lines
                candidates = prefilter.line_candidates(lines, with_dates=extra is not None)
            break
    joined = _joined_people(lines, candidates, first, prefix) if extra is None else {}
    for index, nhs_only in candidates:
        found = joined.get(index)
        if found is not None:
            yield from found
            continue
        line = lines[index]
        # Only an NHS number can anchor a person here, and _may_anchor asks for a valid one.
        if nhs_only and not any(m.kind == "nhs_number" for m in nhs_number.detect(line)):
            continue
        if line.strip():
            yield from people_in_text(line, f"{prefix}line:{first + index}", extra=extra)


# The detectors ``_joined_people`` runs over lines joined, each line read as if alone; a line
# with the trigger of any other (or of the names' label rule, whose spaces may be line breaks)
# takes the per-line path.
_JOINED: frozenset[object] = frozenset(
    {nhs_number.detect, dates.detect, names.detect, lab_tests.detect}
)
_PER_LINE_TRIGGERS = frozenset(
    {str(trigger) for detector, trigger in GATED_DETECTORS if detector not in _JOINED}
    | {"name:label"}
)
assert all(trigger for detector, trigger in GATED_DETECTORS if detector not in _JOINED)


def _joined_people(
    lines: list[str], candidates: list[tuple[int, bool]], first: int, prefix: str
) -> dict[int, list[PersonRecord]]:
    """``people_in_text`` of the candidate lines without an NHS-only verdict or any other
    detector's trigger (an interface log's "ACK ... NHS=... DOB=... SMITH^John test=FBC"; a
    PID segment read first and blanked, as there), by index: one scan of them joined by "\\n"
    (``prefilter.scan_joined``), their detectors run once over them all (``line_starts`` in
    each: no match crosses a line and each looks back or ahead within its own), the mentions
    shared out by line and grouped per line. A line's own scan and call to each detector cost
    more than its matches.

    A line with neither a date nor a name trigger gives here what ``people_in_text`` does:
    finding no name or no date, it can only be anchored by a valid NHS number, which is what
    ``_may_anchor`` asks of it there."""
    read: list[int] = []
    texts: list[str] = []
    embedded: dict[int, list[PersonRecord]] = {}  # the people of PID segments, first
    for index, nhs_only in candidates:
        line = lines[index]
        if nhs_only or not line.strip():
            continue
        if "PID|" in line:
            found_in_segments, line = segment_people(line, f"{prefix}line:{first + index}", "text")
            if "PID|" in line:
                continue  # a segment that gave nobody: read alone
            embedded[index] = found_in_segments
        read.append(index)
        texts.append(line)
    if not read:
        return {}
    scan = prefilter.scan_joined(texts, _PER_LINE_TRIGGERS)
    if scan is None:  # a flood of matches: each line is read alone
        return {}
    text, bases = scan.text, scan.line_starts
    named = list(names.detect(text, scan.present, bases))
    found: dict[object, list[Mention]] = {
        nhs_number.detect: list(nhs_number.detect(text, scan.starts["nhs"])),
        dates.detect: list(
            dates.detect(text, _after_name(named, text), scan.starts["date"], bases)
        ),
        names.detect: named,
        lab_tests.detect: list(lab_tests.detect(text, bases)),
    }
    per_line: list[list[Mention]] = [[] for _ in read]
    where = bisect.bisect_right
    for detector, _ in GATED_DETECTORS:  # in find_mentions' order
        for mention in found.get(detector, ()):
            per_line[where(bases, mention.start) - 1].append(mention)
    people: dict[int, list[PersonRecord]] = {}
    for number, (index, base, mentions) in enumerate(zip(read, bases, per_line, strict=True)):
        if number in scan.alone:
            continue
        mentions.sort(key=_START)
        locator = f"{prefix}line:{first + index}"
        found_here = _group(mentions, locator, "text", text, None, base)
        people[index] = embedded[index] + found_here if index in embedded else found_here
    return people
