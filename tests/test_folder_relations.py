"""A LIMS export as one CSV per table: ``results.csv`` names nobody and points at
``patients.csv`` by ``patient_id``. Each file is read on its own, so the results' tests would be
lost; after the scan the one-table files of each folder are related as a dump's tables are, and
each results row that points at a patient becomes a joined record in its own file."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import xlsxwriter

from breachdesk.case import Case
from breachdesk.engine.local import LocalEngine
from breachdesk.ingest.stage import run_ingest
from breachdesk.scan.stage import run_scan

A, B, C = "4557660932", "4274295745", "4010232137"
PATIENTS = (
    "patient_id,nhs_number,surname,forename,dob\n"
    f"1,{A},OKAFOR,Grace,12/01/1962\n"
    f"2,{B},NOWAK,Tomasz,02/11/1975\n"
    f"3,{C},KHAN,Li,01/02/1980\n"
)
RESULTS = (
    "result_id,patient_id,test,value\n"
    "10,1,HIV 1+2 antibody,Reactive\n"
    "11,2,Hepatitis C antibody,Negative\n"
    "12,2,HbA1c,48\n"
    "13,3,PSA,\n"
)
# (nhs_number, tests, sensitive, result given) of each results row, in row order.
JOINED = [
    (A, "HIVAGAB", "hiv", True),
    (B, "HCVAB", "hepatitis", True),
    (B, "HBA1C", None, True),
    (C, "PSA", "cancer", False),
]


def _scan(tmp_path: Path, files: dict[str, bytes]) -> Case:
    dump = tmp_path / "dump"
    for name, data in files.items():
        (dump / name).parent.mkdir(parents=True, exist_ok=True)
        (dump / name).write_bytes(data)
    case = Case.create(tmp_path / "case", dump)
    run_ingest(LocalEngine(workers=1), case)
    run_scan(LocalEngine(workers=1), case)
    return Case.open(tmp_path / "case")


def _joined(case: Case) -> dict[str, list[tuple[Any, ...]]]:
    """Joined records by the path of the file they are in: (locator, nhs, tests, sensitive,
    result), in order."""
    paths = {r["file_id"]: r["path"] for r in case.read_table("files").to_pylist()}
    out: dict[str, list[tuple[Any, ...]]] = {}
    for r in case.read_table("records").to_pylist():
        if r["source"] == "joined":
            row = (r["locator"], r["nhs_number"], r["tests"], r["sensitive"], r["e_test_result"])
            out.setdefault(paths[r["file_id"]], []).append(row)
    return out


def _expected(rows: list[tuple[str, str, str | None, bool]]) -> list[tuple[Any, ...]]:
    return [(f"row:{i}", *row) for i, row in enumerate(rows, start=1)]


def test_results_in_their_own_file_join_the_patients_file(tmp_path: Path) -> None:
    case = _scan(
        tmp_path,
        {
            "Exports/LIMS/patients.csv": PATIENTS.encode(),
            "Exports/LIMS/results.csv": RESULTS.encode(),
            # Another folder's orders point at patient 1 of a patients table it does not have.
            "Other/orders.csv": b"order_id,patient_id,test\n1,1,FBC\n",
        },
    )
    assert _joined(case) == {"Exports/LIMS/results.csv": _expected(JOINED)}
    records = case.read_table("records").to_pylist()
    joined = [r for r in records if r["source"] == "joined"]
    # Each joined record carries its patient's identity from the patients row.
    assert [(r["family_name"], r["given_name"], r["date_of_birth"]) for r in joined] == [
        ("OKAFOR", "Grace", "1962-01-12"),
        ("NOWAK", "Tomasz", "1975-11-02"),
        ("NOWAK", "Tomasz", "1975-11-02"),
        ("KHAN", "Li", "1980-02-01"),
    ]
    rules = {
        (m["kind"], m["field"], m["rule"])
        for m in case.read_table("mentions").to_pylist()
        if m["detector"] == "relations"
    }
    rule = "joined:results.patient_id->patients.patient_id"
    assert rules == {("join_key", "patient_id", rule), ("test", "test", rule)} | {
        ("result", "value", rule)
    }
    # The results file is accounted with its joined records; the keyed rows are gone.
    files = {r["file_id"]: r["path"] for r in case.read_table("files").to_pylist()}
    counts = {files[r["file_id"]]: r["records"] for r in case.read_table("scanned").to_pylist()}
    assert counts == {
        "Exports/LIMS/patients.csv": 3,
        "Exports/LIMS/results.csv": 4,
        "Other/orders.csv": 0,
    }
    assert case.manifest["stages"]["scan"]["counts"]["records"] == 7
    assert not case.table_path("keyed").exists()


def test_each_folder_joins_its_own_tables(tmp_path: Path) -> None:
    """Two sites' exports number their patients alike: each site's results join its own."""
    other = PATIENTS.replace(A, "4836044502").replace("OKAFOR,Grace", "ADEYEMI,Tunde")
    case = _scan(
        tmp_path,
        {
            "SiteA/patients.csv": PATIENTS.encode(),
            "SiteA/results.csv": RESULTS.encode(),
            "SiteB/patients.csv": other.encode(),
            "SiteB/results.csv": b"result_id,patient_id,test,value\n20,1,Chlamydia NAAT,Detected\n",
        },
    )
    assert _joined(case) == {
        "SiteA/results.csv": _expected(JOINED),
        "SiteB/results.csv": [("row:1", "4836044502", "CHLAM", "sexual_health", True)],
    }


def test_an_archive_of_table_files_joins_inside_it(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("export/patients.csv", PATIENTS)
        zf.writestr("export/results.csv", RESULTS)
    case = _scan(tmp_path, {"lims_export.zip": buffer.getvalue()})
    assert _joined(case) == {"lims_export.zip!/export/results.csv": _expected(JOINED)}


def test_keys_that_do_not_agree_join_nothing(tmp_path: Path) -> None:
    """A pointer is a patient's only where its values are the patients' keys: sample ids that
    merely share the column name with another file's ids join nothing."""
    unrelated = "result_id,patient_id,test,value\n" + "".join(
        f"{i},{900 + i},HIV 1+2 antibody,Reactive\n" for i in range(10)
    )
    case = _scan(
        tmp_path,
        {"LIMS/patients.csv": PATIENTS.encode(), "LIMS/results.csv": unrelated.encode()},
    )
    assert _joined(case) == {}
    assert not case.table_path("keyed").exists()
    assert pq.read_table(case.table_path("records")).num_rows == 3


def workbook(rows: Sequence[Sequence[object]], sheet_name: str = "Sheet1") -> bytes:
    """A one-sheet XLSX of ``rows`` (shared with the other layout tests)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(sheet_name)
    for number, row in enumerate(rows):
        sheet.write_row(number, 0, row)
    book.close()
    return buffer.getvalue()


def _dump(table: str, text: str) -> bytes:
    """A one-table SQL dump of a CSV's rows (every value quoted)."""
    header, *rows = [line.split(",") for line in text.strip().split("\n")]
    columns = ", ".join(f"{h} VARCHAR(64)" for h in header)
    values = ",\n".join("(" + ", ".join(f"'{v}'" for v in row) + ")" for row in rows)
    return f"CREATE TABLE {table} ({columns});\nINSERT INTO {table} VALUES\n{values};\n".encode()


def test_a_one_sheet_workbook_is_a_table_of_its_folder(tmp_path: Path) -> None:
    """Named by its file ("Sheet1" says nothing), its rows at their sheet's locators."""
    rows = [line.split(",") for line in PATIENTS.strip().split("\n")]
    case = _scan(
        tmp_path,
        {
            "LIMS/patients.xlsx": workbook(rows),
            "LIMS/results.xlsx": workbook([line.split(",") for line in RESULTS.split("\n")]),
        },
    )
    assert _joined(case) == {
        "LIMS/results.xlsx": [
            (f"sheet:Sheet1!row:{i}", *row) for i, row in enumerate(JOINED, start=1)
        ]
    }


def test_one_table_dumps_join_by_their_tables_names(tmp_path: Path) -> None:
    case = _scan(
        tmp_path,
        {
            "backup/2024-05-30_a.sql": _dump("patients", PATIENTS),
            "backup/2024-05-30_b.sql": _dump("results", RESULTS),
        },
    )
    assert _joined(case) == {
        "backup/2024-05-30_b.sql": [
            (f"table:results!row:{i}", *row) for i, row in enumerate(JOINED, start=1)
        ]
    }


def test_a_fhir_bulk_export_joins_observations_to_the_patients_of_another_file(
    tmp_path: Path,
) -> None:
    # A FHIR bulk export writes a file per resource type: Observation.ndjson points at
    # Patient.ndjson by "Patient/<id>". Each file read alone, every test was lost.
    system = "https://fhir.nhs.uk/Id/nhs-number"
    patients = [
        {"resourceType": "Patient", "id": "p1", "identifier": [{"system": system, "value": A}],
         "name": [{"family": "Okafor", "given": ["Grace"]}], "birthDate": "1962-01-12"},
        {"resourceType": "Patient", "id": "p2", "identifier": [{"system": system, "value": B}],
         "name": [{"family": "Nowak", "given": ["Tomasz"]}], "birthDate": "1975-11-02"},
    ]  # fmt: skip
    observations = [
        {"resourceType": "Observation", "id": "o1", "code": {"text": "HIV 1+2 antibody"},
         "subject": {"reference": "Patient/p1"}, "valueString": "Reactive"},
        {"resourceType": "Observation", "id": "o2", "code": {"text": "Hepatitis C antibody"},
         "subject": {"reference": "Patient/p2"}},
        {"resourceType": "Observation", "id": "o3", "code": {"text": "Heart rate"},
         "subject": {"reference": "Patient/p2"}, "valueQuantity": {"value": 70}},
    ]  # fmt: skip

    def ndjson(resources: list[dict[str, Any]]) -> bytes:
        return "\n".join(map(json.dumps, resources)).encode()

    case = _scan(
        tmp_path,
        {
            "bulk/Patient.ndjson": ndjson(patients),
            "bulk/Observation.ndjson": ndjson(observations),
            "other/Observation.ndjson": ndjson(observations),  # its Patients are not there
        },
    )
    # The tests are the patients', at their own entries (the heart rate is no catalogue test);
    # the other folder, without the Patients, joins nothing.
    assert _joined(case) == {
        "bulk/Observation.ndjson": [
            ("entry:1", A, "HIVAGAB", "hiv", True),
            ("entry:2", B, "HCVAB", "hepatitis", False),
        ]
    }
    rules = {
        (m["kind"], m["rule"])
        for m in case.read_table("mentions").to_pylist()
        if m["detector"] == "relations"
    }
    assert rules == {
        ("join_key", "joined:Observation.subject->Patient.id"),
        ("test", "joined:Observation.subject->Patient.id"),
        ("result", "joined:Observation.subject->Patient.id"),
    }
