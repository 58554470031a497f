"""The scan stage: per top-level file, read every ok member and find the people in it.

The per-unit function is pure (paths and settings in, Arrow tables out) so any engine can run it.
A reader that fails costs its file, with the reason kept, never the run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from breachdesk.case import Case
from breachdesk.detect.fhir import person_from_patient
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
# Structured records (named fields) and the detector that turns each into person-records.
STRUCTURED: dict[str, Callable[[Record], list[PersonRecord]]] = {
    "hl7v2": person_from_message,
    "fhir": person_from_patient,
}


@dataclass(frozen=True)
class Unit:
    root: str
    top: str
    wanted: dict[str, int]  # path -> file_id
    limits: Limits
    size: int


def _items(
    data: bytes, kind: str, name: str, prefix: str, depth: int
) -> Iterator[PersonRecord | Table]:
    """Person-records and tables from one file's bytes, following attachments inside it.

    A generator, so a big table's chunks are detected and dropped one at a time.
    """
    reader = reader_for(kind)
    if reader is None:
        if depth == 0:
            raise ReaderError(f"no reader for {kind} files in this version")
        return
    for item in reader(data, name):
        if isinstance(item, Table):
            item.prefix = prefix + item.prefix
            yield item
        elif isinstance(item, Record):
            locator = prefix + item.locator
            if item.schema in STRUCTURED:
                item.locator = locator
                yield from STRUCTURED[item.schema](item)
            else:
                yield from people_in_text(item.text, locator, item.schema)
        elif isinstance(item, Nested) and depth < MAX_NESTING:
            inner = sniff(item.data[: 64 * 1024], item.name)
            yield from _items(item.data, inner, item.name, f"{prefix}{item.locator}!", depth + 1)


def _scan_file(data: bytes, kind: str, path: str, file_id: int) -> tuple[pa.Table, pa.Table]:
    people: list[PersonRecord] = []
    records: list[pa.Table] = []
    mentions: list[pa.Table] = []
    for item in _items(data, kind, path, "", 0):
        if isinstance(item, Table):
            recs, ments = records_from_table(item, file_id)
            records.append(recs)
            mentions.append(ments)
        else:
            people.append(item)
    recs, ments = rows_to_tables(file_id, people, sensitive_map())
    return pa.concat_tables([recs, *records]), pa.concat_tables([ments, *mentions])


def scan_unit(unit: Unit) -> tuple[pa.Table, pa.Table, pa.Table]:
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
            file_records, file_mentions = _scan_file(entry.data, entry.type, entry.path, file_id)
            count = file_records.num_rows
            record_parts.append(file_records)
            mention_parts.append(file_mentions)
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
    rows = engine.map_to_tables(
        scan_unit,
        units,
        outputs={"records": SCHEMA, "mentions": MENTION_SCHEMA, "scanned": SCANNED_SCHEMA},
        dest=case.root / "tables",
        label="scan",
        weight=_weight,
    )
    counts = {"files": rows["scanned"], "records": rows["records"], "mentions": rows["mentions"]}
    statuses = engine.query(
        "SELECT status, count(*) AS n FROM scanned WHERE status <> 'ok' GROUP BY status",
        {"scanned": case.table_path("scanned")},
    )
    counts.update(zip(statuses["status"].to_pylist(), statuses["n"].to_pylist(), strict=True))
    case.finish_stage("scan", counts)
    return counts


def _weight(unit: Unit) -> int:
    return unit.size
