"""`breachdesk samples triage` as a user runs it: exit codes, files, one-line errors."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from breachdesk.cli import main
from breachdesk.synth import generate

NOW = "2024-06-10T06:00"


def bd(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "breachdesk", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def incident(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("incident")
    generate(out, patients=2000, seed=33)
    (out / "slots.csv").write_text(
        "clinic,day,capacity,postcode_districts\nHub,2024-06-11,30,\n", encoding="utf-8"
    )
    (out / "tight.yaml").write_text("lanes:\n  all:\n    per_day: 4\n    disciplines: ['*']\n")
    return out


def test_triage_end_to_end(incident: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = bd(
        "samples", "triage", incident / "backlog.csv", "--now", NOW, "--out", out,
        "--pmi", incident / "pmi.csv", "--slots", incident / "slots.csv",
        "--capacity", incident / "tight.yaml",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("samples: ")
    backlog = read_csv(incident / "backlog.csv")
    assert not any(r["nhs_number"] and r["nhs_number"] in result.stdout for r in backlog)

    triage = read_csv(out / "triage.csv")
    assert list(triage[0]) == [
        "sample_id", "status", "viable_until", "tests_viable", "tests_expired", "reason",
    ]  # fmt: skip
    rejected = read_csv(out / "rejected.csv")
    truth = read_csv(incident / "truth" / "backlog_bad.csv")
    row_of = {r["sample_id"]: n for n, r in enumerate(backlog, start=1)}
    assert [(int(r["row"]), r["sample_id"]) for r in rejected] == sorted(
        (row_of[t["sample_id"]], t["sample_id"]) for t in truth
    )
    assert len(triage) + len(rejected) == len(backlog)

    plan = read_csv(out / "plan.csv")
    assert list(plan[0]) == [
        "order", "lane", "run_at", "sample_id", "priority", "tests", "viable_until", "outcome",
    ]  # fmt: skip
    assert all(r["run_at"] < r["viable_until"] for r in plan if r["outcome"] == "run")
    unplanned = {r["sample_id"] for r in plan if r["outcome"] == "no_capacity"}
    assert unplanned  # four a day cannot reach every viable sample
    recalled: dict[str, str] = {}
    for path in (out / "recall").glob("*.csv"):
        if path.stem in ("appointments", "unplaced"):
            continue
        assert path.with_suffix(".pdf").exists()
        for row in read_csv(path):
            for sid in row["samples"].split(";"):
                recalled[sid] = row["reason"]
    for sid in unplanned:
        reason = recalled[sid]
        assert "cannot run it before it expires" in reason or "cannot be run before" in reason
    assert read_csv(out / "recall" / "appointments.csv")

    page = (out / "summary.html").read_text(encoding="utf-8")
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert len(re.findall(r"<path", svg)) > 10
    assert "http" not in page and "<script" not in page
    fig = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (
        fig["plan"]["more_saved"]
        == fig["plan"]["saved"]["total"] - (fig["plan"]["fcfs_saved"]["total"])
    )
    assert fig["plan"]["saved"]["weighted"] >= fig["plan"]["fcfs_saved"]["weighted"]
    assert set(fig["expiring"]) == {"6 h", "12 h", "24 h"}
    assert sum(fig["status"].values()) == len(triage)
    assert f"saves {fig['plan']['saved']['total']}" in result.stdout


def test_help_explains_the_model_and_the_outputs() -> None:
    result = bd("samples", "triage", "--help")
    assert result.returncode == 0
    for needle in ("1/L", "L = 0 means not allowed", "triage.csv", "plan.csv", "rejected.csv"):
        assert needle in result.stdout
    assert "samples" in bd("--help").stdout


def run_main(monkeypatch: pytest.MonkeyPatch, *args: object) -> int:
    """The CLI's real entry point in-process (a process per bad input would be slow)."""
    monkeypatch.setattr(sys, "argv", ["breachdesk", *map(str, args)])
    with pytest.raises(SystemExit) as stop:
        main()
    return int(stop.value.code or 0)


@pytest.mark.parametrize(
    ("case", "needles"),
    [
        ("no_file", ("no such backlog file",)),
        ("bad_now", ("--now: 'tomorrow' is not an ISO date-time",)),
        ("columns", ("backlog lacks column(s)", "give the columns")),
        ("capacity", ("cannot be read as YAML",)),
        ("slots", ("slots file lacks column(s) capacity",)),
    ],
)
def test_bad_input_is_one_line(
    incident: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    case: str,
    needles: tuple[str, ...],
) -> None:
    backlog, now = incident / "backlog.csv", NOW
    extra: list[object] = []
    if case == "no_file":
        backlog = tmp_path / "missing.csv"
    elif case == "bad_now":
        now = "tomorrow"
    elif case == "columns":
        backlog = tmp_path / "short.csv"
        backlog.write_text("sample_id,tests\nA,FBC\n", encoding="utf-8")
    elif case == "capacity":
        bad = tmp_path / "capacity.yaml"
        bad.write_text("lanes: [unclosed\n", encoding="utf-8")
        extra = ["--capacity", bad]
    else:
        bad = tmp_path / "slots.csv"
        bad.write_text("clinic,day\nA,2024-06-11\n", encoding="utf-8")
        extra = ["--slots", bad]
    code = run_main(
        monkeypatch, "samples", "triage", backlog, "--now", now, "--out", tmp_path / "o", *extra
    )
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("breachdesk: error: "), err
    for needle in needles:
        assert needle in lines[0]
