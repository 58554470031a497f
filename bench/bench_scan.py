"""Scan benchmark: read-and-detect throughput per format in MB/s per core (CPU time).

    python bench/bench_scan.py [--patients 20000] [--seed 1] [--rounds 1] [--dump DIR] [--json OUT]
    python bench/bench_scan.py --gb 1.0 [--seed 1] [--keep DIR] [--json OUT]
    python bench/bench_scan.py --dump DIR/dump --once [--json OUT]

Generates one seeded incident with ``breachdesk synth`` (or reads ``--dump``), then passes every
file through the scan stage's own per-file call (reader, detectors, person-records to Arrow, the
joins between a database's tables) in this process, timing each file with
``time.process_time()``: CPU seconds of this one process, so the figure is MB/s per core whatever
else the machine is running. Archives are left out (their
members are counted as their own formats by ``bench_ingest.py``); ingest is not timed here.

Small mode (default): the files are held in memory, a first round warms the caches (catalogue,
automaton, compiled patterns) and is not counted, and ``--rounds`` repeats the counted pass to
scan more bytes than the dump holds.

``--gb N`` mode (the issue 4 acceptance figure): generates an incident of at least N gigabytes
(about 1.7 kB of dump per patient, so ``--gb 1`` makes ~590,000 patients unless ``--patients``
says otherwise; if the incident comes out short, its text-like files are copied with unique
trailing padding until it is N GB), then scans it once, file by file from disk. One file of each
format is scanned first to warm the caches and not counted. It reports each format and the four
groups the issue sets targets for: tables, messages and text >= 20 MB/s per core, PDF >= 2;
and scans (images and image-only PDFs, OCR'd), per MB and per file, with no target.
``--keep DIR`` builds the incident in DIR and leaves it there, so a later run can measure the
same bytes with ``--dump DIR/dump --once`` (one pass from disk, as ``--gb`` scans). At 1 GB
expect ~5 minutes to generate and 15-30 minutes of CPU to scan on a loaded machine; peak memory
stays that of the generator (a few GB at 600,000 patients), as files are scanned one at a time.

Each format's files are also split into a fixed cost per file and a marginal rate (a
least-squares line through their sizes and CPU times): how much of a format's figure is the
generator's small files rather than its bytes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

from breachdesk.ingest.archives import ARCHIVES
from breachdesk.ingest.limits import Limits
from breachdesk.ingest.sniff import sniff_data
from breachdesk.ingest.walk import Entry
from breachdesk.readers.base import ReaderError
from breachdesk.readers.registry import reader_for
from breachdesk.scan.stage import _scan_file, settle_collector
from breachdesk.synth import generate

BYTES_PER_PATIENT = 1_700  # dump bytes per PMI patient (100,000 patients give ~173 MB)
# The groups and their per-core targets in MB/s.
GROUPS = {
    "tables": ("csv", "tsv", "psv", "sql", "sqlite", "xlsx", "xls", "ods"),
    "messages": ("hl7", "astm", "fhir_json", "fhir_xml", "eml", "mbox", "msg", "edifact"),
    "text": ("text", "log", "json", "html", "xml", "docx", "odt", "rtf"),
    "pdf": ("pdf",),
    # Scanned pages (images, and PDFs whose pages are images), read by OCR: no target in the
    # issue; reported beside the others, per file as well as per MB (a scan's bytes say little
    # of its work).
    "scans": ("image", "pdf_scan"),
}
TARGETS: dict[str, float | None] = {
    "tables": 20.0,
    "messages": 20.0,
    "text": 20.0,
    "pdf": 2.0,
    "scans": None,
}
# Text-like types tolerate trailing whitespace; binary containers are not padded.
_PADDABLE = {".csv", ".tsv", ".txt", ".hl7", ".log", ".sql", ".eml", ".json", ".pdf", ".edi"}


def _scan(data: bytes, kind: str, name: str, limits: Limits) -> int:
    """Records found in one file, through the scan stage's own per-file call: readers,
    detectors, person-records to Arrow, and the joins between a file's tables."""
    kind = "pdf" if kind == "pdf_scan" else kind
    entry = Entry(path=name, parent=None, depth=0, size=len(data), type=kind, data=data)
    return sum(records.num_rows for records, _ in _scan_file(entry, 1, limits, keyed=[]))


def _scannable(dump: Path) -> Iterator[tuple[Path, str]]:
    """Every file of the dump a scan reads at top level, with its sniffed type ("pdf_scan" for a
    PDF with no text on any page: OCR reads it, at another pace)."""
    for path in sorted(p for p in dump.rglob("*") if p.is_file() and not p.is_symlink()):
        data = path.read_bytes()
        kind = sniff_data(data, path.name)  # whole file, as ingest sniffs it
        if kind not in ARCHIVES and reader_for(kind) is not None:
            yield path, "pdf_scan" if kind == "pdf" and _no_text(data) else kind


def _no_text(data: bytes) -> bool:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return False
    try:
        return all(not page.get_textpage().get_text_range().strip() for page in document)
    finally:
        document.close()


def _timed(
    files: Iterable[tuple[bytes, str, str]], limits: Limits
) -> Iterator[tuple[str, int, float, int]]:
    """(type, bytes, CPU seconds, records) per file; unreadable files are skipped."""
    for data, kind, name in files:
        started = time.process_time()
        try:
            records = _scan(data, kind, name, limits)
        except ReaderError:
            continue
        yield kind, len(data), time.process_time() - started, records


def _split_cost(sizes: list[float], seconds: list[float]) -> tuple[float | None, float | None]:
    """(fixed ms per file, marginal MB/s per core) of one format: the least-squares line
    seconds = fixed + MB / rate through its files. The generator's files are small (a CSV ~30
    kB, an e-mail ~1 kB), so a format's MB/s says mostly what a file costs whatever its size;
    the marginal rate is what a big file of it would be read at. None where the files' sizes do
    not spread enough to tell the two apart."""
    if len(sizes) < 3 or max(sizes) < 2 * min(sizes):
        return None, None
    design = np.column_stack([np.ones(len(sizes)), np.asarray(sizes) / 1e6])
    (fixed, per_mb), *_ = np.linalg.lstsq(design, np.asarray(seconds), rcond=None)
    if fixed < 0 or per_mb <= 0:  # a few files' noise, not a cost
        return None, None
    return round(float(fixed) * 1e3, 3), round(1 / float(per_mb), 2)


def _figures(rows: Iterable[tuple[str, int, float, int]]) -> dict[str, dict[str, float]]:
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    each: dict[str, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    for kind, nbytes, cpu, found in rows:
        row = totals[kind]
        row[0] += nbytes
        row[1] += cpu
        row[2] += found
        row[3] += 1
        each[kind][0].append(float(nbytes))
        each[kind][1].append(cpu)
    out: dict[str, dict[str, float]] = {}
    for kind, (size, seconds, records, files) in sorted(totals.items()):
        fixed, marginal = _split_cost(*each[kind])
        out[kind] = {
            "files": int(files),
            "mb": round(size / 1e6, 2),
            "seconds": round(seconds, 3),
            "mb_per_s": round(size / 1e6 / max(seconds, 1e-9), 2),
            "records": int(records),
            "fixed_ms_per_file": fixed,  # type: ignore[dict-item]
            "marginal_mb_per_s": marginal,  # type: ignore[dict-item]
        }
    return out


def measure(dump: Path, rounds: int) -> dict[str, dict[str, float]]:
    """Small mode: all files in memory, one warm-up round, then ``rounds`` counted rounds."""
    limits = Limits()
    files = [(path.read_bytes(), kind, str(path)) for path, kind in _scannable(dump)]
    for _ in _timed(files, limits):
        pass  # round 0 warms the caches
    settle_collector()  # as a scan worker does after its first file
    return _figures(row for _ in range(rounds) for row in _timed(files, limits))


def measure_streaming(dump: Path) -> dict[str, dict[str, float]]:
    """Big mode: one pass, each file read from disk when its turn comes (reading not timed)."""
    limits = Limits()
    files = list(_scannable(dump))
    first: dict[str, Path] = {}
    for path, kind in files:
        first.setdefault(kind, path)
    warm = ((p.read_bytes(), k, str(p)) for k, p in first.items())
    for _ in _timed(warm, limits):
        pass
    settle_collector()  # as a scan worker does after its first file
    return _figures(_timed(((p.read_bytes(), k, str(p)) for p, k in files), limits))


def groups(figures: dict[str, dict[str, float]]) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for group, kinds in GROUPS.items():
        size = sum(figures[k]["mb"] for k in kinds if k in figures)
        seconds = sum(figures[k]["seconds"] for k in kinds if k in figures)
        files = sum(figures[k]["files"] for k in kinds if k in figures)
        if not size:
            continue
        rate = size / max(seconds, 1e-9)
        target = TARGETS[group]
        out[group] = {
            "formats": [k for k in kinds if k in figures],
            "mb": round(size, 2),
            "seconds": round(seconds, 3),
            "mb_per_s": round(rate, 2),
            "files_per_s": round(files / max(seconds, 1e-9), 2),
            "target_mb_per_s": target,
            "meets_target": None if target is None else rate >= target,
        }
    return out


def build(root: Path, gigabytes: float, patients: int | None, seed: int) -> Path:
    """An incident of at least ``gigabytes`` GB in ``root``; returns its dump folder."""
    want = int(gigabytes * 1e9)
    generate(root, patients=patients or max(10, want // BYTES_PER_PATIENT + 1), seed=seed)
    dump = root / "dump"
    size = sum(p.stat().st_size for p in dump.rglob("*") if p.is_file())
    originals = [p for p in sorted(dump.rglob("*")) if p.is_file() and p.suffix in _PADDABLE]
    copy = 0
    while size < want and originals:
        copy += 1
        for path in originals:
            target = dump / f"copy{copy:04d}" / path.relative_to(dump)
            target.parent.mkdir(parents=True, exist_ok=True)
            data = path.read_bytes() + b" " * copy + b"\n"  # unique, so no copy is a duplicate
            target.write_bytes(data)
            size += len(data)
            if size >= want:
                break
    return dump


def _print(figures: dict[str, dict[str, float]], by_group: dict[str, dict[str, object]]) -> None:
    size = sum(f["mb"] for f in figures.values())
    seconds = sum(f["seconds"] for f in figures.values())
    print(
        f"{'format':12s} {'files':>7s} {'MB':>9s} {'CPU s':>9s} {'MB/s/core':>10s}"
        f" {'fixed ms':>9s} {'marginal':>9s}"
    )
    for kind, f in figures.items():
        fixed, marginal = f.get("fixed_ms_per_file"), f.get("marginal_mb_per_s")
        print(
            f"{kind:12s} {f['files']:7d} {f['mb']:9.2f} {f['seconds']:9.2f} {f['mb_per_s']:10.2f}"
            f" {'-' if fixed is None else f'{fixed:.2f}':>9s}"
            f" {'-' if marginal is None else f'{marginal:.1f}':>9s}"
        )
    print(f"{'all':12s} {'':7s} {size:9.2f} {seconds:9.2f} {size / max(seconds, 1e-9):10.2f}")
    print()
    print(f"{'group':12s} {'MB':>9s} {'MB/s/core':>10s} {'files/s':>8s} {'target':>7s}  meets")
    for group, g in by_group.items():
        target = g["target_mb_per_s"]
        meets = "-" if g["meets_target"] is None else "yes" if g["meets_target"] else "NO"
        print(
            f"{group:12s} {g['mb']:9.2f} {g['mb_per_s']:10.2f} {g['files_per_s']:8.2f} "
            f"{'-' if target is None else f'{target:.1f}':>7s}  {meets}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=None, help="default 20000; with --gb, "
                        "enough for the size")  # fmt: skip
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--dump", type=Path, help="an existing dump instead of a new incident")
    parser.add_argument("--gb", type=float, help="scan a new incident of at least this many GB")
    parser.add_argument("--keep", type=Path, help="with --gb: build the incident here, keep it")
    parser.add_argument(
        "--once", action="store_true", help="scan --dump once from disk, as --gb does (big dumps)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if args.gb is not None and args.dump is not None:
        parser.error("--gb builds its own dump; give --gb or --dump, not both")
    if args.keep is not None and args.gb is None:
        parser.error("--keep goes with --gb")
    report: dict[str, object] = {"timing": "CPU seconds (time.process_time) of this process"}
    with tempfile.TemporaryDirectory() as tmp:
        if args.gb is not None:
            root = args.keep or Path(tmp) / "incident"
            if args.keep is not None and args.keep.exists() and any(args.keep.iterdir()):
                parser.error(f"--keep {args.keep}: not empty")
            started = time.perf_counter()
            dump = build(root, args.gb, args.patients, args.seed)
            report["build_wall_s"] = round(time.perf_counter() - started, 1)
            report["dump_gb"] = round(
                sum(p.stat().st_size for p in dump.rglob("*") if p.is_file()) / 1e9, 3
            )
            started = time.perf_counter()
            figures = measure_streaming(dump)
            report["scan_wall_s"] = round(time.perf_counter() - started, 1)
            if args.keep is None:
                shutil.rmtree(root, ignore_errors=True)  # free the disk before printing
        else:
            dump = args.dump
            if dump is None:
                generate(Path(tmp), patients=args.patients or 20_000, seed=args.seed)
                dump = Path(tmp) / "dump"
            figures = measure_streaming(dump) if args.once else measure(dump, args.rounds)
    by_group = groups(figures)
    _print(figures, by_group)
    report.update({"formats": figures, "groups": by_group})
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
