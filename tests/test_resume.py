"""An interrupted scan (kill -9 of the whole process tree) resumes without reading finished
files again, and ends with exactly the tables an uninterrupted run writes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from breachdesk.case import Case
from breachdesk.engine.local import LocalEngine
from breachdesk.ingest.stage import run_ingest
from breachdesk.scan.stage import run_scan
from breachdesk.synth import generate

BIN = Path(sys.executable).parent / "breachdesk"


def scan_tables(case: Path) -> dict[str, pa.Table]:
    """A case's scan tables without the timing column, to compare two runs."""
    out = {}
    for name in ("records", "mentions", "scanned"):
        table = pq.read_table(case / "tables" / f"{name}.parquet")
        out[name] = table.drop_columns(["seconds"]) if name == "scanned" else table
    return out


def kill_scan_after(args: list[str], parts: Path, *, done: int, seconds: float) -> None:
    """Start ``breachdesk scan ARGS`` and, once ``done`` parts are finished, kill its whole
    process group at once (the machine "crashes": parent, workers, a JVM), as a real outage."""
    proc = subprocess.Popen(
        [str(BIN), "scan", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        if parts.exists() and len(list(parts.glob("*.done"))) >= done:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the scan ended before it could be interrupted"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


@pytest.mark.slow
def test_scan_killed_mid_run_resumes_without_rereading(tmp_path: Path) -> None:
    generate(tmp_path / "synth", patients=400, seed=11)
    dump = tmp_path / "synth" / "dump"
    case = Case.create(tmp_path / "case", dump)
    run_ingest(LocalEngine(workers=1), case)
    shutil.copytree(tmp_path / "case", tmp_path / "reference")
    run_scan(LocalEngine(workers=1), Case.open(tmp_path / "reference"))

    parts = tmp_path / "case" / "tables" / ".parts" / "scan"
    kill_scan_after([str(tmp_path / "case"), "--workers", "1"], parts, done=5, seconds=60)
    assert not (tmp_path / "case" / "tables" / "records.parquet").exists()

    # What the finished parts hold is never read again: take those files out of the dump.
    files = Case.open(tmp_path / "case").read_table("files")
    done_ids: set[int] = set()
    for marker in parts.glob("*.done"):
        key = marker.name.removesuffix(".done")
        done_ids |= set(pq.read_table(parts / f"{key}.scanned.parquet")["file_id"].to_pylist())
    assert done_ids
    finished = pc.is_in(files["file_id"], pa.array(sorted(done_ids), pa.int64()))
    paths = files.filter(finished)["path"].to_pylist()
    tops = {p.split("!/", 1)[0] for p in paths}
    for top in tops:
        (dump / top).unlink()

    resumed = subprocess.run(
        [str(BIN), "scan", str(tmp_path / "case"), "--workers", "1"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "resuming;" in resumed.stderr
    assert scan_tables(tmp_path / "case") == scan_tables(tmp_path / "reference")
    assert not parts.exists()
