"""HL7 v2 messages (ORU^R01 and friends): batches, MLLP framing, separators from MSH.

Each message becomes one ``Record`` whose fields are keyed ``SEG-n`` (``PID-5``), with component
and repetition separators normalised to ``^`` and ``~`` so detectors need not know the encoding.
A message that holds several patients (an ORU^R01 may repeat its PID group) gives one ``Record``
per PID, each with the segments up to the next and the message header's fields
(``message:N!patient:K`` from the second on).
Only the fields in ``FIELDS`` are kept: a typical ORU^R01 has a hundred filled fields and the
detectors read twenty, so building the rest cost half the reader's time for nothing.
A report sent inside an OBX (type ``ED``, or base64 under ``TX``/``RP``, in one segment or
several) is read after its message as a file of its own (``readers.embedded``), located
``message:N!OBX:K``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from breachdesk.ingest.sniff import decode, text_stream
from breachdesk.readers import embedded
from breachdesk.readers.base import Item, ReaderError, Record

# The fields ``detect.hl7.person_from_message`` reads, by segment type; a test holds it to that.
# NTE-3 (free-text comments) and the fields of a vendor's Z-segments go to the record's text
# instead.
FIELDS: dict[str, tuple[int, ...]] = {
    "MSH": (6,),
    "PID": (2, 3, 4, 5, 7, 8, 11, 13, 14, 19),
    "PV1": (3,),
    "ORC": (12, 17, 21),
    "OBR": (4, 16),
    "OBX": (3, 5),
    "DG1": (3, 4),  # the coded diagnosis and its description
}
# Per segment type: how far to split it (enough for its last kept field), and (position, key).
_PLAN: dict[str, tuple[int, tuple[tuple[int, str], ...]]] = {
    kind: (max(places) + 1, tuple((i, f"{kind}-{i}") for i in places))
    for kind, places in FIELDS.items()
    if kind != "MSH"
}
_NTE_SPLIT = 4  # NTE-3 and what follows it


def _segments(piece: str) -> list[str]:
    """A piece of the file cut at segment ends (CR, LF) and MLLP frame bytes (VT, FS)."""
    if "\n" in piece:
        piece = piece.replace("\n", "\r")
    if "\x0b" in piece:
        piece = piece.replace("\x0b", "\r")
    if "\x1c" in piece:
        piece = piece.replace("\x1c", "\r")
    segments = piece.split("\r")
    if piece[:1] == " " or piece[-1:] == " " or " \r" in piece or "\r " in piece:
        # Spaces around a segment are dropped; most feeds have none, and looking once for a
        # space beside a break saves a strip per segment.
        return [seg.strip(" ") for seg in segments]
    return segments


def _normalise(value: str, comp: str, rep: str) -> str:
    if comp != "^" or rep != "~":
        value = value.translate(_table(comp, rep))
    return value


@functools.cache
def _table(comp: str, rep: str) -> dict[int, str]:
    """One simultaneous mapping: the message's separators to ``^`` and ``~``, and a literal
    ``^`` or ``~`` (data under this encoding, not a separator) to HL7's escapes. In sequence,
    escaping first would also escape a standard ``~`` used with a custom ``^``, and a swapped
    pair (``~^``) would turn into each other."""
    table = {ord(c): e for c, e in (("^", "\\S\\"), ("~", "\\R\\")) if c not in (comp, rep)}
    # A mangled MSH may name one character for both: it is the component separator, read
    # first, as a character-by-character reading takes it.
    return table | {ord(rep): "~", ord(comp): "^"}


# HL7's escape sequences (v2.x chapter 2): the delimiters written as data, and the
# formatting and character-set escapes a sender puts in text ("SMITH\T\JONES" for an ampersand,
# "ZO\XC3AB\" for "ZOË"). Hex escapes are bytes of the message's character set: UTF-8
# where they decode so, else Latin-1.
_ESCAPE = re.compile(r"\\([FSTRE]|X[0-9A-Fa-f]{2,32}|\.br|H|N|[CM][0-9A-Fa-f]{4,6}|Z[^\\]{0,32})\\")
_DELIMITERS = {"F": "|", "S": "^", "T": "&", "R": "~", "E": "\\", ".br": "\n"}


def unescape(value: str) -> str:
    """A component's text with HL7's escape sequences read; formatting and character-set
    switches dropped. Text with no backslash is returned as it is, without a search."""
    if "\\" not in value:
        return value
    return _ESCAPE.sub(_unescaped, value)


def _unescaped(found: re.Match[str]) -> str:
    code = found.group(1)
    if code in _DELIMITERS:
        return _DELIMITERS[code]
    if code[0] == "X":
        raw = bytes.fromhex(code[1:]) if len(code) % 2 else b""
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("latin-1")
    return ""  # highlighting, a character set's switch, a local (Z) escape


def read(data: bytes, name: str) -> Iterator[Item]:
    text, _ = decode(data)
    yield from _with_documents([text])


def read_stream(stream: BinaryIO, name: str) -> Iterator[Item]:
    """Messages from a batch file of any size, one at a time."""
    yield from _with_documents(text_stream(stream))


def _with_documents(pieces: Iterable[str]) -> Iterator[Item]:
    """Each message's record, then the documents its OBX segments carried."""
    found = embedded.Hl7Documents()
    for message in messages(pieces, found):
        yield message
        if found.documents:
            yield from found.drain()


def messages(pieces: Iterable[str], found: embedded.Hl7Documents | None = None) -> Iterator[Record]:
    """The messages of pipe-delimited text given in pieces (a file's, or another reader's:
    ``readers.hl7v2_xml``, ``detect.hl7_in_text``); with ``found``, the documents carried in
    their OBX segments are gathered there, the OBX-5 kept without their data."""
    message: Record | None = None
    fields: dict[str, list[str]] = {}
    count = 0
    field_sep, comp, rep = "|", "^", "~"
    plain = True
    plan = _PLAN
    pids = 0  # PID segments of the message so far
    header: list[str] | None = None  # its MSH-6, for each patient's record
    obx = 0  # OBX segments of the message so far (counted only with ``found``)
    opened = False  # a document is open: lines of bare base64 may continue it
    shortest = embedded.SHORTEST
    for piece in pieces:
        for seg in _segments(piece):
            # (A segment has its field separator after its type; a line of data does not.)
            if opened and found is not None and seg[3:4] != field_sep:
                taken, opened = found.line(seg, field_sep)
                if taken:
                    continue
            kind = seg[:3]
            planned = plan.get(kind)
            if planned is not None:
                if message is None:
                    continue
                if kind == "PID" and len(seg) > 3:
                    if pids:  # the message's next patient: their own record
                        yield message
                        message = Record(
                            locator=f"message:{count}!patient:{pids + 1}", schema="hl7v2"
                        )
                        fields = message.fields
                        if header is not None:
                            fields["MSH-6"] = list(header)
                        opened = False
                    pids += 1
                # The reader's hot path: split no further than the last kept field, and no
                # call per field unless the separators need normalising.
                split, places = planned
                parts = seg.split(field_sep, split)
                n = len(parts)
                if found is not None:
                    if kind == "OBX":
                        obx += 1
                        # Gated on what a document's value is: typed ED, or long with no space.
                        if n > 5 and (
                            opened
                            or parts[2] == "ED"
                            or (len(parts[5]) >= shortest and " " not in parts[5])
                        ):
                            opened = found.obx(parts, f"{message.locator}!OBX:{obx}", comp, rep)
                    elif opened:  # a new order or patient: no more of the document
                        opened = found.close()
                for i, key in places:
                    if i < n:
                        value = parts[i]
                        if value:
                            if not plain:
                                value = _normalise(value, comp, rep)
                            held = fields.get(key)
                            if held is None:
                                fields[key] = [value]
                            else:
                                held.append(value)
                if kind == "OBR" and n > 13 and parts[13]:
                    # The requester's clinical details ("LMP 20/04/24. 6/40 pregnant"): text,
                    # as a comment is.
                    message.text += " " + parts[13]
            elif kind == "MSH" and len(seg) >= 4:
                if message is not None:
                    yield message
                count += 1
                field_sep = seg[3]
                enc = seg[4:8]
                comp = enc[0] if enc else "^"
                rep = enc[1] if len(enc) > 1 else "~"
                plain = comp == "^" and rep == "~"
                message = Record(locator=f"message:{count}", schema="hl7v2")
                fields = message.fields
                pids, header, obx, opened = 0, None, 0, False
                # MSH-1 is the field separator itself, so MSH field numbers are shifted by one.
                parts = seg.split(field_sep, 6)
                if len(parts) > 5 and parts[5]:
                    header = fields["MSH-6"] = [_normalise(parts[5], comp, rep)]
            elif kind == "NTE" and message is not None:
                parts = seg.split(field_sep, _NTE_SPLIT)
                if len(parts) > 3:
                    # Free-text comments can name people; detectors read them as text.
                    message.text += " " + parts[3]
            elif kind[:1] == "Z" and message is not None:
                # A vendor's own segment (an infection-control alert, "ZPI|1|HEPB CARRIER|
                # Previous Hep B surface antigen positive 2019") is read as text, as a comment
                # is: the tests it names are the patient's.
                parts = seg.split(field_sep, 2)
                if len(parts) > 2:
                    rest = parts[2].replace(field_sep, " ").replace(comp, " ")
                    message.text += " " + rest
    if message is not None:
        yield message
    if count == 0:
        raise ReaderError("no MSH segment: not an HL7 v2 message")
