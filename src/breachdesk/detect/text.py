"""Person-records from free text: detectors find mentions, anchors gather them into people.

Anchors are valid NHS numbers, else a patient name with a date of birth. Every other mention in
the same record goes to the nearest anchor, so a paragraph listing three patients gives three
people, each with their own tests.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from breachdesk.detect.base import Mention
from breachdesk.detect.records import PersonRecord
from breachdesk.readers.base import Record

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


def find_mentions(text: str) -> list[Mention]:
    from breachdesk.detect.registry import TEXT_DETECTORS

    found: list[Mention] = []
    for detector in TEXT_DETECTORS:
        found.extend(detector(text))
    found.sort(key=lambda m: m.start)
    return found


def _birth_dates_after_names(mentions: list[Mention], text: str) -> list[Mention]:
    """A date printed straight after a patient's name is their date of birth."""
    name_ends = sorted(m.end for m in mentions if m.kind == "name")
    out = []
    for m in mentions:
        if m.kind == "date":
            i = bisect.bisect_right(name_ends, m.start) - 1
            gap = text[name_ends[i] : m.start] if i >= 0 else None
            if gap is not None and len(gap) <= 4 and not gap.strip(" \t,;:()"):
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
    for m in mentions:
        if m.kind != "name" or line_of(m.start) in test_lines:
            continue
        dob = min(dobs, key=lambda d: abs(d.start - m.end))
        if abs(dob.start - m.end) >= 80:
            continue
        if not nhs or (
            line_of(m.start) not in nhs_lines and line_of(dob.start) == line_of(m.start)
        ):
            named.append(m)
    return sorted([*nhs, *named], key=lambda m: m.start)


def group(mentions: list[Mention], locator: str, source: str, text: str = "") -> list[PersonRecord]:
    if text:
        mentions = _birth_dates_after_names(mentions, text)
    line_of = _line_index(text)
    anchors = _anchors(mentions, line_of)
    if not anchors:
        return []
    people = [PersonRecord(locator=locator, source=source) for _ in anchors]
    for mention in mentions:
        if mention.kind.startswith("nhs_number_"):
            continue  # failed checksums and test-range numbers are not people
        if mention.kind == "nhs_number" and mention not in anchors:
            continue
        nearest = min(
            range(len(anchors)),
            key=lambda i: (
                line_of(anchors[i].start) != line_of(mention.start),
                _distance(anchors[i], mention),
            ),
        )
        rec = people[nearest]
        rec.evidence.append(
            (
                mention.kind,
                f"chars:{mention.start}-{mention.end}",
                mention.detector,
                mention.rule,
                mention.checksum,
            )
        )
        if mention.kind == "name":
            if not rec.values.get("family_name"):
                rec.set("family_name", mention.value, "name")
                rec.set("given_name", mention.extra, "name")
        elif mention.kind == "test":
            rec.add_test(mention.value)
        elif mention.kind == "ods_code":
            if mention.value not in rec.ods_codes:
                rec.ods_codes.append(mention.value)
        elif mention.kind in _CATEGORY:
            field = (
                mention.kind
                if mention.kind in {"nhs_number", "date_of_birth", "postcode", "hospital_number"}
                else ""
            )
            if field:
                rec.set(field, mention.value, _CATEGORY[mention.kind])
            else:
                rec.exposed.add(_CATEGORY[mention.kind])
    return [p for p in people if p.identifies()]


_NEWLINE = re.compile("\n")


def _line_index(text: str) -> Callable[[int], int]:
    """Which line an offset is on: a fact on an anchor's own line belongs to that anchor."""
    breaks = [m.start() for m in _NEWLINE.finditer(text)]  # not a Python loop per character
    return lambda offset: bisect.bisect_left(breaks, offset)


def _distance(anchor: Mention, mention: Mention) -> int:
    if mention.start >= anchor.end:
        return mention.start - anchor.end
    if mention.end <= anchor.start:
        # Facts usually follow the identifier they belong to; a small penalty for those before it.
        return (anchor.start - mention.end) + 5
    return 0


# An HL7 v2 PID segment quoted in free text, as interface engines log rejected messages. Its
# fields say exactly what each value is (PID-3 type MR is a hospital number, PID-5 a name even
# without an NHS number to anchor it), so it is read as a segment, not as prose. Bounded.
_PID = re.compile(r"(?<![A-Za-z0-9])PID\|[^\r\n]{1,4000}")


def _pid_people(text: str, locator: str, source: str) -> tuple[list[PersonRecord], str]:
    """People from PID segments in ``text``, and the text with those segments blanked (offsets
    kept) so the prose detectors do not find the same person twice."""
    from breachdesk.detect.hl7 import person_from_message

    people: list[PersonRecord] = []
    for match in _PID.finditer(text):
        record = Record(locator=locator, schema="hl7v2")
        for i, value in enumerate(match.group().split("|")[1:], start=1):
            if value:
                record.fields[f"PID-{i}"] = [value]
        found = person_from_message(record)
        for person in found:
            person.source = source
        if found:
            people.extend(found)
            text = text[: match.start()] + " " * len(match.group()) + text[match.end() :]
    return people, text


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
        embedded, text = _pid_people(text, locator, source)
    mentions = find_mentions(text)
    if extra is not None:
        mentions = extra(text, mentions)
    return embedded + group(mentions, locator, source, text)
