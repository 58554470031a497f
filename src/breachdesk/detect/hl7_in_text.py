"""HL7 v2 segments quoted in free text: an interface engine's log of a message it received or
rejected, a message pasted into an e-mail or a ticket.

A PID segment's fields say exactly what each value is (PID-3 type MR is a hospital number,
PID-5 a name even without an NHS number to anchor it), so it is read as a segment, not as prose.
The segments that follow it on the next lines (or after a carriage return on the same line),
up to the next message or the first line that is no segment, are its message's: their orders
and observations (OBR-4, OBX-3) are that patient's tests, read as ``detect.hl7`` reads a feed's.
"""

from __future__ import annotations

import re

from breachdesk.detect.records import PersonRecord
from breachdesk.readers import hl7v2

# Bounded. The lookbehind follows the "P" so ``re`` skips to each "P":
# ``(?<![A-Za-z0-9])PID\|[^\r\n]{1,4000}``.
PID = re.compile(r"P(?<![A-Za-z0-9]P)ID\|[^\r\n]{1,4000}")
# The next segment, after the line break(s) that end the one before: three capitals or digits
# (a letter first) and the field separator, at a line's start.
_NEXT = re.compile(r"(?:\r\n?|\n)([A-Z][A-Z0-9]{2})\|([^\r\n]{0,4000})")
_ESCAPED_BREAK = re.compile(r"\\[rn](?=[A-Z][A-Z0-9]{2}\|)")
# A message whose segment ends became spaces (an XML element's or a JSON value's text, its line
# breaks folded: "...BN1 3FE OBR|1|..."): a space before a segment a message carries.
_FOLDED_BREAK = re.compile(
    r" (?=(?:MSH|EVN|PD1|PV1|PV2|NK1|ORC|OBR|OBX|NTE|DG1|AL1|IN1|GT1|SPM|TQ1|TXA|Z[A-Z0-9]{2})\|)"
)
_ENDS_MESSAGE = frozenset({"MSH", "PID", "BHS", "FHS", "BTS", "FTS"})
# A quoted message's header is seldom quoted with it: the segments are read under this one.
_HEADER = "MSH|^~\\&|"


def segment_people(text: str, locator: str, source: str) -> tuple[list[PersonRecord], str]:
    """People from PID segments in ``text`` with the segments that follow each (read by the
    HL7 reader, under a header of its own), and the text with those segments blanked (offsets
    kept) so the prose detectors do not find the same person twice."""
    from breachdesk.detect.hl7 import person_from_message

    people: list[PersonRecord] = []
    if "\\" in text:
        # A message logged as one string, its segment ends escaped ("...BN1 3FE\rOBR|1|..."):
        # each "\r" before a segment is read as the break it stands for (a space and a
        # carriage return: the same length, so every offset stays).
        text = _ESCAPED_BREAK.sub(" \r", text)
    if " " in text:
        text = _FOLDED_BREAK.sub("\r", text)
    for match in PID.finditer(text):
        segments = [_HEADER, match.group()]
        end = match.end()
        while (following := _NEXT.match(text, end)) is not None:
            if following[1] in _ENDS_MESSAGE:
                break
            segments.append(f"{following[1]}|{following[2]}")
            end = following.end()
        (record,) = hl7v2.messages(["\r".join(segments)])
        record.locator = locator
        found = person_from_message(record)
        for person in found:
            person.source = source
        if found:
            people.extend(found)
            start = match.start()
            text = text[:start] + _blank(text[start:end]) + text[end:]
    return people, text


_BREAK = re.compile(r"(\r\n?|\n)")


def _blank(segments: str) -> str:
    """Spaces for the segments' characters, their line breaks kept: a log's lines and a text's
    paragraphs stay where they were."""
    if "\r" not in segments and "\n" not in segments:
        return " " * len(segments)
    return "".join(
        part if number % 2 else " " * len(part)
        for number, part in enumerate(_BREAK.split(segments))
    )


_SEGMENT_LINE = re.compile(r"[A-Z][A-Z0-9]{2}\|")


def with_segments(lines: list[str]) -> list[str]:
    """A log's lines with the segments that follow a PID segment's line joined to it (after a
    carriage return, as a message writes them) and their own lines left blank, so
    ``segment_people`` reads the message whole and the line numbers stay; ``lines`` itself
    when no PID line is followed by one."""
    out: list[str] | None = None
    count = len(lines)
    for index, line in enumerate(lines):
        if "PID|" not in line:
            continue
        after = index + 1
        while (
            after < count
            and _SEGMENT_LINE.match(lines[after]) is not None
            and lines[after][:3] not in _ENDS_MESSAGE
        ):
            after += 1
        if after > index + 1:
            if out is None:
                out = list(lines)
            out[index] = "\r".join(lines[index:after])
            out[index + 1 : after] = [""] * (after - index - 1)
    return lines if out is None else out
