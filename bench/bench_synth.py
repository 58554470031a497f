"""Time the synthetic incident generator: every demo and benchmark waits on it first.

    python bench/bench_synth.py --patients 100000 --seed 7

Prints counts and rates only, never identifiers.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from breachdesk.synth import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000, help="PMI size (default 100000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_synth_") as tmp:
        started = time.perf_counter()
        summary = generate(Path(tmp) / "incident", patients=args.patients, seed=args.seed)
        seconds = time.perf_counter() - started
    megabytes = summary.dump_bytes / 1e6
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mb = peak / 1e6 if sys.platform == "darwin" else peak / 1e3
    print(f"patients    {summary.patients}")
    print(f"files       {summary.files}")
    print(f"records     {summary.records}")
    print(f"exposed     {summary.exposed} (+{summary.not_in_pmi} not in PMI)")
    print(f"dump MB     {megabytes:.1f}")
    print(f"seconds     {seconds:.1f}")
    print(f"MB/s        {megabytes / seconds:.1f}")
    print(f"peak RSS MB {peak_mb:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
