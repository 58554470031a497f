"""Rows of an events table joined to the people they point at, through the real scan stage.

Each format that holds several tables (MySQL INSERTs, PostgreSQL COPY, SQLite, a workbook) gets a
small hand-made source; the joined records are compared value by value. A key that is named like a
person key but whose values are not the people's keys is not joined.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import xlsxwriter

from breachdesk.detect import relations
from breachdesk.detect.columns import type_columns
from breachdesk.detect.relations import Relations, row_facts
from breachdesk.detect.tables import records_from_table
from breachdesk.ingest.limits import Limits
from breachdesk.readers import sql_dump
from breachdesk.readers.base import Table
from breachdesk.scan.stage import Unit, scan_unit
from breachdesk.synth import generate

MYSQL = b"""-- MySQL dump 10.13
CREATE TABLE `patients` (
  `id` int NOT NULL AUTO_INCREMENT,
  `nhs_number` varchar(10) DEFAULT NULL,
  `surname` varchar(64) NOT NULL,
  `forename` varchar(64) NOT NULL,
  `dob` date NOT NULL,
  `practice_code` varchar(6),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO `patients` VALUES (1,'4319390717','Okafor','Grace','1961-04-03','G85001'),\
(2,NULL,'Smith','John','1950-01-02','G85002');
INSERT INTO `patients` VALUES (3,'4010232137','Jones','Ann','1970-05-06',NULL);
CREATE TABLE `results` (
  `id` int NOT NULL,
  `patient_id` int NOT NULL,
  `test_code` varchar(16),
  `value` varchar(64),
  PRIMARY KEY (`id`)
);
INSERT INTO `results` VALUES (1,2,'HBA1C','48'),(2,1,'HIVAB','Negative'),(3,3,'TSH',NULL),\
(4,1,'FBC','13.2'),(5,2,NULL,'7');
CREATE TABLE `invoices` (`id` int, `amount` decimal(8,2));
INSERT INTO `invoices` VALUES (1,10.00),(2,20.00),(3,30.00);
"""
JOINED = "joined:results.patient_id->patients.id"


def _scan(tmp_path: Path, name: str, data: bytes) -> tuple[list[dict[str, Any]], list[Any]]:
    dump = tmp_path / "dump"
    dump.mkdir(exist_ok=True)
    (dump / name).write_bytes(data)
    records: list[dict[str, Any]] = []
    mentions: list[dict[str, Any]] = []
    for recs, ments, scanned, _keyed in scan_unit(
        Unit(str(dump), name, {name: 7}, Limits(), len(data))
    ):
        records += recs.to_pylist()
        mentions += ments.to_pylist()
        for row in scanned.to_pylist():
            assert row["status"] == "ok", row
    return records, mentions


def _joined(records: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    fields = ("locator", "nhs_number", "family_name", "given_name", "date_of_birth", "tests")
    fields += ("sensitive", "ods_codes", "e_test_description", "e_test_result", "e_name")
    return [tuple(r[f] for f in fields) for r in records if r["source"] == "joined"]


def test_mysql_results_rows_become_records_of_their_patients(tmp_path: Path) -> None:
    records, mentions = _scan(tmp_path, "lims.sql", MYSQL)
    assert [r["locator"] for r in records if r["source"] == "table"] == [
        "table:patients!row:1",
        "table:patients!row:2",
        "table:patients!row:3",
    ]
    # Row 5 names no test, so it tells nothing about its patient; invoices.id is no pointer.
    assert _joined(records) == [
        ("table:results!row:1", None, "Smith", "John", "1950-01-02", "HBA1C", None, "G85002",
         True, True, True),
        ("table:results!row:2", "4319390717", "Okafor", "Grace", "1961-04-03", "HIVAB", "hiv",
         "G85001", True, True, True),
        ("table:results!row:3", "4010232137", "Jones", "Ann", "1970-05-06", "TSH", None, None,
         True, False, True),
        ("table:results!row:4", "4319390717", "Okafor", "Grace", "1961-04-03", "FBC", None,
         "G85001", True, True, True),
    ]  # fmt: skip
    joined = [m for m in mentions if m["detector"] == "relations"]
    assert {m["rule"] for m in joined} == {JOINED}
    assert sorted((m["locator"], m["kind"], m["field"]) for m in joined) == [
        ("table:results!row:1", "join_key", "patient_id"),
        ("table:results!row:1", "result", "value"),
        ("table:results!row:1", "test", "test_code"),
        ("table:results!row:2", "join_key", "patient_id"),
        ("table:results!row:2", "result", "value"),
        ("table:results!row:2", "test", "test_code"),
        ("table:results!row:3", "join_key", "patient_id"),
        ("table:results!row:3", "test", "test_code"),
        ("table:results!row:4", "join_key", "patient_id"),
        ("table:results!row:4", "result", "value"),
        ("table:results!row:4", "test", "test_code"),
    ]
    ids = [r["record_id"] for r in records]
    assert len(ids) == len(set(ids))
    assert "7:table:results!row:2" in ids


POSTGRES = b"""--
-- PostgreSQL database dump
--
CREATE TABLE public.lab_results (
    result_id integer NOT NULL,
    patient_id text,
    test_name text,
    result text
);
COPY public.lab_results (result_id, patient_id, test_name, result) FROM stdin;
1\tRX00017\tChlamydia NAAT\tNot detected
2\tRX00042\tHbA1c\t\\N
3\tRX00017\tFull blood count\tSee report
\\.

CREATE TABLE public.patient_demographics (
    patient_id text NOT NULL,
    nhs_no character varying(10),
    family_name text,
    given_name text,
    birth_date date
);
COPY public.patient_demographics (patient_id, nhs_no, family_name, given_name, birth_date) \
FROM stdin;
RX00042\t\\N\tOkafor\tGrace\t1961-04-03
RX00017\t4795429162\tPatel\tRavi\t1988-11-30
\\.
"""


def test_postgres_copy_joins_whatever_order_the_tables_come_in(tmp_path: Path) -> None:
    records, mentions = _scan(tmp_path, "pmi.sql", POSTGRES)
    assert _joined(records) == [
        ("table:lab_results!row:1", "4795429162", "Patel", "Ravi", "1988-11-30", "CHLAM",
         "sexual_health", None, True, True, True),
        ("table:lab_results!row:2", None, "Okafor", "Grace", "1961-04-03", "HBA1C", None, None,
         True, False, True),
        ("table:lab_results!row:3", "4795429162", "Patel", "Ravi", "1988-11-30", "FBC", None,
         None, True, True, True),
    ]  # fmt: skip
    rules = {m["rule"] for m in mentions if m["detector"] == "relations"}
    assert rules == {"joined:lab_results.patient_id->patient_demographics.patient_id"}


def _sqlite(tmp_path: Path) -> bytes:
    path = tmp_path / "build.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE subjects (id INTEGER PRIMARY KEY, surname, forename, dob)")
    con.execute("CREATE TABLE samples (sample_no, subject_id, investigation)")
    con.executemany(
        "INSERT INTO subjects VALUES (?, ?, ?, ?)",
        [(10, "Okafor", "Grace", "03/04/1961"), (11, "Smith", "John", "02/01/1950")],
    )
    con.executemany(
        "INSERT INTO samples VALUES (?, ?, ?)",
        [("S1", 11, "TSH"), ("S2", 10, "HIV antibody"), ("S3", 11, "")],
    )
    con.commit()
    con.close()
    return path.read_bytes()


def test_sqlite_samples_join_subjects_by_table_name(tmp_path: Path) -> None:
    records, mentions = _scan(tmp_path, "export.sqlite", _sqlite(tmp_path))
    assert _joined(records) == [
        ("table:samples!row:1", None, "Smith", "John", "1950-01-02", "TSH", None, None, True,
         False, True),
        ("table:samples!row:2", None, "Okafor", "Grace", "1961-04-03", "HIVAB", "hiv", None,
         True, False, True),
    ]  # fmt: skip
    rules = {m["rule"] for m in mentions if m["detector"] == "relations"}
    assert rules == {"joined:samples.subject_id->subjects.id"}


def _workbook(results_ids: list[object]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    people = book.add_worksheet("Patients")
    rows: list[list[object]] = [
        ["Patient ID", "Surname", "Forename", "DOB"],
        [501, "Okafor", "Grace", "03/04/1961"],
        [502, "Smith", "John", "02/01/1950"],
    ]
    for r, row in enumerate(rows):
        people.write_row(r, 0, row)
    results = book.add_worksheet("Results")
    results.write_row(0, 0, ["Patient ID", "Test", "Result", "Requesting GP"])
    tests = ["Full blood count", "TSH", "Chlamydia NAAT"]
    for r, (pid, test) in enumerate(zip(results_ids, tests, strict=True), start=1):
        results.write_row(r, 0, [pid, test, "Normal", "G85001"])
    book.close()
    return buffer.getvalue()


def test_workbook_results_sheet_joins_patients_sheet(tmp_path: Path) -> None:
    records, mentions = _scan(tmp_path, "book.xlsx", _workbook([502, 501, 502]))
    assert _joined(records) == [
        ("sheet:Results!row:1", None, "Smith", "John", "1950-01-02", "FBC", None, "G85001", True,
         True, True),
        ("sheet:Results!row:2", None, "Okafor", "Grace", "1961-04-03", "TSH", None, "G85001",
         True, True, True),
        ("sheet:Results!row:3", None, "Smith", "John", "1950-01-02", "CHLAM", "sexual_health",
         "G85001", True, True, True),
    ]  # fmt: skip
    rules = {m["rule"] for m in mentions if m["detector"] == "relations"}
    assert rules == {"joined:Results.Patient ID->Patients.Patient ID"}


def test_a_key_named_right_with_other_values_is_not_joined(tmp_path: Path) -> None:
    records, _ = _scan(tmp_path, "book.xlsx", _workbook([901, 902, 903]))
    assert len(records) == 2 and _joined(records) == []
    # Two of the three results point at patients: below the containment asked for, no join.
    records, _ = _scan(tmp_path, "other.xlsx", _workbook([501, 502, 999]))
    assert _joined(records) == []
    orphans = MYSQL.replace(b"(3,3,'TSH',NULL)", b"(3,8,'TSH',NULL)").replace(
        b"(4,1,'FBC','13.2')", b"(4,9,'FBC','13.2')"
    )
    records, _ = _scan(tmp_path, "orphans.sql", orphans)
    assert _joined(records) == []


def test_values_alone_do_not_join(tmp_path: Path) -> None:
    """results.batch holds 1..3 like patients.id, but ``batch`` names no person key."""
    renamed = MYSQL.replace(b"`patient_id` int NOT NULL", b"`batch` int NOT NULL")
    records, _ = _scan(tmp_path, "batch.sql", renamed)
    assert _joined(records) == []


@pytest.mark.parametrize(
    ("pointer", "key", "parent", "naming"),
    [
        ("patient_id", "id", "patients", 2),
        ("PatientID", "id", "patients", 2),
        ("pat_id", "id", "patients", 1),
        ("subject_id", "id", "patients", 1),
        ("subject_id", "id", "subjects", 2),
        ("study_id", "id", "studies", 2),
        ("Patient ID", "Patient ID", "Patients", 2),
        ("mrn", "mrn", "pas", 2),
        ("order_id", "id", "patients", 0),
        ("batch", "batch", "patients", 0),
        ("id", "id", "patients", 0),
    ],
)
def test_relation_names(pointer: str, key: str, parent: str, naming: int) -> None:
    compact = relations._compact  # the names are compared folded and without spaces
    assert relations._naming(compact(pointer), compact(key), parent) == naming


def test_arrow_columns_are_accepted() -> None:
    """Readers may hand columns over as Arrow arrays instead of lists; the join is the same."""
    tables = list(sql_dump.read(MYSQL, "lims.sql"))
    as_lists, as_arrow = Relations(), Relations()
    for table in tables:
        records, _ = records_from_table(table, 7)
        as_lists.add(table, records)
        arrow = Table(
            header=table.header,
            columns=[pa.array(c, pa.string()) for c in table.columns],  # type: ignore[misc]
            first_row=table.first_row,
            prefix=table.prefix,
        )
        as_arrow.add(arrow, records)
    first = [r.to_pylist() for r, _ in as_lists.joined(7)]
    assert first and first == [r.to_pylist() for r, _ in as_arrow.joined(7)]
    assert len(first[0]) == 4


def test_types_kept_by_records_from_table_are_those_the_joins_would_find() -> None:
    """``relations.add`` reads the Arrow columns and types ``records_from_table`` made, not
    converting and typing the table again: the same cells and types, and the same joins as
    from the reader's lists typed afresh."""
    tables = list(sql_dump.read(MYSQL, "lims.sql"))
    kept, fresh = Relations(), Relations()
    for table in tables:
        records, _ = records_from_table(table, 7)
        columns = [relations.strings(c) for c in table.columns]
        assert table.types == type_columns(table.header, columns)
        assert table.arrow is not None
        assert [a.to_pylist() for a in table.arrow] == [c.to_pylist() for c in columns]
        kept.add(table, records)
        fresh.add(
            Table(
                header=table.header,
                columns=table.columns,
                first_row=table.first_row,
                prefix=table.prefix,
            ),
            records,
        )
    got = [(r.to_pylist(), m.to_pylist()) for r, m in kept.joined(7)]
    assert got and got == [(r.to_pylist(), m.to_pylist()) for r, m in fresh.joined(7)]


def _results_table() -> tuple[list[str], list[pa.Array]]:
    """A results table's header and columns: a key, a test code, its value, an analyte column."""
    header = ["patient_id", "test_code", "value", "Haemoglobin", "requester"]
    columns = [
        pa.array(["1", "2", "3"]),
        pa.array(["HBA1C", "not a test", ""]),
        pa.array(["48", "5", ""]),
        pa.array(["", "", "131"]),
        pa.array(["G85001", "", "RJ1"]),
    ]
    return header, columns


def test_row_facts_with_types_given_equal_typing_afresh() -> None:
    header, columns = _results_table()
    given = row_facts(header, columns, type_columns(header, columns))
    fresh = row_facts(header, columns)
    assert given.tests.to_pylist() == fresh.tests.to_pylist() == ["HBA1C", None, "HB"]
    assert given.result.to_pylist() == fresh.result.to_pylist()
    assert given.requester.to_pylist() == fresh.requester.to_pylist()
    # The types given are the ones used: a column typed as nothing says no test.
    blind = row_facts(header, columns, [None, None, "result", "analyte:HB", "requester"])
    assert blind.tests.to_pylist() == [None, None, "HB"]


def test_row_facts_keeps_non_person_rows() -> None:
    header, columns = _results_table()
    facts = row_facts(header, columns)
    assert facts.tests.to_pylist() == ["HBA1C", None, "HB"]
    assert facts.result.to_pylist() == [True, False, True]
    assert facts.requester.to_pylist() == ["G85001", None, "RJ1"]
    assert (facts.test_field, facts.result_field) == ("test_code;Haemoglobin", "value;Haemoglobin")


def test_synthetic_dumps_join_as_truth_says(tmp_path: Path) -> None:
    """Every results row the generator's truth counts is joined, to the right patient row, with
    the truth's tests; nothing else is joined."""
    generate(tmp_path / "synth", patients=300, seed=4)
    dump = tmp_path / "synth" / "dump"
    with (tmp_path / "synth" / "truth" / "records.csv").open(encoding="utf-8") as handle:
        truth = [r for r in csv.DictReader(handle) if r["path"].endswith(".sql")]
    want = {(r["path"], r["locator"]): r for r in truth}
    got: dict[tuple[str, str], dict[str, Any]] = {}
    paths = sorted({r["path"] for r in truth})
    for file_id, path in enumerate(paths):
        unit = Unit(str(dump), path, {path: file_id}, Limits(), 1)
        for records, *_ in scan_unit(unit):
            got.update({(path, r["locator"]): r for r in records.to_pylist()})
    assert set(got) == set(want)
    joined = [key for key, r in got.items() if r["source"] == "joined"]
    assert len(joined) == sum(1 for r in truth if r["locator"].startswith("table:results!"))
    assert len(joined) > 50
    # A person may have two patient rows in one dump (written with different noise).
    patient_rows: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in truth:
        if r["locator"].startswith("table:patients!"):
            patient_rows.setdefault((r["path"], r["person"]), []).append(
                got[r["path"], r["locator"]]
            )
    identity = ("nhs_number", "family_name", "given_name", "date_of_birth", "postcode")
    for key in joined:
        mine, theirs = got[key], want[key]
        assert mine["tests"] == theirs["tests"], key
        assert (mine["sensitive"] or "") == theirs["sensitive"], key
        rows = patient_rows[key[0], theirs["person"]]
        assert [mine[f] for f in identity] in [[row[f] for f in identity] for row in rows], key


def test_a_results_sheet_points_at_patients_under_another_name_of_their_key() -> None:
    import io

    import xlsxwriter

    from test_generalise import A, B, people_in_file

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    demographics = book.add_worksheet("Demographics")
    for number, row in enumerate(
        [
            ["Hospital Number", "NHS Number", "Surname", "Forename", "DOB"],
            ["RX1234567", A, "Smith", "John", "12/01/1962"],
            ["RX2345678", B, "Jones", "Mary", "03/05/1975"],
        ]
    ):
        demographics.write_row(number, 0, row)
    virology = book.add_worksheet("Virology")
    for number, row in enumerate(
        [
            ["Lab No", "MRN", "Test", "Result"],
            ["V24-0001", "RX2345678", "HIV 1+2 Ag/Ab", "Reactive"],
        ]
    ):
        virology.write_row(number, 0, row)
    book.close()
    fields = ("nhs_number", "family_name", "tests")
    found = people_in_file("lims.xlsx", buffer.getvalue(), fields)[1]
    assert (B, "Jones", "HIVAGAB") in found
    assert not any(tests for number, _, tests in found if number == A)
