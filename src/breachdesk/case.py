"""The case workspace: one directory per incident, holding every stage's tables.

A case records what produced it (tool version, inputs, settings) and which stages finished, so a
half-written stage is never mistaken for a complete one and a later stage refuses to read it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from breachdesk import __version__
from breachdesk.errors import UserError

STAGES = ("ingest", "scan", "link", "assess")
_MANIFEST = "case.json"


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):/")


def local_path(value: str | Path) -> Path:
    """A case (or dump) path given as a local path or a ``file://`` URL, as a local path.

    Other URL schemes (hdfs://, s3a://, abfss://, ...) are refused with the fix: the case's
    control files, crash journals and the helpline database need a POSIX file system, so a
    store is used through a mount visible to the driver and every executor (docs/spark.md).
    ``Path`` collapses ``file:///x`` to ``file:/x``; both spellings are accepted.
    """
    text = str(value)
    match = _URL.match(text)
    if match is None:
        return Path(text)
    scheme = match.group(1).lower()
    if scheme != "file":
        raise UserError(
            f"{text}: {scheme}:// paths are not supported; mount the store (NFS, blobfuse2, "
            "gcsfuse, /dbfs on Databricks) where the driver and every executor see "
            "it and give the mount path (see docs/spark.md)"
        )
    parts = urllib.parse.urlsplit(text)
    if parts.netloc not in ("", "localhost"):
        raise UserError(
            f"{text}: a file:// URL on host {parts.netloc!r} is not local; "
            "give file:///absolute/path or a mount path"
        )
    path = urllib.parse.unquote(parts.path)
    if not path.startswith("/"):
        raise UserError(f"{text}: a file:// URL needs an absolute path (file:///abs/path)")
    return Path(path)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Case:
    root: Path
    manifest: dict[str, Any]

    def __post_init__(self) -> None:
        self.root = local_path(self.root)

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def create(cls, root: Path, dump: Path) -> Case:
        """Open ``root`` for ``dump``; a case already holding another dump is refused."""
        root, dump = local_path(root), local_path(dump).resolve()
        if root.exists() and not root.is_dir():
            raise UserError(f"{root}: is a file, not a case directory; choose a directory path")
        manifest_path = root / _MANIFEST
        if manifest_path.exists():
            case = cls.open(root)
            if case.manifest.get("dump") != str(dump):
                raise UserError(
                    f"{root}: already holds the incident for {case.manifest.get('dump')}; "
                    "use a new --case directory for this dump"
                )
            return case
        if root.exists() and any(root.iterdir()):
            raise UserError(
                f"{root}: is not empty and is not a breachdesk case; "
                "choose an empty --case directory"
            )
        root.mkdir(parents=True, exist_ok=True)
        os.chmod(root, 0o700)  # the case holds a second copy of stolen data
        case = cls(
            root,
            {
                "tool": "breachdesk",
                "tool_version": __version__,
                "created": _now(),
                "dump": str(dump),
                "pmi": None,
                "settings": {},
                "stages": {},
            },
        )
        case.save()
        return case

    @classmethod
    def open(cls, root: Path) -> Case:
        root = local_path(root)
        manifest_path = root / _MANIFEST
        if not manifest_path.exists():
            raise UserError(
                f"{root}: is not a breachdesk case (no {_MANIFEST}); "
                "create one with `breachdesk run DUMP --case DIR`"
            )
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise UserError(
                f"{manifest_path}: cannot be read ({exc}); the case is damaged"
            ) from exc
        return cls(root, manifest)

    def save(self) -> None:
        tmp = self.root / f".{_MANIFEST}.tmp"
        tmp.write_text(json.dumps(self.manifest, indent=2, sort_keys=True), encoding="utf-8")
        tmp.replace(self.root / _MANIFEST)

    # -- inputs ----------------------------------------------------------------------------
    @property
    def dump(self) -> Path:
        return Path(self.manifest["dump"])

    @property
    def pmi_path(self) -> Path | None:
        path = self.root / "pmi.parquet"
        return path if path.exists() else None

    # -- tables ----------------------------------------------------------------------------
    def table_path(self, name: str) -> Path:
        return self.root / "tables" / f"{name}.parquet"

    def write_table(self, name: str, table: pa.Table) -> Path:
        """Write atomically: a reader never sees half a table."""
        path = self.table_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".parquet.tmp")
        pq.write_table(table, tmp, compression="zstd")
        tmp.replace(path)
        return path

    def append_rows(self, name: str, more: list[pa.Table]) -> None:
        """Rows added to a written table, atomically: its row groups are streamed into a new
        file after which ``more`` is written, never the whole table held at once."""
        path = self.table_path(name)
        tmp = path.with_suffix(".parquet.tmp")
        written = pq.ParquetFile(path)
        with pq.ParquetWriter(tmp, written.schema_arrow, compression="zstd") as writer:
            for group in range(written.num_row_groups):
                writer.write_table(written.read_row_group(group))
            for table in more:
                writer.write_table(table.cast(written.schema_arrow))
        tmp.replace(path)

    def read_table(self, name: str) -> pa.Table:
        path = self.table_path(name)
        if not path.exists():
            raise UserError(f"{self.root}: has no {name} table; run the stage that writes it first")
        return pq.read_table(path)

    # -- stages ----------------------------------------------------------------------------
    def start_stage(self, stage: str, settings: dict[str, Any] | None = None) -> None:
        """Mark ``stage`` and every later stage incomplete before rewriting its tables."""
        for later in STAGES[STAGES.index(stage) :]:
            self.manifest["stages"].pop(later, None)
        if settings:
            self.manifest["settings"][stage] = settings
        self.save()

    def finish_stage(self, stage: str, counts: dict[str, int]) -> None:
        self.manifest["stages"][stage] = {"finished": _now(), "counts": counts}
        self.save()

    def require(self, stage: str) -> None:
        if stage not in self.manifest.get("stages", {}):
            hint = "run" if stage == "ingest" else stage
            raise UserError(
                f"{self.root}: stage {stage!r} has not finished; run `breachdesk {hint} ...` first"
            )

    def stage_counts(self, stage: str) -> dict[str, int]:
        return dict(self.manifest.get("stages", {}).get(stage, {}).get("counts", {}))

    def remove(self) -> None:
        shutil.rmtree(self.root)
