"""Walk one top-level file of the dump and everything inside it, under explicit limits.

Archive members are read as streams into memory, never extracted to disk: a hostile archive can
then neither write outside the case nor fill it. Every file and member leaves exactly one entry.
"""

from __future__ import annotations

import hashlib
import io
import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from breachdesk.ingest.sniff import sniff

SEPARATOR = "!/"  # outer.zip!/inner/file.csv
_HEAD = 64 * 1024


@dataclass(frozen=True)
class Limits:
    max_depth: int = 5
    max_members: int = 200_000
    max_ratio: float = 250.0
    max_expanded: int = 50 * 2**30
    max_file_bytes: int = 1 * 2**30


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
    data: bytes | None = field(default=None, repr=False)

    def fail(self, status: str, reason: str) -> Entry:
        """Mark the entry not ok; its type stays unknown when its bytes were never seen."""
        self.status, self.reason = status, reason
        if not self.sha256:
            self.type = "unknown"
        return self


class _Budget:
    """Expanded bytes and member counts across one top-level archive and all its nested ones."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.expanded = 0
        self.members = 0


def _unsafe_member(info: zipfile.ZipInfo) -> str | None:
    name = info.filename.replace("\\", "/")
    parts = PurePosixPath(name).parts
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in parts:
        return f"path traversal in member name {info.filename!r}"
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "symbolic link inside archive"
    return None


def _member_problem(info: zipfile.ZipInfo, budget: _Budget) -> tuple[str, str] | None:
    """Why a member must not be read (status, reason), before a byte of it is expanded."""
    limits = budget.limits
    ratio = info.file_size / max(info.compress_size, 1)
    reason = _unsafe_member(info)
    if reason:
        return "refused", reason
    if info.flag_bits & 0x1:
        return "encrypted", "password-protected zip member"
    if budget.members > limits.max_members:
        return "bomb", f"more than {limits.max_members} members"
    if budget.expanded > limits.max_expanded:
        return "bomb", f"expands past {limits.max_expanded} bytes"
    if info.file_size > 1 << 20 and ratio > limits.max_ratio:
        return "bomb", f"compression ratio {ratio:.0f}:1"
    if info.file_size > limits.max_file_bytes:
        return "too_large", f"{info.file_size} bytes in archive"
    return None


def _walk_zip(
    archive: Entry,
    source: str | io.BytesIO,
    budget: _Budget,
    want: Callable[[str], bool],
) -> Iterator[Entry]:
    limits = budget.limits
    try:
        zf = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        archive.fail("unreadable", f"damaged zip: {exc}")
        return
    with zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            path = f"{archive.path}{SEPARATOR}{info.filename.replace(chr(92), '/')}"
            entry = Entry(path, archive.path, archive.depth + 1, info.file_size)
            budget.members += 1
            budget.expanded += info.file_size
            problem = _member_problem(info, budget)
            if problem:
                yield entry.fail(*problem)
                continue
            try:
                with zf.open(info) as handle:
                    data = handle.read(limits.max_file_bytes + 1)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
                yield entry.fail("unreadable", f"member: {exc}")
                continue
            yield from _visit_bytes(entry, data, budget, want)


def _visit_bytes(
    entry: Entry, data: bytes, budget: _Budget, want: Callable[[str], bool]
) -> Iterator[Entry]:
    entry.size = len(data)
    entry.sha256 = hashlib.sha256(data).hexdigest()
    members = _zip_names(io.BytesIO(data)) if data[:2] == b"PK" else None
    entry.type = sniff(data[:_HEAD], entry.path, members)
    if entry.type == "zip":
        if entry.depth >= budget.limits.max_depth:
            entry.status, entry.reason = "bomb", f"archives nested deeper than {entry.depth}"
            yield entry
            return
        # Members first, the archive last: its status is final only once they are read, and
        # the scan stage gets each member's bytes without holding the whole archive's.
        yield from _walk_zip(entry, io.BytesIO(data), budget, want)
        yield entry
        return
    if want(entry.path):
        entry.data = data
    yield entry


def _zip_names(source: str | io.BytesIO) -> list[str] | None:
    try:
        with zipfile.ZipFile(source) as zf:
            return zf.namelist()[:2000]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


def walk_file(
    root: Path,
    rel: str,
    limits: Limits,
    want: Callable[[str], bool] = lambda _path: False,
) -> Iterator[Entry]:
    """Entries for the dump file ``rel`` (relative to ``root``) and, for archives, its members.

    ``want(path)`` says whose bytes to keep on the entry (the scan stage wants ``ok`` files).
    """
    path = root / rel
    entry = Entry(rel, None, 0, 0)
    try:
        st = path.lstat()
    except OSError as exc:
        yield entry.fail("unreadable", f"cannot stat: {exc.strerror}")
        return
    entry.size = st.st_size
    if stat.S_ISLNK(st.st_mode):
        yield entry.fail("refused", "symbolic link in the dump")
        return
    budget = _Budget(limits)
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD)
            if head[:2] == b"PK":
                # Big archives stay on disk: zipfile seeks in the file, nothing is loaded whole.
                digest = hashlib.sha256(head)
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
                entry.sha256 = digest.hexdigest()
                entry.type = sniff(head, rel, _zip_names(str(path)))
                if entry.type == "zip":
                    yield from _walk_zip(entry, str(path), budget, want)
                    yield entry
                    return
                if entry.size > limits.max_file_bytes:
                    entry.status, entry.reason = "too_large", f"{entry.size} bytes"
                    yield entry
                    return
                handle.seek(0)
                data = handle.read()
            else:
                if entry.size > limits.max_file_bytes:
                    entry.type = sniff(head, rel)
                    entry.status, entry.reason = "too_large", f"{entry.size} bytes"
                    yield entry
                    return
                data = head + handle.read()
    except OSError as exc:
        yield entry.fail("unreadable", f"cannot read: {exc.strerror}")
        return
    yield from _visit_bytes(entry, data, budget, want)
