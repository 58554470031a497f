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
        self.skipped = 0  # units finished by an earlier, interrupted run
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

    def resumed(self, units: int, left_bytes: int) -> None:
        """Units an earlier run finished: shown as done, left out of the rates and the ETA."""
        self.skipped = units
        self.total_bytes = left_bytes
        if self._rich is not None and self._task is not None:
            self._rich.update(self._task, completed=units)
        if not QUIET:
            print(
                f"{self.label}: resuming; {units} of {self.total} units already done",
                file=sys.stderr,
            )

    def _eta(self) -> str:
        """Time left from the bytes still to read (units vary too much in size to count)."""
        elapsed = time.monotonic() - self.started
        if not self.bytes or not self.total_bytes or elapsed <= 0:
            return ""
        left = max(self.total_bytes - self.bytes, 0) / (self.bytes / elapsed)
        return f", ETA {int(left // 60)}:{int(left % 60):02d}"

    def advance(self, units: int = 1, nbytes: int = 0) -> None:
        self.done += units
        self.bytes += nbytes
        if self._rich is not None and self._task is not None:
            self._rich.update(self._task, advance=units, rate=self._rate())
        elif not QUIET and time.monotonic() - self._last_line > 5:
            self._last_line = time.monotonic()
            done = self.done + self.skipped
            print(
                f"{self.label}: {done}/{self.total} ({self._rate()}{self._eta()})", file=sys.stderr
            )

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
            again = f", {self.skipped} done before" if self.skipped else ""
            print(
                f"{self.label}: {self.done} in {elapsed:.1f}s ({self._rate()}){again}",
                file=sys.stderr,
            )
