"""The issue's "done when": a hostile dump with every format, bombs, traversal, links, encrypted
and truncated files, misnamed files and three levels of nested archives runs to the end; every
file and member has the right status, nothing is written outside the case, memory stays low,
and the patient hidden three archives deep is found."""

from __future__ import annotations

import contextlib
import io
import os
import random
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import psutil
import py7zr
import pyarrow.compute as pc
from fpdf import FPDF

from breachdesk import nhs
from breachdesk.case import Case
from breachdesk.engine.local import LocalEngine
from breachdesk.ingest.limits import Limits
from breachdesk.ingest.stage import run_ingest
from breachdesk.outputs.files import file_statuses
from breachdesk.scan.stage import run_scan
from test_ingest_archives import gzip_bomb, tar_bytes, zip_bomb
from test_readers_samples import SAMPLES, csv_bytes, eml_bytes, ndjson_bytes, pdf_bytes

MISNAMED = {"xlsx": "results.csv", "pdf": "notes.txt", "hl7": "export.dat", "docx": "letter.rtf"}


def _zip(members: dict[str, bytes], flag: str | None = None, aes: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    raw = bytearray(buffer.getvalue())
    for target, patch in ((flag, "flag"), (aes, "aes")):
        if not target:
            continue
        # Encrypting tools set bit 0 (ZipCrypto) or method 99 (AES); zipfile writes neither.
        for sig, field, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
            at = raw.find(sig)
            while at != -1:
                if raw[at + name_at : at + name_at + len(target)] == target.encode():
                    if patch == "flag":
                        raw[at + field] |= 0x1
                    else:
                        raw[at + field + 2 : at + field + 4] = (99).to_bytes(2, "little")
                at = raw.find(sig, at + 4)
    return bytes(raw)


def _locked_pdf() -> bytes:
    doc = FPDF()
    doc.set_encryption(owner_password="owner", user_password="user")
    doc.add_page()
    doc.set_font("Helvetica", size=11)
    doc.cell(0, 10, "SMITH, John")
    return bytes(doc.output())


def _build(dump: Path, hidden_nhs: str) -> dict[str, str]:
    """Write the dump; returns path -> the status it must end with."""
    expected: dict[str, str] = {}

    def put(rel: str, data: bytes, status: str = "ok") -> None:
        (dump / rel).parent.mkdir(parents=True, exist_ok=True)
        (dump / rel).write_bytes(data)
        expected[rel] = status

    for kind, build in SAMPLES.items():
        put(f"formats/{MISNAMED.get(kind, f'sample.{kind}')}", build())
    put("formats/bulk.ndjson", ndjson_bytes())
    put(
        "formats/big.csv",
        csv_bytes() + b"4010232145,JONES,Mary,13/12/1955,SE1 1AA,FBC\r\n" * 60_000,
    )
    put("formats/sample_copy.csv", csv_bytes(), "duplicate")  # sorts after sample.csv
    put("formats/empty.txt", b"")
    put("formats/junk.csv", random.Random(1).randbytes(5000), "unreadable")
    # An image is OCR'd (tests/test_ocr.py): this one's pixels are damaged; the PDF's page is
    # a drawing with no text in it.
    put("formats/photo.jpg", b"\x89PNG\r\n\x1a\n" + bytes(2000), "unreadable")
    put("pdf/scan.pdf", pdf_bytes(text=False))
    put("pdf/cut.pdf", pdf_bytes()[:600], "unreadable")
    put("pdf/locked.pdf", _locked_pdf(), "encrypted")

    put("hostile/bomb.zip", zip_bomb(1 << 30))
    expected["hostile/bomb.zip!/zeros.csv"] = "bomb"
    put("hostile/backup.sql.gz", gzip_bomb(1 << 30), "bomb")
    expected["hostile/backup.sql.gz!/backup.sql"] = "bomb"
    put(
        "hostile/traversal.zip",
        _zip({"../../../tmp/evil.csv": b"x", "/etc/evil": b"y", "ok.txt": b"fine"}),
    )
    expected |= {
        "hostile/traversal.zip!/../../../tmp/evil.csv": "refused",
        "hostile/traversal.zip!//etc/evil": "refused",
        "hostile/traversal.zip!/ok.txt": "ok",
    }
    put("hostile/links.tar", tar_bytes({"list.csv": csv_bytes("|")}, hostile=True))
    for member in ("link_to_passwd", "hard_link", "tty", "../../escaped.csv", "/etc/cron.d/evil"):
        expected[f"hostile/links.tar!/{member}"] = "refused"
    put(
        "hostile/locked.zip",
        _zip({"a.csv": csv_bytes(), "b.csv": csv_bytes("\t")}, "a.csv", "b.csv"),
    )
    expected |= {"hostile/locked.zip!/a.csv": "encrypted", "hostile/locked.zip!/b.csv": "encrypted"}
    locked7 = io.BytesIO()
    with py7zr.SevenZipFile(locked7, "w", password="secret") as z:
        z.writestr(csv_bytes(), "list.csv")
    put("hostile/locked.7z", locked7.getvalue())
    expected["hostile/locked.7z!/list.csv"] = "encrypted"
    (dump / "hostile" / "shortcut").symlink_to("/etc/passwd")
    expected["hostile/shortcut"] = "refused"

    hidden = csv_bytes().replace(b"4010232137", hidden_nhs.encode()).replace(b"SMITH", b"ZABINI")
    seven = io.BytesIO()
    with py7zr.SevenZipFile(seven, "w") as z:
        z.writestr(hidden, "2023/deep_list.csv")
    put(
        "nested/archive.zip",
        _zip({"q4/middle.tgz": tar_bytes({"inner.7z": seven.getvalue()}, "gz")}),
    )
    deep = "nested/archive.zip!/q4/middle.tgz!/inner.7z!/2023/deep_list.csv"
    expected |= {"nested/archive.zip!/q4/middle.tgz": "ok", deep: "ok"}
    put("mail/with_archive.eml", eml_bytes(_zip({"list.csv": csv_bytes()}), "list.zip"))
    return expected


class _Peak:
    """The most memory this process and its descendants held at once, sampled."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(0.05):
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    total += proc.memory_info().rss
            self.peak = max(self.peak, total)

    def __enter__(self) -> _Peak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _listing(root: Path, skip: Path) -> set[str]:
    out = set()
    for folder, dirs, files in os.walk(root):
        if Path(folder).is_relative_to(skip):
            continue
        out |= {os.path.join(folder, f) for f in [*files, *dirs]}
    return out - {str(skip)}


def test_hostile_dump_every_file_accounted(tmp_path: Path) -> None:
    hidden_nhs = nhs.generate(random.Random(99))
    dump = tmp_path / "dump"
    expected = _build(dump, hidden_nhs)
    case_dir = tmp_path / "case"
    before = _listing(tmp_path.parent, case_dir)
    with _Peak() as memory:
        case = Case.create(case_dir, dump)
        engine = LocalEngine(workers=2)
        run_ingest(engine, case, Limits(max_in_memory=1 << 20))  # big.csv is streamed
        run_scan(engine, case)
    assert _listing(tmp_path.parent, case_dir) == before  # nothing written outside the case
    assert memory.peak < 2 * 2**30

    rows = {r["path"]: r for r in file_statuses(case).to_pylist()}
    wrong = {
        p: (rows.get(p) or {}).get("status")
        for p, s in expected.items()
        if (rows.get(p) or {}).get("status") != s
    }
    assert wrong == {}
    for path in (
        p.relative_to(dump).as_posix() for p in dump.rglob("*") if not p.is_dir() or p.is_symlink()
    ):
        assert path in rows, path  # every file of the dump has its row
    assert all(r["reason"] for r in rows.values() if r["status"] != "ok")
    assert rows["formats/results.csv"]["type"] == "xlsx"  # type from content, not the name
    assert rows["formats/big.csv"]["records"] >= 60_000

    records = case.read_table("records")
    files = case.read_table("files")
    deep = "nested/archive.zip!/q4/middle.tgz!/inner.7z!/2023/deep_list.csv"
    deep_id = files.filter(pc.equal(files["path"], deep))["file_id"][0].as_py()
    found = records.filter(pc.equal(records["file_id"], deep_id))
    assert found["nhs_number"].to_pylist() == [hidden_nhs]
    assert found["family_name"].to_pylist() == ["ZABINI"]

    out = subprocess.run(
        [
            str(Path(sys.executable).parent / "breachdesk"),
            "files",
            str(case_dir),
            "--format",
            "csv",
            "--status",
            "bomb",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = out.stdout.splitlines()
    assert lines[0] == "path,type,size,status,reason"
    assert {line.split(",")[0] for line in lines[1:]} >= {
        "hostile/bomb.zip!/zeros.csv",
        "hostile/backup.sql.gz",
    }
