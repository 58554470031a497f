"""Explicit limits on hostile input, and the exceptions that carry a limit's verdict.

Every limit is a field of ``Limits``; the ingest stage records them in the case manifest so a run
can be explained and repeated with the same verdicts. A limit that trips costs one file or
member (its status says which limit), never the run.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

MiB = 2**20
GiB = 2**30


@dataclass(frozen=True)
class Limits:
    max_depth: int = 5  # archives inside archives; deeper is a bomb
    max_members: int = 200_000  # members across one top-level file and everything inside it
    max_ratio: float = 250.0  # expanded / compressed, checked once a member passes 1 MiB
    max_expanded: int = 50 * GiB  # bytes expanded across one top-level file
    max_file_bytes: int = 20 * GiB  # biggest file or member read at all, even as a stream
    max_in_memory: int = 256 * MiB  # bigger files are streamed, or too_large if not streamable
    seconds_per_file: float = 300.0  # wall time to read one file; then `timeout`
    worker_memory: int = 3 * GiB  # address space a worker may allocate (RLIMIT_DATA)

    @classmethod
    def from_settings(cls, settings: dict[str, Any] | None) -> Limits:
        """Limits from a manifest or a YAML file; unknown keys are refused, missing ones default."""
        settings = dict(settings or {})
        known = {f.name: f.type for f in fields(cls)}
        unknown = sorted(set(settings) - set(known))
        if unknown:
            raise ValueError(f"unknown limit(s) {', '.join(unknown)}; known: {', '.join(known)}")
        out: dict[str, Any] = {}
        for name, value in settings.items():
            kind = float if name in {"max_ratio", "seconds_per_file"} else int
            out[name] = kind(value)
            if out[name] <= 0:
                raise ValueError(f"limit {name} must be positive, not {value!r}")
        return cls(**out)


class LimitExceeded(Exception):
    """A file or member crossed a limit; ``status`` and ``reason`` go to the files table."""

    status = "too_large"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Bomb(LimitExceeded):
    status = "bomb"


class TooLarge(LimitExceeded):
    status = "too_large"


class Timeout(LimitExceeded):
    status = "timeout"


class ArchiveError(Exception):
    """An archive (or one member of it) that cannot be opened: damaged, encrypted, unsupported."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class Budget:
    """Expanded bytes and member counts across one top-level file and everything nested in it."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.expanded = 0
        self.members = 0

    def grow(self, nbytes: int) -> None:
        """Count bytes expanded from a stream whose size was not declared up front."""
        self.expanded += nbytes
        if self.expanded > self.limits.max_expanded:
            raise Bomb(f"expands past {self.limits.max_expanded} bytes")

    def check_ratio(self, expanded: int, packed: int) -> None:
        if expanded > MiB and expanded > self.limits.max_ratio * max(packed, 1):
            raise Bomb(f"compression ratio over {expanded // max(packed, 1)}:1")

    def member_problem(self, size: int, packed: int) -> tuple[str, str] | None:
        """Why a member must not be expanded, from its declared sizes alone."""
        limits = self.limits
        if self.members > limits.max_members:
            return "bomb", f"more than {limits.max_members} members"
        if self.expanded > limits.max_expanded:
            return "bomb", f"expands past {limits.max_expanded} bytes"
        if size > MiB and packed > 0 and size / packed > limits.max_ratio:
            return "bomb", f"compression ratio {size / packed:.0f}:1"
        if size > limits.max_file_bytes:
            return "too_large", f"{size} bytes expanded; the limit is {limits.max_file_bytes}"
        return None
