"""Per-file time and memory limits inside a worker, and the journal that makes a crash cost
one file.

- ``deadline``: a wall-clock limit on one file, raised as ``Timeout`` from a real-time timer
  signal. Signals only reach Python between bytecodes, so a reader stuck inside C code (a parse
  bomb in a native library) is caught by the ``Watchdog`` thread instead, which records the file
  and ends the worker; the engine then runs the unit again alone, and the journal says which
  file to skip.
- ``limit_memory``: a soft RLIMIT_DATA on the worker process, so an allocation past it raises
  ``MemoryError`` in the reader (the file is ``too_large``) instead of the machine swapping.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

from breachdesk.ingest.limits import Timeout

ISOLATED_ENV = "BREACHDESK_ISOLATED"  # set by the local engine in a worker rerunning one unit


def grace(seconds: float) -> float:
    """How long past a deadline the watchdog waits before ending a worker stuck in C code."""
    return max(2.0, min(30.0, seconds))


def in_worker() -> bool:
    """True in a pool worker: limits that bind a whole process never bind the main one."""
    return multiprocessing.parent_process() is not None


def limit_memory(nbytes: int) -> None:
    if not in_worker():
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        nbytes = min(nbytes, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (nbytes, hard))


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise Timeout("took longer than the per-file time limit")


class Deadline:
    """Raise ``Timeout`` after ``seconds`` of work inside ``with``; a no-op off the main thread.

    ``paused()`` stops the clock while control is elsewhere (a generator handing a batch to the
    engine), so the timer never fires in code that is not reading the file.
    """

    def __init__(self, seconds: float) -> None:
        self.left = seconds
        self.active = seconds > 0 and threading.current_thread() is threading.main_thread()
        self._previous: Any = None

    def __enter__(self) -> Deadline:
        if self.active:
            self._previous = signal.signal(signal.SIGALRM, _on_alarm)
            signal.setitimer(signal.ITIMER_REAL, self.left)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        if not self.active:
            yield
            return
        left, _ = signal.setitimer(signal.ITIMER_REAL, 0)
        try:
            yield
        finally:
            # A timer that had just fired (0 left) fires again at once: the file is over time.
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3))


def deadline(seconds: float) -> Deadline:
    return Deadline(seconds)


class Journal:
    """Which file a unit is reading, on disk, so the next attempt knows which file killed the
    worker. Only an attempt run alone (``ISOLATED_ENV``) can blame a file: in a shared pool,
    one worker's crash takes the others down mid-file too."""

    def __init__(self, folder: Path, key: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.current = folder / f"{key}.current"
        self.poison_path = folder / f"{key}.poison"
        self.poison: dict[int, tuple[str, str]] = {}
        if self.poison_path.exists():
            saved = json.loads(self.poison_path.read_text(encoding="utf-8"))
            self.poison = {int(k): (v[0], v[1]) for k, v in saved.items()}
        if self.current.exists():
            left = json.loads(self.current.read_text(encoding="utf-8"))
            if left.get("isolated") and os.environ.get(ISOLATED_ENV):
                status = left.get("status") or "unreadable"
                reason = left.get("reason") or "the reader crashed its worker process"
                self.poison[int(left["file_id"])] = (status, reason)
                self._save_poison()
            self.current.unlink()

    def _save_poison(self) -> None:
        data = {str(k): list(v) for k, v in self.poison.items()}
        self.poison_path.write_text(json.dumps(data), encoding="utf-8")

    def start(self, file_id: int) -> None:
        self._write(file_id, None, None)

    def _write(self, file_id: int, status: str | None, reason: str | None) -> None:
        record = {
            "file_id": file_id,
            "isolated": bool(os.environ.get(ISOLATED_ENV)),
            "status": status,
            "reason": reason,
        }
        tmp = self.current.with_suffix(".tmp")
        tmp.write_text(json.dumps(record), encoding="utf-8")
        tmp.replace(self.current)

    def blame(self, file_id: int, status: str, reason: str) -> None:
        """Record why the worker is about to die (the watchdog's verdict)."""
        self._write(file_id, status, reason)

    def finish(self) -> None:
        self.current.unlink(missing_ok=True)


class Watchdog:
    """A thread that ends the worker when one file overruns its deadline by ``grace`` seconds
    (the timer signal cannot interrupt native code); the journal names the file."""

    def __init__(self, journal: Journal, seconds: float) -> None:
        self.journal = journal
        self.seconds = seconds
        self._file: int | None = None
        self._since = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Watchdog:
        if in_worker() and self.seconds > 0:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()

    def arm(self, file_id: int | None) -> None:
        self._file, self._since = file_id, time.monotonic()

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            file_id = self._file
            overdue = time.monotonic() - self._since > self.seconds + grace(self.seconds)
            if file_id is not None and overdue:
                self.journal.blame(file_id, "timeout", "stuck past the per-file time limit")
                os._exit(70)
