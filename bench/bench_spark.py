"""Local engine vs Spark engine on the same synthetic dump: per-stage wall time, peak memory, and
a projection for a 400 GB dump on a cluster from the measured per-core throughput.

    python bench/bench_spark.py --patients 20000 [--cores 2] [--nodes 16 --cores-per-node 16]

Peak memory is the resident set of the whole process tree (driver, JVM, Python workers),
sampled every 0.2 s while each stage runs. Not a CI test: it takes minutes to hours.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

from breachdesk import progress
from breachdesk.assess.stage import run_assess
from breachdesk.case import Case
from breachdesk.engine.local import LocalEngine
from breachdesk.ingest.stage import run_ingest
from breachdesk.link.stage import run_link
from breachdesk.pipeline import open_case
from breachdesk.scan.stage import run_scan
from breachdesk.synth import generate

STAGES: tuple[tuple[str, Callable[[Any, Case], Any]], ...] = (
    ("ingest", run_ingest),
    ("scan", run_scan),
    ("link", run_link),
    ("assess", run_assess),
)


class _PeakRss:
    """The largest resident set of this process and all its descendants while running."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)
            self._stop.wait(0.2)

    def __enter__(self) -> _PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _run(engine: Any, case: Case) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for name, stage in STAGES:
        with _PeakRss() as rss:
            t0 = time.perf_counter()
            stage(engine, case)
            seconds = time.perf_counter() - t0
        out[name] = {"s": round(seconds, 2), "peak_rss_mb": round(rss.peak / 2**20)}
        print(engine.name, name, out[name], flush=True)  # partial results survive a timeout
    return out


def _dump_bytes(dump: Path) -> int:
    return sum(p.stat().st_size for p in dump.rglob("*") if p.is_file())


def project(
    dump_bytes: int, stages: dict[str, dict[str, float]], cores: int, target: float, total: int
) -> dict[str, float]:
    """Ingest and scan are per-file and scale with bytes and cores; link and assess scale with
    people found (roughly with bytes too) but shuffle, so they are projected linearly in bytes
    with a 50% parallel-efficiency penalty: an estimate to size a cluster, not a promise."""
    per_core = dump_bytes / max(1e-9, (stages["ingest"]["s"] + stages["scan"]["s"]) * cores)
    read = target / (per_core * total)
    joins = (stages["link"]["s"] + stages["assess"]["s"]) * cores * (target / dump_bytes)
    joins_s = joins / (total * 0.5)
    return {
        "per_core_mb_per_s": round(per_core / 1e6, 3),
        "ingest_scan_h": round(read / 3600, 2),
        "link_assess_h": round(joins_s / 3600, 2),
        "total_h": round((read + joins_s) / 3600, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cores", type=int, default=2, help="workers / local[N] on this box")
    parser.add_argument("--nodes", type=int, default=16)
    parser.add_argument("--cores-per-node", type=int, default=16)
    parser.add_argument("--target-gb", type=float, default=400)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--synth", type=Path, default=None, help="reuse (or make) this incident")
    args = parser.parse_args()
    progress.QUIET = True
    from breachdesk.engine.spark import SparkEngine

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        incident = args.synth or root / "synth"
        if not (incident / "pmi.csv").exists():
            generate(incident, patients=args.patients, seed=args.seed)
        dump, pmi = incident / "dump", incident / "pmi.csv"
        size = _dump_bytes(dump)
        local = _run(LocalEngine(workers=args.cores), open_case(dump, root / "local", pmi, None))
        spark_engine = SparkEngine(master=f"local[{args.cores}]", workdir=root / "spark-work")
        spark_engine.spark.sparkContext.setLogLevel("ERROR")
        spark = _run(spark_engine, open_case(dump, root / "spark", pmi, None))
        spark_engine.stop()
    cluster = args.nodes * args.cores_per_node
    target = args.target_gb * 1e9
    report = {
        "patients": args.patients,
        "dump_mb": round(size / 1e6, 1),
        "cores": args.cores,
        "local": local,
        "spark": spark,
        "projection": {
            "target_gb": args.target_gb,
            "nodes": args.nodes,
            "cores": cluster,
            "from_local": project(size, local, args.cores, target, cluster),
            "from_spark": project(size, spark, args.cores, target, cluster),
        },
    }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
