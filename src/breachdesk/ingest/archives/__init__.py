"""Archive formats behind one small interface: list members with their declared sizes and any
problem visible in the headers, and open each member as a stream. Nothing is extracted to disk.

A module per format: ``zipped`` (zip), ``tarred`` (tar), ``compressed`` (gzip, bzip2 and xz single
files, and tar inside them), ``sevenzip`` (7z). Adding one is a module plus a line in ``FORMATS``.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Protocol

from breachdesk.ingest.limits import Budget, Limits

Source = Path | bytes | BinaryIO


@dataclass
class Member:
    name: str  # as stored in the archive, '/'-separated
    size: int  # declared expanded size; -1 when the format does not say (gzip)
    packed: int = -1  # compressed bytes behind it, for the ratio check; -1 when unknown
    problem: tuple[str, str] | None = None  # (status, reason) decided from the headers alone
    open: Callable[[], BinaryIO] | None = None  # valid until the next member is asked for
    modified: str | None = None  # as the archive records it (ISO 8601), for the report


def iso_time(value: float | tuple[int, ...] | None) -> str | None:
    """An archive's timestamp (epoch seconds or a zip date tuple) as ISO 8601, or None."""
    import datetime as dt

    try:
        if isinstance(value, tuple):
            year, month, day, hour, minute, second = value[:6]
            return dt.datetime(year, month, day, hour, minute, second).isoformat()
        if value:
            return dt.datetime.fromtimestamp(float(value), dt.UTC).replace(tzinfo=None).isoformat()
    except (ValueError, OverflowError, OSError, TypeError):
        return None  # hostile archives carry impossible dates; a date is not worth a failure
    return None


class ListMembers(Protocol):
    def __call__(
        self, source: Source, kind: str, name: str, limits: Limits, budget: Budget
    ) -> Iterator[Member]: ...


def unsafe_name(name: str) -> str | None:
    """Why a member name must never be used as a path: traversal or an absolute path."""
    clean = name.replace("\\", "/")
    parts = PurePosixPath(clean).parts
    if clean.startswith("/") or (len(clean) > 1 and clean[1] == ":") or ".." in parts:
        return f"path traversal in member name {name!r}"
    return None


def as_stream(source: Source) -> tuple[BinaryIO, bool]:
    """A readable stream over ``source``, and whether the caller opened it (and must close it)."""
    if isinstance(source, bytes):
        return io.BytesIO(source), True
    if isinstance(source, Path):
        return source.open("rb"), True
    return source, False


def _formats() -> dict[str, ListMembers]:
    from breachdesk.ingest.archives import compressed, sevenzip, tarred, zipped

    return {
        "zip": zipped.members,
        "tar": tarred.members,
        "gzip": compressed.members,
        "bzip2": compressed.members,
        "xz": compressed.members,
        "7z": sevenzip.members,
    }


ARCHIVES = frozenset({"zip", "tar", "gzip", "bzip2", "xz", "7z"})
# Formats whose members can be listed from a forward-only stream, so a huge one need not be
# held in memory; zip and 7z keep their directory at the end and need random access.
STREAMABLE = frozenset({"tar", "gzip", "bzip2", "xz"})


def members(
    source: Source, kind: str, name: str, limits: Limits, budget: Budget
) -> Iterator[Member]:
    """Members of the archive ``name`` (its path, for naming a compressed file's one member)."""
    return _formats()[kind](source, kind, name, limits, budget)
