"""Zebra ZPL label print spools: a specimen or wristband printer's queue, saved or captured.

A spool is a run of labels, each ``^XA`` ... ``^XZ``; a label's text is in its fields, each
field's data after ``^FD`` (or ``^FV``) up to ``^FS`` or the next command. The rest (``^FO``
positions, ``^A`` fonts, ``^BC`` barcodes' settings, ``^CI`` encodings) is layout. Read as
plain text, the commands glue onto the data ("^FDSTEVENSON" reads as the name "FDSTEVENSON") and
a label's lines run into one, so a date of birth or a test is lost.

Each label is one record whose text is its fields' data, one a line, in print order (the order
the printer lays them out top to bottom in nearly every template). A field after ``^FH`` writes
bytes as an escape character (``_`` unless ``^FH`` names another) and two hex digits
("O_27BRIEN"): those are decoded, as UTF-8 (``^CI28``) or else as Windows-1252.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from breachdesk.ingest.sniff import decode
from breachdesk.readers.base import Item, Record

# Commands whose argument is a field's printed data (every other command, ``^FX`` comments
# among them, is layout or settings).
_DATA = frozenset({"FD", "FV"})
_LABEL_START = "^XA"
_LABEL_END = "^XZ"


def read(data: bytes, name: str) -> Iterator[Item]:
    text, _ = decode(data)
    for number, label in enumerate(_labels(text), 1):
        fields = _fields(label)
        if fields:
            yield Record(locator=f"label:{number}", schema="text", text="\n".join(fields))


def _labels(text: str) -> Iterator[str]:
    """Each label's commands, from after its ``^XA`` to its ``^XZ`` (or the next ``^XA``, or the
    text's end, where a capture was cut short). Found with ``find``, not one regex over the
    spool, so a label without its end costs no rescan."""
    upper = text.upper()
    at = upper.find(_LABEL_START)
    while at >= 0:
        begin = at + len(_LABEL_START)
        following = upper.find(_LABEL_START, begin)
        end = upper.find(_LABEL_END, begin)
        if end < 0 or (following >= 0 and following < end):
            end = following if following >= 0 else len(text)
        yield text[begin:end]
        at = following


def _fields(label: str) -> list[str]:
    """A label's field data, in order, each on one line (escapes decoded, space trimmed)."""
    found: list[str] = []
    escape: str | None = None  # the ^FH escape character for the field being built
    for piece in label.split("^"):
        command = piece[:2].upper()
        if command == "FH":
            escape = piece[2:3] or "_"
        elif command in _DATA:
            value = piece[2:]
            if escape is not None:
                value = _unescaped(value, escape)
            value = " ".join(value.split())
            if value:
                found.append(value)
        elif command == "FS":
            escape = None
    return found


_HEX = re.compile(r"[0-9A-Fa-f]{2}")


def _unescaped(value: str, escape: str) -> str:
    """A ``^FH`` field's data with each escape and two hex digits as the byte they name."""
    if escape not in value:
        return value
    out = bytearray()
    parts = value.split(escape)
    out += parts[0].encode("utf-8")
    for part in parts[1:]:
        if _HEX.match(part):
            out.append(int(part[:2], 16))
            out += part[2:].encode("utf-8")
        else:
            out += (escape + part).encode("utf-8")
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        return out.decode("cp1252", errors="replace")
