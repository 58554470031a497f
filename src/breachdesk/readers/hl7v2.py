"""HL7 v2 messages (ORU^R01 and friends): batches, MLLP framing, separators from MSH.

Each message becomes one ``Record`` whose fields are keyed ``SEG-n`` (``PID-5``), with component
and repetition separators normalised to ``^`` and ``~`` so detectors need not know the encoding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from breachdesk.ingest.sniff import decode, text_stream
from breachdesk.readers.base import Item, ReaderError, Record

_SEGMENT = re.compile(r"^[A-Z][A-Z0-9]{2}$")


_BREAKS = re.compile(r"[\r\n\x0b\x1c]+")


def _segments(pieces: Iterable[str]) -> Iterator[str]:
    for piece in pieces:
        for seg in _BREAKS.split(piece):
            seg = seg.strip("\x0b\x1c ")
            if len(seg) >= 4 and _SEGMENT.match(seg[:3]):
                yield seg


def _normalise(value: str, comp: str, rep: str) -> str:
    if comp != "^" or rep != "~":
        value = value.replace("^", "\\S\\").replace("~", "\\R\\")
        value = value.replace(comp, "^").replace(rep, "~")
    return value


_KEYS: dict[str, list[str]] = {}


def _keys(kind: str, count: int) -> list[str]:
    """Field names ``SEG-0`` .. ``SEG-n`` for a segment type, made once per process."""
    keys = _KEYS.get(kind)
    if keys is None or len(keys) < count:
        keys = _KEYS[kind] = [f"{kind}-{i}" for i in range(max(count, 32))]
    return keys


def read(data: bytes, name: str) -> Iterator[Item]:
    text, _ = decode(data)
    yield from _messages([text])


def read_stream(stream: BinaryIO, name: str) -> Iterator[Item]:
    """Messages from a batch file of any size, one at a time."""
    yield from _messages(text_stream(stream))


def _messages(pieces: Iterable[str]) -> Iterator[Record]:
    message: Record | None = None
    count = 0
    field_sep, comp, rep = "|", "^", "~"
    for seg in _segments(pieces):
        kind = seg[:3]
        if kind == "MSH":
            if message is not None:
                yield message
            count += 1
            field_sep = seg[3]
            enc = seg[4:8]
            comp = enc[0] if enc else "^"
            rep = enc[1] if len(enc) > 1 else "~"
            message = Record(locator=f"message:{count}", schema="hl7v2")
            # MSH-1 is the field separator itself, so MSH field numbers are shifted by one.
            parts = seg.split(field_sep)
            message.fields.setdefault("MSH-1", []).append(field_sep)
            for i, value in enumerate(parts[1:], start=2):
                if value:
                    message.fields.setdefault(f"MSH-{i}", []).append(
                        value if i == 2 else _normalise(value, comp, rep)
                    )
            continue
        if message is None or kind in {"FHS", "BHS", "BTS", "FTS"}:
            continue
        parts = seg.split(field_sep)
        keys = _keys(kind, len(parts))
        fields = message.fields
        plain = comp == "^" and rep == "~"
        # The per-field loop is the reader's hot path: no key formatting, no call unless needed.
        for i in range(1, len(parts)):
            value = parts[i]
            if value:
                if not plain:
                    value = _normalise(value, comp, rep)
                held = fields.get(keys[i])
                if held is None:
                    fields[keys[i]] = [value]
                else:
                    held.append(value)
        if kind == "NTE" and len(parts) > 3:
            # Free-text comments can name people; detectors read them as text.
            message.text += " " + parts[3]
    if message is not None:
        yield message
    if count == 0:
        raise ReaderError("no MSH segment: not an HL7 v2 message")
