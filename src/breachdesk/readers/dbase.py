"""dBase III/IV, FoxPro and Visual FoxPro tables (``.dbf``): one table a file, read by columns.

Old LIMS and practice systems keep their tables so. Records are fixed-width, so each field is
cut out of a block of records with NumPy and made an Arrow string column in C, never a step per
cell: text decoded from the code page the header's language driver byte names (Windows-1252
where it names none), dates ISO ``YYYY-MM-DD``, numbers and logicals as written, Visual FoxPro's
binary integers, currency, doubles and datetimes as text. Deleted records (flagged ``*``) are
read like the rest: the file a criminal holds still has them. A memo field points into a
``.fpt``/``.dbt`` file beside the table that a reader of one file does not have, so its cells
are empty; the memo file is read on its own (``readers.dbase_memo``).

The libraries for the format (``dbf``, ``dbfread``) open tables by file name, so the leaked
bytes would have to be written to disk, and decode a record at a time in Python: 1.2 and
4.5 MB/s measured on a 100,000-record table, a 400 MB LIMS table past ``seconds_per_file``.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from functools import cache
from itertools import pairwise
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from breachdesk.readers.base import Item, ReaderError, Table
from breachdesk.readers.dbase_header import VFP, Field, Header, parse_header
from breachdesk.readers.delimited import CHUNK_ROWS

# Fields that point into the memo file (or hold binary): no text of their own.
_MEMO = frozenset("MGPWQ")
_CHUNK_BYTES = 32 << 20  # a block of records decoded at once
# The sizes of Visual FoxPro's binary fields (dBase's B is a memo's block number).
_BINARY = {"I": 4, "+": 4, "B": 8, "O": 8, "Y": 8, "T": 8, "@": 8}
_MULTIBYTE = frozenset({"cp932", "cp936", "cp949", "cp950"})
_JULIAN_EPOCH = 2440588  # the Julian day number of 1970-01-01
_FIRST_DAY, _LAST_DAY = 1721426, 5373484  # Julian days of 0001-01-01 and 9999-12-31
_DAY_MS = 86_400_000


def read(data: bytes, name: str) -> Iterator[Item]:
    yield from read_stream(io.BytesIO(data), name)


def read_stream(stream: BinaryIO, name: str) -> Iterator[Item]:
    """The table a block of records at a time (``read`` gives the file's bytes as a stream):
    no more than one block's columns are held beside the bytes."""
    head = _read(stream, 32)
    if len(head) >= 32:
        head += _read(stream, struct.unpack_from("<H", head, 8)[0] - 32)
    header = parse_header(head)
    yield from _tables(stream, header)


def _read(stream: BinaryIO, size: int) -> bytes:
    parts: list[bytes] = []
    while size > 0:
        part = stream.read(size)
        if not part:
            break
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _tables(stream: BinaryIO, header: Header) -> Iterator[Table]:
    width = header.record_length
    per = max(1, min(CHUNK_ROWS, _CHUNK_BYTES // width))
    done = 0
    while True:
        block = _read(stream, per * width)
        count = len(block) // width
        records = np.frombuffer(block, np.uint8, count=count * width).reshape(count, width)
        ended = len(block) < per * width
        if done + count > header.records:
            # Past the count the header gives, a record goes on only where its flag says one
            # (a program that stopped before updating the count): an end-of-file mark or
            # padding ends the table.
            start = max(0, header.records - done)
            flags = records[start:, 0]
            stray = np.flatnonzero((flags != 0x20) & (flags != 0x2A))
            if stray.size:
                count, ended = start + int(stray[0]), True
                records = records[:count]
        if count:
            yield _table(records, header, done + 1)
        done += count
        if ended or not count:
            break
    if done < header.records:
        raise ReaderError(
            f"truncated dBase table: {done} of the {header.records} records its header counts "
            f"are whole (those {done} read)"
        )


def _table(records: np.ndarray, header: Header, first: int) -> Table:
    nulls = None
    if header.null_flags is not None:
        nf = header.null_flags
        nulls = records[:, nf.start : nf.start + nf.length]
    columns = [_column(records, field, header, nulls) for field in header.fields]
    return Table(header=[f.name for f in header.fields], columns=columns, first_row=first)


def _bit(nulls: np.ndarray, bit: int) -> np.ndarray:
    if bit >> 3 >= nulls.shape[1]:
        return np.zeros(len(nulls), dtype=bool)
    return ((nulls[:, bit >> 3] >> (bit & 7)) & 1).astype(bool)


def _column(
    records: np.ndarray, field: Field, header: Header, nulls: np.ndarray | None
) -> pa.Array:
    cells = records[:, field.start : field.start + field.length]
    kind = field.kind
    if kind == "B" and header.version not in VFP:
        kind = "M"  # dBase's binary memo; Visual FoxPro's B is a double
    elif _BINARY.get(kind, field.length) != field.length:
        kind = "C"  # a binary field of the wrong size: its bytes as text, not misread
    if kind in _MEMO:
        column = pa.repeat("", len(records))
    elif kind == "D":
        column = _dates(cells, header.encoding)
    elif kind in "I+":
        column = pc.cast(pa.array(_view(cells, "<i4")), pa.string())
    elif kind in "BO":
        column = pc.cast(pa.array(_view(cells, "<f8")), pa.string())
    elif kind == "Y":
        column = _currency(_view(cells, "<i8"))
    elif kind in "T@":
        column = _datetimes(_view(cells, "<i4").reshape(-1, 2))
    else:
        lengths = None
        if kind == "V" and nulls is not None and field.var_bit >= 0:
            # A short varchar keeps its length in its last byte.
            short = _bit(nulls, field.var_bit)
            written = np.minimum(cells[:, -1], field.length - 1)
            lengths = np.where(short, written, field.length)
        column = _text(cells, header.encoding, lengths)
    if nulls is not None and field.null_bit >= 0:
        column = pc.if_else(pa.array(_bit(nulls, field.null_bit)), "", column)
    return column


def _view(cells: np.ndarray, dtype: str) -> np.ndarray:
    return np.ascontiguousarray(cells).view(dtype).reshape(-1)


@cache
def _utf8(encoding: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Each byte's UTF-8 in a single-byte code page, as a (256, 3) table and its lengths; None
    for a multi-byte one. A byte the code page leaves undefined is U+FFFD."""
    if encoding in _MULTIBYTE:
        return None
    table = np.zeros((256, 3), dtype=np.uint8)
    lengths = np.zeros(256, dtype=np.int64)
    for byte in range(256):
        encoded = bytes([byte]).decode(encoding, errors="replace").encode("utf-8")
        table[byte, : len(encoded)] = list(encoded)
        lengths[byte] = len(encoded)
    return table, lengths


def _text(cells: np.ndarray, encoding: str, lengths: np.ndarray | None = None) -> pa.Array:
    """A (rows, width) block of bytes as trimmed strings (each row's first ``lengths`` bytes
    where given): ASCII taken as it is, a code page's other bytes mapped to UTF-8 by table."""
    rows, width = cells.shape
    if lengths is None:
        data = np.ascontiguousarray(cells).reshape(-1)
        sizes = np.full(rows, width, dtype=np.int64)
    else:
        data = cells[np.arange(width) < lengths[:, None]]
        sizes = lengths.astype(np.int64)
    table = _utf8(encoding)
    if table is None:
        bounds = np.concatenate(([0], np.cumsum(sizes))).tolist()
        raw = data.tobytes()
        decoded = [raw[a:b].decode(encoding, errors="replace") for a, b in pairwise(bounds)]
        return pc.utf8_trim(pa.array(decoded, pa.string()), " \x00")
    if data.size and int(data.max()) >= 0x80:
        utf8, widths = table
        each = widths[data]
        ends = np.concatenate(([0], np.cumsum(each)))[np.concatenate(([0], np.cumsum(sizes)))]
        data = utf8[data][np.arange(3) < each[:, None]]
        sizes = np.diff(ends)
    offsets = np.concatenate(([0], np.cumsum(sizes))).astype(np.int32)
    column = pa.Array.from_buffers(
        pa.string(), rows, [None, pa.py_buffer(offsets), pa.py_buffer(data.tobytes())]
    )
    return pc.utf8_trim(column, " \x00")


def _dates(cells: np.ndarray, encoding: str) -> pa.Array:
    """``YYYYMMDD`` as ``YYYY-MM-DD``; blank or zero dates empty; anything else as written."""
    rows = len(cells)
    digits = ((cells >= 0x30) & (cells <= 0x39)).all(axis=1)
    zero = (cells == 0x30).all(axis=1)
    iso = np.full((rows, 10), 0x2D, dtype=np.uint8)
    iso[:, 0:4], iso[:, 5:7], iso[:, 8:10] = cells[:, 0:4], cells[:, 4:6], cells[:, 6:8]
    dated = _text(iso, "ascii")
    column = pc.if_else(pa.array(digits), dated, _text(cells, encoding))
    return pc.if_else(pa.array(zero), "", column)


def _currency(values: np.ndarray) -> pa.Array:
    """Visual FoxPro currency: an integer of ten-thousandths, written with four decimals."""
    whole, part = np.divmod(np.abs(values), 10_000)
    sign = pc.if_else(pa.array(values < 0), "-", "")
    fraction = pc.utf8_lpad(pc.cast(pa.array(part), pa.string()), 4, "0")
    digits = pc.cast(pa.array(whole), pa.string())
    return pc.binary_join_element_wise(sign, digits, ".", fraction, "")


def _datetimes(pairs: np.ndarray) -> pa.Array:
    """Visual FoxPro datetimes (a Julian day, then milliseconds since midnight): the date
    alone at midnight (a date of birth kept as a datetime), else date and time; blank empty."""
    days, ms = pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)
    valid = (days >= _FIRST_DAY) & (days <= _LAST_DAY) & (ms >= 0) & (ms < _DAY_MS)
    days, ms = np.where(valid, days, _JULIAN_EPOCH), np.where(valid, ms, 0)
    seconds = (days - _JULIAN_EPOCH) * 86_400 + ms // 1000
    stamps = pa.array(seconds, pa.timestamp("s"))
    column = pc.if_else(
        pa.array(ms == 0), pc.strftime(stamps, "%Y-%m-%d"), pc.strftime(stamps, "%Y-%m-%d %H:%M:%S")
    )
    return pc.if_else(pa.array(valid), column, "")
