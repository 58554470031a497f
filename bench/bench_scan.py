"""Scan benchmark: read-and-detect throughput per format in MB/s on one core.

    python bench/bench_scan.py [--patients 20000] [--seed 1] [--rounds 1] [--dump DIR] [--json OUT]

Generates one seeded incident with ``breachdesk synth`` (or reads ``--dump``), then passes every
file through the scan stage's own pipeline (reader, detectors, person-records to Arrow) in this
process, timing each file. A first round warms the caches (catalogue, automaton, compiled
patterns) and is not counted, so the figures are steady-state per-core throughput; ``--rounds``
repeats the counted pass to scan more bytes than the dump holds. Archives are left out (their
members are counted as their own formats by ``bench_ingest.py``); ingest is not timed here.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from breachdesk.detect.hl7 import sensitive_map
from breachdesk.detect.records import rows_to_tables
from breachdesk.detect.tables import records_from_table
from breachdesk.ingest.archives import ARCHIVES
from breachdesk.ingest.limits import Limits
from breachdesk.ingest.sniff import sniff_data
from breachdesk.readers.base import ReaderError, Table
from breachdesk.readers.registry import reader_for
from breachdesk.scan.stage import _items
from breachdesk.synth import generate


def _scan(data: bytes, kind: str, name: str, limits: Limits) -> int:
    """Records found in one file, through the same calls ``scan_unit`` makes."""
    people = []
    count = 0
    for item in _items(data, kind, name, "", 0, limits):
        if isinstance(item, Table):
            count += records_from_table(item, 1)[0].num_rows
        else:
            people.append(item)
    if people:
        count += rows_to_tables(1, people, sensitive_map())[0].num_rows
    return count


def measure(dump: Path, rounds: int) -> dict[str, dict[str, float]]:
    limits = Limits()
    files = []
    for path in sorted(p for p in dump.rglob("*") if p.is_file()):
        data = path.read_bytes()
        kind = sniff_data(data, path.name)
        if kind not in ARCHIVES and reader_for(kind) is not None:
            files.append((data, kind, str(path)))
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for round_ in range(rounds + 1):
        for data, kind, name in files:
            started = time.perf_counter()
            try:
                records = _scan(data, kind, name, limits)
            except ReaderError:
                continue
            if round_:  # round 0 warms the caches
                row = totals[kind]
                row[0] += len(data)
                row[1] += time.perf_counter() - started
                row[2] += records
    return {
        kind: {
            "mb": round(size / 1e6, 2),
            "seconds": round(seconds, 3),
            "mb_per_s": round(size / 1e6 / seconds, 2),
            "records": records,
        }
        for kind, (size, seconds, records) in sorted(totals.items())
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--dump", type=Path, help="an existing dump instead of a new incident")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        dump = args.dump
        if dump is None:
            generate(Path(tmp), patients=args.patients, seed=args.seed)
            dump = Path(tmp) / "dump"
        figures = measure(dump, args.rounds)
    size = sum(f["mb"] for f in figures.values())
    seconds = sum(f["seconds"] for f in figures.values())
    print(f"{'format':12s} {'MB':>8s} {'s':>8s} {'MB/s/core':>10s}")
    for kind, f in figures.items():
        print(f"{kind:12s} {f['mb']:8.2f} {f['seconds']:8.2f} {f['mb_per_s']:10.2f}")
    print(f"{'all':12s} {size:8.2f} {seconds:8.2f} {size / seconds:10.2f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
