"""Where writers put files (the dump directory or an archive being built) and shared state."""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Protocol, TypeVar

from breachdesk.synth.people import ATTACK, Population
from breachdesk.synth.truth import Truth

T = TypeVar("T")

# An appearance: one person (index into Population.persons) to be written once; the flag asks
# the writer to include a sensitive test in that record.
App = tuple[int, bool]


class Target(Protocol):
    def put(self, name: str, data: bytes, fmt: str, status: str = "ok") -> str:
        """Store one file; returns its truth path."""
        ...


class DumpTarget:
    """Files written straight into ``out/dump``."""

    def __init__(self, root: Path, truth: Truth) -> None:
        self.root = root
        self.truth = truth
        self.bytes = 0
        self.count = 0

    def put(self, name: str, data: bytes, fmt: str, status: str = "ok") -> str:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return self.register(name, fmt, status)

    def path(self, name: str) -> Path:
        """For writers (xlsx) that must write the file themselves; call ``register`` after."""
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def register(self, name: str, fmt: str, status: str = "ok") -> str:
        size = (self.root / name).stat().st_size
        self.truth.file(name, fmt, size, status)
        self.bytes += size
        self.count += 1
        return name


class ZipTarget:
    """Members of a zip being built in memory; truth paths are ``outer.zip!/member``."""

    def __init__(self, prefix: str, truth: Truth, stamp: tuple[int, int, int, int, int, int]):
        self.prefix = prefix
        self.truth = truth
        self.stamp = stamp
        self._buffer = io.BytesIO()
        self._zip = zipfile.ZipFile(self._buffer, "w", zipfile.ZIP_DEFLATED)

    def put(self, name: str, data: bytes, fmt: str, status: str = "ok") -> str:
        info = zipfile.ZipInfo(name, date_time=self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        info.create_system = 3
        self._zip.writestr(info, data)
        path = f"{self.prefix}!/{name}"
        self.truth.file(path, fmt, len(data), status)
        return path

    def close(self) -> bytes:
        self._zip.close()
        return self._buffer.getvalue()


@dataclass
class Ctx:
    pop: Population
    truth: Truth
    dump: DumpTarget
    seed: int
    progress: Callable[[str], None]
    variant: str = "standard"  # how files are written (``synth.variants``)
    _counters: dict[str, int] = field(default_factory=dict)

    def rng(self, name: str) -> random.Random:
        # String seeds hash with SHA-512 inside random, so this is stable across processes.
        return random.Random(f"breachdesk.synth/{self.seed}/{name}")

    def next(self, key: str) -> int:
        """A per-key counter for file names (ORU_20240601_0001, 0002, ...)."""
        self._counters[key] = self._counters.get(key, 0) + 1
        return self._counters[key]


def chunks(rng: random.Random, items: Sequence[T], low: int, high: int) -> Iterator[Sequence[T]]:
    start = 0
    while start < len(items):
        size = rng.randint(low, high)
        if len(items) - start - size < low // 2:
            size = len(items) - start
        yield items[start : start + size]
        start += size


def moment(
    rng: random.Random, days_before: int = 10, days_after: int = 0, anchor: date = ATTACK
) -> datetime:
    """A working-hours timestamp in the days before (or after) the anchor, by default the attack."""
    day = anchor - timedelta(days=rng.randint(-days_after, days_before))
    return datetime(day.year, day.month, day.day, rng.randint(7, 19), rng.randrange(60))


def collected(rng: random.Random, when: datetime) -> datetime:
    return when - timedelta(hours=rng.randint(2, 60), minutes=rng.randrange(60))
