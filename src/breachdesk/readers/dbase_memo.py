"""The memo file beside a dBase or FoxPro table (``.fpt``, ``.dbt``): each memo a passage of text.

A table's memo fields (a result's comment, clinical details, notes) hold only a block number;
the text is in this file. The table is read without it (``readers.dbase``), so this file is read
on its own, a record per memo located ``memo:<block>``, so a note that names a patient is found
wherever it was kept. Three layouts:

- FoxPro and Visual FoxPro (``.fpt``): a 512-byte header with the next free block and the block
  size (big-endian); each memo a block-aligned type (1 is text) and length, then its bytes.
- dBase III (``.dbt``): 512-byte blocks; a memo runs from its block to a ``0x1A`` mark.
- dBase IV (``.dbt``): each memo opens ``FF FF 08 00`` and its length, in blocks of the size
  the header gives.

Like a table's, a memo file has no magic number: it is taken for one only where its header's
next free block and block size agree with the file's size and its first memo is laid out so.
Its code page is the table's, which this file does not say: Windows-1252 (UK systems).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

from breachdesk.readers.base import Item, ReaderError, Record

_HEADER = 512
_ENCODING = "cp1252"
_TEXT = 1  # a FoxPro memo block's type for text (0 is a picture, 2 an OLE object)
_DBASE4 = b"\xff\xff\x08\x00"
_SMALLEST = 16  # the smallest FoxPro block size taken (a byte-wise one is no memo file's)


def layout(head: bytes, size: int | None = None) -> str | None:
    """``"fpt"``, ``"dbt3"`` or ``"dbt4"`` when ``head`` (a file's first bytes; ``size`` its
    length where known) opens a memo file of that layout, else None: the header's next free
    block must be the one just past the file's end, and its first memo laid out as its layout
    lays one out."""
    if len(head) < _HEADER:
        return None
    whole = len(head) if size is None else size
    if head[4:6] == b"\0\0" and not any(head[8:_HEADER]):
        next_free, block = struct.unpack_from(">I", head, 0)[0], head[6] << 8 | head[7]
        first = _first_block(block) * block if block >= _SMALLEST else 0
        if first and _ends(next_free, block, whole) and _fpt_memo(head, first, whole):
            return "fpt"
    next_free = struct.unpack_from("<I", head, 0)[0]
    blank = not any(head[4:16]) and not any(head[17:_HEADER]) and head[16] in (0, 3)
    if blank and whole > _HEADER and _ends(next_free, _HEADER, whole) and 0x1A in head[_HEADER:]:
        return "dbt3"
    block = struct.unpack_from("<H", head, 20)[0]
    if block >= 64 and block % 64 == 0 and _ends(next_free, block, whole):
        first = max(block, _HEADER)
        memo = head[first : first + 8]
        if memo[:4] == _DBASE4 and 8 <= struct.unpack_from("<I", memo, 4)[0] <= whole - first:
            return "dbt4"
    return None


def _ends(next_free: int, block: int, size: int) -> bool:
    """Whether the next free block starts where the file ends (its last block may be short)."""
    return (next_free - 1) * block < size <= next_free * block


def _first_block(block: int) -> int:
    return max(1, -(-_HEADER // block))


def _fpt_memo(head: bytes, first: int, size: int) -> bool:
    if size <= first:
        return True  # no memo written yet
    memo = head[first : first + 8]
    if len(memo) < 8:
        return False
    kind, length = struct.unpack(">II", memo)
    return kind <= 2 and first + 8 + length <= size


def read(data: bytes, name: str) -> Iterator[Item]:
    kind = layout(data[: 64 * 1024], len(data))
    if kind is None:
        raise ReaderError("damaged dBase/FoxPro memo file: its header does not agree with it")
    memos = _fpt(data) if kind == "fpt" else _dbt3(data) if kind == "dbt3" else _dbt4(data)
    for block, raw in memos:
        text = raw.replace(b"\0", b" ").decode(_ENCODING, errors="replace")
        if text.strip():
            yield Record(locator=f"memo:{block}", schema="text", text=text)


def _fpt(data: bytes) -> Iterator[tuple[int, bytes]]:
    block = struct.unpack_from(">H", data, 6)[0]
    at = _first_block(block)
    while at * block + 8 <= len(data):
        start = at * block
        kind, length = struct.unpack_from(">II", data, start)
        end = start + 8 + length
        if kind > 2:
            at += 1  # a freed block's leftovers: look at the next
            continue
        if kind == _TEXT:
            yield at, data[start + 8 : end]
        if end > len(data):
            raise ReaderError(f"truncated FoxPro memo file: the memo at block {at} is cut")
        at += max(1, -(-(8 + length) // block))


def _dbt3(data: bytes) -> Iterator[tuple[int, bytes]]:
    at = _HEADER
    while at < len(data):
        end = data.find(b"\x1a", at)
        stop = len(data) if end < 0 else end
        yield at // _HEADER, data[at:stop]
        at = -(-(stop + 1) // _HEADER) * _HEADER


def _dbt4(data: bytes) -> Iterator[tuple[int, bytes]]:
    block = struct.unpack_from("<H", data, 20)[0]
    at = _first_block(block)
    while at * block + 8 <= len(data):
        start = at * block
        if data[start : start + 4] != _DBASE4:
            at += 1
            continue
        length = struct.unpack_from("<I", data, start + 4)[0]
        yield at, data[start + 8 : start + max(8, length)]
        if start + length > len(data):
            raise ReaderError(f"truncated dBase IV memo file: the memo at block {at} is cut")
        at += max(1, -(-length // block))
