"""HL7 v2 messages (ORU^R01 and friends): batches, MLLP framing, separators from MSH.

Each message becomes one ``Record`` whose fields are keyed ``SEG-n`` (``PID-5``), with component
and repetition separators normalised to ``^`` and ``~`` so detectors need not know the encoding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, MutableMapping
from typing import BinaryIO

from breachdesk.ingest.sniff import decode, text_stream
from breachdesk.readers.base import Item, ReaderError, Record

_SEGMENT = re.compile(r"^[A-Z][A-Z0-9]{2}$")


_BATCH = frozenset({"FHS", "BHS", "BTS", "FTS"})
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


class SegmentFields(MutableMapping[str, list[str]]):
    """A message's fields keyed ``SEG-n``, each the non-empty values of that field in segment
    order, filled in when a key is first asked for.

    A detector reads a dozen fields of a message with hundreds; splitting every field of every
    segment into a dict (what the reader did) was most of the cost of reading HL7. Segments are
    split on the field separator only; a field's values are gathered (and their separators
    normalised) on first use, and the whole dict is built only when someone iterates or writes.
    """

    __slots__ = ("_by_kind", "_comp", "_known", "_order", "_rep", "_whole")

    def __init__(self, comp: str = "^", rep: str = "~") -> None:
        self._by_kind: dict[str, list[list[str]]] = {}
        self._order: list[list[str]] = []  # every segment's parts, in message order
        self._known: dict[str, list[str]] = {}  # fields gathered so far (and MSH's, at once)
        self._whole = False  # _known holds every field
        self._comp, self._rep = comp, rep

    def add(self, parts: list[str]) -> None:
        self._by_kind.setdefault(parts[0], []).append(parts)
        self._order.append(parts)

    def _gather(self, key: str) -> list[str] | None:
        kind, _, number = key.partition("-")
        segments = self._by_kind.get(kind)
        if not segments or not number.isdigit() or str(int(number)) != number or number == "0":
            return None
        i = int(number)
        values = [parts[i] for parts in segments if len(parts) > i and parts[i]]
        if not values:
            return None
        if self._comp != "^" or self._rep != "~":
            values = [_normalise(v, self._comp, self._rep) for v in values]
        self._known[key] = values
        return values

    def __getitem__(self, key: str) -> list[str]:
        found = self._known.get(key)
        if found is None and not self._whole:
            found = self._gather(key)
        if found is None:
            raise KeyError(key)
        return found

    def get(self, key: str, default: list[str] | None = None) -> list[str] | None:  # type: ignore[override]
        found = self._known.get(key)
        if found is None and not self._whole:
            found = self._gather(key)
        return default if found is None else found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def _fill(self) -> dict[str, list[str]]:
        """Every field, keyed in the order the old reader met them (segment by segment)."""
        if not self._whole:
            whole = {k: v for k, v in self._known.items() if k.startswith("MSH-")}
            for parts in self._order:
                keys = _keys(parts[0], len(parts))
                for i in range(1, len(parts)):
                    if parts[i] and keys[i] not in whole:
                        whole[keys[i]] = self[keys[i]]
            whole.update(self._known)  # values written by a caller stand
            self._known, self._whole = whole, True
        return self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._fill())

    def __len__(self) -> int:
        return len(self._fill())

    def __setitem__(self, key: str, value: list[str]) -> None:
        self._fill()[key] = value

    def __delitem__(self, key: str) -> None:
        del self._fill()[key]

    def __repr__(self) -> str:
        return repr(self._fill())


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
    fields = SegmentFields()
    count = 0
    field_sep = "|"
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
            fields = SegmentFields(comp, rep)
            message = Record(locator=f"message:{count}", schema="hl7v2", fields=fields)
            # MSH-1 is the field separator itself, so MSH field numbers are shifted by one.
            known = fields._known
            known["MSH-1"] = [field_sep]
            for i, value in enumerate(seg.split(field_sep)[1:], start=2):
                if value:
                    known.setdefault(f"MSH-{i}", []).append(
                        value if i == 2 else _normalise(value, comp, rep)
                    )
            continue
        if message is None or kind in _BATCH:
            continue
        parts = seg.split(field_sep)
        parts[0] = kind  # "PID" even where the segment id ran into a wrong separator
        fields.add(parts)
        if kind == "NTE" and len(parts) > 3:
            # Free-text comments can name people; detectors read them as text.
            message.text += " " + parts[3]
    if message is not None:
        yield message
    if count == 0:
        raise ReaderError("no MSH segment: not an HL7 v2 message")
