"""The header of a dBase III/IV, FoxPro or Visual FoxPro table (``.dbf``): what its fields
are and where, and whether a file's first bytes open one at all.

Kept apart from the reader (``readers.dbase``) so that sniffing, which runs on every file,
imports nothing but ``struct``. A ``.dbf`` has no magic number, only a version byte, so a file is
taken for a table only where every length in its header agrees.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

from breachdesk.readers.base import Encrypted, ReaderError

# The first byte of a table: which program wrote it (dBase 7's header is laid out apart).
SIGNATURES = frozenset(
    {0x02, 0x03, 0x04, 0x05, 0x30, 0x31, 0x32, 0x43, 0x63, 0x7B, 0x83, 0x8B, 0x8C, 0x8E, 0xB3,
     0xCB, 0xE5, 0xF5, 0xFB}
)  # fmt: skip
_LEVEL7 = frozenset({0x04, 0x8C})
VFP = frozenset({0x30, 0x31, 0x32})
_TYPES = frozenset(b"CNFLDMGPBIYTVQW0@+O")
# Field types whose size the format fixes (a length else is no dBase field).
_SIZES = {ord("D"): 8, ord("L"): 1, ord("I"): 4, ord("Y"): 8, ord("T"): 8, ord("@"): 8,
          ord("O"): 8, ord("+"): 4}  # fmt: skip
_SYSTEM = 0x01  # a Visual FoxPro field flag: hidden (``_NullFlags``)
_NULLABLE = 0x02
# Past the field list's end: nothing, a pad byte, or Visual FoxPro's 263-byte database backlink
# (with a pad byte too).
_BACKLINK = 263
_HEADER_SLACK = _BACKLINK + 1
_MAX_FIELDS = 2048
_PLAIN = re.compile(rb"[A-Za-z_][A-Za-z0-9_]{0,31}\0+")
# A header holds at most 255 fields (1,024 in dBase 7) and the backlink.
_LONGEST_HEADER = 32 + 32 * 255 + 1 + _HEADER_SLACK
# Language driver IDs (byte 29) and the code pages they name, as dBase, FoxPro and Visual
# FoxPro write them; 0 (none named) and IDs not here are read as Windows-1252.
LANGUAGE_DRIVERS = {
    0x01: "cp437", 0x02: "cp850", 0x03: "cp1252", 0x04: "mac_roman", 0x08: "cp865",
    0x09: "cp437", 0x0A: "cp850", 0x0B: "cp437", 0x0D: "cp437", 0x0E: "cp850", 0x0F: "cp437",
    0x10: "cp850", 0x11: "cp437", 0x12: "cp850", 0x13: "cp932", 0x14: "cp850", 0x15: "cp437",
    0x16: "cp850", 0x17: "cp865", 0x18: "cp437", 0x19: "cp437", 0x1A: "cp850", 0x1B: "cp437",
    0x1C: "cp863", 0x1D: "cp850", 0x1F: "cp852", 0x22: "cp852", 0x23: "cp852", 0x24: "cp860",
    0x25: "cp850", 0x26: "cp866", 0x37: "cp850", 0x40: "cp852", 0x4D: "cp936", 0x4E: "cp949",
    0x4F: "cp950", 0x50: "cp874", 0x57: "cp1252", 0x58: "cp1252", 0x59: "cp1252",
    0x64: "cp852", 0x65: "cp866", 0x66: "cp865", 0x67: "cp861", 0x6A: "cp737", 0x6B: "cp857",
    0x78: "cp950", 0x79: "cp949", 0x7A: "cp936", 0x7B: "cp932", 0x7C: "cp874",
    0x7D: "cp1255", 0x7E: "cp1256", 0x87: "cp852", 0x96: "mac_cyrillic", 0x97: "mac_latin2",
    0x98: "mac_greek", 0xC8: "cp1250", 0xC9: "cp1251", 0xCA: "cp1254", 0xCB: "cp1253",
    0xCC: "cp1257",
}  # fmt: skip
_FALLBACK = "cp1252"


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # the type letter
    start: int  # offset in the record (the deletion flag is byte 0)
    length: int
    flags: int = 0
    var_bit: int = -1  # Visual FoxPro: the _NullFlags bit saying a varchar is short
    null_bit: int = -1  # ... and the one saying the cell is null


@dataclass(frozen=True)
class Header:
    version: int
    records: int  # as the header counts them
    length: int  # bytes before the first record
    record_length: int
    encoding: str
    fields: tuple[Field, ...]  # the table's columns (system fields left out)
    null_flags: Field | None = None


class _NotDbase(Exception):
    """Bytes no dBase header holds."""


@dataclass(frozen=True)
class _Raw:
    name: bytes
    kind: int
    length: int
    flags: int
    plain: bool  # an ASCII name padded with NULs alone and zero reserved bytes, as written


def _descriptor(raw: bytes, level7: bool) -> _Raw:
    width = 32 if level7 else 11
    name, nul, _ = raw[:width].partition(b"\0")
    # A name is NUL-ended (dBase III may leave bytes after the NUL), starts with a letter or
    # "_" and holds no control characters.
    if not nul or not name or not (chr(name[0]).isalpha() or name[0] == 0x5F or name[0] >= 0x80):
        raise _NotDbase("field name")
    if any(b < 0x20 or b == 0x7F for b in name):
        raise _NotDbase("field name")
    kind = raw[width]
    if kind not in _TYPES:
        raise _NotDbase("field type")
    length, decimals = raw[width + 1], raw[width + 2]
    if not level7:
        length, decimals = raw[16], raw[17]
        if kind == ord("C"):
            length |= decimals << 8  # FoxPro and Clipper: a long text field's high byte
    if length < 1 or _SIZES.get(kind, length) != length:
        raise _NotDbase("field length")
    # Bytes 24-30 are reserved (zero) in every variant but dBase 7's.
    plain = _PLAIN.fullmatch(raw[:width]) is not None and (level7 or not any(raw[24:31]))
    return _Raw(name, kind, length, 0 if level7 else raw[18], plain)


def _scan(head: bytes, header_length: int) -> tuple[list[_Raw], int | None]:
    """The field descriptors and where the byte ending their list is (None: the bytes end
    first). Raises ``_NotDbase`` on a descriptor no dBase header holds."""
    level7 = head[0] in _LEVEL7
    at, size = (68, 48) if level7 else (32, 32)
    end = min(len(head), header_length)
    fields: list[_Raw] = []
    while at < end:
        if head[at] == 0x0D:
            return fields, at
        if at + size > len(head):
            break
        if at + size >= header_length or len(fields) >= _MAX_FIELDS:
            raise _NotDbase("no end to the field list within the header")
        fields.append(_descriptor(head[at : at + size], level7))
        at += size
    return fields, None


def is_dbase(head: bytes, size: int | None = None) -> bool:
    """Whether ``head`` (a file's first bytes; ``size`` its length where known) opens a dBase
    table: its signature and update date, every field descriptor valid, the header's length
    where the field list ends (allowing Visual FoxPro's backlink), the record length the
    fields' lengths plus the deletion flag, and the first record opening with a flag. A file
    cut inside its header passes on the fields it holds, to be reported truncated."""
    if len(head) < 64 or head[0] not in SIGNATURES or head[2] > 12 or head[3] > 31:
        return False
    header_length, record_length = struct.unpack_from("<HH", head, 8)
    level7 = head[0] in _LEVEL7
    if header_length < (117 if level7 else 65) or record_length < 2:
        return False
    try:
        fields, end = _scan(head, header_length)
    except _NotDbase:
        return False
    if not fields:
        return False
    total = 1 + sum(f.length for f in fields)
    whole = len(head) if size is None else size
    if end is None:
        # Cut inside the field list: fewer lengths to agree, so the header's length must fit a
        # field count and every name be written as dBase writes one.
        fits = level7 or (
            header_length <= _LONGEST_HEADER
            and (header_length - 33) % 32 in (0, 1, _BACKLINK % 32, (_BACKLINK + 1) % 32)
        )
        plain = all(f.plain for f in fields)
        return fits and plain and whole < header_length and total <= record_length
    slack = header_length - end - 1
    if total != record_length or slack < 0 or (slack > _HEADER_SLACK and not level7):
        return False
    first = head[header_length : header_length + 1]
    return first in (b"", b" ", b"*", b"\x1a")


def parse_header(head: bytes) -> Header:
    """The header of a table whose first ``Header.length`` bytes are ``head``; a
    ``ReaderError`` saying what is wrong with a damaged or cut one."""
    if len(head) < 32:
        raise ReaderError(f"truncated dBase table: {len(head)} bytes, short of its 32-byte header")
    version = head[0]
    records, header_length, record_length = struct.unpack_from("<IHH", head, 4)
    if head[15] == 1:
        raise Encrypted("encrypted dBase IV table")
    if version in _LEVEL7:
        raise ReaderError("dBase 7 table: not read in this version")
    if len(head) < header_length:
        raise ReaderError(
            f"truncated dBase table: cut inside its header ({len(head)} of {header_length} bytes)"
        )
    try:
        raws, end = _scan(head, header_length)
    except _NotDbase as exc:
        raise ReaderError(f"damaged dBase header: {exc}") from exc
    if end is None or not raws:
        raise ReaderError("damaged dBase header: no end to the field list")
    if 1 + sum(r.length for r in raws) != record_length:
        raise ReaderError(
            f"damaged dBase header: fields of {sum(r.length for r in raws)} bytes in records "
            f"of {record_length}"
        )
    encoding = LANGUAGE_DRIVERS.get(head[29], _FALLBACK)
    fields: list[Field] = []
    null_flags: Field | None = None
    start, bit = 1, 0
    for raw in raws:
        kind = chr(raw.kind)
        name = raw.name.decode(encoding, errors="replace").strip()
        var_bit = null_bit = -1
        if version in VFP and kind in "VQ":
            var_bit, bit = bit, bit + 1
        if version in VFP and raw.flags & _NULLABLE and not raw.flags & _SYSTEM:
            null_bit, bit = bit, bit + 1
        field = Field(name, kind, start, raw.length, raw.flags, var_bit, null_bit)
        if kind == "0" or raw.flags & _SYSTEM:
            null_flags = field if name.upper() == "_NULLFLAGS" else null_flags
        else:
            fields.append(field)
        start += raw.length
    return Header(
        version, records, header_length, record_length, encoding, tuple(fields), null_flags
    )
