"""Progress: a rich bar (files/s, MB/s, ETA) on a terminal, plain log lines otherwise."""

from __future__ import annotations

import sys
import time
from types import TracebackType

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress

QUIET = False


class Progress:
    """Counts units and bytes; never prints what is inside them."""

    def __init__(self, label: str, total: int, total_bytes: int = 0) -> None:
        self.label = label
        self.total = total
        self.total_bytes = total_bytes
        self.done = 0
        self.bytes = 0
        self.started = time.monotonic()
        self._last_line = self.started
        self._rich: RichProgress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> Progress:
        if not QUIET and sys.stderr.isatty():
            self._rich = RichProgress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TaskProgressColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeRemainingColumn(),
                transient=True,
            )
            self._rich.start()
            self._task = self._rich.add_task(self.label, total=self.total, rate="")
        return self

    def _rate(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        return f"{self.done / elapsed:.1f} files/s {self.bytes / elapsed / 1e6:.1f} MB/s"

    def advance(self, units: int = 1, nbytes: int = 0) -> None:
        self.done += units
        self.bytes += nbytes
        if self._rich is not None and self._task is not None:
            self._rich.update(self._task, advance=units, rate=self._rate())
        elif not QUIET and time.monotonic() - self._last_line > 5:
            self._last_line = time.monotonic()
            print(f"{self.label}: {self.done}/{self.total} ({self._rate()})", file=sys.stderr)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._rich is not None:
            self._rich.stop()
        if not QUIET and exc is None:
            elapsed = time.monotonic() - self.started
            print(
                f"{self.label}: {self.done} in {elapsed:.1f}s ({self._rate()})",
                file=sys.stderr,
            )
