"""The command line as a user meets it: real processes, real exit codes, no tracebacks."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from breachdesk.outputs.export import REGISTER_COLUMNS

NHS = ("4010232137", "4010232145")
PMI_HEADER = (
    "patient_id,nhs_number,family_name,given_name,date_of_birth,sex,postcode,"
    "address_line,phone,email,gp_practice_code\n"
)


def bd(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "breachdesk", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("breachdesk: error: "), result.stderr
    for needle in needles:
        assert needle in lines[0]


@pytest.fixture
def incident(tmp_path: Path) -> Path:
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "worklist.csv").write_text(
        "NHS No,Surname,Forename,DOB,Test,Result,Practice Code\n"
        f"{NHS[0]},SMITH,John,01/02/1980,HbA1c,64,G85001\n"
        f",JONES,Mary,03/04/1975,FBC,,G85002\n"
        f"{NHS[1]},AHMED,Omar,05/06/2001,HIV 1+2 Ag/Ab,Not detected,G85001\n",
        encoding="utf-8",
    )
    (tmp_path / "pmi.csv").write_text(
        PMI_HEADER
        + f"P1,{NHS[0]},Smith,John,1980-02-01,M,SE15 4AB,,,,G85001\n"
        + "P2,4010232153,Jones,Mary,1975-04-03,F,SE15 4AB,,,,G85002\n",
        encoding="utf-8",
    )
    return tmp_path


def test_help_lists_commands_and_says_what_they_write() -> None:
    result = bd("--help")
    assert result.returncode == 0
    for command in (
        "demo",
        "synth",
        "run",
        "ingest",
        "scan",
        "link",
        "assess",
        "files",
        "export",
        "eval",
    ):
        assert command in result.stdout
    assert "register" in bd("export", "--help").stdout


def test_run_and_export(incident: Path) -> None:
    result = bd(
        "run",
        incident / "dump",
        "--case",
        incident / "case",
        "--pmi",
        incident / "pmi.csv",
        "--workers",
        1,
    )
    assert result.returncode == 0, result.stderr
    out = incident / "register.csv"
    assert bd("export", incident / "case", "--register", out).returncode == 0
    with out.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == REGISTER_COLUMNS
        rows = {r["family_name"]: r for r in reader}
    assert rows["Smith"]["pmi_patient_id"] == "P1"
    assert rows["Smith"]["risk"] == "high"
    assert rows["Jones"]["pmi_patient_id"] == "P2"  # name + DOB, no NHS number in the row
    assert rows["Jones"]["exposed"] == "name;date_of_birth;test_description"
    assert rows["Jones"]["risk"] == "medium"
    assert rows["AHMED"]["pmi_patient_id"] == ""  # not in the PMI, still found
    assert rows["AHMED"]["sensitive"] == "hiv"
    assert rows["AHMED"]["controllers"] == "G85001"
    assert result.stdout.startswith("run: 1 files, 3 person-records, 3 people (2 matched")


def test_stages_one_by_one_refuse_to_skip(incident: Path) -> None:
    case = incident / "case"
    assert bd("ingest", incident / "dump", "--case", case).returncode == 0
    one_line_error(bd("link", case), "scan")
    for stage in ("scan", "link", "assess"):
        assert bd(stage, case).returncode == 0
    listing = bd("files", case, "--format", "csv")
    assert listing.stdout.splitlines() == [
        "path,type,size,status,reason",
        f"worklist.csv,csv,{(incident / 'dump' / 'worklist.csv').stat().st_size},ok,",
    ]


def test_missing_dump(tmp_path: Path) -> None:
    one_line_error(bd("run", tmp_path / "nope", "--case", tmp_path / "c"), "no such file")
    assert not (tmp_path / "c").exists()


def test_pmi_missing_columns_offers_mapping(incident: Path) -> None:
    bad = incident / "bad_pmi.csv"
    bad.write_text("id,NHS No,Surname,Forename,Born\nP1,4010232137,Smith,John,1980-02-01\n")
    result = bd("run", incident / "dump", "--case", incident / "case", "--pmi", bad)
    one_line_error(result, "patient_id", "--pmi-columns")
    assert not (incident / "case").exists()  # nothing half-made
    mapped = bd(
        "run",
        incident / "dump",
        "--case",
        incident / "case",
        "--pmi",
        bad,
        "--pmi-columns",
        "patient_id=id,nhs_number=NHS No,family_name=Surname,given_name=Forename,"
        "date_of_birth=Born",
        "--workers",
        1,
    )
    assert mapped.returncode == 0, mapped.stderr
    assert "1 matched" in mapped.stdout


def test_case_holding_another_incident(incident: Path, tmp_path: Path) -> None:
    case = incident / "case"
    assert bd("ingest", incident / "dump", "--case", case).returncode == 0
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.txt").write_text("hello")
    one_line_error(bd("run", other, "--case", case), "already holds")
    one_line_error(
        bd("export", tmp_path / "nocase", "--register", tmp_path / "r.csv"), "not a breachdesk case"
    )


def test_export_before_assess_is_refused(incident: Path) -> None:
    case = incident / "case"
    assert bd("ingest", incident / "dump", "--case", case).returncode == 0
    one_line_error(bd("export", case, "--register", incident / "r.csv"), "assess")
    assert not (incident / "r.csv").exists()
