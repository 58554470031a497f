"""Pipeline benchmark: per-stage wall time, dump MB/s and peak memory on a synthetic incident.

    python bench/bench_pipeline.py --patients 20000 [--workers 2]

The reference measured in the same run is the raw read rate of the same dump (every file read
once from disk), so the pipeline's MB/s is also reported as a fraction of what the disk gives.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path

from breachdesk import progress
from breachdesk.assess.stage import run_assess
from breachdesk.engine.local import LocalEngine
from breachdesk.ingest.stage import run_ingest
from breachdesk.link.stage import run_link
from breachdesk.outputs.evaluate import evaluate
from breachdesk.pipeline import open_case
from breachdesk.scan.stage import run_scan
from breachdesk.synth import generate


def _raw_read(dump: Path) -> tuple[int, float]:
    started = time.perf_counter()
    total = 0
    for folder, _, files in os.walk(dump):
        for name in files:
            with open(os.path.join(folder, name), "rb") as handle:
                while block := handle.read(1 << 20):
                    total += len(block)
    return total, time.perf_counter() - started


def _peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    progress.QUIET = True
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        summary = generate(root / "synth", patients=args.patients, seed=args.seed)
        synth_s = time.perf_counter() - started
        dump = root / "synth" / "dump"
        size, raw_s = _raw_read(dump)
        engine = LocalEngine(workers=args.workers)
        case = open_case(dump, root / "case", root / "synth" / "pmi.csv", None)
        stages = {}
        for name, stage in (
            ("ingest", run_ingest),
            ("scan", run_scan),
            ("link", run_link),
            ("assess", run_assess),
        ):
            t0 = time.perf_counter()
            stage(engine, case)
            stages[name] = round(time.perf_counter() - t0, 2)
        total = sum(stages.values())
        result = evaluate(case, root / "synth" / "truth")
        own, children = _peak_mb()
        report = {
            "patients": args.patients,
            "workers": args.workers,
            "files": summary.files,
            "dump_mb": round(size / 1e6, 1),
            "synth_s": round(synth_s, 2),
            "stages_s": stages,
            "pipeline_s": round(total, 2),
            "pipeline_mb_per_s": round(size / 1e6 / total, 2),
            "raw_read_mb_per_s": round(size / 1e6 / max(raw_s, 1e-9), 1),
            "pipeline_vs_raw_read": round(raw_s / total, 4),
            "peak_rss_mb": {"main": round(own), "largest_worker": round(children)},
            "exposed_recall": result["exposed_pmi_patients"]["recall"],
            "exposed_precision": result["exposed_pmi_patients"]["precision"],
        }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
