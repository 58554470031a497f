"""End to end on a synthetic incident: the figures every later issue has to keep or raise."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from breachdesk.case import Case
from breachdesk.engine.local import LocalEngine
from breachdesk.outputs.evaluate import evaluate
from breachdesk.outputs.export import REGISTER_COLUMNS, export_register
from breachdesk.outputs.files import file_statuses
from breachdesk.pipeline import open_case, run_all
from breachdesk.synth import generate


@pytest.fixture(scope="module")
def incident(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Case, dict[str, object]]:
    root = tmp_path_factory.mktemp("incident")
    generate(root / "synth", patients=600, seed=11)
    case = open_case(root / "synth" / "dump", root / "case", root / "synth" / "pmi.csv", None)
    run_all(LocalEngine(workers=2), case)
    return root, case, evaluate(case, root / "synth" / "truth")


def test_recall_and_precision_against_truth(incident: tuple[Path, Case, dict]) -> None:
    _, _, result = incident
    exposed = result["exposed_pmi_patients"]
    assert exposed["recall"] >= 0.99
    assert exposed["precision"] >= 0.99
    assert result["categories"]["f1"] >= 0.97
    assert result["sensitive_kinds"]["recall"] >= 0.9
    assert result["sensitive_kinds"]["precision"] >= 0.95
    assert result["not_in_pmi"]["recall"] >= 0.9
    assert result["not_in_pmi"]["precision"] >= 0.8


def test_eval_json_written_with_the_figures(incident: tuple[Path, Case, dict]) -> None:
    _, case, result = incident
    assert json.loads((case.root / "eval.json").read_text()) == result


def test_every_file_has_the_status_truth_expects(incident: tuple[Path, Case, dict]) -> None:
    root, case, _ = incident
    with (root / "synth" / "truth" / "files.csv").open(encoding="utf-8") as handle:
        expected = {r["path"]: r["expected_status"] for r in csv.DictReader(handle)}
    got = {r["path"]: r["status"] for r in file_statuses(case).to_pylist()}
    assert set(got) == set(expected)
    assert got == expected


def test_register_export_round_trip(incident: tuple[Path, Case, dict]) -> None:
    root, case, _ = incident
    out = root / "register.csv"
    n = export_register(case, out)
    with out.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert tuple(reader.fieldnames or ()) == REGISTER_COLUMNS
    assert len(rows) == n == case.stage_counts("assess")["persons"]
    for row in rows:
        assert row["risk"] in {"low", "medium", "high"}
        assert row["nhs_number"] == "" or (
            len(row["nhs_number"]) == 10 and row["nhs_number"].isdigit()
        )
        assert int(row["files"]) >= 1 and int(row["evidence"]) >= 1
        if row["sensitive"]:
            assert row["risk"] == "high"
    pmi_ids = [r["pmi_patient_id"] for r in rows if r["pmi_patient_id"]]
    assert len(pmi_ids) == len(set(pmi_ids))  # one register row per PMI patient


def test_rerunning_a_stage_replaces_only_its_tables(incident: tuple[Path, Case, dict]) -> None:
    root, case, result = incident
    files_before = case.table_path("files").stat().st_mtime_ns
    from breachdesk.assess.stage import run_assess

    run_assess(LocalEngine(workers=1), case)
    assert case.table_path("files").stat().st_mtime_ns == files_before
    assert evaluate(case, root / "synth" / "truth") == result
