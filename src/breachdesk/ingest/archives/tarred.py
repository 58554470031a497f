"""Tar members read as a forward-only stream (``r|``), so a tar on disk, inside a decompressor or
inside another archive is walked the same way and never needs seeking or extracting.

Links (symbolic or hard), device files and FIFOs are refused: extracting them is how tar
archives escape a directory, and they hold no data of their own.
"""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from functools import partial
from typing import BinaryIO, cast

from breachdesk.ingest.archives import Member, Source, as_stream, iso_time, unsafe_name
from breachdesk.ingest.limits import ArchiveError, Budget, Limits

ERRORS = (tarfile.TarError, EOFError, OSError, ValueError, UnicodeError, OverflowError)


def _problem(info: tarfile.TarInfo) -> tuple[str, str] | None:
    reason = unsafe_name(info.name)
    if reason:
        return "refused", reason
    if info.issym():
        return "refused", "symbolic link inside archive"
    if info.islnk():
        return "refused", "hard link inside archive"
    if not info.isreg():
        return "refused", "device file or FIFO inside archive"
    return None


def _open(tf: tarfile.TarFile, info: tarfile.TarInfo) -> BinaryIO:
    handle = tf.extractfile(info)
    if handle is None:
        raise ArchiveError("unreadable", "tar member has no data")
    return cast(BinaryIO, handle)


def members(
    source: Source, kind: str, name: str, limits: Limits, budget: Budget
) -> Iterator[Member]:
    stream, owned = as_stream(source)
    count = 0
    try:
        try:
            tf = tarfile.open(fileobj=stream, mode="r|")  # noqa: SIM115 (closed by `with` below)
        except ERRORS as exc:
            raise ArchiveError("unreadable", f"damaged tar: {exc}") from exc
        with tf:
            while True:
                try:
                    info = tf.next()
                except ERRORS as exc:
                    raise ArchiveError(
                        "unreadable", f"damaged tar after {count} members: {exc}"
                    ) from exc
                if info is None:
                    return
                if info.isdir():
                    continue
                count += 1
                found = _problem(info)
                yield Member(
                    name=info.name,
                    size=info.size,
                    problem=found,
                    open=None if found else partial(_open, tf, info),
                    modified=iso_time(info.mtime),
                )
    finally:
        if owned:
            stream.close()
