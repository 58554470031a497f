"""7z members through py7zr, into memory in bounded batches, never onto disk.

7z compresses files together in solid blocks, so a member cannot be streamed alone: members are
expanded a batch at a time (at most ``max_in_memory`` declared bytes), and a member bigger than
that is ``too_large``. A block's compression ratio is shared by its members, so a bomb is seen
from the headers before anything is expanded.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import py7zr
import py7zr.io

from breachdesk.ingest.archives import Member, Source, iso_time, unsafe_name
from breachdesk.ingest.limits import ArchiveError, Budget, Limits


class _Capped(py7zr.io.Py7zIO):
    """One member's bytes, keeping at most its declared size: headers that lie cost nothing."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.buffer = io.BytesIO()

    def write(self, s: bytes | bytearray) -> int:
        room = self.limit - self.buffer.tell()
        if room > 0:
            self.buffer.write(bytes(s[:room]))
        return len(s)

    def read(self, size: int | None = None) -> bytes:
        return self.buffer.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.buffer.seek(offset, whence)

    def flush(self) -> None:
        return None

    def size(self) -> int:
        return self.buffer.getbuffer().nbytes


class _Factory(py7zr.io.WriterFactory):
    def __init__(self, sizes: dict[str, int]) -> None:
        self.sizes = sizes
        self.products: dict[str, _Capped] = {}

    def create(self, filename: str) -> py7zr.io.Py7zIO:
        product = _Capped(self.sizes.get(filename, 0) + 1)
        self.products[filename] = product
        return product


class _Batches:
    """Expands members on first use, with the members after it, up to ``max_in_memory``."""

    def __init__(self, archive: py7zr.SevenZipFile, order: list[Member], limit: int) -> None:
        self.archive, self.order, self.limit = archive, order, limit
        self.ready: dict[str, bytes] = {}
        self.index = {id(m): i for i, m in enumerate(order)}

    def open(self, member: Member) -> BinaryIO:
        if member.name not in self.ready:
            self.ready.clear()
            start = self.index[id(member)]
            batch: dict[str, int] = {}
            total = 0
            for other in self.order[start:]:
                if batch and total + other.size > self.limit:
                    break
                batch[other.name] = other.size
                total += other.size
            factory = _Factory(batch)
            try:
                self.archive.reset()
                self.archive.extract(targets=list(batch), factory=factory)
            except Exception as exc:  # py7zr raises many types (CRC, LZMA, EOF) on damage
                raise ArchiveError("unreadable", f"damaged 7z: {type(exc).__name__}") from exc
            self.ready = {k: v.buffer.getvalue() for k, v in factory.products.items()}
        data = self.ready.pop(member.name, None)
        if data is None:
            raise ArchiveError("unreadable", "7z member could not be expanded")
        return io.BytesIO(data)


def members(
    source: Source, kind: str, name: str, limits: Limits, budget: Budget
) -> Iterator[Member]:
    target: Path | BinaryIO = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        archive = py7zr.SevenZipFile(target, mode="r")
    except py7zr.exceptions.PasswordRequired as exc:
        raise ArchiveError("encrypted", "7z archive with encrypted headers") from exc
    except Exception as exc:  # py7zr's header parser raises many types on hostile input
        raise ArchiveError("unreadable", f"damaged 7z: {type(exc).__name__}: {exc}") from exc
    with archive:
        try:
            infos = [i for i in archive.list() if not i.is_directory]
            encrypted = archive.needs_password()
        except Exception as exc:
            raise ArchiveError("unreadable", f"damaged 7z: {type(exc).__name__}") from exc
        out: list[Member] = []
        readable: list[Member] = []
        block: list[Member] = []
        block_packed = 0

        def close_block() -> None:
            # The block's packed size is shared by its members in proportion to their sizes.
            unpacked = sum(max(m.size, 0) for m in block)
            for m in block:
                m.packed = max(1, block_packed * max(m.size, 0) // max(unpacked, 1))

        for info in infos:
            member = Member(name=info.filename, size=int(info.uncompressed or 0))
            written = getattr(info, "creationtime", None)
            member.modified = iso_time(written.timestamp()) if written is not None else None
            if info.compressed is not None:
                close_block()
                block, block_packed = [], int(info.compressed)
            block.append(member)
            reason = unsafe_name(info.filename)
            if reason:
                member.problem = ("refused", reason)
            elif info.is_symlink:
                member.problem = ("refused", "symbolic link inside archive")
            elif encrypted:
                member.problem = ("encrypted", "password-protected 7z archive")
            elif member.size > limits.max_in_memory:
                member.problem = (
                    "too_large",
                    f"{member.size} bytes in a 7z block; the limit is {limits.max_in_memory}",
                )
            else:
                readable.append(member)
            out.append(member)
        close_block()
        batches = _Batches(archive, readable, limits.max_in_memory)
        for member in out:
            if member.problem is None:
                member.open = _opener(batches, member)
            yield member


def _opener(batches: _Batches, member: Member) -> Callable[[], BinaryIO]:
    return lambda: batches.open(member)
