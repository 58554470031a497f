"""Link benchmark: wall time per step and peak memory of the link stage, at a given size.

    python bench/bench_link.py --records 1000000 [--workers 2] [--json OUT]
    python bench/bench_link.py --records 100000 --sweep 0.5,0.9,0.95,0.99,0.999

Records come from ``breachdesk.link.simulate``, not from ``breachdesk synth``: a synthetic
incident of a million person-records is ~330,000 patients and ~600 MB of files, whose synth and
scan take far longer than the link being measured, while the link stage reads only the records
table and the PMI. The simulator draws people from the same name pools, nickname table and
typing-slip model as synth, with the same kinds of noise (missing NHS numbers, nicknames,
typos in either name, day/month swaps, ALL CAPS, swapped given/family names, one digit wrong
in a birth date or two NHS digits transposed) at comparable rates, and ~2.3 records per PMI
patient (60% of the PMI exposed, 1-6 records each, plus 5% people not in the PMI).

The link stage runs in a child process, so its peak RSS (DuckDB's memory included) is
measured apart from the simulator's. ``--sweep`` re-runs link at each link threshold and
reports precision/recall against truth: how the default thresholds were chosen.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from breachdesk import progress
from breachdesk.case import Case
from breachdesk.engine.local import LocalEngine
from breachdesk.link import simulate
from breachdesk.link.stage import THRESHOLDS, run_link

NOISE = simulate.Noise(nhs_transposed=0.01, dob_digit=0.01)


def _link(root: str, workers: int, thresholds: dict[str, float], out: Any) -> None:
    progress.QUIET = True
    case = Case.open(Path(root))
    started = time.perf_counter()
    counts = run_link(LocalEngine(workers=workers), case, **thresholds)
    wall = time.perf_counter() - started
    report = json.loads((case.root / "link" / "report.json").read_text(encoding="utf-8"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.put({"counts": counts, "wall_s": round(wall, 2), "steps_s": report["seconds"],
             "peak_rss_mb": round(peak)})  # fmt: skip


def run_once(root: Path, workers: int, thresholds: dict[str, float]) -> dict[str, Any]:
    """Link the case at ``root`` in a fresh process; its figures and its own peak memory."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_link, args=(str(root), workers, thresholds, queue))
    child.start()
    result: dict[str, Any] = queue.get()
    child.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000, help="about this many")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sweep", default=None, help="link thresholds to compare, e.g. 0.9,0.99")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    patients = max(100, round(args.records / 2.3))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        sim = simulate.simulate(patients, noise=NOISE, seed=args.seed)
        simulate_s = time.perf_counter() - started
        case = simulate.write_case(sim, root)
        truth = dict(sim.truth)
        sizes = {"records": sim.records.num_rows, "pmi": sim.pmi.num_rows}
        pq.write_table(pa.table({"record_id": list(truth), "person": list(truth.values())}),
                       root / "truth.parquet")  # fmt: skip
        del sim
        thresholds = [float(t) for t in args.sweep.split(",")] if args.sweep else [None]
        runs = []
        for link in thresholds:
            chosen = dict(THRESHOLDS)
            if link is not None:
                chosen = {"link_threshold": link, "review_threshold": min(link, 0.5)}
            result = run_once(case.root, args.workers, chosen)
            result["thresholds"] = chosen
            result["figures"] = simulate.measure(truth, Case.open(case.root))
            runs.append(result)
    report = {
        **sizes,
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "simulate_s": round(simulate_s, 1),
        "runs": runs,
    }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
