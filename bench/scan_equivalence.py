"""Fingerprints of the person-record tables scan writes for every file of a dump, to prove a
speed-up changed no output.

    PYTHONPATH=OLD/src python bench/scan_equivalence.py DUMP --write old.json
    PYTHONPATH=NEW/src python bench/scan_equivalence.py DUMP --check old.json

Each file (each member of an archive) goes through the scan stage's own calls: reader,
detectors, then ``rows_to_tables`` for the person-records of messages and free text (HL7, FHIR,
e-mail, logs, text, PDF...). Its records and mentions tables are serialised as Arrow IPC and
hashed, so ``--check`` fails on any difference of value, order, type or null layout. Tables
(CSV, spreadsheets) are read but their ``records_from_table`` output is not compared. Formats
with a stream reader (HL7, logs...) are also read as streams, as scan reads big files.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
from pathlib import Path

import pyarrow as pa

from breachdesk.detect.hl7 import sensitive_map
from breachdesk.detect.records import rows_to_tables
from breachdesk.ingest.archives import ARCHIVES
from breachdesk.ingest.limits import LimitExceeded, Limits
from breachdesk.ingest.sniff import sniff_data
from breachdesk.ingest.walk import walk_bytes
from breachdesk.readers.base import ReaderError, Table
from breachdesk.readers.registry import reader_for, stream_reader_for
from breachdesk.scan.stage import _items


def _digest(table: pa.Table) -> str:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


def _people(data: bytes | io.BytesIO, kind: str, name: str, limits: Limits) -> list[object] | str:
    people = []
    try:
        for item in _items(data, kind, name, "", 0, limits):
            if not isinstance(item, Table):
                people.append(item)
    except (ReaderError, LimitExceeded) as exc:
        return f"{type(exc).__name__}: {exc}"
    if not people:
        return []
    records, mentions = rows_to_tables(7, people, sensitive_map())  # type: ignore[arg-type]
    return [records.num_rows, mentions.num_rows, _digest(records), _digest(mentions)]


def fingerprints(dump: Path) -> dict[str, object]:
    limits = Limits()
    out: dict[str, object] = {}
    for path in sorted(p for p in dump.rglob("*") if p.is_file() and not p.is_symlink()):
        data = path.read_bytes()
        kind = sniff_data(data, path.name)
        name = str(path.relative_to(dump))
        if kind in ARCHIVES:
            for entry in walk_bytes(data, path.name, limits):
                if entry.data is not None and reader_for(entry.type) is not None:
                    member = f"{name}::{entry.path}"
                    out[member] = _people(entry.data, entry.type, member, limits)
        elif reader_for(kind) is not None:
            out[name] = _people(data, kind, name, limits)
        if stream_reader_for(kind) is not None:  # big files are read as streams
            out[f"{name} (stream)"] = _people(io.BytesIO(data), kind, name, limits)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dump", type=Path)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path, help="save the fingerprints here")
    group.add_argument("--check", type=Path, help="compare with fingerprints saved earlier")
    args = parser.parse_args()
    found = fingerprints(args.dump)
    rows = sum(v[0] for v in found.values() if isinstance(v, list) and v)
    if args.write:
        args.write.write_text(json.dumps(found, indent=1, sort_keys=True), encoding="utf-8")
        print(f"{len(found)} files, {rows} person-records: written to {args.write}")
        return
    saved = json.loads(args.check.read_text(encoding="utf-8"))
    differ = sorted(k for k in saved.keys() | found.keys() if saved.get(k) != found.get(k))
    print(f"{len(found)} files, {rows} person-records; {len(differ)} differ")
    for name in differ[:20]:
        print(f"  differs: {name}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
