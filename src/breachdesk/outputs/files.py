"""Every file's final status: ingest's verdict, overridden where the scan's reader failed."""

from __future__ import annotations

import pyarrow as pa

from breachdesk.case import Case
from breachdesk.engine.local import LocalEngine


def file_statuses(case: Case) -> pa.Table:
    case.require("ingest")
    tables: dict[str, object] = {"files": case.table_path("files")}
    scanned = case.table_path("scanned")
    if "scan" in case.manifest.get("stages", {}) and scanned.exists():
        tables["scanned"] = scanned
        sql = """SELECT f.path, f.type, f.size,
                        CASE WHEN s.status IS NOT NULL AND s.status <> 'ok' THEN s.status
                             ELSE f.status END AS status,
                        CASE WHEN s.status IS NOT NULL AND (s.status <> 'ok' OR s.reason <> '')
                             THEN s.reason ELSE f.reason END AS reason,
                        s.records
                 FROM files f LEFT JOIN scanned s USING (file_id) ORDER BY f.path"""
    else:
        sql = "SELECT path, type, size, status, reason, NULL AS records FROM files ORDER BY path"
    return LocalEngine(workers=1).query(sql, tables)
