"""The scan stage: per top-level file, read every ok member and find the people in it.

The per-unit function is pure (paths and settings in, Arrow tables out) so any engine can run it.
A reader that fails costs its file, with the reason kept, never the run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from breachdesk.case import Case
from breachdesk.detect.hl7 import person_from_message, sensitive_map
from breachdesk.detect.records import MENTION_SCHEMA, SCHEMA, PersonRecord, rows_to_tables
from breachdesk.detect.tables import records_from_table
from breachdesk.detect.text import people_in_text
from breachdesk.engine import Engine
from breachdesk.ingest.sniff import sniff
from breachdesk.ingest.walk import Limits, walk_file
from breachdesk.readers.base import Nested, ReaderError, Record, Table
from breachdesk.readers.pdf import NeedsOcr
from breachdesk.readers.registry import reader_for

SCANNED_SCHEMA = pa.schema(
    [
        ("file_id", pa.int64()),
        ("status", pa.string()),
        ("reason", pa.string()),
        ("records", pa.int64()),
        ("seconds", pa.float64()),
    ]
)
MAX_NESTING = 4


@dataclass(frozen=True)
class Unit:
    root: str
    top: str
    wanted: dict[str, int]  # path -> file_id
    limits: Limits
    size: int


def _read_item_tree(
    data: bytes, kind: str, name: str, prefix: str, depth: int
) -> tuple[list[PersonRecord], list[pa.Table], list[pa.Table]]:
    """Person-records from one file's bytes, following attachments into nested files."""
    reader = reader_for(kind)
    if reader is None:
        if depth == 0:
            raise ReaderError(f"no reader for {kind} files in this version")
        return [], [], []
    people: list[PersonRecord] = []
    tables: list[pa.Table] = []
    table_mentions: list[pa.Table] = []
    for item in reader(data, name):
        if isinstance(item, Table):
            item.prefix = prefix + item.prefix
            tables.append(item)
        elif isinstance(item, Record):
            locator = prefix + item.locator
            if item.schema == "hl7v2":
                item.locator = locator
                people.extend(person_from_message(item))
            else:
                people.extend(people_in_text(item.text, locator, item.schema))
        elif isinstance(item, Nested) and depth < MAX_NESTING:
            inner = sniff(item.data[: 64 * 1024], item.name)
            p, t, m = _read_item_tree(
                item.data, inner, item.name, f"{prefix}{item.locator}!", depth + 1
            )
            people.extend(p)
            tables.extend(t)
            table_mentions.extend(m)
    return people, tables, table_mentions


def scan_unit(unit: Unit) -> tuple[pa.Table, pa.Table, pa.Table]:
    sensitive = sensitive_map()
    record_parts: list[pa.Table] = []
    mention_parts: list[pa.Table] = []
    statuses: list[dict[str, object]] = []
    for entry in walk_file(Path(unit.root), unit.top, unit.limits, want=unit.wanted.__contains__):
        if entry.data is None or entry.path not in unit.wanted:
            continue
        file_id = unit.wanted[entry.path]
        started = time.monotonic()
        status, reason, count = "ok", "", 0
        try:
            people, tables, _ = _read_item_tree(entry.data, entry.type, entry.path, "", 0)
            recs, ments = rows_to_tables(file_id, people, sensitive)
            parts, mparts = [recs], [ments]
            for table in tables:
                t_recs, t_ments = records_from_table(table, file_id)
                parts.append(t_recs)
                mparts.append(t_ments)
            file_records = pa.concat_tables(parts)
            count = file_records.num_rows
            record_parts.append(file_records)
            mention_parts.append(pa.concat_tables(mparts))
        except NeedsOcr as exc:
            status, reason = "needs_ocr", str(exc)
        except ReaderError as exc:
            status, reason = "unreadable", str(exc)
        except (
            ValueError,
            TypeError,
            KeyError,
            IndexError,
            UnicodeError,
            pa.ArrowException,
        ) as exc:
            # A reader bug on hostile input costs this file, not the run; the type names it.
            status, reason = "unreadable", f"reader failed: {type(exc).__name__}"
        entry.data = None
        statuses.append(
            {
                "file_id": file_id,
                "status": status,
                "reason": reason,
                "records": count,
                "seconds": round(time.monotonic() - started, 4),
            }
        )
    records = pa.concat_tables(record_parts) if record_parts else SCHEMA.empty_table()
    mentions = pa.concat_tables(mention_parts) if mention_parts else MENTION_SCHEMA.empty_table()
    return records, mentions, pa.Table.from_pylist(statuses, schema=SCANNED_SCHEMA)


def run_scan(engine: Engine, case: Case) -> dict[str, int]:
    case.require("ingest")
    files = case.read_table("files")
    limits = Limits(**case.manifest["settings"].get("ingest", {}).get("limits", {}))
    case.start_stage("scan")
    ok = files.filter(pc.equal(files["status"], "ok")).to_pylist()
    root = case.dump.parent if case.dump.is_file() else case.dump
    by_top: dict[str, dict[str, int]] = {}
    sizes: dict[str, int] = {}
    for row in ok:
        path = str(row["path"])
        top = path.split("!/", 1)[0]
        if row["type"] in {"zip", "empty"}:
            continue
        by_top.setdefault(top, {})[path] = int(row["file_id"])
        sizes[top] = sizes.get(top, 0) + int(row["size"])
    units = [Unit(str(root), top, wanted, limits, sizes[top]) for top, wanted in by_top.items()]
    out = case.root / "tables"
    out.mkdir(parents=True, exist_ok=True)
    counts = {"files": 0, "records": 0, "mentions": 0}
    writers = {
        "records": pq.ParquetWriter(out / "records.parquet.tmp", SCHEMA, compression="zstd"),
        "mentions": pq.ParquetWriter(
            out / "mentions.parquet.tmp", MENTION_SCHEMA, compression="zstd"
        ),
        "scanned": pq.ParquetWriter(
            out / "scanned.parquet.tmp", SCANNED_SCHEMA, compression="zstd"
        ),
    }
    try:
        for records, mentions, scanned in engine.map_units(
            scan_unit, units, label="scan", weight=partial(_weight)
        ):
            writers["records"].write_table(records)
            writers["mentions"].write_table(mentions)
            writers["scanned"].write_table(scanned)
            counts["files"] += scanned.num_rows
            counts["records"] += records.num_rows
            counts["mentions"] += mentions.num_rows
            for status in scanned["status"].to_pylist():
                if status != "ok":
                    counts[status] = counts.get(status, 0) + 1
    finally:
        for writer in writers.values():
            writer.close()
    for name in writers:
        (out / f"{name}.parquet.tmp").replace(out / f"{name}.parquet")
    case.finish_stage("scan", counts)
    return counts


def _weight(unit: Unit) -> int:
    return unit.size
