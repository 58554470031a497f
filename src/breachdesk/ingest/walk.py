"""Walk one top-level file of the dump and everything inside it, under explicit limits.

Archive members are read as streams, never extracted to disk: a hostile archive can then neither
write outside the case nor fill it. A member is held in memory only up to ``max_in_memory``;
bigger ones are streamed (hashed on the way through, and read by a streaming reader in the
scan). Every file and member leaves exactly one entry, archives after their members.
"""

from __future__ import annotations

import hashlib
import io
import stat
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from breachdesk.ingest import archives
from breachdesk.ingest.archives import ARCHIVES, STREAMABLE, Member, iso_time
from breachdesk.ingest.limits import ArchiveError, Budget, LimitExceeded, Limits, TooLarge
from breachdesk.ingest.sniff import sniff, sniff_data
from breachdesk.readers.registry import STREAM_READERS

__all__ = ["SEPARATOR", "STREAM_READABLE", "Entry", "Limits", "walk_bytes", "walk_file"]

SEPARATOR = "!/"  # outer.zip!/inner/file.csv
_HEAD = 64 * 1024
_CHUNK = 1 << 20
# Types whose readers take a stream, so a file of any size is read without holding it whole.
STREAM_READABLE = frozenset(STREAM_READERS)
# What a damaged member stream raises while it is read (decompressors, zipfile, tarfile).
_READ_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    ArchiveError,
)


@dataclass
class Entry:
    path: str
    parent: str | None
    depth: int
    size: int
    type: str = "bin"
    sha256: str = ""
    status: str = "ok"
    reason: str = ""
    duplicate_of: str | None = None
    modified: str | None = None  # ISO 8601: the file's mtime, or the time its archive records
    data: bytes | None = field(default=None, repr=False)
    stream: BinaryIO | None = field(default=None, repr=False)  # valid only while yielded

    def fail(self, status: str, reason: str) -> Entry:
        """Mark the entry not ok; its type stays unknown when its bytes were never seen."""
        self.status, self.reason = status, reason
        if not self.sha256 and self.type == "bin":
            self.type = "unknown"
        return self


class _Spool(io.RawIOBase):
    """Bytes already read (``prefix``) then the rest of a stream, hashed and counted on the way,
    refusing to run past ``limit``."""

    def __init__(self, prefix: bytes, rest: BinaryIO, limit: int) -> None:
        super().__init__()
        self._prefix = memoryview(prefix)
        self._rest = rest
        self._limit = limit
        self.digest = hashlib.sha256()
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if len(self._prefix):
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
        else:
            data = self._rest.read(len(buffer))
            n = len(data)
            buffer[:n] = data
        self.digest.update(buffer[:n])
        self.count += n
        if self.count > self._limit:
            raise TooLarge(f"more than {self._limit} bytes")
        return n

    def drain(self) -> None:
        while self.readinto(bytearray(_CHUNK)):
            pass


def _read_upto(stream: BinaryIO, n: int) -> bytes:
    parts: list[bytes] = []
    left = n
    while left > 0:
        block = stream.read(min(left, 8 * _CHUNK))
        if not block:
            break
        parts.append(block)
        left -= len(block)
    return b"".join(parts)


class _Walk:
    """One top-level file's walk. ``wanted`` (scan mode) names the entries whose bytes are
    wanted; then only those are yielded, and only archives on the way to them are opened."""

    def __init__(self, limits: Limits, wanted: Collection[str] | None) -> None:
        self.limits = limits
        self.budget = Budget(limits)
        self.wanted = wanted
        self.on_the_way: set[str] = set()
        for path in wanted or ():
            parts = path.split(SEPARATOR)
            for i in range(1, len(parts)):
                self.on_the_way.add(SEPARATOR.join(parts[:i]))

    def _emit(self, entry: Entry) -> bool:
        return self.wanted is None or (entry.status == "ok" and entry.path in self.wanted)

    def _needed(self, path: str) -> bool:
        return self.wanted is None or path in self.wanted or path in self.on_the_way

    # -- whole files in memory -------------------------------------------------------------
    def visit_bytes(self, entry: Entry, data: bytes) -> Iterator[Entry]:
        entry.size = len(data)
        entry.sha256 = hashlib.sha256(data).hexdigest()
        entry.type = sniff_data(data, entry.path)
        if entry.type in ARCHIVES:
            yield from self.archive(entry, data)
            return
        if self.wanted is not None and entry.path in self.wanted:
            entry.data = data
        if self._emit(entry):
            yield entry

    # -- members and big files as streams --------------------------------------------------
    def visit_stream(self, entry: Entry, stream: BinaryIO, declared: int) -> Iterator[Entry]:
        """A member or file known only as a stream: into memory when small enough."""
        limits = self.limits
        if declared <= limits.max_in_memory:
            data = _read_upto(stream, limits.max_in_memory + 1)
            if len(data) <= limits.max_in_memory:
                yield from self.visit_bytes(entry, data)
                return
        else:
            data = _read_upto(stream, _HEAD)
        yield from self.visit_large(entry, data, stream)

    def visit_large(self, entry: Entry, prefix: bytes, rest: BinaryIO) -> Iterator[Entry]:
        """A file too big to hold: archives are walked and text formats read as streams."""
        limits = self.limits
        entry.type = sniff(prefix[:_HEAD], entry.path)
        if entry.type not in STREAMABLE and entry.type not in STREAM_READABLE:
            why = "it needs random access" if entry.type in ARCHIVES else "read whole"
            entry.fail(
                "too_large", f"over {limits.max_in_memory} bytes; {entry.type} files are {why}"
            )
            if self.wanted is None:
                yield entry
            return
        # An archive is only a container: its members, not its own size, meet max_file_bytes.
        cap = 2**62 if entry.type in STREAMABLE else limits.max_file_bytes
        spool = _Spool(prefix, rest, cap)
        stream = io.BufferedReader(spool, _CHUNK)
        if entry.type in STREAMABLE:
            yield from self.archive(entry, stream, emit=False)
        elif self.wanted is not None:
            if entry.path in self.wanted:
                entry.stream = stream
                yield entry
                entry.stream = None
            return
        if self.wanted is not None:
            return
        try:
            spool.drain()  # the rest of the bytes, for the hash
        except LimitExceeded as exc:
            entry.fail(exc.status, exc.reason)
        except _READ_ERRORS as exc:
            entry.fail("unreadable", f"cannot read to the end: {exc}")
        entry.size = max(entry.size, spool.count)
        if entry.status == "ok":
            entry.sha256 = spool.digest.hexdigest()
        yield entry

    # -- archives --------------------------------------------------------------------------
    def archive(self, entry: Entry, source: archives.Source, emit: bool = True) -> Iterator[Entry]:
        """The archive's members, then (with ``emit``) the archive itself with its final
        status: it is final only once its members are read."""
        if entry.depth >= self.limits.max_depth:
            entry.fail("bomb", f"archives nested deeper than {entry.depth}")
            if self.wanted is None and emit:
                yield entry
            return
        seen: dict[str, int] = {}
        count = 0
        try:
            for member in archives.members(
                source, entry.type, entry.path, self.limits, self.budget
            ):
                count += 1
                yield from self.member(entry, member, seen)
        except ArchiveError as exc:
            entry.status, entry.reason = exc.status, _after(exc.reason, count)
        except LimitExceeded as exc:
            entry.status, entry.reason = exc.status, _after(exc.reason, count)
        except _READ_ERRORS as exc:
            entry.status, entry.reason = "unreadable", _after(f"damaged archive: {exc}", count)
        if self.wanted is None and emit:
            yield entry

    def member(self, archive: Entry, member: Member, seen: dict[str, int]) -> Iterator[Entry]:
        name = member.name.replace("\\", "/")
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:  # the same name twice in one archive: keep both, distinctly
            name = f"{name}#{seen[name]}"
        path = f"{archive.path}{SEPARATOR}{name}"
        entry = Entry(path, archive.path, archive.depth + 1, max(member.size, 0))
        entry.modified = member.modified
        budget = self.budget
        budget.members += 1
        budget.expanded += max(member.size, 0)
        problem = member.problem or budget.member_problem(member.size, member.packed)
        if problem:
            if self.wanted is None:
                yield entry.fail(*problem)
            return
        if not self._needed(path) or member.open is None:
            return
        try:
            stream = member.open()
        except ArchiveError as exc:
            if self.wanted is None:
                yield entry.fail(exc.status, exc.reason)
            return
        with stream:
            try:
                yield from self.visit_stream(entry, stream, member.size)
            except LimitExceeded as exc:
                if self.wanted is None:
                    yield entry.fail(exc.status, exc.reason)
                if _blown(exc, archive):
                    raise
            except _READ_ERRORS as exc:
                if self.wanted is None:
                    yield entry.fail("unreadable", f"damaged member: {exc}")


def _blown(exc: LimitExceeded, archive: Entry) -> bool:
    """A bomb in a streamed archive's own decompression ends that archive: nothing after the
    bomb can be reached without expanding it."""
    return exc.status == "bomb" and archive.type in STREAMABLE


def _after(reason: str, count: int) -> str:
    return f"{reason} (stopped after {count} members)" if count else reason


def walk_file(
    root: Path, rel: str, limits: Limits, wanted: Collection[str] | None = None
) -> Iterator[Entry]:
    """Entries for the dump file ``rel`` (relative to ``root``) and, for archives, its members.

    With ``wanted`` (the scan stage's ``ok`` paths) only those entries are yielded, each with
    its bytes in ``data`` or, when bigger than ``max_in_memory``, a ``stream`` to read while
    the entry is held.
    """
    walk = _Walk(limits, wanted)
    path = root / rel
    entry = Entry(rel, None, 0, 0)
    try:
        st = path.lstat()
    except OSError as exc:
        yield entry.fail("unreadable", f"cannot stat: {exc.strerror}")
        return
    entry.size = st.st_size
    entry.modified = iso_time(st.st_mtime)
    if stat.S_ISLNK(st.st_mode):
        yield entry.fail("refused", "symbolic link in the dump")
        return
    if not stat.S_ISREG(st.st_mode):
        # A FIFO or device would block or never end; there is no file content to read.
        yield entry.fail("refused", "not a regular file (device, FIFO or socket)")
        return
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD)
            if head[:2] == b"PK" or head[:6] == b"7z\xbc\xaf\x27\x1c":
                yield from _random_access(walk, entry, path, head, handle)
                return
            if entry.size > limits.max_file_bytes and sniff(head, rel) not in STREAMABLE:
                # An archive is only a container: its members are held to the limit instead.
                entry.type = sniff(head, rel)
                yield entry.fail(
                    "too_large", f"{entry.size} bytes; the limit is {limits.max_file_bytes}"
                )
                return
            if entry.size <= limits.max_in_memory:
                yield from walk.visit_bytes(entry, head + handle.read())
                return
            yield from walk.visit_large(entry, head, handle)
    except LimitExceeded as exc:
        yield entry.fail(exc.status, exc.reason)
    except OSError as exc:
        yield entry.fail("unreadable", f"cannot read: {exc.strerror or exc}")


def _random_access(
    walk: _Walk, entry: Entry, path: Path, head: bytes, handle: BinaryIO
) -> Iterator[Entry]:
    """Zip and 7z on disk stay on disk: their readers seek, nothing is loaded whole."""
    digest = hashlib.sha256(head)
    for block in iter(lambda: handle.read(_CHUNK), b""):
        digest.update(block)
    entry.sha256 = digest.hexdigest()
    from breachdesk.ingest.archives.zipped import names

    entry.type = sniff(head, entry.path, names(path) if head[:2] == b"PK" else None)
    if entry.type in ARCHIVES:
        yield from walk.archive(entry, path)
        return
    if entry.size > walk.limits.max_in_memory:
        yield entry.fail(
            "too_large",
            f"over {walk.limits.max_in_memory} bytes, and {entry.type} files are read whole",
        )
        return
    handle.seek(0)
    yield from walk.visit_bytes(entry, handle.read())


class _Everything:
    """``wanted`` that holds every path: attachments are walked wanting all their members."""

    def __contains__(self, item: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def walk_bytes(data: bytes, name: str, limits: Limits) -> Iterator[Entry]:
    """Every ok file inside an archive held in memory (an e-mail attachment), with its bytes."""
    walk = _Walk(limits, _Everything())
    yield from walk.visit_bytes(Entry(name, None, 0, len(data)), data)
