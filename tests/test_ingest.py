from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from breachdesk.case import Case
from breachdesk.engine.local import LocalEngine
from breachdesk.ingest.sniff import sniff
from breachdesk.ingest.stage import run_ingest
from breachdesk.ingest.walk import Limits, walk_file


def _zip(
    members: dict[str, bytes], *, symlink: str | None = None, encrypted: str | None = None
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 6, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            if name == symlink:
                info.external_attr = 0o120777 << 16
            zf.writestr(info, data)
    raw = bytearray(buffer.getvalue())
    if encrypted:
        # zipfile cannot write encryption; set the "encrypted" flag bit as an encrypting tool would.
        target = encrypted.encode()
        for sig, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
            at = raw.find(sig)
            while at != -1:
                if raw[at + name_at : at + name_at + len(target)] == target:
                    raw[at + flag_at] |= 0x1
                at = raw.find(sig, at + 4)
    return bytes(raw)


def _entries(root: Path, rel: str, limits: Limits | None = None) -> dict[str, tuple[str, str]]:
    return {e.path: (e.type, e.status) for e in walk_file(root, rel, limits or Limits())}


def test_nested_members_are_named_with_bang(tmp_path: Path) -> None:
    inner = _zip({"c.hl7": b"MSH|^~\\&|LAB\rPID|1\r"})
    (tmp_path / "a.zip").write_bytes(_zip({"b/inner.zip": inner, "b/x.csv": b"a,b\n1,2\n"}))
    assert _entries(tmp_path, "a.zip") == {
        "a.zip": ("zip", "ok"),
        "a.zip!/b/inner.zip": ("zip", "ok"),
        "a.zip!/b/inner.zip!/c.hl7": ("hl7", "ok"),
        "a.zip!/b/x.csv": ("csv", "ok"),
    }


def test_hostile_members_are_refused_or_flagged(tmp_path: Path) -> None:
    data = _zip(
        {
            "../../etc/evil": b"x",
            "/abs/path": b"y",
            "link": b"/etc/passwd",
            "secret.csv": b"a,b",
            "ok.txt": b"hello",
        },
        symlink="link",
        encrypted="secret.csv",
    )
    (tmp_path / "h.zip").write_bytes(data)
    found = _entries(tmp_path, "h.zip")
    assert found["h.zip!/../../etc/evil"][1] == "refused"
    assert found["h.zip!//abs/path"][1] == "refused"
    assert found["h.zip!/link"][1] == "refused"
    assert found["h.zip!/secret.csv"][1] == "encrypted"
    assert found["h.zip!/ok.txt"] == ("text", "ok")
    assert not (tmp_path.parent / "etc").exists()


def test_compression_bomb_and_depth(tmp_path: Path) -> None:
    (tmp_path / "bomb.zip").write_bytes(_zip({"zeros.txt": b"\0" * (8 << 20)}))
    assert _entries(tmp_path, "bomb.zip")["bomb.zip!/zeros.txt"][1] == "bomb"
    nested = b"deep"
    for _ in range(4):
        nested = _zip({"n.zip" if nested[:2] == b"PK" else "leaf.txt": nested})
    (tmp_path / "deep.zip").write_bytes(nested)
    statuses = [s for _, s in _entries(tmp_path, "deep.zip", Limits(max_depth=2)).values()]
    assert "bomb" in statuses


def test_damaged_zip_is_unreadable(tmp_path: Path) -> None:
    data = _zip({"a.csv": b"a,b\n" * 1000})
    (tmp_path / "cut.zip").write_bytes(data[: len(data) // 2])
    assert _entries(tmp_path, "cut.zip")["cut.zip"][1] == "unreadable"


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (b"MSH|^~\\&|LAB|X\r", "hl7"),
        (b"\x0bMSH|^~\\&|LAB|X\r", "hl7"),
        (b"FHS|^~\\&|\r", "hl7"),
        (b'{"resourceType": "Bundle"}', "fhir_json"),
        (b"From: a@b.nhs.uk\nTo: c@d.nhs.uk\nSubject: results\n\nbody", "eml"),
        (b"a,b,c\n1,2,3\n4,5,6\n", "csv"),
        (b"a\tb\tc\n1\t2\t3\n", "tsv"),
        (b"a|b|c\n1|2|3\n", "psv"),
        (b"2024-06-01 10:00:01,123 INFO x\n2024-06-01 10:00:02,456 INFO y\n", "log"),
        # log4j/NLog layouts with pipe or tab columns are logs, not tables: each line has a level.
        (
            b"01/06/2024 10:00:01.123 | INFO | Router | a=1\n"
            b"01/06/2024 10:00:02.456 | WARN | Router | b=2\n",
            "log",
        ),
        (b"2024-06-01 10:00:01\tERROR\tdb\tdown\n2024-06-01 10:00:09\tINFO\tdb\tup\n", "log"),
        # syslog (RFC 3164 and 5424), ctime, Tomcat and web-server timestamps
        (
            b"May 30 10:00:01 lab01 resultd[22]: filed\nMay  3 10:00:02 lab01 resultd[22]: x\n",
            "log",
        ),
        (b"<34>1 2024-05-30T10:00:01Z lab01 resultd 22 - - filed\n", "log"),
        (b"[Thu May 30 10:00:01.123 2024] [error] x\n[Thu May 30 10:00:02 2024] [info] y\n", "log"),
        (
            b"30-May-2024 10:00:01.123 INFO [main] x\n30-May-2024 10:00:02.456 INFO [main] y\n",
            "log",
        ),
        (b'10.1.2.3 - - [30/May/2024:10:00:01 +0000] "GET /r?nhs=1 HTTP/1.1" 200 5\n', "log"),
        (b"2024/05/30 10:00:01 filed\n2024/05/30 10:00:02 filed\n", "log"),
        (b"[2024-05-30 10:00:01] INFO x\n[2024-05-30 10:00:02] INFO y\n", "log"),
        (b'[{"when": "2024-05-30 10:00:01"},\n {"when": "2024-05-30 10:00:02"}]\n', "json"),
        # an export whose rows open with a date and time has a header: a CSV, not a log
        (
            b"Received;Requested Tests;Accession;D.O.B;Patient\n"
            b"02/06/2024 15:48;AST, LH level;24C5113048;30/09/1979;David CHEN\n"
            b"27/05/2024 09:30;Transferrin;24H5503474;23/06/1976;Millie O'DONNELL\n",
            "csv",
        ),
        (
            b"Haematology worklist - printed 29/05/2024\n"
            b"Received,Patient Name,Accession,Date of Birth\n"
            b'02.06.2024 14:59,"IONESCU, Hodan",24B3694642,12.01.1948\n'
            b'01.06.2024 15:53,"GUPTA, Vikram",24C2571339,06.01.1985\n',
            "csv",
        ),
        # notes of "Label: value" lines with a comma or two are prose, not a CSV
        (
            b"Patient: OKAFOR, Grace DOB: 12/01/1952\nPatient: NOWAK, Tomasz DOB: 02/11/1975\n",
            "text",
        ),
        # a CSV whose comment cells say "Note: ..." is still a CSV
        (b"id,name,comment\n1,SMITH,Note: repeat\n2,JONES,ok\n3,KHAN,fine\n", "csv"),
        # prose that opens with a month and a day is not a log
        (b"May 30 was the day the results came back.\nJune was quieter.\n", "text"),
        # A pipe table whose first column is a timestamp but whose rows carry no level stays one.
        (b"2024-06-01 10:00|SMITH|John\n2024-06-01 11:00|JONES|Ann\n", "psv"),
        (b"CREATE TABLE p (id int);\nINSERT INTO p VALUES (1);\n", "sql"),
        (b"just some words here\nand more words\n", "text"),
        (b"\x00\x01\x02\x03" * 100, "bin"),
        (b"", "empty"),
    ],
)
def test_type_comes_from_content(head: bytes, kind: str) -> None:
    assert sniff(head, "misleading.csv") == kind


def test_ingest_stage_statuses_and_duplicates(tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    (dump / "sub").mkdir(parents=True)
    (dump / "b.csv").write_bytes(b"x,y\n1,2\n")
    (dump / "sub" / "a.csv").write_bytes(b"x,y\n1,2\n")
    (dump / "empty.txt").write_bytes(b"")
    (dump / "junk.csv").write_bytes(os.urandom(4096))
    (dump / "link").symlink_to("/etc/passwd")
    case = Case.create(tmp_path / "case", dump)
    run_ingest(LocalEngine(workers=1), case)
    rows = {r["path"]: r for r in case.read_table("files").to_pylist()}
    assert rows["b.csv"]["status"] == "ok"
    assert rows["sub/a.csv"]["status"] == "duplicate"
    assert rows["sub/a.csv"]["duplicate_of"] == "b.csv"
    assert rows["empty.txt"]["status"] == "ok"
    assert rows["junk.csv"]["status"] == "unreadable"
    assert rows["link"]["status"] == "refused"
    assert set(rows) == {"b.csv", "sub/a.csv", "empty.txt", "junk.csv", "link"}
