"""dBase III/IV, FoxPro and Visual FoxPro tables (.dbf) and their memo files (.fpt, .dbt):
sniffed from their content whatever their name, read by columns (dates ISO, numbers and
logicals as written, deleted records too, text in the header's code page), and typed as a
CSV's columns are. Tables are written here by the ``dbf`` library or byte by byte."""

from __future__ import annotations

import datetime
import io
import random
import struct
from pathlib import Path

import dbf
import pyarrow as pa
import pytest
from hypothesis import example, given

from breachdesk.detect.columns import header_kind
from breachdesk.detect.hl7 import sensitive_map
from breachdesk.detect.records import rows_to_tables
from breachdesk.detect.tables import records_from_table
from breachdesk.ingest.limits import Limits
from breachdesk.ingest.sniff import sniff, sniff_data
from breachdesk.ingest.walk import walk_file
from breachdesk.readers import dbase, dbase_memo
from breachdesk.readers.base import Encrypted, ReaderError, Record, Table
from breachdesk.readers.dbase_header import LANGUAGE_DRIVERS, SIGNATURES, is_dbase
from breachdesk.scan.stage import _items
from test_fuzz_readers import FUZZ, _read_all, mutated

A, B, C = "4557660932", "4274295745", "4010232137"
DBASE3 = (
    "SURNAME C(20); FORENAME C(20); DOB D; NHSNO C(10); HOSPNO C(8); TESTCODE C(8); "
    "RESULT N(6,1); URGENT L"
)


def library_table(path: Path, spec: str, rows: list[tuple[object, ...]], kind: str) -> bytes:
    """A table the ``dbf`` library writes (``kind``: db3, fp, vfp), memo file beside it."""
    table = dbf.Table(str(path), spec, dbf_type=kind, codepage="cp1252")
    table.open(dbf.READ_WRITE)
    for row in rows:
        table.append(row)
    table.close()
    return path.read_bytes()


def patients_dbf(tmp_path: Path) -> bytes:
    rows = [
        ("OKAFOR", "Grace", datetime.date(1962, 1, 12), A, "RX100001", "HBA1C", 48.0, True),
        ("NOWAK", "Tomasz", datetime.date(1975, 11, 2), B, "RX100002", "HIV", None, False),
        ("KHAN", "Li", None, C, "RX100003", "PSA", 3.2, None),
    ]
    return library_table(tmp_path / "PATIENT.DBF", DBASE3, rows, "db3")


Spec = tuple[str, str, int, int] | tuple[str, str, int, int, int]


def build(
    fields: list[Spec],
    rows: list[list[bytes]],
    *,
    version: int = 0x03,
    language: int = 0x03,
    deleted: frozenset[int] = frozenset(),
    count: int | None = None,
    tail: bytes = b"\x1a",
) -> bytes:
    """A table byte by byte: ``fields`` as (name, type, length, decimals[, flags]), each row's
    cells already encoded (padded with spaces to the field's length here)."""
    vfp = version in (0x30, 0x31, 0x32)
    header_length = 32 + 32 * len(fields) + 1 + (263 if vfp else 0)
    record_length = 1 + sum(f[2] for f in fields)
    head = struct.pack(
        "<BBBBIHH", version, 124, 5, 30, len(rows) if count is None else count,
        header_length, record_length,
    ) + bytes(16) + bytes([0, language]) + bytes(2)  # fmt: skip
    offset = 1
    for spec in fields:
        name, kind, length, decimals = spec[:4]
        flags = spec[4] if len(spec) == 5 else 0
        head += name.encode().ljust(11, b"\0") + kind.encode() + struct.pack("<I", offset)
        head += bytes([length & 0xFF, decimals, flags]) + bytes(13)
        offset += length
    head += b"\r" + bytes(header_length - len(head) - 1)
    body = b"".join(
        (b"*" if i in deleted else b" ")
        + b"".join(cell.ljust(spec[2], b" ") for cell, spec in zip(row, fields, strict=True))
        for i, row in enumerate(rows)
    )
    return head + body + tail


LAB = [("SURNAME", "C", 12, 0), ("FORENAME", "C", 12, 0), ("DOB", "D", 8, 0),
       ("NHSNO", "C", 10, 0), ("TESTCODE", "C", 8, 0)]  # fmt: skip


def lab_rows(n: int = 3) -> list[list[bytes]]:
    people = [
        [b"OKAFOR", b"Grace", b"19620112", A.encode(), b"HIV"],
        [b"NOWAK", b"Tomasz", b"19751102", B.encode(), b"HBA1C"],
        [b"KHAN", b"Li", b"19800201", C.encode(), b"PSA"],
    ]
    return [people[i % 3] for i in range(n)]


def columns(data: bytes) -> tuple[list[str], list[list[str]]]:
    tables = [t for t in dbase.read(data, "x.dbf") if isinstance(t, Table)]
    assert len(tables) == 1
    return tables[0].header, [c.to_pylist() for c in tables[0].columns]


def people(data: bytes, kind: str = "dbase") -> list[dict[str, object]]:
    """The person-records the scan stage makes of one file, as dicts without empty values."""
    found, tables = [], []
    for item in _items(data, kind, f"sample.{kind}", "", 0, Limits()):
        if isinstance(item, Table):
            tables.append(records_from_table(item, 1)[0])
        elif not isinstance(item, Record):
            found.append(item)
    tables.append(rows_to_tables(1, found, sensitive_map())[0])
    rows = pa.concat_tables(tables).to_pylist()
    return [{k: v for k, v in r.items() if v not in (None, "", False)} for r in rows]


# -- dBase III written by the library: values, types and people ------------------------------


def test_dbase3_fields_read_as_written(tmp_path: Path) -> None:
    header, cells = columns(patients_dbf(tmp_path))
    assert header == ["SURNAME", "FORENAME", "DOB", "NHSNO", "HOSPNO", "TESTCODE", "RESULT",
                      "URGENT"]  # fmt: skip
    assert cells == [
        ["OKAFOR", "NOWAK", "KHAN"],
        ["Grace", "Tomasz", "Li"],
        ["1962-01-12", "1975-11-02", ""],  # a blank date is empty, not "0000-00-00"
        [A, B, C],
        ["RX100001", "RX100002", "RX100003"],
        ["HBA1C", "HIV", "PSA"],
        ["48.0", "", "3.2"],  # numbers as written, without their padding
        ["T", "F", "?"],  # logicals as written ("?": never set)
    ]


def test_dbase3_columns_are_typed_and_each_row_is_a_person(tmp_path: Path) -> None:
    (table,) = dbase.read(patients_dbf(tmp_path), "PATIENT.DBF")
    assert isinstance(table, Table)
    records, _ = records_from_table(table, 1)
    assert table.types == ["family_name", "given_name", "date_of_birth", "nhs_number",
                           "hospital_number", "test", "result", None]  # fmt: skip
    got = [
        (r["locator"], r["nhs_number"], r["family_name"], r["given_name"], r["date_of_birth"],
         r["hospital_number"], r["tests"], r["sensitive"])
        for r in records.to_pylist()
    ]  # fmt: skip
    assert got == [
        ("row:1", A, "OKAFOR", "Grace", "1962-01-12", "RX100001", "HBA1C", None),
        ("row:2", B, "NOWAK", "Tomasz", "1975-11-02", "RX100002", "HIVAGAB", "hiv"),
        ("row:3", C, "KHAN", "Li", None, "RX100003", "PSA", "cancer"),
    ]


@pytest.mark.parametrize(
    ("header", "kind"),
    [("SURNAME", "family_name"), ("FORENAME", "given_name"), ("DOB", "date_of_birth"),
     ("NHSNO", "nhs_number"), ("HOSPNO", "hospital_number"), ("TESTCODE", "test"),
     ("DATEOFBIRT", "date_of_birth"), ("DATE_OF_BI", "date_of_birth"),
     ("DOB_DATE", "date_of_birth"), ("DT_BIRTH", "date_of_birth"), ("MIDNAME", "given_name"),
     ("HOSPID", "hospital_number"), ("UNITNUM", "hospital_number"), ("TESTDESC", "test"),
     ("RESVALUE", "result"), ("RESULTVAL", "result"), ("COLLDATE", "collected_at"),
     ("RECDDATE", "received_at"), ("REQDATE", "other_date"), ("PRACCODE", "requester"),
     ("ADD1", "address"), ("ADDR2", "address"), ("LABNUM", "sample_id")],
)  # fmt: skip
def test_ten_character_field_names_are_typed(header: str, kind: str) -> None:
    assert header_kind(header) == kind


# -- sniffing: by content, never by name, and nothing else taken for a table ------------------


def test_tables_and_memo_files_are_sniffed_by_content(tmp_path: Path) -> None:
    table = patients_dbf(tmp_path)
    for name in ("PATIENT.DBF", "results.dat", "export", "notes.txt"):
        assert sniff_data(table, name) == "dbase"
    memo = _fpt_pair(tmp_path)[1]
    assert sniff_data(memo, "NOTES.DAT") == "dbase_memo"
    # A file cut inside its header is still a table (to be reported truncated), from its head.
    assert sniff_data(table[:100], "x") == "dbase"
    assert sniff(table[:100], "x") == "dbase"


def test_random_and_near_miss_binaries_are_not_tables() -> None:
    rng = random.Random(14)
    for _ in range(3000):
        data = bytearray(rng.randbytes(rng.choice((64, 600, 4096))))
        data[0] = rng.choice(sorted(SIGNATURES))
        data[2], data[3] = rng.randint(1, 12), rng.randint(1, 28)
        assert not is_dbase(bytes(data), len(data))
        assert sniff_data(bytes(data), "x.dbf") != "dbase"
    good = build(LAB, lab_rows())
    # Every length must agree: a record length one byte off, a header length that is not
    # where the field list ends, a field of an impossible size, no end to the field list.
    wrong_record = good[:10] + struct.pack("<H", 1 + 50 + 1) + good[12:]
    wrong_header = good[:8] + struct.pack("<H", 32 * 6 + 1 + 400) + good[10:]
    date_of_9 = good[: 32 + 2 * 32 + 16] + bytes([9]) + good[32 + 2 * 32 + 17 :]
    no_end = good[: 32 + 5 * 32] + b"X" + good[32 + 5 * 32 + 1 :]
    for damaged in (wrong_record, wrong_header, date_of_9, no_end):
        assert sniff_data(damaged, "x.dbf") == "bin"
    # Text opening with a signature byte ("0" is Visual FoxPro's, "{" dBase IV's) stays text.
    assert sniff_data(b"0,1,2\n3,4,5\n6,7,8\n", "x.dbf") == "csv"
    assert sniff_data(b'{"a": [1, 2]}', "x.dbf") == "json"
    zeros = bytes(4096)
    assert sniff_data(zeros, "x.fpt") == "bin"


def test_memo_headers_must_agree_with_the_file_size(tmp_path: Path) -> None:
    memo = _fpt_pair(tmp_path)[1]
    assert dbase_memo.layout(memo, len(memo)) == "fpt"
    # The next free block says where the file ends: a file far longer or shorter is not one.
    assert dbase_memo.layout(memo + bytes(4096), len(memo) + 4096) is None
    rng = random.Random(3)
    for _ in range(500):
        data = bytes(512) + rng.randbytes(2048)
        assert dbase_memo.layout(data, len(data)) is None


# -- records: deleted, code pages, counts, truncation ------------------------------------------


def test_deleted_records_are_read_at_their_own_row(tmp_path: Path) -> None:
    data = build(LAB, lab_rows(), deleted=frozenset({1}))
    found = people(data)
    assert [(p["locator"], p["nhs_number"], p["family_name"]) for p in found] == [
        ("row:1", A, "OKAFOR"),
        ("row:2", B, "NOWAK"),  # flagged "*": deleted, still in the file
        ("row:3", C, "KHAN"),
    ]


@pytest.mark.parametrize(
    ("language", "surname", "forename"),
    [
        (0x02, "NÚÑEZ", "José"),  # cp850, DOS international
        (0x01, "MÜLLER", "Zoë"),  # cp437, DOS US
        (0x57, "NÚÑEZ", "Zoë"),  # cp1252 (ANSI)
        (0xC9, "ПЕТРОВ", "Иван"),  # cp1251
        (0x13, "ヤマダ", "タロウ"),  # cp932: a multi-byte code page
    ],
)
def test_text_is_decoded_from_the_language_driver_byte(
    language: int, surname: str, forename: str
) -> None:
    encoding = LANGUAGE_DRIVERS[language]
    row = [surname.encode(encoding), forename.encode(encoding), b"19620112", A.encode(), b"HIV"]
    _, cells = columns(build(LAB, [row, lab_rows()[1]], language=language))
    assert (cells[0], cells[1]) == ([surname, "NOWAK"], [forename, "Tomasz"])


def test_no_language_driver_falls_back_to_windows_1252() -> None:
    row = ["NÚÑEZ".encode("cp850"), "Zoë".encode("cp1252"), b"19620112", A.encode(), b"HIV"]
    _, cells = columns(build(LAB, [row], language=0x00))
    assert cells[0] == ["NÚÑEZ".encode("cp850").decode("cp1252", errors="replace")]
    assert cells[1] == ["Zoë"]


def test_a_stale_record_count_does_not_hide_records() -> None:
    # A program stopped before updating the count: the records after it are read while each
    # opens with a record's flag; the end-of-file mark ends them.
    _, cells = columns(build(LAB, lab_rows(), count=2))
    assert cells[3] == [A, B, C]
    _, cells = columns(build(LAB, lab_rows(), tail=b"\x1a" + b"JUNK" * 20))
    assert cells[3] == [A, B, C]


def test_a_truncated_table_gives_its_whole_records_and_says_so() -> None:
    data = build(LAB, lab_rows(5))
    cut = data[: len(data) - 1 - 2 * 51 - 20]  # records 4 and 5 gone, record 3 cut
    tables = []
    with pytest.raises(ReaderError, match=r"truncated dBase table: 2 of the 5 records"):
        for table in dbase.read(cut, "x.dbf"):
            tables.append(table)
    assert [c.to_pylist() for c in tables[0].columns][3] == [A, B]
    with pytest.raises(ReaderError, match=r"cut inside its header \(100 of 193 bytes\)"):
        list(dbase.read(data[:100], "x.dbf"))


def test_encrypted_and_level7_tables_say_why_they_are_not_read() -> None:
    data = bytearray(build(LAB, lab_rows()))
    data[15] = 1  # dBase IV's encryption flag
    with pytest.raises(Encrypted, match="encrypted dBase IV table"):
        list(dbase.read(bytes(data), "x.dbf"))
    level7 = bytearray(68) + b"SURNAME".ljust(32, b"\0") + b"C" + bytes([20]) + bytes(14) + b"\r"
    level7[0], level7[2], level7[3] = 0x04, 5, 30
    level7[4:12] = struct.pack("<IHH", 0, len(level7), 21)
    assert sniff_data(bytes(level7), "x.dbf") == "dbase"
    with pytest.raises(ReaderError, match="dBase 7 table: not read in this version"):
        list(dbase.read(bytes(level7), "x.dbf"))


def test_a_big_table_is_read_a_block_at_a_time() -> None:
    rows = lab_rows(120_000)
    tables = list(dbase.read(build(LAB, rows), "x.dbf"))
    assert [(t.first_row, t.n_rows) for t in tables] == [(1, 50_000), (50_001, 50_000),
                                                         (100_001, 20_000)]  # fmt: skip
    assert tables[2].columns[3].to_pylist()[-3:] == [A, B, C]


def test_a_table_too_big_to_hold_is_streamed_not_too_large(tmp_path: Path) -> None:
    """A LIMS table past ``max_in_memory`` is walked as a stream and read a block at a time by
    the scan, as a big CSV is: not ``too_large``."""
    data = build(LAB, lab_rows(3_000))
    (tmp_path / "RESULTS.DBF").write_bytes(data)
    limits = Limits(max_in_memory=16 * 1024)
    (entry,) = walk_file(tmp_path, "RESULTS.DBF", limits)
    assert (entry.type, entry.status) == ("dbase", "ok")
    tables = list(_items(io.BytesIO(data), "dbase", entry.path, "", 0, limits))
    assert [t.first_row for t in tables] == [1]  # type: ignore[union-attr]
    nhs = [n for t in tables for n in t.columns[3].to_pylist()]  # type: ignore[union-attr]
    assert nhs == [A, B, C] * 1_000


# -- Visual FoxPro's binary fields, nulls and varchars -----------------------------------------


def _julian(day: datetime.date) -> int:
    return day.toordinal() + 1721425


def test_visual_foxpro_binary_nullable_and_varchar_fields() -> None:
    fields: list[Spec] = [
        ("SURNAME", "C", 12, 0), ("NHSNO", "C", 10, 0), ("DOB", "T", 8, 0),
        ("SEEN", "T", 8, 0), ("VISITS", "I", 4, 0), ("FEE", "Y", 8, 0), ("HBA1C", "B", 8, 2),
        ("NOTE", "V", 16, 0, 0x02), ("RESULT", "N", 5, 1, 0x02), ("NOTES", "M", 4, 0),
        ("_NullFlags", "0", 1, 0, 0x05),
    ]  # fmt: skip
    note = b"HbA1c raised".ljust(15, b"\0") + bytes([12])

    def row(surname: bytes, nhs: str, dob: datetime.date, seen: bytes, *rest: bytes) -> list:
        return [surname, nhs.encode(), struct.pack("<ii", _julian(dob), 0), seen, *rest]

    rows = [
        row(b"OKAFOR", A, datetime.date(1962, 1, 12),
            struct.pack("<ii", _julian(datetime.date(2024, 5, 30)), 36_001_000),
            struct.pack("<i", 3), struct.pack("<q", 125_000), struct.pack("<d", 48.5), note,
            b" 48.5", struct.pack("<i", 9), bytes([0b001])),  # NOTE short: its length last
        row(b"NOWAK", B, datetime.date(1975, 11, 2), b" " * 8, struct.pack("<i", -1),
            struct.pack("<q", -5), struct.pack("<d", 0.1), b"sixteen bytes ok", b"  0.0",
            struct.pack("<i", 0), bytes([0b110])),  # NOTE and RESULT null
    ]  # fmt: skip
    data = build(fields, rows, version=0x30)
    assert sniff_data(data, "x") == "dbase"
    header, cells = columns(data)
    assert header == ["SURNAME", "NHSNO", "DOB", "SEEN", "VISITS", "FEE", "HBA1C", "NOTE",
                      "RESULT", "NOTES"]  # fmt: skip
    assert cells == [
        ["OKAFOR", "NOWAK"],
        [A, B],
        ["1962-01-12", "1975-11-02"],  # a datetime at midnight: the date alone
        ["2024-05-30 10:00:01", ""],
        ["3", "-1"],
        ["12.5000", "-0.0005"],
        ["48.5", "0.1"],
        ["HbA1c raised", ""],
        ["48.5", ""],
        ["", ""],  # memo pointers: the memo file is not beside this reader
    ]


# -- memo files --------------------------------------------------------------------------------

NOTE = "Pt Grace OKAFOR DOB 12/01/1962 rang re HIV result"


def _fpt_pair(tmp_path: Path) -> tuple[bytes, bytes]:
    table = library_table(
        tmp_path / "NOTES.DBF",
        "HOSPNO C(8); NOTES M",
        [("RX100001", NOTE), ("RX100002", "Repeat sample requested " * 30)],
        "fp",
    )
    return table, (tmp_path / "NOTES.FPT").read_bytes()


def test_foxpro_memo_field_is_empty_and_its_memo_file_is_read_as_text(tmp_path: Path) -> None:
    table, memo = _fpt_pair(tmp_path)
    assert columns(table) == (["HOSPNO", "NOTES"], [["RX100001", "RX100002"], ["", ""]])
    records = list(dbase_memo.read(memo, "NOTES.FPT"))
    assert (
        [(r.locator, r.text[:24]) for r in records]
        == [  # type: ignore[union-attr]
            ("memo:4", NOTE[:24]),
            ("memo:5", "Repeat sample requested "),
        ]
    )
    found = people(memo, "dbase_memo")
    assert [(p["locator"], p["family_name"], p["date_of_birth"], p["tests"]) for p in found] == [
        ("memo:4", "OKAFOR", "1962-01-12", "HIVAGAB")
    ]


def test_dbase_memo_files_are_read(tmp_path: Path) -> None:
    library_table(tmp_path / "N3.DBF", "NOTES M", [(NOTE,), ("second",)], "db3")
    dbt3 = (tmp_path / "N3.DBT").read_bytes()
    assert sniff_data(dbt3, "N3.DBT") == "dbase_memo"
    assert [(r.locator, r.text) for r in dbase_memo.read(dbt3, "N3.DBT")] == [  # type: ignore[union-attr]
        ("memo:1", NOTE),
        ("memo:2", "second"),
    ]
    # dBase IV: each memo opens FF FF 08 00 and its length (header included), 512-byte blocks.
    memo = NOTE.encode()
    head = struct.pack("<I", 3) + bytes(4) + b"N4".ljust(8, b"\0") + bytes(4)
    head += struct.pack("<H", 512) + bytes(490)
    first = (b"\xff\xff\x08\x00" + struct.pack("<I", 8 + len(memo)) + memo).ljust(512, b" ")
    dbt4 = head + first + b"\xff\xff\x08\x00" + struct.pack("<I", 14) + b"second"
    assert sniff_data(dbt4, "N4.DBT") == "dbase_memo"
    assert [(r.locator, r.text) for r in dbase_memo.read(dbt4, "N4.DBT")] == [  # type: ignore[union-attr]
        ("memo:1", NOTE),
        ("memo:2", "second"),
    ]


# -- the pipeline: statuses and people of a dump ----------------------------------------------


def test_a_dump_of_tables_memo_files_and_damage(tmp_path: Path) -> None:
    table, memo = _fpt_pair(tmp_path)
    lab = build(LAB, lab_rows(5))
    files = {
        "lims/PATIENT.DBF": patients_dbf(tmp_path),
        "lims/renamed.dat": build(LAB, lab_rows(), deleted=frozenset({2})),
        "lims/NOTES.DBF": table,
        "lims/NOTES.FPT": memo,
        "broken/CUT.DBF": lab[: len(lab) - 1 - 2 * 51 - 20],
        "broken/junk.dbf": random.Random(1).randbytes(4096),
    }
    from test_folder_relations import _scan

    case = _scan(tmp_path, files)
    listed = {r["path"]: r for r in case.read_table("files").to_pylist()}
    scanned = {r["file_id"]: r for r in case.read_table("scanned").to_pylist()}
    status = {
        path: (r["type"], scanned.get(r["file_id"], r)["status"]) for path, r in listed.items()
    }
    assert status == {
        "lims/PATIENT.DBF": ("dbase", "ok"),
        "lims/renamed.dat": ("dbase", "ok"),
        "lims/NOTES.DBF": ("dbase", "ok"),
        "lims/NOTES.FPT": ("dbase_memo", "ok"),
        "broken/CUT.DBF": ("dbase", "unreadable"),
        "broken/junk.dbf": ("bin", "unreadable"),
    }
    cut = scanned[listed["broken/CUT.DBF"]["file_id"]]
    assert cut["reason"].startswith("truncated dBase table: 2 of the 5 records")
    paths = {r["file_id"]: r for r in listed.values()}
    found = sorted(
        (paths[r["file_id"]]["path"], r["locator"], r["nhs_number"], r["family_name"])
        for r in case.read_table("records").to_pylist()
        if r["nhs_number"] or r["family_name"]
    )
    assert found == [
        ("broken/CUT.DBF", "row:1", A, "OKAFOR"),  # the whole records of a cut table kept
        ("broken/CUT.DBF", "row:2", B, "NOWAK"),
        ("lims/NOTES.FPT", "memo:4", None, "OKAFOR"),
        ("lims/PATIENT.DBF", "row:1", A, "OKAFOR"),
        ("lims/PATIENT.DBF", "row:2", B, "NOWAK"),
        ("lims/PATIENT.DBF", "row:3", C, "KHAN"),
        ("lims/renamed.dat", "row:1", A, "OKAFOR"),
        ("lims/renamed.dat", "row:2", B, "NOWAK"),
        ("lims/renamed.dat", "row:3", C, "KHAN"),  # deleted, still read
    ]


# -- hostile bytes: only a reader's error escapes ----------------------------------------------


def _samples() -> dict[str, bytes]:
    vfp = build(
        [("NAME", "C", 8, 0), ("WHEN", "T", 8, 0), ("NOTE", "V", 6, 0, 0x02),
         ("_NullFlags", "0", 1, 0, 0x05)],
        [[b"OKAFOR", struct.pack("<ii", 2437677, 5), b"abc\0\0\x03", b"\x01"]],
        version=0x30,
    )  # fmt: skip
    return {"dbase3": build(LAB, lab_rows()), "vfp": vfp}


@pytest.mark.parametrize("sample", ["dbase3", "vfp"])
def test_mutated_tables_only_raise_reader_errors(sample: str) -> None:
    data = _samples()[sample]

    @FUZZ
    @given(damaged=mutated(data))
    @example(damaged=data[:40])
    def run(damaged: bytes) -> None:
        _read_all("dbase", damaged)
        if sniff_data(damaged, "x") == "dbase_memo":
            _read_all("dbase_memo", damaged)

    run()


def test_mutated_memo_files_only_raise_reader_errors(tmp_path: Path) -> None:
    memo = _fpt_pair(tmp_path)[1]

    @FUZZ
    @given(damaged=mutated(memo))
    @example(damaged=memo[:530])
    def run(damaged: bytes) -> None:
        _read_all("dbase_memo", damaged)

    run()


def test_dbase_tables_of_one_folder_join_as_csv_files_do(tmp_path: Path) -> None:
    # An old LIMS keeps one table a file: PATIENT.DBF, and RESULTS.DBF pointing at its PATID.
    from test_folder_relations import _scan

    patients = build(
        [("PATID", "N", 6, 0), ("SURNAME", "C", 12, 0), ("FORENAME", "C", 12, 0),
         ("DOB", "D", 8, 0), ("NHSNO", "C", 10, 0)],
        [[b"1", b"OKAFOR", b"Grace", b"19620112", A.encode()],
         [b"2", b"NOWAK", b"Tomasz", b"19751102", B.encode()]],
    )  # fmt: skip
    results = build(
        [("RESID", "N", 6, 0), ("PATID", "N", 6, 0), ("TESTCODE", "C", 8, 0),
         ("RESULT", "C", 12, 0)],
        [[b"10", b"1", b"HIV", b"Reactive"], [b"11", b"2", b"HBA1C", b"48"]],
    )  # fmt: skip
    case = _scan(tmp_path, {"LIMS/PATIENT.DBF": patients, "LIMS/RESULTS.DBF": results})
    joined = [
        (r["nhs_number"], r["family_name"], r["tests"], r["sensitive"])
        for r in case.read_table("records").to_pylist()
        if r["source"] == "joined"
    ]
    assert joined == [(A, "OKAFOR", "HIVAGAB", "hiv"), (B, "NOWAK", "HBA1C", None)]
