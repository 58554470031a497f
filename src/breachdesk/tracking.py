"""Per-person notification status, imported from the controllers' returns as CSV.

Statuses: ``pending`` (the default), ``sent``, ``returned`` (undelivered), ``not_required``
(a controller decided not to notify; a reason is required, as Art. 33(5) asks decisions to be
recorded). An import is checked whole before anything is stored, so a bad file changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from breachdesk.case import Case
from breachdesk.errors import UserError

STATUSES = ("pending", "sent", "returned", "not_required")
SCHEMA = pa.schema(
    [
        ("person_id", pa.string()),
        ("status", pa.string()),
        ("reason", pa.string()),
        ("updated", pa.string()),
        ("source", pa.string()),
    ]
)
TABLE = "notification_status"


def current(case: Case) -> dict[str, dict[str, str]]:
    path = case.table_path(TABLE)
    if not path.exists():
        return {}
    return {row["person_id"]: row for row in pq.read_table(path).to_pylist()}


def import_statuses(case: Case, source: Path) -> dict[str, int]:
    case.require("assess")
    known = set(case.read_table("register")["person_id"].to_pylist())
    try:
        with source.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip() for h in reader.fieldnames or []]
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise UserError(f"{source}: cannot be read as CSV ({exc})") from exc
    if "person_id" not in header or "status" not in header:
        raise UserError(
            f"{source}: needs columns person_id,status (and reason for not_required, optional date)"
        )
    today = dt.date.today().isoformat()
    merged = current(case)
    for number, row in enumerate(rows, start=2):
        pid = (row.get("person_id") or "").strip()
        status = (row.get("status") or "").strip().lower().replace(" ", "_")
        reason = (row.get("reason") or "").strip()
        problem = None
        if pid not in known:
            problem = f"person_id {pid!r} is not in the register"
        elif status not in STATUSES:
            problem = f"status {status!r} is not one of {', '.join(STATUSES)}"
        elif status == "not_required" and not reason:
            problem = "not_required needs a reason"
        if problem:
            raise UserError(f"{source}: line {number}: {problem}; nothing was imported")
        merged[pid] = {
            "person_id": pid,
            "status": status,
            "reason": reason,
            "updated": (row.get("date") or "").strip() or today,
            "source": source.name,
        }
    case.write_table(TABLE, pa.Table.from_pylist(list(merged.values()), schema=SCHEMA))
    counts = {"imported": len(rows)}
    for value in merged.values():
        counts[value["status"]] = counts.get(value["status"], 0) + 1
    return counts
