"""Do two source trees give the same records and mentions for every table file of a dump?

    python bench/compare_tables.py DUMP OLD_SRC NEW_SRC [--stream]

Each tree (e.g. ``git archive ae425d5 src | tar -x -C /tmp/old`` gives ``/tmp/old/src``) runs
in its own process over every table file of DUMP (csv, tsv, psv, sql, xlsx, xls, ods, sqlite,
also inside zip archives) through the scan stage's reader and ``records_from_table``; the
records and mentions tables of each file, and its read status, must be equal. ``--stream``
reads the delimited and SQL files through their stream readers instead. Exit status 1 on any
difference; the output names files by path only, never cell values.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

_WORKER = r"""
import io, sys, zipfile
from pathlib import Path
import pyarrow as pa
from breachdesk.detect.tables import records_from_table
from breachdesk.ingest.limits import Limits
from breachdesk.ingest.sniff import sniff_data
from breachdesk.readers.base import ReaderError, Table
from breachdesk.scan.stage import _items

KINDS = {"csv", "tsv", "psv", "sql", "xlsx", "xls", "ods", "sqlite"}
STREAMED = {"csv", "tsv", "psv", "sql"}
dump, out, stream = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "1"

def members(name, data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return
    for info in archive.infolist():
        if not info.is_dir():
            inner = archive.read(info)
            yield f"{name}/{info.filename}", inner
            yield from members(f"{name}/{info.filename}", inner)

def files():
    for path in sorted(p for p in dump.rglob("*") if p.is_file()):
        name, data = str(path.relative_to(dump)), path.read_bytes()
        yield name, data
        yield from members(name, data)

for number, (name, data) in enumerate(files()):
    kind = sniff_data(data, name)
    if kind not in KINDS or (stream and kind not in STREAMED):
        continue
    records, mentions = [], []
    try:
        source = io.BytesIO(data) if stream else data
        for item in _items(source, kind, name, "", 0, Limits()):
            if isinstance(item, Table):
                r, m = records_from_table(item, 7)
                records.append(r)
                mentions.append(m)
        status = "ok"
    except ReaderError as exc:
        status = f"unreadable: {exc}"
    for label, parts in (("records", records), ("mentions", mentions)):
        table = pa.concat_tables(parts) if parts else pa.table({})
        with pa.OSFile(str(out / f"{number}.{label}.arrow"), "wb") as handle:
            with pa.ipc.new_file(handle, table.schema) as writer:
                writer.write_table(table)
    (out / f"{number}.status").write_text(f"{name}\t{status}", encoding="utf-8")
"""


def _run(src: Path, dump: Path, out: Path, stream: bool) -> None:
    env = {**os.environ, "PYTHONPATH": str(src)}
    subprocess.run(
        [sys.executable, "-c", _WORKER, str(dump), str(out), "1" if stream else "0"],
        env=env,
        check=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dump", type=Path)
    parser.add_argument("old", type=Path, help="the reference tree's src folder")
    parser.add_argument("new", type=Path, help="the tree under test's src folder")
    parser.add_argument("--stream", action="store_true")
    args = parser.parse_args()
    import pyarrow as pa

    with tempfile.TemporaryDirectory() as tmp:
        old, new = Path(tmp) / "old", Path(tmp) / "new"
        old.mkdir()
        new.mkdir()
        _run(args.old, args.dump, old, args.stream)
        _run(args.new, args.dump, new, args.stream)
        names = sorted(p.name for p in old.iterdir())
        if names != sorted(p.name for p in new.iterdir()):
            sys.exit("the two trees read different sets of table files")
        differences = 0
        for name in names:
            if name.endswith(".status"):
                same = (old / name).read_text() == (new / name).read_text()
            else:
                same = (
                    pa.ipc.open_file(str(old / name))
                    .read_all()
                    .equals(pa.ipc.open_file(str(new / name)).read_all())
                )
            if not same:
                differences += 1
                path = (old / f"{name.split('.')[0]}.status").read_text().split("\t")[0]
                print(f"differs: {path} ({name.split('.', 1)[1]})")
        print(f"{len(names) // 3} table files compared, {differences} differing")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
