"""Round 13: results reach their patients through the tables between them (a LIMS's
patient <- request <- result, or patient <- episode <- specimen <- result), in SQLite files, SQL
dumps and workbooks; and a table of staff is never the people a join points at."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from breachdesk.detect import relation_chains, staff_tables
from breachdesk.ingest.limits import Limits
from breachdesk.ingest.sniff import sniff_data
from breachdesk.ingest.walk import Entry
from breachdesk.scan.stage import _scan_file
from test_round12_joins_dates import _workbook

N1, N2, N3 = "4557660932", "4274295745", "4010232137"
FIELDS = ("locator", "nhs_number", "family_name", "given_name", "date_of_birth",
          "hospital_number", "tests", "sensitive")  # fmt: skip


def _scan(name: str, data: bytes) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    entry = Entry(
        path=name, parent=None, depth=0, size=len(data), type=sniff_data(data, name), data=data
    )
    records: list[dict[str, Any]] = []
    mentions: list[dict[str, Any]] = []
    for found, said in _scan_file(entry, 1, Limits(), keyed=[]):
        records.extend(found.to_pylist())
        mentions.extend(said.to_pylist())
    return records, mentions


def _joined(records: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return sorted(tuple(r[f] for f in FIELDS) for r in records if r["source"] == "joined")


def _rules(mentions: list[dict[str, Any]]) -> set[str]:
    return {m["rule"] for m in mentions if m["detector"] == "relations"}


def _sqlite(tmp_path: Path, script: str) -> bytes:
    path = tmp_path / "lims.sqlite"
    con = sqlite3.connect(path)
    con.executescript(script)
    con.commit()
    con.close()
    return path.read_bytes()


LIMS = f"""
CREATE TABLE patient (pid INTEGER PRIMARY KEY, hospnum TEXT, nhsnum TEXT, pat_surname TEXT,
    forenames TEXT, birth_dt TEXT, sex TEXT);
INSERT INTO patient VALUES (1, 'K5510001', '{N1}', 'Haworth', 'Imelda', '19480512', 'F');
INSERT INTO patient VALUES (2, 'K5510002', '{N2}', 'Lindqvist', 'Oskar', '19791201', 'M');
CREATE TABLE request (req_id INTEGER PRIMARY KEY, pid INTEGER, requester TEXT, location TEXT);
INSERT INTO request VALUES (100, 1, 'Dr Ama Mensah', 'Ward 7');
INSERT INTO request VALUES (101, 2, 'Dr Ama Mensah', 'Sexual Health');
CREATE TABLE result (res_id INTEGER PRIMARY KEY, req_id INTEGER, test TEXT, value TEXT);
INSERT INTO result VALUES (1000, 100, 'Bence Jones protein', 'Detected');
INSERT INTO result VALUES (1001, 101, 'HIV Ag/Ab', 'Reactive');
INSERT INTO result VALUES (1002, 101, 'Syphilis EIA', 'Negative');
"""


def test_sqlite_results_reach_patients_through_their_requests(tmp_path: Path) -> None:
    records, mentions = _scan("lims.sqlite", _sqlite(tmp_path, LIMS))
    assert _joined(records) == [
        ("table:result!row:1", N1, "Haworth", "Imelda", "1948-05-12", "K5510001", "BJP",
         "cancer"),
        ("table:result!row:2", N2, "Lindqvist", "Oskar", "1979-12-01", "K5510002", "HIVAGAB",
         "hiv"),
        ("table:result!row:3", N2, "Lindqvist", "Oskar", "1979-12-01", "K5510002", "SYPH",
         "sexual_health"),
    ]  # fmt: skip
    assert _rules(mentions) == {"joined:result.req_id->request.req_id;request.pid->patient.pid"}
    keys = {(m["locator"], m["field"]) for m in mentions if m["kind"] == "join_key"}
    assert keys == {(f"table:result!row:{n}", "req_id") for n in (1, 2, 3)}


def test_requests_that_are_not_the_results_requests_join_nothing(tmp_path: Path) -> None:
    # The results' req_id values are not the requests' keys: names alone join nothing.
    script = LIMS.replace("VALUES (100,", "VALUES (700,").replace("VALUES (101,", "VALUES (701,")
    records, _ = _scan("lims.sqlite", _sqlite(tmp_path, script))
    assert _joined(records) == []


DUMP = f"""-- MySQL dump 10.13
CREATE TABLE `patient` (`id` int, `nhs_no` varchar(10), `surname` varchar(40),
  `forename` varchar(40), `dob` date, PRIMARY KEY (`id`));
INSERT INTO `patient` VALUES (501,'{N1}','Aldridge','Verity','1966-03-09'),\
(502,'{N3}','Nakamura','Ren','1984-11-21');
CREATE TABLE `episode` (`id` int, `patient_id` int, `location` varchar(20), PRIMARY KEY (`id`));
INSERT INTO `episode` VALUES (9001,501,'GUM clinic'),(9002,502,'Ward 12'),(9003,501,'OPD');
CREATE TABLE `specimen` (`id` int, `episode_id` int, `specimen_type` varchar(20));
INSERT INTO `specimen` VALUES (77001,9001,'Serum'),(77002,9002,'Urine'),(77003,9003,'Blood');
CREATE TABLE `result` (`id` int, `specimen_id` int, `test_name` varchar(40), `value` varchar(20));
INSERT INTO `result` VALUES (1,77001,'Hepatitis C antibody','Reactive'),\
(2,77002,'Chlamydia NAAT','Detected'),(3,77003,'PSA','8.1');
"""


def test_a_dump_joins_results_three_hops_from_their_patients() -> None:
    records, mentions = _scan("lims.sql", DUMP.encode())
    assert _joined(records) == [
        ("table:result!row:1", N1, "Aldridge", "Verity", "1966-03-09", None, "HCVAB",
         "hepatitis"),
        ("table:result!row:2", N3, "Nakamura", "Ren", "1984-11-21", None, "CHLAM",
         "sexual_health"),
        ("table:result!row:3", N1, "Aldridge", "Verity", "1966-03-09", None, "PSA", "cancer"),
    ]  # fmt: skip
    assert _rules(mentions) == {
        "joined:result.specimen_id->specimen.id;specimen.episode_id->episode.id;"
        "episode.patient_id->patient.id"
    }


def test_no_more_than_three_hops_are_taken() -> None:
    # A fourth table between the results and the patients: too far to trust.
    dump = DUMP.replace("`specimen_id` int", "`aliquot_id` int").replace(
        "CREATE TABLE `result`",
        "CREATE TABLE `aliquot` (`id` int, `specimen_id` int);\n"
        "INSERT INTO `aliquot` VALUES (77001,77001),(77002,77002),(77003,77003);\n"
        "CREATE TABLE `result`",
    )
    assert relation_chains.MAX_HOPS == 3
    records, _ = _scan("lims.sql", dump.encode())
    assert _joined(records) == []


def test_a_workbook_joins_results_sheet_through_requests_sheet() -> None:
    data = _workbook(
        {
            "Patients": [
                ["Hospital No", "Surname", "Forename", "DOB"],
                ["RX110045", "PENHALIGON", "Tamsin", "17/06/1972"],
                ["RX110046", "OYELARAN", "Femi", "02/02/1958"],
            ],
            "Requests": [
                ["Request ID", "Hospital No", "Received"],
                ["Q24-88101", "RX110045", "04/03/2024"],
                ["Q24-88102", "RX110046", "05/03/2024"],
            ],
            "Results": [
                ["Request ID", "Test", "Result"],
                ["Q24-88101", "HIV Ag/Ab", "Not detected"],
                ["Q24-88102", "Hep B surface antigen", "Detected"],
            ],
        }
    )
    records, mentions = _scan("extract.xlsx", data)
    assert _joined(records) == [
        ("sheet:Results!row:1", None, "PENHALIGON", "Tamsin", "1972-06-17", "RX110045",
         "HIVAGAB", "hiv"),
        ("sheet:Results!row:2", None, "OYELARAN", "Femi", "1958-02-02", "RX110046", "HBSAG",
         "hepatitis"),
    ]  # fmt: skip
    assert _rules(mentions) == {
        "joined:Results.Request ID->Requests.Request ID;Requests.Hospital No->Patients.Hospital No"
    }


STAFF = """
CREATE TABLE users (user_id INTEGER PRIMARY KEY, surname TEXT, forename TEXT, dob TEXT,
    role TEXT, gmc_no TEXT, login TEXT);
INSERT INTO users VALUES (1, 'Quarrie', 'Desmond', '1971-04-04', 'Consultant Microbiologist',
    '4419981', 'dquarrie');
INSERT INTO users VALUES (2, 'Vasquez', 'Lorna', '1985-10-10', 'BMS Band 6', NULL, 'lvasquez');
CREATE TABLE results (id INTEGER PRIMARY KEY, user_id INTEGER, lab_no TEXT, test TEXT,
    result TEXT);
INSERT INTO results VALUES (1, 1, 'L24-0001', 'HIV viral load', '<20');
INSERT INTO results VALUES (2, 2, 'L24-0002', 'Gonorrhoea NAAT', 'Not detected');
INSERT INTO results VALUES (3, 1, 'L24-0003', 'Hepatitis C antibody', 'Reactive');
"""


def test_results_are_not_joined_to_the_staff_who_entered_them(tmp_path: Path) -> None:
    # The results name no patient: the users their user_id points at are the staff.
    records, mentions = _scan("lab.sqlite", _sqlite(tmp_path, STAFF))
    assert _joined(records) == []
    assert _rules(mentions) == set()


@pytest.mark.parametrize(
    ("table", "header", "staff"),
    [
        ("users", ["user_id", "surname", "forename", "dob", "role", "gmc_no", "login"], True),
        ("lab_staff", ["id", "surname", "forename"], True),
        ("Sheet1", ["Surname", "Forename", "GMC Number"], True),
        ("Sheet1", ["Surname", "Forename", "Job Title", "Department"], True),
        ("tblClinicians", ["ClinicianID", "Surname"], True),
        ("patients", ["hospnum", "nhsnum", "pat_surname", "pat_forename", "birth_dt"], False),
        ("service_users", ["id", "surname", "forename", "dob"], False),
        ("user_log", ["username", "patient_id", "action"], False),
        ("users", ["id", "surname", "forename", "nhs_number"], False),  # a patient portal's
        ("tumours", ["id", "surname", "dob", "grade"], False),  # a tumour's grade, one hint
        ("results", ["id", "hospnum", "test", "result", "authorised_by"], False),
    ],
)
def test_tables_of_staff(table: str, header: list[str], staff: bool) -> None:
    assert staff_tables.is_staff(table, header) is staff


@pytest.mark.parametrize(
    ("pointer", "key", "step", "naming"),
    [
        ("reqid", "reqid", "request", 2),
        ("requestid", "id", "requests", 2),
        ("reqid", "id", "request", 1),
        ("specid", "id", "lab_specimens", 1),
        ("labno", "labno", "specimen", 1),
        ("patientid", "id", "request", 0),
        ("resid", "reqid", "request", 0),
        ("idid", "id", "request", 0),
    ],
)
def test_hop_names(pointer: str, key: str, step: str, naming: int) -> None:
    assert relation_chains._hop_naming(pointer, key, step) == naming


def test_a_large_chain_is_joined_row_for_row(tmp_path: Path) -> None:
    # 3,000 results through 1,000 requests to 400 patients: every result once, to its patient.
    path = tmp_path / "big.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE patient (pid INTEGER, hospnum TEXT, surname TEXT, forename TEXT,"
                " dob TEXT)")  # fmt: skip
    con.executemany(
        "INSERT INTO patient VALUES (?, ?, ?, 'Ada', ?)",
        [(p, f"J{p:07d}", f"Surname{p}", f"19{50 + p % 40}-0{1 + p % 9}-1{p % 9}")
         for p in range(1, 401)],
    )  # fmt: skip
    con.execute("CREATE TABLE request (req_id INTEGER, pid INTEGER)")
    con.executemany("INSERT INTO request VALUES (?, ?)", [(r, 1 + r % 400) for r in range(1000)])
    con.execute("CREATE TABLE result (res_id INTEGER, req_id INTEGER, test TEXT, value TEXT)")
    con.executemany(
        "INSERT INTO result VALUES (?, ?, 'HIV Ag/Ab', 'Negative')",
        [(k, k % 1000) for k in range(3000)],
    )
    con.commit()
    con.close()
    records, _ = _scan("big.sqlite", path.read_bytes())
    joined = [r for r in records if r["source"] == "joined"]
    assert len(joined) == 3000
    by_row = {r["locator"]: r["hospital_number"] for r in joined}
    # result row 1 is res_id 0 -> request 0 -> patient 1; row 2500 is res_id 2499 -> 499 -> 100
    assert by_row["table:result!row:1"] == "J0000001"
    assert by_row["table:result!row:2500"] == "J0000100"
