"""Reading the backlog: bad rows rejected with their row numbers; bad files one-line errors."""

from __future__ import annotations

import csv
import dataclasses
import random
from pathlib import Path

import pytest

from breachdesk.errors import UserError
from breachdesk.samples import backlog, stability
from breachdesk.synth import backlog as synth_backlog
from breachdesk.synth import people

HEADER = ",".join(backlog.REQUIRED)
GOOD = (
    "{id},9990000018,Test,Pat,1970-01-01,G85001,2024-06-03T09:00,2024-06-03T10:00,SST,{tests},"
    "{storage},{priority}"
)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """5,000 synthetic backlog rows with their truth: about 50 deliberately bad rows."""
    folder = tmp_path_factory.mktemp("backlog")
    rng = random.Random(5)
    pop = dataclasses.replace(people.build(rng, 2000, 0), pmi_count=50_000)
    synth_backlog.write(folder / "backlog.csv", folder / "bad.csv", rng, pop)
    return folder / "backlog.csv", folder / "bad.csv"


def read(path: Path, now: str = "2024-06-10T12:00") -> backlog.Backlog:
    return backlog.read(path, backlog.parse_now(now), stability.load())


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "backlog.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_rejected_rows_match_the_synthetic_truth(synthetic: tuple[Path, Path]) -> None:
    path, truth = synthetic
    b = read(path)
    with truth.open(encoding="utf-8") as handle:
        bad = {row["sample_id"]: row["problem"] for row in csv.DictReader(handle)}
    with path.open(encoding="utf-8") as handle:
        row_of = {row["sample_id"]: n for n, row in enumerate(csv.DictReader(handle), start=1)}
    assert len(bad) == 50
    assert {sid for _, sid, _ in b.rejected} == set(bad)
    expected = {
        "unknown_test": "unknown test",
        "received_before_collected": "received_at is before collected_at",
        "missing_collected_at": "missing collected_at",
    }
    for row, sid, reason in b.rejected:
        assert row == row_of[sid]
        assert expected[bad[sid]] in reason
    assert b.rows == 5000 and b.size == 4950


def test_each_kind_of_bad_row_is_reported_with_its_row_number(tmp_path: Path) -> None:
    ok = "ambient@2024-06-03T09:00"
    path = write(
        tmp_path,
        HEADER,
        GOOD.format(id="A1", tests="FBC", storage=ok, priority="routine"),
        GOOD.format(id="A1", tests="FBC", storage=ok, priority="routine"),
        GOOD.format(id="A3", tests="Serum unobtainium", storage=ok, priority="routine"),
        GOOD.format(id="A4", tests="", storage=ok, priority="routine"),
        GOOD.format(id="A5", tests="TSH", storage="warm@2024-06-03T09:00", priority="routine"),
        GOOD.format(id="A6", tests="TSH", storage="fridge 2024-06-03", priority="routine"),
        GOOD.format(id="A7", tests="TSH", storage="fridge@2024-06-02T09:00", priority="routine"),
        GOOD.format(id="A8", tests="TSH", storage="fridge@2024-06-30T09:00", priority="routine"),
        "A9,9990000018,Test,Pat,1970-01-01,G85001,2024-02-30T09:00,2024-06-03T10:00,SST,TSH,,urgent",
        "A10,too,few,fields",
        "",
        "A11,9990000018,Test,Pat,1970-01-01,G85001,2024-06-03T09:00,2024-06-03T10:00,tub,TSH,,stat",
        ",9990000018,Test,Pat,1970-01-01,G85001,2024-07-03T09:00,,SST,TSH,,urgent",
        GOOD.format(id="A13", tests="TSH", storage="", priority=""),
    )
    b = read(path, "2024-06-10T12:00")
    assert b.rejected == [
        (2, "A1", "duplicate sample_id (first at row 1)"),
        (
            3,
            "A3",
            "unknown test 'Serum unobtainium': not in the test catalogue, so no stability data "
            "for test Serum unobtainium",
        ),
        (4, "A4", "no tests requested"),
        (5, "A5", "storage condition 'warm' is not one of ambient, fridge, frozen"),
        (6, "A6", "storage entry 'fridge 2024-06-03' is not condition@ISO-datetime"),
        (7, "A7", "a storage change is before collected_at"),
        (8, "A8", "a storage change is after --now"),
        (9, "A9", "collected_at '2024-02-30T09:00' is not an ISO date-time"),
        (10, "A10", "has 4 fields; the header has 12"),
        (
            11,
            "A11",
            "unknown container 'tub' (known: SST, EDTA, LiHep, citrate, fluoride_oxalate, "
            "urine_universal, swab, stool_pot, plain, formalin, other)",
        ),
        (12, "", "missing sample_id; collected_at is after --now; missing received_at"),
    ]
    assert list(b.text["sample_id"]) == ["A1", "A13"]
    assert b.notes == {1: ["priority missing: taken as routine"]}


def test_container_aliases_and_missing_container(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER,
        "B1,9990000018,Test,Pat,1970-01-01,G85001,2024-06-03T09:00,2024-06-03T10:00,Gold top,TSH,,",
        "B2,9990000018,Test,Pat,1970-01-01,G85001,2024-06-03T09:00,2024-06-03T10:00,,FBC,,urgent",
    )
    b = read(path)
    stab = stability.load()
    assert b.container[0] == stab.container_index()["SST"]
    assert b.container[1] == -1
    assert b.notes[1] == ["container not given: each test's usual one assumed"]


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("sample_id,tests\nA,FBC\n", "backlog lacks column(s) nhs_number"),
        ("", "empty; the backlog needs a header line"),
        (HEADER + '\nA,"' + "x" * 200_000 + '"\n', "not readable as CSV at line 2"),
    ],
)
def test_bad_files_are_one_line_user_errors(tmp_path: Path, content: str, needle: str) -> None:
    path = tmp_path / "backlog.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UserError) as exc:
        read(path)
    assert needle in str(exc.value) and "\n" not in str(exc.value)


def test_missing_file_and_bad_now() -> None:
    with pytest.raises(UserError, match="no such backlog file"):
        read(Path("/nonexistent/backlog.csv"))
    with pytest.raises(UserError, match=r"--now: 'yesterday' is not an ISO date-time"):
        backlog.parse_now("yesterday")
    assert backlog.iso(backlog.parse_now("2024-06-10 08:30")) == "2024-06-10T08:30:00"
