"""Ingest + read benchmark: throughput per format in MB/s per core, and peak memory.

    python bench/bench_ingest.py --gb 1.0 [--patients 20000] [--workers 2] [--json OUT]

Builds a synthetic dump of at least ``--gb`` gigabytes: one seeded incident from
``breachdesk synth``, its files copied until the size is reached (each copy made unique with
trailing whitespace, so deduplication does not skip it), plus the hostile files of the
acceptance test (a 1 GiB zip bomb, a 1 GiB gzip bomb, traversal, links, encrypted archives).
Then runs ingest and scan on the local engine and reports, per format, MB/s per core from the
``scanned`` table (each file's read-and-detect seconds in its worker), the stages' wall time,
and the peak resident memory of the whole process tree (sampled every 0.1 s).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from breachdesk import progress
from breachdesk.case import Case
from breachdesk.engine.local import LocalEngine
from breachdesk.ingest.stage import run_ingest
from breachdesk.scan.stage import run_scan
from breachdesk.synth import generate

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
# Text-like types tolerate trailing whitespace; binary containers are copied once only.
_PADDABLE = {".csv", ".tsv", ".txt", ".hl7", ".log", ".sql", ".eml", ".json", ".pdf", ".edi"}


class Peak:
    def __init__(self) -> None:
        self.total = 0
        self.largest = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(0.1):
            sizes = []
            for proc in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    sizes.append(proc.memory_info().rss)
            self.total = max(self.total, sum(sizes))
            self.largest = max(self.largest, max(sizes, default=0))

    def __enter__(self) -> Peak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def copy_until(source: Path, dump: Path, gigabytes: float) -> int:
    """Copies of the incident in ``source`` under ``dump`` until it holds ``gigabytes``; each
    copy of a text-like file gets trailing whitespace of its own, so deduplication skips none.
    Returns the dump's size in bytes."""
    shutil.copytree(source, dump / "copy0000", symlinks=True)
    files = [p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in _PADDABLE]
    size = sum(p.stat().st_size for p in dump.rglob("*") if p.is_file() and not p.is_symlink())
    copy = 0
    while size < gigabytes * 1e9:
        copy += 1
        for path in files:
            target = dump / f"copy{copy:04d}" / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            data = path.read_bytes() + b" " * copy + b"\n"
            target.write_bytes(data)
            size += len(data)
    return size


def build_dump(root: Path, gigabytes: float, patients: int) -> int:
    generate(root / "synth", patients=patients, seed=7)
    source = root / "synth" / "dump"
    dump = root / "dump"
    copy_until(source, dump, gigabytes)
    from test_ingest_hostile import _build

    _build(dump / "hostile", "4010232145")
    return sum(p.stat().st_size for p in dump.rglob("*") if p.is_file() and not p.is_symlink())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gb", type=float, default=1.0)
    parser.add_argument("--patients", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="Build the dump here and keep it.")
    args = parser.parse_args()
    progress.QUIET = True
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        started = time.perf_counter()
        dump_bytes = build_dump(root, args.gb, args.patients)
        build_s = time.perf_counter() - started
        engine = LocalEngine(workers=args.workers)
        case = Case.create(root / "case", root / "dump")
        with Peak() as peak:
            t0 = time.perf_counter()
            run_ingest(engine, case)
            ingest_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            run_scan(engine, case)
            scan_s = time.perf_counter() - t0
        per_type = engine.query(
            """SELECT f.type, count(*) AS files, sum(f.size)::DOUBLE AS bytes,
                      sum(s.seconds) AS seconds, sum(s.records)::BIGINT AS records
               FROM scanned s JOIN files f USING (file_id) WHERE s.status = 'ok'
               GROUP BY f.type ORDER BY bytes DESC""",
            {"scanned": case.table_path("scanned"), "files": case.table_path("files")},
        ).to_pylist()
        statuses = engine.query(
            "SELECT status, count(*) AS n FROM files GROUP BY status ORDER BY n DESC",
            {"files": case.table_path("files")},
        ).to_pylist()
    formats = {
        row["type"]: {
            "files": row["files"],
            "mb": round(row["bytes"] / 1e6, 1),
            "mb_per_s_per_core": round(row["bytes"] / 1e6 / max(row["seconds"], 1e-9), 2),
            "records": row["records"],
        }
        for row in per_type
    }
    report = {
        "dump_gb": round(dump_bytes / 1e9, 3),
        "workers": args.workers,
        "build_s": round(build_s, 1),
        "ingest_s": round(ingest_s, 1),
        "scan_s": round(scan_s, 1),
        "ingest_mb_per_s_per_core": round(dump_bytes / 1e6 / ingest_s / args.workers, 1),
        "ingest_and_scan_mb_per_s_per_core": round(
            dump_bytes / 1e6 / (ingest_s + scan_s) / args.workers, 2
        ),
        "peak_rss_mb": {
            "whole_tree": round(peak.total / 2**20),
            "largest": round(peak.largest / 2**20),
        },
        "statuses": {row["status"]: row["n"] for row in statuses},
        "read_mb_per_s_per_core": formats,
    }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
