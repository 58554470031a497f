"""Per-file limits in the scan: a reader that hangs, runs out of memory or kills its worker
costs its own file, and the rest of the unit is still read."""

from __future__ import annotations

import ctypes
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from breachdesk.engine.local import LocalEngine
from breachdesk.ingest.limits import Limits
from breachdesk.readers import registry
from breachdesk.readers.base import Item
from breachdesk.scan.stage import OUTPUTS, Batch, Unit, scan_unit

CSV = b"NHS Number,Surname\n4010232137,SMITH\n"
LOG = b"2024-06-01 10:00:01,123 INFO sent\n2024-06-01 10:00:02,456 INFO sent\n"


def _dump(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "a.csv").write_bytes(CSV)
    (dump / "b.log").write_bytes(LOG)
    (dump / "c.csv").write_bytes(CSV.replace(b"SMITH", b"JONES"))
    return dump, {"a.csv": 1, "b.log": 2, "c.csv": 3}


def _statuses(batches: Iterator[Batch]) -> dict[int, tuple[str, str]]:
    rows = [r for _, _, scanned, _ in batches for r in scanned.to_pylist()]
    return {r["file_id"]: (r["status"], r["reason"]) for r in rows}


def _slow(data: bytes, name: str) -> Iterator[Item]:
    time.sleep(30)
    yield from ()


def _hungry(data: bytes, name: str) -> Iterator[Item]:
    raise MemoryError
    yield


def test_timeout_and_memory_cost_one_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dump, wanted = _dump(tmp_path)
    limits = Limits(seconds_per_file=0.5)
    results = {}
    for name, reader in (("slow", _slow), ("hungry", _hungry)):
        monkeypatch.setitem(registry.READERS, "log", reader)
        started = time.monotonic()
        for top, file_id in wanted.items():
            unit = Unit(str(dump), top, {top: file_id}, limits, 1)
            results.update({(name, k): v for k, v in _statuses(scan_unit(unit)).items()})
        assert time.monotonic() - started < 5
    assert results[("slow", 2)][0] == "timeout"
    assert results[("hungry", 2)][0] == "too_large"
    assert results[("slow", 1)][0] == results[("slow", 3)][0] == "ok"


def segfault_reader(data: bytes, name: str) -> Iterator[Item]:
    ctypes.string_at(0)  # a native crash: the whole worker process dies
    yield from ()


def hanging_reader(data: bytes, name: str) -> Iterator[Item]:
    # Stuck as native code gets stuck: the timer signal cannot get in (here, it is blocked).
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(120)
    yield from ()


def crashing_scan(unit: Unit) -> Iterator[Batch]:
    """The real scan, in a worker whose log reader is broken (set here: workers import fresh)."""
    registry.READERS["log"] = segfault_reader if "crash" in unit.identity else hanging_reader
    yield from scan_unit(unit)


def _run(tmp_path: Path, how: str, limits: Limits) -> dict[int, tuple[str, str]]:
    dump, wanted = _dump(tmp_path)
    units = [
        Unit(str(dump), top, {top: fid}, limits, 1, str(tmp_path / "journal"), how)
        for top, fid in wanted.items()
    ]
    LocalEngine(workers=2).map_to_tables(
        crashing_scan,  # type: ignore[arg-type]
        units,
        outputs=OUTPUTS,
        dest=tmp_path / "tables",
        label="scan",
    )
    scanned = pq.read_table(tmp_path / "tables" / "scanned.parquet")
    return {r["file_id"]: (r["status"], r["reason"]) for r in scanned.to_pylist()}


def test_native_crash_costs_one_file(tmp_path: Path) -> None:
    found = _run(tmp_path, "crash", Limits())
    assert found[2] == ("unreadable", "the reader crashed its worker process")
    assert found[1][0] == found[3][0] == "ok"


@pytest.mark.slow
def test_hang_in_native_code_is_a_timeout(tmp_path: Path) -> None:
    found = _run(tmp_path, "hang", Limits(seconds_per_file=1))
    assert found[2][0] == "timeout"
    assert found[1][0] == found[3][0] == "ok"


def test_limits_file_is_checked_kept_and_applied(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from breachdesk.case import Case
    from breachdesk.cli import cli
    from breachdesk.errors import UserError
    from breachdesk.ingest.stage import load_limits

    bad = tmp_path / "bad.yaml"
    bad.write_text("max_ratoi: 10\n")
    with pytest.raises(UserError, match="unknown limit"):
        load_limits(bad)
    dump, _ = _dump(tmp_path)
    good = tmp_path / "limits.yaml"
    good.write_text("max_file_bytes: 40\nseconds_per_file: 60\n")
    result = CliRunner().invoke(
        cli, ["ingest", str(dump), "--case", str(tmp_path / "case"), "--limits", str(good)]
    )
    assert result.exit_code == 0, result.output
    case = Case.open(tmp_path / "case")
    assert case.manifest["settings"]["ingest"]["limits"]["max_file_bytes"] == 40
    statuses = {r["path"]: r["status"] for r in case.read_table("files").to_pylist()}
    assert statuses == {"a.csv": "ok", "b.log": "too_large", "c.csv": "ok"}
