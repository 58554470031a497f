"""The ingest stage: every file and archive member of the dump gets a type, a hash and a status."""

from __future__ import annotations

import os
from dataclasses import asdict
from functools import partial
from pathlib import Path

import pyarrow as pa

from breachdesk.case import Case
from breachdesk.engine import Engine
from breachdesk.errors import UserError
from breachdesk.ingest.walk import Limits, walk_file
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
            WHEN status = 'ok' AND type NOT IN (SELECT type FROM readable) THEN 'unreadable'
            ELSE status END AS status,
       CASE WHEN original IS NOT NULL AND original <> path THEN 'same content as ' || original
            WHEN status = 'ok' AND type NOT IN (SELECT type FROM readable)
              THEN CASE WHEN type = 'bin' THEN 'binary content of no known format'
                        ELSE 'no reader for ' || type || ' files in this version' END
            ELSE reason END AS reason,
       CASE WHEN original IS NOT NULL AND original <> path THEN original END AS duplicate_of
FROM ranked
ORDER BY path
"""


def _ingest_unit(unit: tuple[str, str, Limits]) -> tuple[pa.Table]:
    root, rel, limits = unit
    rows = []
    for entry in walk_file(Path(root), rel, limits):
        row = asdict(entry)
        for gone in ("data", "duplicate_of"):
            row.pop(gone)
        rows.append(row)
    return (pa.Table.from_pylist(rows, schema=RAW_SCHEMA),)


def run_ingest(engine: Engine, case: Case, limits: Limits | None = None) -> dict[str, int]:
    limits = limits or Limits()
    root, units = dump_units(case.dump)
    case.start_stage("ingest", {"limits": asdict(limits)})
    sizes = {rel: _size(root / rel) for rel in units}
    tables = case.root / "tables"
    engine.map_to_tables(
        _ingest_unit,
        [(str(root), rel, limits) for rel in units],
        outputs={"files_raw": RAW_SCHEMA},
        dest=tables,
        label="ingest",
        weight=partial(_weight, sizes),
    )
    readable = pa.table({"type": sorted({*READERS, *CONTAINERS})})
    files = engine.query(_SETTLE_SQL, {"raw": tables / "files_raw.parquet", "readable": readable})
    case.write_table("files", files.cast(FILES_SCHEMA))
    (tables / "files_raw.parquet").unlink()
    counts = {"files": files.num_rows}
    for status in files["status"].to_pylist():
        counts[status] = counts.get(status, 0) + 1
    case.finish_stage("ingest", counts)
    return counts


def _size(path: Path) -> int:
    try:
        return path.lstat().st_size
    except OSError:
        return 0


def _weight(sizes: dict[str, int], unit: tuple[str, str, Limits]) -> int:
    return sizes.get(unit[1], 0)
