"""Person-records from free text: detectors find mentions, anchors gather them into people.

Anchors are valid NHS numbers, else a patient name with a date of birth. Every other mention in
the same record goes to the nearest anchor, so a paragraph listing three patients gives three
people, each with their own tests (the gathering is ``detect.grouping``'s).

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
from collections.abc import Callable, Iterator

from breachdesk.detect import dates, hospital, lab_tests, names, nhs_number, ods, prefilter
from breachdesk.detect.base import Mention
from breachdesk.detect.grouping import START, after_name, group, group_in
from breachdesk.detect.hl7_in_text import segment_people, with_segments
from breachdesk.detect.records import PersonRecord
from breachdesk.detect.registry import GATED_DETECTORS


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
    follows_name = after_name(named, text) if for_people else None
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
            found.extend(dates.detect(text, follows_name, date_starts))
        elif detector is nhs_number.detect:
            found.extend(nhs_number.detect(text, nhs_starts))
        elif detector is ods.detect:
            found.extend(ods.detect(text, present))  # each rule by its own trigger
        else:
            found.extend(detector(text))
    found.sort(key=START)
    return found


def _may_anchor(
    present: frozenset[str] | None, text: str, *, pmi_names: bool = False
) -> tuple[bool, list[Mention] | None]:
    """Whether ``text`` can hold an anchor: a valid NHS number, or a name and a date (every date
    of birth is a date) or a hospital number. False only when that is certain, so skipping the
    text loses nothing. With ``pmi_names`` a name needs no trigger: the PMI's family names are
    found without one.
    Also the NHS-number mentions, where finding that out needed them (for ``find_mentions``)."""
    # (A name and a postcode: a letter's address block, ``detect.address_blocks``.)
    named = pmi_names or "name" in present if present is not None else True
    if present is None or (named and ("date" in present or "postcode" in present)):
        return True, None
    if (
        "hospital" in present
        and (pmi_names or "name" in present)
        and hospital.LABELLED.search(text) is not None  # (the trigger takes any "unit", "case")
    ):
        return True, None  # a name with a hospital number
    if "nhs" not in present:
        return False, None
    found = list(nhs_number.detect(text))
    return any(m.kind == "nhs_number" for m in found), found


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


def add_tests_in(rec: PersonRecord, passage: str) -> None:
    """The tests a passage about ``rec``'s person names (``tests_in_text``) added to them, and
    its result when it gives one: an HL7 note or text result, a FHIR report's conclusion."""
    codes, results = tests_in_text(passage)
    for code in codes:
        rec.add_test(code)
    if results:
        rec.exposed.add("test_result")


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
    numbered = _with_valid_numbers(lines, [index for index, nhs_only in candidates if nhs_only])
    for index, nhs_only in candidates:
        found = joined.get(index)
        if found is not None:
            yield from found
            continue
        line = lines[index]
        # Only an NHS number can anchor a person here, and _may_anchor asks for a valid one.
        if nhs_only and index not in numbered:
            continue
        if line.strip():
            yield from people_in_text(line, f"{prefix}line:{first + index}", extra=extra)


def _with_valid_numbers(lines: list[str], indices: list[int]) -> set[int]:
    """Those of ``indices`` whose line holds a valid NHS number (``nhs_number.detect`` of the
    line alone), from one call over those lines joined by "\\n", its regexes tried only where
    the prefilter says a number can start (``prefilter.starts``): no match of its patterns
    takes a line break, nor do the words it reads before a number (as ``_joined_people``
    relies on). Tried at every digit of each line, they cost a log a tenth of its time."""
    if not indices:
        return set()
    texts = [lines[index] for index in indices]
    bases = prefilter.line_starts(texts)
    text = "\n".join(texts)
    starts = prefilter.starts(text)
    where = bisect.bisect_right
    return {
        indices[where(bases, mention.start) - 1]
        for mention in nhs_number.detect(text, None if starts is None else starts["nhs"])
        if mention.kind == "nhs_number"
    }


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
        dates.detect: list(dates.detect(text, after_name(named, text), scan.starts["date"], bases)),
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
        mentions.sort(key=START)
        locator = f"{prefix}line:{first + index}"
        found_here = group_in(mentions, locator, "text", text, None, base)
        people[index] = embedded[index] + found_here if index in embedded else found_here
    return people
