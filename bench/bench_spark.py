"""Local engine vs Spark engine on the same synthetic dump of at least ``--gb`` gigabytes: per
stage wall time, CPU time and peak memory, and a projection for a 400 GB dump on a cluster from
the measured per-core throughput.

    python bench/bench_spark.py --gb 5 [--patients 20000] [--cores 2] [--dump DIR] [--json OUT]

The dump is one seeded ``breachdesk synth`` incident copied until it reaches ``--gb``; each copy
of a text-like file gets trailing whitespace of its own, so deduplication skips none of them
(binary containers are kept once, as in bench_ingest.py). Copies repeat the same people: the
link stage links distinct ways of writing a person, so it grows with the records it reads, not
with the square of the copies. ``--dump DIR`` builds the dump there and keeps it; a later run
with the same ``--dump`` reuses it.

CPU time is that of the whole process tree (this process, the local engine's workers, Spark's
JVM and its Python workers), each process's own counter sampled every 0.2 s (see ``_Measure``).
On a shared machine CPU time, not wall time, is what measures throughput. Peak memory is the
largest summed resident set of the tree, sampled at the same moments. Not a CI test: a 5 GB
run takes hours on two cores.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

from bench_ingest import copy_until  # bench/ is on the path when a script there runs
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


def build_dump(root: Path, gigabytes: float, patients: int, seed: int) -> tuple[Path, Path]:
    """(dump, pmi) under ``root``; reused when a previous call finished building it."""
    dump, pmi, marker = root / "dump", root / "synth" / "pmi.csv", root / "dump.complete"
    if marker.exists() and float(marker.read_text()) >= gigabytes:
        return dump, pmi
    shutil.rmtree(root / "synth", ignore_errors=True)
    shutil.rmtree(dump, ignore_errors=True)
    generate(root / "synth", patients=patients, seed=seed)
    source = root / "synth" / "dump"
    copy_until(source, dump, gigabytes)
    marker.write_text(str(gigabytes))
    return dump, pmi


def _dump_bytes(dump: Path) -> int:
    return sum(p.stat().st_size for p in dump.rglob("*") if p.is_file() and not p.is_symlink())


def _tree() -> list[psutil.Process]:
    me = psutil.Process()
    return [me, *me.children(recursive=True)]


def _snapshot() -> dict[tuple[int, float], tuple[float, int]]:
    """(pid, start time) -> (own user + system seconds, resident bytes) of the live tree."""
    out = {}
    for proc in _tree():
        try:
            with proc.oneshot():
                t = proc.cpu_times()
                out[(proc.pid, proc.create_time())] = (t.user + t.system, proc.memory_info().rss)
        except psutil.Error:
            continue
    return out


class _Measure:
    """Wall time, CPU time and the peak summed resident set of the process tree.

    Every process's own CPU counter is sampled every 0.2 s and the stage's CPU time is the sum
    of each process's last sample less its first (zero for one born during the stage). Not the
    kernel's reaped-children counters: with Spark they lost the time of Python workers that
    ended during a stage (a 5 GB link stage summed to a negative figure), and a process counted
    both itself and through its reaper would count twice. A process that ends between samples
    loses at most 0.2 s of its time.
    """

    def __init__(self) -> None:
        self.peak = 0
        self.own_peak = 0  # this process alone: on Spark, the Python driver
        self._first: dict[tuple[int, float], float] = {}
        self._last: dict[tuple[int, float], float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _take(self) -> None:
        snap = _snapshot()
        for key, (cpu, _rss) in snap.items():
            self._last[key] = cpu
        self.peak = max(self.peak, sum(rss for _cpu, rss in snap.values()))
        me = psutil.Process()
        self.own_peak = max(self.own_peak, snap.get((me.pid, me.create_time()), (0, 0))[1])

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            self._take()

    def __enter__(self) -> _Measure:
        self._first = {key: cpu for key, (cpu, _rss) in _snapshot().items()}
        self.wall0 = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.wall = time.perf_counter() - self.wall0
        self._stop.set()
        self._thread.join()
        self._take()
        self.cpu = sum(cpu - self._first.get(key, 0.0) for key, cpu in self._last.items())


def _run(engine: Any, case: Case) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for name, stage in STAGES:
        with _Measure() as m:
            stage(engine, case)
        out[name] = {
            "wall_s": round(m.wall, 1),
            "cpu_s": round(m.cpu, 1),
            "peak_rss_mb": round(m.peak / 2**20),
            "python_driver_peak_mb": round(m.own_peak / 2**20),
        }
        print(engine.name, name, out[name], flush=True)  # partial results survive a timeout
    return out


def project(
    dump_bytes: int, stages: dict[str, dict[str, float]], target: float, cores: int
) -> dict[str, float]:
    """Ingest and scan are per file: their CPU seconds per byte, spread over the cluster's cores
    at full efficiency (tasks are independent, balanced by bytes). Link and assess join and
    shuffle: their CPU seconds, scaled linearly in bytes (pessimistic: linkage grows with
    distinct people, which grow more slowly than bytes), at 50% parallel efficiency. An
    estimate to size a cluster, not a promise."""
    read_cpu = stages["ingest"]["cpu_s"] + stages["scan"]["cpu_s"]
    join_cpu = stages["link"]["cpu_s"] + stages["assess"]["cpu_s"]
    per_core = dump_bytes / max(1e-9, read_cpu)
    read_s = target / (per_core * cores)
    join_s = join_cpu * (target / dump_bytes) / (cores * 0.5)
    return {
        "ingest_scan_mb_per_cpu_s": round(per_core / 1e6, 3),
        "ingest_scan_h": round(read_s / 3600, 2),
        "link_assess_h": round(join_s / 3600, 2),
        "total_h": round((read_s + join_s) / 3600, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gb", type=float, default=5.0, help="dump size, at least (GB)")
    parser.add_argument("--patients", type=int, default=20000, help="PMI size of the incident")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cores", type=int, default=2, help="workers / local[N] on this box")
    parser.add_argument("--engines", default="local,spark", help="which to run, in order")
    parser.add_argument("--nodes", type=int, default=16)
    parser.add_argument("--cores-per-node", type=int, default=16)
    parser.add_argument("--target-gb", type=float, default=400)
    parser.add_argument("--dump", type=Path, default=None, help="build (or reuse) the dump here")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    progress.QUIET = True
    cluster = args.nodes * args.cores_per_node
    target = args.target_gb * 1e9
    report: dict[str, Any] = {"patients": args.patients, "cores": args.cores}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        dump, pmi = build_dump(args.dump or root / "data", args.gb, args.patients, args.seed)
        size = _dump_bytes(dump)
        report["dump_gb"] = round(size / 1e9, 3)
        report["build_s"] = round(time.perf_counter() - started, 1)
        print("dump", report["dump_gb"], "GB", flush=True)
        for name in engines:
            if name == "local":
                engine: Any = LocalEngine(workers=args.cores)
            else:
                from breachdesk.engine.spark import SparkEngine

                engine = SparkEngine(master=f"local[{args.cores}]", workdir=root / "spark-work")
                t0 = time.perf_counter()
                engine.spark.sparkContext.setLogLevel("ERROR")
                report["spark_start_s"] = round(time.perf_counter() - t0, 1)
            stages = _run(engine, open_case(dump, root / name, pmi, None))
            if name == "spark":
                engine.stop()
            report[name] = stages
            report.setdefault(
                "projection",
                {"target_gb": args.target_gb, "nodes": args.nodes, "cores": cluster},
            )
            report["projection"][f"from_{name}"] = project(size, stages, target, cluster)
            shutil.rmtree(root / name)  # the case holds a second copy of the dump's people
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
