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
from breachdesk.ingest.walk import Entry, Limits, walk_file
from breachdesk.readers.registry import CONTAINERS, reader_for

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


def _ingest_unit(unit: tuple[str, str, Limits]) -> list[dict[str, object]]:
    root, rel, limits = unit
    rows = []
    for entry in walk_file(Path(root), rel, limits):
        row = asdict(entry)
        row.pop("data")
        rows.append(row)
    return rows


def _settle(entries: list[Entry]) -> None:
    """Duplicates (the first path in sorted order is the original) and types without a reader."""
    first_by_hash: dict[str, str] = {}
    for entry in entries:
        if entry.status != "ok":
            continue
        if entry.size > 0 and entry.sha256:
            original = first_by_hash.setdefault(entry.sha256, entry.path)
            if original != entry.path:
                entry.status, entry.reason = "duplicate", f"same content as {original}"
                entry.data = None
                entry.duplicate_of = original
                continue
        if entry.type not in CONTAINERS and reader_for(entry.type) is None:
            entry.status = "unreadable"
            entry.reason = f"no reader for {entry.type} files in this version"


def run_ingest(engine: Engine, case: Case, limits: Limits | None = None) -> dict[str, int]:
    limits = limits or Limits()
    root, units = dump_units(case.dump)
    case.start_stage("ingest", {"limits": asdict(limits)})
    sizes = {rel: _size(root / rel) for rel in units}
    work = [(str(root), rel, limits) for rel in units]
    entries: list[Entry] = []
    for rows in engine.map_units(
        _ingest_unit, work, label="ingest", weight=partial(_weight, sizes)
    ):
        entries.extend(Entry(**row) for row in rows)
    entries.sort(key=lambda e: e.path)
    _settle(entries)
    table = pa.Table.from_pylist(
        [
            {
                "file_id": i,
                "path": e.path,
                "parent": e.parent,
                "depth": e.depth,
                "type": e.type,
                "size": e.size,
                "sha256": e.sha256,
                "status": e.status,
                "reason": e.reason,
                "duplicate_of": e.duplicate_of,
            }
            for i, e in enumerate(entries)
        ],
        schema=FILES_SCHEMA,
    )
    case.write_table("files", table)
    counts: dict[str, int] = {"files": len(entries)}
    for e in entries:
        counts[e.status] = counts.get(e.status, 0) + 1
    case.finish_stage("ingest", counts)
    return counts


def _size(path: Path) -> int:
    try:
        return path.lstat().st_size
    except OSError:
        return 0


def _weight(sizes: dict[str, int], unit: tuple[str, str, Limits]) -> int:
    return sizes.get(unit[1], 0)
