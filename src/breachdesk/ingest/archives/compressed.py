"""Single-file compression (gzip, bzip2, xz), decompressed as a stream that stops at a bomb.

The expansion ratio and the run's expanded-bytes budget are checked on every block, so a
gigabyte of zeros is caught after a few megabytes, not after it fills memory. A tar inside is
walked directly (``x.tar.gz!/dir/file``); anything else is one member named after the file.
"""

from __future__ import annotations

import bz2
import io
import lzma
import zlib
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any, BinaryIO, cast

from breachdesk.ingest.archives import Member, Source, as_stream, tarred
from breachdesk.ingest.limits import ArchiveError, Bomb, Budget, Limits

_BLOCK = 1 << 16
_OUT = 1 << 18  # expanded bytes per step: the ratio is checked this often
_MAGIC = {"gzip": b"\x1f\x8b", "bzip2": b"BZh", "xz": b"\xfd7zXZ\x00"}
_SUFFIXES = {".gz": "", ".tgz": ".tar", ".bz2": "", ".tbz2": ".tar", ".xz": "", ".txz": ".tar"}
ERRORS = (zlib.error, OSError, EOFError, lzma.LZMAError, ValueError, MemoryError)


def _decompressor(kind: str) -> Any:
    if kind == "gzip":
        return zlib.decompressobj(wbits=31)
    if kind == "bzip2":
        return bz2.BZ2Decompressor()
    return lzma.LZMADecompressor()


class Decompressing(io.RawIOBase):
    """The expanded bytes of a compressed stream, concatenated members included."""

    def __init__(self, raw: BinaryIO, kind: str, budget: Budget, owned: bool) -> None:
        super().__init__()
        self._raw, self._kind, self._budget, self._owned = raw, kind, budget, owned
        self._d = _decompressor(kind)
        self._pending = b""  # compressed bytes read but not yet fed
        self._out = b""
        self._eof = False
        self.packed = 0
        self.expanded = 0
        self._blown: Bomb | None = None
        self._raw_eof = False

    def readable(self) -> bool:
        return True

    def _read_raw(self) -> bytes:
        data = self._pending or self._raw.read(_BLOCK)
        self._pending = b""
        self.packed += len(data)
        self._raw_eof = not data
        return data

    def _feed(self) -> bytes:
        if self._kind == "gzip":
            tail = self._d.unconsumed_tail
            out: bytes = self._d.decompress(tail or self._read_raw(), _OUT)
            return out
        data = self._read_raw() if self._d.needs_input else b""
        return cast(bytes, self._d.decompress(data, _OUT))

    def _next_stream(self) -> bool:
        """After one compressed member ends: another may follow (pigz, pbzip2, xz -T)."""
        rest = self._d.unused_data
        if not rest:
            rest = self._raw.read(_BLOCK)
            self.packed += len(rest)
        magic = _MAGIC[self._kind]
        if not rest.startswith(magic[: len(rest)]) or not rest:
            return False  # trailing padding or junk after the last member
        self._d = _decompressor(self._kind)
        self._pending = rest
        return True

    def _fill(self) -> None:
        while not self._out and not self._eof:
            if self._d.eof and not self._next_stream():
                self._eof = True
                return
            self._raw_eof = False
            chunk = self._feed()
            if not chunk and self._raw_eof and not self._d.eof:
                raise EOFError(f"{self._kind} stream ends early (truncated file)")
            self.expanded += len(chunk)
            self._budget.grow(len(chunk))
            self._budget.check_ratio(self.expanded, self._consumed())
            self._out = chunk

    def _consumed(self) -> int:
        """Compressed bytes actually used so far: a read block can hold many bombs' worth."""
        waiting = len(self._pending)
        if self._kind == "gzip":
            waiting += len(self._d.unconsumed_tail) + len(self._d.unused_data)
        return max(self.packed - waiting, 1)

    def readinto(self, buffer: Any) -> int:
        if self._blown is not None:
            raise self._blown  # once a bomb, every later read of this stream is refused too
        try:
            self._fill()
        except Bomb as exc:
            self._blown = exc
            raise
        n = min(len(buffer), len(self._out))
        buffer[:n] = self._out[:n]
        self._out = self._out[n:]
        return n

    def close(self) -> None:
        if self._owned and not self.closed:
            self._raw.close()
        super().close()


def inner_name(name: str) -> str:
    base = PurePosixPath(name.split("!/")[-1]).name
    for suffix, replacement in _SUFFIXES.items():
        if base.lower().endswith(suffix):
            return base[: -len(suffix)] + replacement
    return base + ".data"


def members(
    source: Source, kind: str, name: str, limits: Limits, budget: Budget
) -> Iterator[Member]:
    raw, owned = as_stream(source)
    stream = io.BufferedReader(Decompressing(raw, kind, budget, owned), 1 << 20)
    try:
        try:
            head = stream.peek(1024)[:1024]
            while len(head) < 512 and len(stream.peek(1024)) > len(head):
                head = stream.peek(1024)[:1024]
        except ERRORS as exc:
            raise ArchiveError("unreadable", f"damaged {kind} stream: {exc}") from exc
        if len(head) > 262 and head[257:262] == b"ustar":
            yield from tarred.members(cast(BinaryIO, stream), "tar", name, limits, budget)
            return
        yield Member(
            inner_name(name),
            size=-1,
            open=lambda: cast(BinaryIO, _Unclosable(cast(BinaryIO, stream))),
        )
    finally:
        stream.close()


class _Unclosable(io.RawIOBase):
    """The member stream, whose close must not close the decompressor under it."""

    def __init__(self, inner: BinaryIO) -> None:
        super().__init__()
        self._inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._inner.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
