"""ASTM E1394 / CLSI LIS2-A2 records: what laboratory analysers and their middleware send the LIS.

An analyser's host log or capture file holds a header (``H|\\^&|||cobas^1``), then per sample a
patient record (``P|1||K123456|4557660932|SMITH^JOHN^A||19600214|M``), its orders (``O``), results
(``R|1|^^^HBSAG|Reactive``) and comments (``C``), and a terminator (``L``). On the wire
(E1381) each record travels in frames, ``<STX>`` and a frame number before it, ``<ETX>`` (last
frame of a record) or ``<ETB>`` (a record continued in the next frame) and a checksum after;
logs write those control characters raw or spelled out (``<STX>``, ``[ETX]``), often after a
timestamp. No maintained Python package reads the record layer (``astm`` was last released in
2013), and it is a few delimiters, so it is read here.

Each patient record with what follows it is translated into an HL7 v2 message (PID, OBR, OBX,
NTE) and read by the HL7 reader, so one detector (``detect.hl7``) says who the patient is and
which tests are theirs: the practice-assigned ID is the hospital number (PID-3 type MR), the
name's components are HL7's order already, the attending physician is the requester.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from breachdesk.ingest.sniff import decode
from breachdesk.readers import hl7v2
from breachdesk.readers import text as text_reader
from breachdesk.readers.base import Item, ReaderError, Record

# Control characters as a log spells them: "<STX>", "[ETX]", "<cr>".
_SPELLED = re.compile(r"[<\[](STX|ETX|ETB|EOT|ENQ|ACK|NAK|CR|LF)[>\]]", re.IGNORECASE)
_CONTROL = {
    "STX": "\x02",
    "ETX": "\x03",
    "ETB": "\x17",
    "EOT": "\x04",
    "ENQ": "\x05",
    "ACK": "\x06",
    "NAK": "\x15",
    "CR": "\r",
    "LF": "\n",
}
# An E1381 frame: STX, its number (0-7), the text, ETX or ETB, a two-digit checksum. A frame
# is at most 247 characters; a log may have lost its end.
_FRAME = re.compile(r"\x02([0-7]?)([^\x02\x03\x17]{0,4000})([\x03\x17]?)(?:[0-9A-Fa-f]{2})?")
# The header record names the delimiters: field, repeat, component, escape ("H|\^&").
HEADER = re.compile(r"(?<![A-Za-z0-9])[0-7]?H([^\w\s])([^\w\s])([^\w\s])([^\w\s])(?:\1|$)")
_TYPES = "HPOQRCLMS"


class _Delimiters:
    def __init__(self, field: str = "|", repeat: str = "\\", comp: str = "^", esc: str = "&"):
        self.field, self.repeat, self.comp, self.esc = field, repeat, comp, esc
        self.start = record_start(field)


@functools.cache
def record_start(field: str) -> re.Pattern[str]:
    """A record's start in a line: its type letter (after a frame number or a log's prefix)
    and the field delimiter ``field``."""
    return re.compile(rf"(?<![A-Za-z0-9])[0-7]?([{_TYPES}]){re.escape(field)}")


def read(data: bytes, name: str) -> Iterator[Item]:
    text, _ = decode(data)
    records, rest = _records(text)
    if not records:
        raise ReaderError("no ASTM E1394 records (H|, P|, R| lines): not an analyser file")
    yield from _patients(records)
    if any(ch.isalpha() for ch in rest):
        # A log's own lines between the frames ("Patient SMITH not found in LIS") are prose.
        yield from text_reader.paragraphs(rest, prefix="log!")


def _records(text: str) -> tuple[list[tuple[int, str]], str]:
    """The file's records as (line number, record text from its type letter on), and the text
    left outside them."""
    if "<" in text or "[" in text:
        text = _SPELLED.sub(lambda m: _CONTROL[m.group(1).upper()], text)
    if "\x02" in text:
        return _framed(text)
    records: list[tuple[int, str]] = []
    rest: list[str] = []
    delimiters = _Delimiters()
    for number, line in enumerate(text.splitlines(), start=1):
        header = HEADER.search(line)
        if header is not None and len(set(header.groups())) == 4:
            delimiters = _Delimiters(*header.groups())
        found = delimiters.start.search(line)
        if found is None:
            rest.append(line)
            continue
        rest.append("")
        records.append((number, line[found.start(1) :].rstrip("\x03\x04\x17\r")))
    return _with_delimiters(records), "\n".join(rest)


def _framed(text: str) -> tuple[list[tuple[int, str]], str]:
    """Records from E1381 frames, a record continued over frames (ETB) joined; a line number is
    the frame's that opened the record."""
    records: list[tuple[int, str]] = []
    pending = ""
    opened = 0
    rest: list[str] = []
    last = 0
    line = 1
    for frame in _FRAME.finditer(text):
        rest.append(_unframed(text[last : frame.start()]))
        line += text.count("\n", last, frame.start())
        last = frame.end()
        if not pending:
            opened = line
        pending += frame.group(2)
        if frame.group(3) == "\x17":
            continue  # the record goes on in the next frame
        for piece in pending.split("\r"):
            piece = piece.strip("\n")
            if piece:
                records.append((opened, piece))
        pending = ""
    if pending:
        records.append((opened, pending.strip("\r\n")))
    rest.append(_unframed(text[last:]))
    return _with_delimiters(records), "".join(rest)


def _unframed(between: str) -> str:
    """Text between frames with the link's control characters left out, its lines kept."""
    return "".join(ch for ch in between if ch >= " " or ch in "\n\t")


def _with_delimiters(records: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Records whose first characters are a record type and a field delimiter."""
    return [
        (number, record.lstrip("01234567"))
        for number, record in records
        if len(record.lstrip("01234567")) > 1
        and record.lstrip("01234567")[0] in _TYPES
        and not record.lstrip("01234567")[1].isalnum()
    ]


def _patients(records: list[tuple[int, str]]) -> Iterator[Record]:
    """An HL7-shaped record per patient record, with the orders, results and comments after it."""
    delimiters = _Delimiters()
    segments: list[str] = []
    opened = 0
    for number, record in records:
        kind = record[0]
        if kind == "H":
            header = HEADER.match(record)
            if header is not None and len(set(header.groups())) == 4:
                delimiters = _Delimiters(*header.groups())
            if segments:
                yield _message(segments, opened)
            segments = []
            continue
        fields = record.split(delimiters.field)
        if kind == "P":
            if segments:
                yield _message(segments, opened)
            segments, opened = _patient(fields, delimiters), number
        elif not segments:
            continue  # an order or result before any patient record names no one
        elif kind == "O":
            segments += _order(fields, delimiters, len(segments))
        elif kind == "R":
            segments.append(_result(fields, delimiters, len(segments)))
        elif kind == "C" and len(fields) > 3:
            segments.append(f"NTE|{len(segments)}|L|{_hl7(fields[3], delimiters)}")
        elif kind == "L":
            yield _message(segments, opened)
            segments = []
    if segments:
        yield _message(segments, opened)


def _message(segments: list[str], line: int) -> Record:
    (record,) = hl7v2.messages(["\r".join(["MSH|^~\\&|", *segments])])
    return Record(locator=f"line:{line}", schema="astm", text=record.text, fields=record.fields)


def _field(fields: list[str], position: int) -> str:
    """Field ``position`` of a record, numbered as E1394 numbers them (the type is field 1)."""
    return fields[position - 1] if len(fields) >= position else ""


def _patient(fields: list[str], d: _Delimiters) -> list[str]:
    ids = []
    practice = _hl7(_field(fields, 3), d).split("^")[0]
    if practice:
        # The ID the requesting hospital or practice gave: its MRN (an NHS number is taken as
        # one by its checksum whatever its type).
        ids.append(f"{practice}^^^^MR")
    for position in (4, 5):  # the laboratory's ID, and the third (often the national) ID
        value = _hl7(_field(fields, position), d).split("^")[0]
        if value:
            ids.append(value)
    address = _hl7(_field(fields, 11), d).split("^")
    # E1394's street^city^state^zip^country into HL7's street^other^city^state^zip^country.
    xad = "^".join([address[0], "", *address[1:5]]) if any(address) else ""
    pid = ["PID", "1", "", "~".join(ids), "", _hl7(_field(fields, 6), d), ""]
    pid += [_hl7(_field(fields, 8), d).split("^")[0], _hl7(_field(fields, 9), d), "", ""]
    pid += [xad, "", _hl7(_field(fields, 13), d)]
    segments = ["|".join(pid)]
    physician = _hl7(_field(fields, 14), d)
    if physician:
        segments.append("|".join(["ORC", "NW", *[""] * 10, physician]))  # ORC-12
    diagnosis = _hl7(_field(fields, 19), d)
    if diagnosis:
        segments.append(f"NTE|1|L|{diagnosis}")
    return segments


def _order(fields: list[str], d: _Delimiters, count: int) -> list[str]:
    specimen = _hl7(_field(fields, 3), d)
    physician = _hl7(_field(fields, 17), d)
    out: list[str] = []
    for test in _field(fields, 5).split(d.repeat):
        if test.strip():
            coded = _test_id(test, d)
            obr = ["OBR", str(count + len(out)), "", specimen, coded, *[""] * 11, physician]
            out.append("|".join(obr))  # OBR-3 the specimen, OBR-4 the test, OBR-16 who asked
    clinical = _hl7(_field(fields, 14), d)
    if clinical:
        out.append(f"NTE|{count + len(out)}|L|{clinical}")
    return out


def _result(fields: list[str], d: _Delimiters, count: int) -> str:
    value = _hl7(_field(fields, 4), d)
    units = _hl7(_field(fields, 5), d)
    return f"OBX|{count}|ST|{_test_id(_field(fields, 3), d)}||{value}|{units}"


def _test_id(universal: str, d: _Delimiters) -> str:
    """E1394's universal test ID (``^^^GLU``, ``^^^HIV^1``, ``2345-7^Glucose``) as an HL7 coded
    element: the manufacturer's code (its fourth component) or the universal one, then the
    name; a fifth component that is a word (not a dilution or replicate number) as the
    alternate text."""
    parts = [_hl7(part, d) for part in universal.split(d.comp)]
    parts += [""] * (5 - len(parts))
    code = parts[3] or parts[0]
    extra = parts[4] if any(ch.isalpha() for ch in parts[4]) else ""
    return f"{code}^{parts[1]}^^^{extra}" if extra else f"{code}^{parts[1]}"


# E1394 escapes (the escape delimiter, a letter, the escape delimiter again) and HL7's for the
# characters HL7 reserves.
_HL7_ESCAPES = str.maketrans(
    {"\\": "\\E\\", "|": "\\F\\", "^": "\\S\\", "~": "\\R\\", "&": "\\T\\"}
)


def _hl7(value: str, d: _Delimiters) -> str:
    """A field's value under HL7's delimiters: repeats by ``~``, components by ``^``, each
    component's own characters escaped as HL7 escapes them."""
    if not value:
        return ""
    return "~".join(
        "^".join(_literal(part, d).translate(_HL7_ESCAPES) for part in repeat.split(d.comp))
        for repeat in value.split(d.repeat)
    )


def _literal(part: str, d: _Delimiters) -> str:
    if d.esc not in part:
        return part
    for letter, char in (("F", d.field), ("S", d.comp), ("R", d.repeat), ("E", d.esc)):
        part = part.replace(f"{d.esc}{letter}{d.esc}", char)
    return part
