"""Time sample-backlog triage: 100,000 samples triaged and planned (target: under 30 s, 2 cores).

    python bench/bench_samples.py --samples 100000 --outputs

The backlog is written by the synthetic generator itself (same columns, tests, storage logs and
~1% bad rows), drawing its samples from a population of 20,000 people, in a child process so the
peak memory reported is triage's own. --now defaults to just after the last synthetic time, so
only the deliberately bad rows are rejected. Prints counts, seconds and peak memory only, never
identifiers.
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from breachdesk.samples import backlog, run, schedule
from breachdesk.synth import backlog as synth_backlog
from breachdesk.synth import people


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1e6 if sys.platform == "darwin" else peak / 1e3


def make_backlog(folder: Path, samples: int, seed: int) -> Path:
    rng = random.Random(seed)
    pop = people.build(rng, patients=20_000, not_in_pmi=0)
    # The generator writes pmi_count / 10 samples: ask for exactly ``samples`` of them.
    pop = dataclasses.replace(pop, pmi_count=samples * 10)
    path = folder / "backlog.csv"
    synth_backlog.write(path, folder / "backlog_bad.csv", rng, pop)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--samples", type=int, default=100_000, help="backlog rows (100000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument(
        "--now", default="2024-06-10T06:00", help="triage time (default 2024-06-10T06:00)"
    )
    parser.add_argument("--outputs", action="store_true", help="also time writing the outputs")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_samples_") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        child = multiprocessing.get_context("fork").Process(
            target=make_backlog, args=(folder, args.samples, args.seed)
        )
        child.start()
        child.join()
        path = folder / "backlog.csv"
        made = time.perf_counter() - started
        started = time.perf_counter()
        result = run.compute(path, backlog.parse_now(args.now))
        computed = time.perf_counter() - started
        peak_compute = _peak_mb()
        written = 0.0
        fig = None
        if args.outputs:
            started = time.perf_counter()
            fig = run.write_outputs(result, folder / "out")
            written = time.perf_counter() - started
    b, v, p = result.backlog, result.viability, result.plan
    saved = schedule.saved_by_priority(p.saved, b.priority)
    fcfs = schedule.saved_by_priority(p.fcfs_saved, b.priority)
    print(f"rows            {b.rows} ({len(b.rejected)} rejected)")
    print(f"samples         {b.size}, (sample, test) pairs {len(b.pair_test)}")
    print(f"status          process {(v.status == 0).sum()}, partial {(v.status == 1).sum()}, "
          f"discard {(v.status == 2).sum()}")  # fmt: skip
    for key in ("total", "critical", "urgent", "routine"):
        print(
            f"saved {key:<9} plan {saved[key]}, first come {fcfs[key]} (+{saved[key] - fcfs[key]})"
        )
    print(f"generate s      {made:.1f}")
    print(f"triage+plan s   {computed:.2f}")
    print(f"peak RSS MB     {peak_compute:.0f} (after triage+plan)")
    print(f"load average    {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if fig is not None:
        print(f"outputs s       {written:.1f} ({fig['recall']['patients']} recall letters)")
        print(f"peak RSS MB     {_peak_mb():.0f} (after outputs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
