"""Archive formats behind one interface: tar (plain and compressed), gzip, 7z; hostile members;
bombs caught from headers or within the first megabytes; big members streamed, not held."""

from __future__ import annotations

import gzip
import hashlib
import io
import lzma
import struct
import tarfile
import time
import zipfile
import zlib
from pathlib import Path

import py7zr
import pytest

from breachdesk.ingest.limits import Limits
from breachdesk.ingest.walk import walk_file
from breachdesk.readers.delimited import read_stream

CSV = b"NHS Number,Surname,DOB\n4010232137,SMITH,01/02/1980\n"


def zip_bomb(expanded: int, name: str = "zeros.csv") -> bytes:
    """A zip whose one member expands to ``expanded`` bytes of zeros, built in well under a
    second: one 16 MiB deflate block, fully flushed, repeated (each copy stands alone)."""
    block = 16 << 20
    piece = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = piece.compress(bytes(block)) + piece.flush(zlib.Z_FULL_FLUSH)
    count = max(1, expanded // block)
    crc = 0
    zeros = bytes(block)
    for _ in range(count):
        crc = zlib.crc32(zeros, crc)
    body = data * count + zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    size = block * count
    raw = name.encode()
    local = struct.pack(
        "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(body), size, len(raw), 0
    )
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII",
        0x02014B50,
        20,
        20,
        0,
        8,
        0,
        0,
        crc,
        len(body),
        size,
        len(raw),
        0,
        0,
        0,
        0,
        0,
        0,
    )
    start = len(local) + len(raw) + len(body)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central) + len(raw), start, 0)
    return local + raw + body + central + raw + end


def gzip_bomb(expanded: int) -> bytes:
    """A multi-member gzip of zeros: one compressed 16 MiB member, repeated."""
    member = gzip.compress(bytes(16 << 20), 9)
    return member * max(1, expanded // (16 << 20))


def tar_bytes(members: dict[str, bytes], compress: str = "", hostile: bool = False) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=f"w:{compress}" if compress else "w") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        if hostile:
            for name, kind, target in (
                ("link_to_passwd", tarfile.SYMTYPE, "/etc/passwd"),
                ("hard_link", tarfile.LNKTYPE, "list.csv"),
                ("tty", tarfile.CHRTYPE, ""),
            ):
                info = tarfile.TarInfo(name)
                info.type, info.linkname = kind, target
                tf.addfile(info)
            for name in ("../../escaped.csv", "/etc/cron.d/evil"):
                info = tarfile.TarInfo(name)
                info.size = len(CSV)
                tf.addfile(info, io.BytesIO(CSV))
    return buffer.getvalue()


def _walk(tmp_path: Path, name: str, data: bytes, limits: Limits | None = None) -> dict:
    (tmp_path / name).write_bytes(data)
    return {
        e.path: (e.type, e.status, e.reason) for e in walk_file(tmp_path, name, limits or Limits())
    }


def test_tar_members_and_hostile_entries(tmp_path: Path) -> None:
    found = _walk(tmp_path, "dump.tar", tar_bytes({"dir/list.csv": CSV}, hostile=True))
    assert found["dump.tar!/dir/list.csv"][:2] == ("csv", "ok")
    assert found["dump.tar"][:2] == ("tar", "ok")
    for member, why in (
        ("link_to_passwd", "symbolic link"),
        ("hard_link", "hard link"),
        ("tty", "device"),
        ("../../escaped.csv", "path traversal"),
        ("/etc/cron.d/evil", "path traversal"),
    ):
        status = found[f"dump.tar!/{member}"]
        assert status[1] == "refused" and why in status[2], member
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dump.tar"]


@pytest.mark.parametrize(
    ("name", "compress"),
    [("a.tar.gz", "gz"), ("a.tgz", "gz"), ("a.tar.bz2", "bz2"), ("a.tar.xz", "xz")],
)
def test_compressed_tars_list_members_directly(tmp_path: Path, name: str, compress: str) -> None:
    found = _walk(tmp_path, name, tar_bytes({"exports/list.csv": CSV}, compress))
    assert found[f"{name}!/exports/list.csv"][:2] == ("csv", "ok")
    assert found[name][1] == "ok"


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("p.csv.gz", gzip.compress(CSV), "gzip"),
        ("p.csv.xz", lzma.compress(CSV), "xz"),
        ("p.csv.gz", gzip.compress(CSV[:20]) + gzip.compress(CSV[20:]), "gzip"),  # two members
    ],
)
def test_single_compressed_file(tmp_path: Path, name: str, data: bytes, kind: str) -> None:
    found = _walk(tmp_path, name, data)
    assert found[name][:2] == (kind, "ok")
    assert found[f"{name}!/p.csv"][:2] == ("csv", "ok")


def test_truncated_tar_gz(tmp_path: Path) -> None:
    data = tar_bytes({f"f{i}.csv": CSV * 2000 for i in range(5)}, "gz")
    found = _walk(tmp_path, "cut.tgz", data[: len(data) // 2])
    assert found["cut.tgz"][1] == "unreadable"
    assert "truncated" in found["cut.tgz"][2] or "damaged" in found["cut.tgz"][2]


def test_gigabyte_gzip_bomb_stops_early(tmp_path: Path) -> None:
    started = time.monotonic()
    found = _walk(tmp_path, "backup.csv.gz", gzip_bomb(1 << 30))
    assert found["backup.csv.gz"][1] == "bomb"
    assert found["backup.csv.gz!/backup.csv"][1] == "bomb"
    assert time.monotonic() - started < 5


def test_gigabyte_zip_bomb_caught_from_headers(tmp_path: Path) -> None:
    started = time.monotonic()
    data = zip_bomb(1 << 30)
    assert zipfile.ZipFile(io.BytesIO(data)).infolist()[0].file_size == 1 << 30
    found = _walk(tmp_path, "bomb.zip", data)
    assert found["bomb.zip!/zeros.csv"][1] == "bomb"
    assert time.monotonic() - started < 5


def test_expanded_budget_across_nested_archives(tmp_path: Path) -> None:
    members = {f"part{i}.csv": CSV * 3000 for i in range(4)}  # ~150 KB each, ratio < 250
    found = _walk(tmp_path, "a.tar.gz", tar_bytes(members, "gz"), Limits(max_expanded=400_000))
    assert "bomb" in {status for _, status, _ in found.values()}


def test_7z_members_encryption_and_ratio(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with py7zr.SevenZipFile(buffer, "w") as z:
        z.writestr(CSV, "lists/a.csv")
        z.writestr(bytes(8 << 20), "zeros.bin")
    found = _walk(tmp_path, "a.7z", buffer.getvalue())
    assert found["a.7z!/lists/a.csv"][:2] == ("csv", "ok")
    assert found["a.7z!/zeros.bin"][1] == "bomb"
    locked = io.BytesIO()
    with py7zr.SevenZipFile(locked, "w", password="secret") as z:
        z.writestr(CSV, "a.csv")
    assert _walk(tmp_path, "locked.7z", locked.getvalue())["locked.7z!/a.csv"][1] == "encrypted"
    hidden = io.BytesIO()
    with py7zr.SevenZipFile(hidden, "w", password="secret", header_encryption=True) as z:
        z.writestr(CSV, "a.csv")
    assert _walk(tmp_path, "hidden.7z", hidden.getvalue())["hidden.7z"][1] == "encrypted"


def test_three_levels_of_different_archives(tmp_path: Path) -> None:
    seven = io.BytesIO()
    with py7zr.SevenZipFile(seven, "w") as z:
        z.writestr(CSV, "deep/list.csv")
    tgz = tar_bytes({"inner.7z": seven.getvalue()}, "gz")
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as zf:
        zf.writestr("middle.tgz", tgz)
    found = _walk(tmp_path, "outer.zip", outer.getvalue())
    leaf = "outer.zip!/middle.tgz!/inner.7z!/deep/list.csv"
    assert found[leaf][:2] == ("csv", "ok")
    assert [
        found[p][1]
        for p in ("outer.zip", "outer.zip!/middle.tgz", "outer.zip!/middle.tgz!/inner.7z")
    ] == ["ok"] * 3


def test_big_members_are_streamed_not_held(tmp_path: Path) -> None:
    rows = b"".join(b"40102321%02d,SMITH,01/02/1980\n" % (i % 100) for i in range(40_000))
    big = b"NHS Number,Surname,DOB\n" + rows
    pdf = b"%PDF-1.7\n" + bytes(300_000)
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.csv", big)
        zf.writestr("scan.pdf", pdf)
    (tmp_path / "x.zip").write_bytes(outer.getvalue())
    limits = Limits(max_in_memory=64 * 1024)
    entries = {e.path: e for e in walk_file(tmp_path, "x.zip", limits)}
    assert entries["x.zip!/big.csv"].status == "ok"
    assert entries["x.zip!/big.csv"].sha256 == hashlib.sha256(big).hexdigest()
    assert entries["x.zip!/big.csv"].size == len(big)
    assert entries["x.zip!/scan.pdf"].status == "too_large"
    # The scan gets a stream, read a chunk at a time by the streaming CSV reader.
    seen = 0
    for entry in walk_file(tmp_path, "x.zip", limits, wanted={"x.zip!/big.csv"}):
        assert entry.data is None and entry.stream is not None
        seen += sum(t.n_rows for t in read_stream(entry.stream, entry.path))  # type: ignore[union-attr]
    assert seen == 40_000


def test_scan_mode_opens_only_what_it_wants(tmp_path: Path) -> None:
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as zf:
        zf.writestr("a.csv", CSV)
        zf.writestr("b.csv", CSV + b"x")
        zf.writestr("in.tgz", tar_bytes({"c.csv": CSV + b"y"}, "gz"))
    (tmp_path / "w.zip").write_bytes(outer.getvalue())
    wanted = {"w.zip!/in.tgz!/c.csv", "w.zip!/a.csv"}
    got = {e.path: e.data for e in walk_file(tmp_path, "w.zip", Limits(), wanted=wanted)}
    assert got == {"w.zip!/a.csv": CSV, "w.zip!/in.tgz!/c.csv": CSV + b"y"}


def test_fifo_in_the_dump_is_refused_not_read(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "pipe.csv")
    (entry,) = walk_file(tmp_path, "pipe.csv", Limits())
    assert entry.status == "refused"
