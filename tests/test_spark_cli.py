"""The stage-by-stage commands on Spark: a scan killed part-way resumes on Spark without reading
finished files again, and ends with exactly the tables the local engine writes; the case is
given as a file:// URL throughout."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from breachdesk.case import Case
from breachdesk.engine.local import LocalEngine
from breachdesk.scan.stage import run_scan
from breachdesk.synth import generate
from test_resume import kill_scan_after, scan_tables

pytest.importorskip("pyspark")
pytestmark = [pytest.mark.spark, pytest.mark.slow]

BIN = Path(sys.executable).parent / "breachdesk"


def _breachdesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, check=False)


def test_stage_commands_on_spark_resume_a_killed_scan(tmp_path: Path) -> None:
    generate(tmp_path / "synth", patients=300, seed=11)
    dump, case = tmp_path / "synth" / "dump", tmp_path / "case"
    url = case.as_uri()  # file:///...: what Spark and Hadoop tools print
    spark = ("--engine", "spark", "--workers", "1")
    done = _breachdesk("ingest", dump.as_uri(), "--case", url, *spark)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ingest: files 5")  # the 53 files synth wrote, by status
    assert Case.open(case).table_path("files").exists()
    shutil.copytree(case, tmp_path / "reference")
    run_scan(LocalEngine(workers=1), Case.open(tmp_path / "reference"))

    parts = case / "tables" / ".parts" / "scan"
    kill_scan_after([url, *spark], parts, done=3, seconds=300)  # driver, JVM, Python workers
    assert not (case / "tables" / "records.parquet").exists()

    # What the finished parts hold is never read again: take those files out of the dump.
    files = Case.open(case).read_table("files")
    done_ids: set[int] = set()
    for marker in parts.glob("*.done"):
        key = marker.name.removesuffix(".done")
        done_ids |= set(pq.read_table(parts / f"{key}.scanned.parquet")["file_id"].to_pylist())
    assert done_ids
    finished = pc.is_in(files["file_id"], pa.array(sorted(done_ids), pa.int64()))
    for top in {p.split("!/", 1)[0] for p in files.filter(finished)["path"].to_pylist()}:
        (dump / top).unlink()

    resumed = _breachdesk("scan", url, *spark)
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming;" in resumed.stderr
    # The same bytes as the local engine's.
    assert scan_tables(case) == scan_tables(tmp_path / "reference")
    assert not parts.exists()
    assert "scan" in Case.open(case).manifest["stages"]


def test_remote_case_urls_are_refused_in_one_line(tmp_path: Path) -> None:
    for url in ("hdfs://namenode/cases/x", "s3a://bucket/cases/x", "abfss://c@a.dfs.core/x"):
        out = _breachdesk("scan", url, "--engine", "spark")
        assert out.returncode == 2
        assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
        assert out.stderr.startswith(f"breachdesk: error: {url}: ")
        assert "not supported; mount the store" in out.stderr
