"""The ingest stage: every file and archive member of the dump gets a type, a hash and a status.

Resuming: each top-level file is one unit whose key is its path, size, modification time and
the limits, so an interrupted ingest redoes only unfinished files, and a finished ingest of an
unchanged dump under the same limits is kept as it is (nothing downstream is invalidated).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml

from breachdesk import __version__
from breachdesk.case import Case
from breachdesk.engine import Engine
from breachdesk.errors import UserError
from breachdesk.ingest.walk import Limits, walk_file
from breachdesk.readers import ocr
from breachdesk.readers.registry import CONTAINERS, READERS

FILES_SCHEMA = pa.schema(
    [
        ("file_id", pa.int64()),
        ("path", pa.string()),
        ("parent", pa.string()),
        ("depth", pa.int32()),
        ("type", pa.string()),
        ("size", pa.int64()),
        ("sha256", pa.string()),
        ("status", pa.string()),
        ("reason", pa.string()),
        ("duplicate_of", pa.string()),
        ("modified", pa.string()),
    ]
)


def dump_units(dump: Path) -> tuple[Path, list[str]]:
    """The dump's root and its top-level files, relative, '/'-separated, in a stable order."""
    if not dump.exists():
        raise UserError(f"{dump}: no such file or directory; give the path of the leaked dump")
    if dump.is_file():
        return dump.parent, [dump.name]
    units: list[str] = []
    for folder, dirs, files in os.walk(dump, followlinks=False):
        dirs.sort()
        rel = Path(folder).relative_to(dump)
        for name in sorted(files):
            units.append((rel / name).as_posix())
        # Symlinked folders are not followed; they are listed so they get a status.
        for name in list(dirs):
            if (Path(folder) / name).is_symlink():
                units.append((rel / name).as_posix())
    if not units:
        raise UserError(f"{dump}: holds no files; give the folder the leaked files are in")
    return dump, units


RAW_SCHEMA = pa.schema([f for f in FILES_SCHEMA if f.name not in {"file_id", "duplicate_of"}])

# The first path in sorted order keeps the content; later paths with the same bytes are
# duplicates pointing at it. Empty files are not duplicates of each other: they hold nothing.
_SETTLE_SQL = """
WITH ranked AS (
  SELECT *,
         CASE WHEN status = 'ok' AND size > 0 AND sha256 <> ''
              THEN min(path) OVER (PARTITION BY sha256, status = 'ok' AND size > 0) END AS original
  FROM raw
)
SELECT (row_number() OVER (ORDER BY path) - 1)::BIGINT AS file_id,
       path, parent, depth, type, size, sha256,
       CASE WHEN original IS NOT NULL AND original <> path THEN 'duplicate'
            WHEN status = 'ok' AND type IN (SELECT type FROM verdicts)
              THEN (SELECT v.status FROM verdicts v WHERE v.type = ranked.type)
            WHEN status = 'ok' AND type NOT IN (SELECT type FROM readable) THEN 'unreadable'
            ELSE status END AS status,
       CASE WHEN original IS NOT NULL AND original <> path THEN 'same content as ' || original
            WHEN status = 'ok' AND type IN (SELECT type FROM verdicts)
              THEN (SELECT v.reason FROM verdicts v WHERE v.type = ranked.type)
            WHEN status = 'ok' AND type NOT IN (SELECT type FROM readable)
              THEN CASE WHEN type = 'bin' THEN 'binary content of no known format'
                        WHEN type = 'doc' THEN 'legacy Word (.doc) is not read in this version'
                        ELSE 'no reader for ' || type || ' files in this version' END
            ELSE reason END AS reason,
       CASE WHEN original IS NOT NULL AND original <> path THEN original END AS duplicate_of,
       modified
FROM ranked
ORDER BY path
"""


# Types whose content is known not to be readable text, with the status that says why.
_VERDICTS = {
    "office_encrypted": ("encrypted", "password-protected Office document"),
}


def _verdicts() -> dict[str, tuple[str, str]]:
    """``_VERDICTS``, and images when this machine cannot OCR them (the reason says what to
    install); where it can, the scan reads them."""
    missing = ocr.unavailable()
    return {**_VERDICTS, "image": ("needs_ocr", f"an image; {missing}")} if missing else _VERDICTS


@dataclass(frozen=True)
class IngestUnit:
    root: str
    rel: str
    limits: Limits
    size: int
    mtime_ns: int

    @property
    def resume_key(self) -> str:
        raw = json.dumps([__version__, self.rel, self.size, self.mtime_ns, asdict(self.limits)])
        return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _ingest_unit(unit: IngestUnit) -> tuple[pa.Table]:
    rows = []
    for entry in walk_file(Path(unit.root), unit.rel, unit.limits):
        row = asdict(entry)
        for gone in ("data", "stream", "duplicate_of"):
            row.pop(gone)
        rows.append(row)
    return (pa.Table.from_pylist(rows, schema=RAW_SCHEMA),)


def load_limits(path: Path) -> Limits:
    """Limits from a YAML mapping (any subset of the fields of ``Limits``)."""
    try:
        settings = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise UserError(f"{path}: cannot read limits ({exc}); give a YAML file") from exc
    if not isinstance(settings, dict):
        raise UserError(f"{path}: limits must be a YAML mapping, e.g. 'max_ratio: 100'")
    try:
        return Limits.from_settings(settings)
    except (ValueError, TypeError) as exc:
        raise UserError(f"{path}: {exc}") from exc


def keep_limits(case: Case, limits: Limits) -> None:
    """Record limits with the case; the next ingest (and every later one) uses them."""
    case.manifest["settings"]["limits"] = asdict(limits)
    case.save()


def case_limits(case: Case) -> Limits:
    """The limits a case was (or will be) ingested under: set with the case, else defaults."""
    settings: dict[str, Any] = case.manifest.get("settings", {})
    chosen = settings.get("limits") or settings.get("ingest", {}).get("limits")
    return Limits.from_settings(chosen)


def run_ingest(engine: Engine, case: Case, limits: Limits | None = None) -> dict[str, int]:
    limits = limits or case_limits(case)
    root, rels = dump_units(case.dump)
    units = [_unit(root, rel, limits) for rel in rels]
    # Whether images can be OCR'd decides their status: an install since the last ingest counts.
    ocr_ok = "ocr" if ocr.unavailable() is None else "no-ocr"
    keys = "".join(u.resume_key for u in units) + ocr_ok
    fingerprint = hashlib.sha256(keys.encode()).hexdigest()
    previous = case.manifest.get("settings", {}).get("ingest", {})
    if (
        "ingest" in case.manifest.get("stages", {})
        and previous.get("fingerprint") == fingerprint
        and case.table_path("files").exists()
    ):
        print("ingest: dump and limits unchanged since the last ingest; kept", file=sys.stderr)
        return case.stage_counts("ingest")
    case.start_stage("ingest", {"limits": asdict(limits), "fingerprint": fingerprint})
    tables = case.root / "tables"
    engine.map_to_tables(
        _ingest_unit,
        units,
        outputs={"files_raw": RAW_SCHEMA},
        dest=tables,
        label="ingest",
        weight=_weight,
    )
    readable = pa.table({"type": sorted({*READERS, *CONTAINERS})})
    verdicts_ = _verdicts()
    verdicts = pa.table(
        {
            "type": list(verdicts_),
            "status": [v[0] for v in verdicts_.values()],
            "reason": [v[1] for v in verdicts_.values()],
        }
    )
    files = engine.query(
        _SETTLE_SQL,
        {"raw": tables / "files_raw.parquet", "readable": readable, "verdicts": verdicts},
    )
    case.write_table("files", files.cast(FILES_SCHEMA))
    (tables / "files_raw.parquet").unlink()
    counts = {"files": files.num_rows}
    for status in files["status"].to_pylist():
        counts[status] = counts.get(status, 0) + 1
    case.finish_stage("ingest", counts)
    return counts


def _unit(root: Path, rel: str, limits: Limits) -> IngestUnit:
    try:
        st = (root / rel).lstat()
        size, mtime = st.st_size, st.st_mtime_ns
    except OSError:
        size, mtime = 0, 0
    return IngestUnit(str(root), rel, limits, size, mtime)


def _weight(unit: IngestUnit) -> int:
    return unit.size
