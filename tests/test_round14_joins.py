"""Round 14: a patients table's rows that identify no one (a baby not yet registered) are still
its keys, so the tests of the identified patients join them, in a dump, a SQLite chain, a folder
of CSV files and a FHIR bulk export; UTF-16 text without a byte-order mark (``bcp -w``) is read
as text; the words a database writes for "no value" are blank cells."""

from __future__ import annotations

import io
import json
import random
import sqlite3
from array import array
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from breachdesk import nhs
from breachdesk.case import Case
from breachdesk.detect import null_cells
from breachdesk.ingest.sniff import decode, sniff_data, text_stream
from test_folder_relations import _scan as _scan_case
from test_round13_joins import _rules, _scan

# Invented people; the numbers pass Modulus 11 in the England range.
N1, N2, N3, N4 = "4058744677", "4218270384", "4946272062", "4067774915"
FIELDS = ("locator", "nhs_number", "family_name", "given_name", "date_of_birth", "tests",
          "sensitive")  # fmt: skip


def test_the_invented_numbers_are_valid() -> None:
    assert all(nhs.is_valid(n) and nhs.region(n) for n in (N1, N2, N3, N4))


def _joined(records: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return sorted(tuple(r[f] for f in FIELDS) for r in records if r["source"] == "joined")


MYSQLDUMP = f"""-- MySQL dump 10.13  Distrib 8.0.34, for Linux (x86_64)
CREATE TABLE `pat_master` (
  `pat_id` int NOT NULL AUTO_INCREMENT,
  `nhs_no` char(10) DEFAULT NULL,
  `surname` varchar(60) NOT NULL,
  `forenames` varchar(80) DEFAULT NULL,
  `dob` date DEFAULT NULL,
  `sex` enum('M','F','U') DEFAULT 'U',
  PRIMARY KEY (`pat_id`)
) ENGINE=InnoDB;
LOCK TABLES `pat_master` WRITE;
INSERT INTO `pat_master` VALUES (7101,'{N1}','Fairweather','Isolde','1981-04-17','F'),\
(7102,'{N2}','Okonjo','Chidi','1959-10-02','M'),(7103,'{N3}','Lindgren','Maja','1993-06-25','F'),\
(7104,NULL,'',NULL,NULL,'U');
UNLOCK TABLES;
CREATE TABLE `req_tests` (
  `req_test_id` bigint NOT NULL AUTO_INCREMENT,
  `pat_id` int NOT NULL,
  `test_desc` varchar(120) DEFAULT NULL,
  `result_txt` text,
  PRIMARY KEY (`req_test_id`),
  CONSTRAINT `fk_pat` FOREIGN KEY (`pat_id`) REFERENCES `pat_master` (`pat_id`)
) ENGINE=InnoDB;
LOCK TABLES `req_tests` WRITE;
INSERT INTO `req_tests` VALUES (550001,7101,'HIV 1/2 antibody/antigen','Negative'),\
(550002,7101,'Neisseria gonorrhoeae NAAT','DETECTED'),(550003,7102,'Alpha-fetoprotein','612 kU/L'),\
(550004,7103,'Serum hCG','4210 IU/L'),(550005,7104,'Neonatal bilirubin','212 umol/L');
UNLOCK TABLES;
"""


def test_a_dumps_tests_join_their_patients_past_a_row_that_identifies_no_one() -> None:
    # One of the four patients the tests point at is a row with no number and no name: 3 of
    # 4 keys among the identified rows had been too few, and every test was lost.
    records, mentions = _scan("pathlive_20231105.sql", MYSQLDUMP.encode())
    people = [r["locator"] for r in records if r["source"] != "joined"]
    assert people == [f"table:pat_master!row:{n}" for n in (1, 2, 3)]
    assert _joined(records) == [
        ("table:req_tests!row:1", N1, "Fairweather", "Isolde", "1981-04-17", "HIVAB", "hiv"),
        ("table:req_tests!row:2", N1, "Fairweather", "Isolde", "1981-04-17", "GC",
         "sexual_health"),
        ("table:req_tests!row:3", N2, "Okonjo", "Chidi", "1959-10-02", "AFP", "cancer"),
        ("table:req_tests!row:4", N3, "Lindgren", "Maja", "1993-06-25", "HCG", "pregnancy"),
    ]  # fmt: skip
    # (The bilirubin, row 5, points at the row that identifies no one: it joins no one.)
    assert _rules(mentions) == {"joined:req_tests.pat_id->pat_master.pat_id"}


def test_tests_whose_keys_are_not_the_tables_keys_still_join_nothing() -> None:
    # Only one of the four patients the tests point at is in the table at all.
    dump = (
        MYSQLDUMP.replace("(550003,7102,", "(550003,9102,")
        .replace("(550004,7103,", "(550004,9103,")
        .replace("(550005,7104,", "(550005,9104,")
    )
    records, mentions = _scan("pathlive.sql", dump.encode())
    assert _joined(records) == []
    assert _rules(mentions) == set()


def _sqlite(tmp_path: Path, script: str) -> bytes:
    path = tmp_path / "lims.sqlite"
    con = sqlite3.connect(path)
    con.executescript(script)
    con.commit()
    con.close()
    return path.read_bytes()


LIMS = f"""
CREATE TABLE patient (pid INTEGER PRIMARY KEY, nhsnum TEXT, pat_surname TEXT, forenames TEXT,
    birth_dt TEXT);
INSERT INTO patient VALUES (1, '{N1}', 'Fairweather', 'Isolde', '19810417');
INSERT INTO patient VALUES (2, '{N2}', 'Okonjo', 'Chidi', '19591002');
INSERT INTO patient VALUES (3, NULL, NULL, NULL, NULL);
CREATE TABLE request (req_id INTEGER PRIMARY KEY, pid INTEGER, location TEXT);
INSERT INTO request VALUES (100, 1, 'GUM clinic');
INSERT INTO request VALUES (101, 2, 'Ward 7');
INSERT INTO request VALUES (102, 3, 'Neonatal unit');
CREATE TABLE result (res_id INTEGER PRIMARY KEY, req_id INTEGER, test TEXT, value TEXT);
INSERT INTO result VALUES (1000, 100, 'Syphilis EIA', 'Positive');
INSERT INTO result VALUES (1001, 101, 'PSA', '9.1');
INSERT INTO result VALUES (1002, 102, 'Neonatal bilirubin', '190');
"""


def test_a_chain_reaches_its_patients_past_a_patient_row_that_identifies_no_one(
    tmp_path: Path,
) -> None:
    records, mentions = _scan("lims.sqlite", _sqlite(tmp_path, LIMS))
    assert _joined(records) == [
        ("table:result!row:1", N1, "Fairweather", "Isolde", "1981-04-17", "SYPH",
         "sexual_health"),
        ("table:result!row:2", N2, "Okonjo", "Chidi", "1959-10-02", "PSA", "cancer"),
    ]  # fmt: skip
    assert _rules(mentions) == {"joined:result.req_id->request.req_id;request.pid->patient.pid"}


def _case_joined(case: Case) -> dict[str, list[tuple[Any, ...]]]:
    paths = {r["file_id"]: r["path"] for r in case.read_table("files").to_pylist()}
    out: dict[str, list[tuple[Any, ...]]] = {}
    for r in case.read_table("records").to_pylist():
        if r["source"] == "joined":
            row = (r["locator"], r["nhs_number"], r["family_name"], r["tests"], r["sensitive"])
            out.setdefault(paths[r["file_id"]], []).append(row)
    return {path: sorted(rows) for path, rows in out.items()}


def test_a_folders_results_join_past_a_patients_row_that_identifies_no_one(
    tmp_path: Path,
) -> None:
    patients = (
        "patient_id,nhs_number,surname,forename,dob\n"
        f"1,{N1},FAIRWEATHER,Isolde,17/04/1981\n"
        f"2,{N2},OKONJO,Chidi,02/10/1959\n"
        f"3,{N4},BRANNIGAN,Roisin,30/08/1972\n"
        "4,,,,\n"
    )
    results = (
        "result_id,patient_id,test,value\n"
        "10,1,HIV 1+2 antibody,Reactive\n"
        "11,2,Hepatitis C antibody,Negative\n"
        "12,3,CA 125,88\n"
        "13,4,Neonatal bilirubin,190\n"
    )
    case = _scan_case(
        tmp_path,
        {"LIMS/patients.csv": patients.encode(), "LIMS/results.csv": results.encode()},
    )
    assert _case_joined(case) == {
        "LIMS/results.csv": [
            ("row:1", N1, "FAIRWEATHER", "HIVAGAB", "hiv"),
            ("row:2", N2, "OKONJO", "HCVAB", "hepatitis"),
            ("row:3", N4, "BRANNIGAN", "CA125", "cancer"),
        ]
    }


def test_a_fhir_export_joins_past_a_patient_that_identifies_no_one(tmp_path: Path) -> None:
    system = "https://fhir.nhs.uk/Id/nhs-number"
    patients = [
        {"resourceType": "Patient", "id": "p1", "identifier": [{"system": system, "value": N1}],
         "name": [{"family": "Fairweather", "given": ["Isolde"]}], "birthDate": "1981-04-17"},
        {"resourceType": "Patient", "id": "p2", "identifier": [{"system": system, "value": N2}],
         "name": [{"family": "Okonjo", "given": ["Chidi"]}], "birthDate": "1959-10-02"},
        {"resourceType": "Patient", "id": "p3", "gender": "unknown"},
    ]  # fmt: skip
    observations = [
        {"resourceType": "Observation", "id": "o1", "code": {"text": "HIV 1+2 antibody"},
         "subject": {"reference": "Patient/p1"}, "valueString": "Reactive"},
        {"resourceType": "Observation", "id": "o2", "code": {"text": "Hepatitis C antibody"},
         "subject": {"reference": "Patient/p2"}, "valueString": "Negative"},
        {"resourceType": "Observation", "id": "o3", "code": {"text": "Neonatal bilirubin"},
         "subject": {"reference": "Patient/p3"}, "valueString": "190 umol/L"},
    ]  # fmt: skip

    def ndjson(resources: list[dict[str, Any]]) -> bytes:
        return "\n".join(map(json.dumps, resources)).encode()

    case = _scan_case(
        tmp_path,
        {"bulk/Patient.ndjson": ndjson(patients), "bulk/Observation.ndjson": ndjson(observations)},
    )
    assert _case_joined(case) == {
        "bulk/Observation.ndjson": [
            ("entry:1", N1, "Fairweather", "HIVAGAB", "hiv"),
            ("entry:2", N2, "Okonjo", "HCVAB", "hepatitis"),
        ]
    }


# ``bcp -w``: UTF-16LE with no byte-order mark, tab-separated, CRLF, no header.
BCP_ROWS = (
    f"GU23-00511\t{N1}\tHarding\tSarah\t1981-04-17 00:00:00.000\tF\tSE1 7EH\t"
    "Gonorrhoea NAAT (pharyngeal)\tDetected\r\n"
    f"GU23-00512\t{N2}\tOkafor\tDavid\t1959-10-02 00:00:00.000\tM\tSE11 5RQ\t"
    "HIV 1+2 Ab/Ag (POCT)\tReactive\r\n"
    f"GU23-00513\t{N3}\tLindsay\tEmma\t1993-06-25 00:00:00.000\tF\tSE17 1LB\t"
    "Trichomonas vaginalis NAAT\tNot detected\r\n"
)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_text(encoding: str) -> None:
    data = BCP_ROWS.encode(encoding)
    assert decode(data) == (BCP_ROWS, encoding)
    assert text_stream(io.BytesIO(data)).read() == BCP_ROWS
    assert sniff_data(data, "GUM_extract.dat") == "tsv"


def test_a_bcp_w_extract_gives_its_people_and_their_tests() -> None:
    records, _ = _scan("GUM_extract_bcp_w.dat", BCP_ROWS.encode("utf-16-le"))
    found = sorted(
        (r["nhs_number"], r["family_name"], r["given_name"], r["postcode"], r["tests"],
         r["sensitive"])
        for r in records
    )  # fmt: skip
    assert found == [
        (N1, "Harding", "Sarah", "SE1 7EH", "GC", "sexual_health"),
        (N2, "Okafor", "David", "SE11 5RQ", "HIVAGAB", "hiv"),
        (N3, "Lindsay", "Emma", "SE17 1LB", "TRICH", "sexual_health"),
    ]


def test_binary_with_zero_high_bytes_is_still_binary() -> None:
    # 16-bit numbers below 256: every other byte zero, as in UTF-16 text, but the "characters"
    # are control codes a tenth of the time.
    rng = random.Random(14)
    data = array("H", [rng.randrange(256) for _ in range(4000)]).tobytes()
    assert sniff_data(data, "samples.raw") == "bin"
    # NUL bytes scattered in a text that is not UTF-16 still make it binary.
    assert sniff_data(b"name,value\n" + b"abc\x00def,1\n" * 50, "x.csv") == "bin"


def test_utf8_and_cp1252_are_decoded_as_before() -> None:
    assert decode("Müller,4\n".encode()) == ("Müller,4\n", "utf-8")
    assert decode("Müller,4\n".encode("cp1252")) == ("Müller,4\n", "cp1252")


def test_the_words_for_no_value_are_blank_cells() -> None:
    words = ["NULL", "null", "(null)", "NaN", "None", "N/A", "-", "#N/A", "\\N", " NULL ", ""]
    assert [null_cells.is_blank(w) for w in words] == [True] * len(words)
    kept = ["Nullam", "Null Island", "0", "N", "Nan Li", "--5", "4058744677"]
    assert [null_cells.is_blank(w) for w in kept] == [False] * len(kept)
    column = pa.array(["4058744677", "NULL", None, "  ", "\\N", "Hep B"], pa.string())
    assert null_cells.blank(column).to_pylist() == [False, True, None, True, True, False]
