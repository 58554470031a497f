"""Zip members from the central directory: names, sizes and flags are judged before a byte of
a member is expanded (encrypted: flag bit 0 covers ZipCrypto and AES; method 99 is AES)."""

from __future__ import annotations

import io
import stat
import zipfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import BinaryIO, cast

from breachdesk.ingest.archives import Member, Source, iso_time, unsafe_name
from breachdesk.ingest.limits import ArchiveError, Budget, Limits

_AES = 99
ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError)


def names(source: str | Path | io.BytesIO) -> list[str] | None:
    """Member names (the first 2,000), for telling an XLSX or ODS from a plain zip."""
    try:
        with zipfile.ZipFile(source) as zf:
            return zf.namelist()[:2000]
    except (*ERRORS, NotImplementedError):
        return None


def problem(info: zipfile.ZipInfo) -> tuple[str, str] | None:
    reason = unsafe_name(info.filename)
    if reason:
        return "refused", reason
    if stat.S_ISLNK(info.external_attr >> 16):
        return "refused", "symbolic link inside archive"
    if info.flag_bits & 0x1 or info.compress_type == _AES:
        return "encrypted", "password-protected zip member"
    return None


def _open(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> BinaryIO:
    try:
        return cast(BinaryIO, zf.open(info))
    except NotImplementedError as exc:
        raise ArchiveError("unreadable", f"unsupported zip compression: {exc}") from exc
    except ERRORS as exc:
        raise ArchiveError("unreadable", f"damaged zip member: {exc}") from exc


def members(
    source: Source, kind: str, name: str, limits: Limits, budget: Budget
) -> Iterator[Member]:
    target = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        zf = zipfile.ZipFile(target)
    except ERRORS as exc:
        raise ArchiveError("unreadable", f"damaged zip: {exc}") from exc
    with zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            yield Member(
                name=info.filename,
                size=info.file_size,
                packed=info.compress_size,
                problem=problem(info),
                open=partial(_open, zf, info),
                modified=iso_time(info.date_time),
            )
