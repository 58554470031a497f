"""The model's parameters are estimated from the data: known rates must come back out.

One record per PMI patient, so every true match is a record-to-PMI pair and each m probability
is simply the share of records carrying (or not carrying) a deviation, which the simulation
tags record by record.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from breachdesk.engine.local import LocalEngine
from breachdesk.link import simulate
from breachdesk.link.stage import run_link

NOISE = simulate.Noise(
    no_nhs=0.3,
    nhs_transposed=0.05,
    family_typo=0.08,
    given_typo=0.04,
    nickname=0.0,
    swap_names=0.0,
    dob_swap=0.25,
    dob_digit=0.0,
    no_postcode=0.3,
)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, simulate.Simulated]:
    sim = simulate.simulate(
        4000, exposed=1.0, outsiders=0.0, records_per_person=(1, 1), noise=NOISE, seed=21
    )
    case = simulate.write_case(sim, tmp_path_factory.mktemp("model"))
    run_link(LocalEngine(workers=2), case)
    return json.loads((Path(case.root) / "link" / "report.json").read_text()), sim


def _level(report: dict, comparison: str, label: str) -> dict:
    for c in report["parameters"]["comparisons"]:
        if c["comparison"] == comparison:
            for level in c["levels"]:
                if level["level"] == label:
                    return level
    raise KeyError((comparison, label))


def _share(sim: simulate.Simulated, tag: str, among: str | None = None) -> float:
    rows = [t for t in sim.tags.values() if among is None or among not in t]
    return sum(1 for t in rows if tag in t) / len(rows)


def test_m_recovered_from_known_error_rates(report: tuple[dict, simulate.Simulated]) -> None:
    params, sim = report
    typo = _share(sim, "family_typo")
    assert _level(params, "family_name", "family name exact")["m"] == pytest.approx(
        1 - typo, abs=0.03
    )
    # day/month swaps are only possible when the day could be a month; count what was done
    swapped = _share(sim, "dob_swap")
    assert _level(params, "date_of_birth", "date of birth: day and month swapped")[
        "m"
    ] == pytest.approx(swapped, abs=0.02)
    assert _level(params, "date_of_birth", "date of birth exact")["m"] == pytest.approx(
        1 - swapped, abs=0.02
    )
    transposed = _share(sim, "nhs_transposed", among="no_nhs")
    nhs_levels = (
        _level(params, "nhs_number", "NHS number exact"),
        _level(params, "nhs_number", "NHS number: one digit mistyped or two transposed"),
    )
    assert nhs_levels[0]["m"] == pytest.approx(1 - transposed, abs=0.02)
    assert nhs_levels[1]["m"] == pytest.approx(transposed, abs=0.02)
    assert all(level["m_estimated"] for level in nhs_levels)


def test_u_recovered_from_the_population(report: tuple[dict, simulate.Simulated]) -> None:
    params, sim = report
    families = [f.lower() for f in sim.pmi["family_name"].to_pylist()]
    counts: dict[str, int] = {}
    for family in families:
        counts[family] = counts.get(family, 0) + 1
    n = len(families)
    collide = sum(c * (c - 1) for c in counts.values()) / (n * (n - 1))
    level = _level(params, "family_name", "family name exact")
    assert level["u_estimated"]
    assert level["u"] == pytest.approx(collide, rel=0.25)
    assert _level(params, "sex", "Exact match on sex")["u"] == pytest.approx(0.5, abs=0.05)
    # two valid NHS numbers are never one digit apart: u is bounded, not guessed
    bounded = _level(params, "nhs_number", "NHS number: one digit mistyped or two transposed")
    assert bounded["u"] < 1e-4


def test_weights_order_evidence_sensibly(report: tuple[dict, simulate.Simulated]) -> None:
    params, _ = report
    for comparison in params["parameters"]["comparisons"]:
        weights = [level["match_weight"] for level in comparison["levels"]]
        assert (
            weights[-1] == min(weights) < 0 < weights[0]
        )  # agreeing counts for, differing against
    prior = params["parameters"]["probability_two_random_records_match"]
    assert 0 < prior < 0.01
