"""The whole pipeline on a synthetic incident of 20,000 patients: the issue's figures.

Exposed PMI patients found with recall and precision of at least 0.995, and records grouped
into people with pairwise recall and precision of at least 0.995, against the generator's
ground truth.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from breachdesk.engine.local import LocalEngine
from breachdesk.outputs.evaluate import evaluate
from breachdesk.pipeline import open_case, run_all
from breachdesk.synth import generate


@pytest.mark.slow
def test_twenty_thousand_patients_meet_the_issue_figures(tmp_path: Path) -> None:
    generate(tmp_path / "synth", patients=20_000, seed=5)
    case = open_case(
        tmp_path / "synth" / "dump", tmp_path / "case", tmp_path / "synth" / "pmi.csv", None
    )
    run_all(LocalEngine(workers=2), case)
    result = evaluate(case, tmp_path / "synth" / "truth")
    exposed, clustering = result["exposed_pmi_patients"], result["clustering"]
    assert exposed["recall"] >= 0.995
    assert exposed["precision"] >= 0.995
    assert clustering["pairwise_recall"] >= 0.995
    assert clustering["pairwise_precision"] >= 0.995
    assert clustering["records_aligned"] >= 0.8 * clustering["records_truth"]
    assert result["not_in_pmi"]["recall"] >= 0.98
    assert result["not_in_pmi"]["precision"] >= 0.97
