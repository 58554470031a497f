"""The review queue: decisions recorded from the command line, re-applied by every later link
run, also after the records are re-scanned (new record ids, new order)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from breachdesk.case import Case
from breachdesk.engine.local import LocalEngine
from breachdesk.link import prepare, simulate
from breachdesk.link.commands import review
from breachdesk.link.stage import run_link

ENGINE = LocalEngine(workers=2)
# A wide band, so a small population still puts pairs in the queue.
WIDE = {"review_threshold": 0.001, "link_threshold": 0.99999}


def _person_of_key(case: Case, key: str) -> set[str]:
    """The people holding the records of profile ``key`` (a PMI key: its person)."""
    if key.startswith("pmi:"):
        persons = case.read_table("persons").to_pylist()
        return {p["person_id"] for p in persons if p["pmi_patient_id"] == key[4:]}
    dest = case.root / "profiles-for-test.parquet"
    prepare.record_profiles(ENGINE, case.table_path("records"), dest)
    profiles = pq.read_table(dest).to_pylist()
    ids = {p["record_id"] for p in profiles if p["profile_key"] == key}
    links = case.read_table("record_links").to_pylist()
    return {r["person_id"] for r in links if r["record_id"] in ids}


def _together(case: Case, a: str, b: str) -> bool:
    one, two = _person_of_key(case, a), _person_of_key(case, b)
    assert len(one) == 1 and len(two) == 1
    return one == two


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Case, dict, dict]:
    sim = simulate.simulate(1000, seed=13)
    case = simulate.write_case(sim, tmp_path_factory.mktemp("review"))
    counts = run_link(ENGINE, case, **WIDE)
    assert counts["review"] > 2
    queue = [r for r in case.read_table("link_review").to_pylist() if r["reason"] == "uncertain"]
    queue.sort(key=lambda r: r["match_probability"])
    same, different = queue[0], queue[-1]  # the least likely made one, the most likely kept apart
    assert not _together(case, same["key_l"], same["key_r"])
    runner = CliRunner()
    result = runner.invoke(
        review,
        [
            str(case.root),
            "--decide",
            same["pair_id"],
            "same",
            "--decide",
            different["pair_id"],
            "different",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "recorded as same" in result.output
    run_link(ENGINE, case, **WIDE)
    return case, same, different


def test_same_decision_applied_on_rerun(reviewed: tuple[Case, dict, dict]) -> None:
    case, same, _ = reviewed
    assert _together(case, same["key_l"], same["key_r"])
    decided = {r["pair_id"]: r for r in case.read_table("link_review").to_pylist()}
    assert decided[same["pair_id"]]["decision"] == "same"


def test_different_decision_holds_even_below_any_threshold(
    reviewed: tuple[Case, dict, dict],
) -> None:
    case, _, different = reviewed
    run_link(ENGINE, case, review_threshold=0.0001, link_threshold=0.0002)
    assert not _together(case, different["key_l"], different["key_r"])
    run_link(ENGINE, case, **WIDE)


def test_decisions_survive_a_rescan(reviewed: tuple[Case, dict, dict]) -> None:
    case, same, different = reviewed
    records = case.read_table("records")
    # a re-scan: other file ids, other record ids, another order
    shuffled = records.take(pa.array(range(records.num_rows - 1, -1, -1)))
    ids = [f"7:{rid}" for rid in shuffled["record_id"].to_pylist()]
    rescanned = shuffled.set_column(0, "record_id", pa.array(ids, pa.string()))
    case.start_stage("scan")
    case.write_table("records", rescanned)
    case.finish_stage("scan", {"records": rescanned.num_rows})
    run_link(ENGINE, case, **WIDE)
    assert _together(case, same["key_l"], same["key_r"])
    assert not _together(case, different["key_l"], different["key_r"])


def test_review_lists_pairs_side_by_side(reviewed: tuple[Case, dict, dict]) -> None:
    case, same, _ = reviewed
    runner = CliRunner()
    listed = runner.invoke(review, [str(case.root), "--list", "--all", "--format", "csv"])
    assert listed.exit_code == 0, listed.output
    rows = list(csv.DictReader(io.StringIO(listed.output)))
    assert rows and {"family_name_l", "family_name_r", "date_of_birth_l", "evidence"} <= set(
        rows[0]
    )
    row = next(r for r in rows if r["pair_id"] == same["pair_id"])
    assert row["decision"] == "same"
    assert row["family_name_l"] and row["family_name_r"]
    table = runner.invoke(review, [str(case.root), "--list"])
    assert table.exit_code == 0 and "link review queue" in table.output


def test_interactive_review_records_answers(reviewed: tuple[Case, dict, dict]) -> None:
    case, _, _ = reviewed
    pending = [r for r in case.read_table("link_review").to_pylist() if r["decision"] is None]
    runner = CliRunner()
    result = runner.invoke(review, [str(case.root), "--ask"], input="k\nd\nq\n")
    assert result.exit_code == 0, result.output
    assert "1 decision(s) recorded" in result.output
    assert "evidence:" in result.output
    second = pending[1]["pair_id"]
    listed = runner.invoke(review, [str(case.root), "--list", "--all", "--format", "csv"])
    rows = {r["pair_id"]: r for r in csv.DictReader(io.StringIO(listed.output))}
    assert rows[second]["decision"] == "different"


def test_unknown_pair_is_a_one_line_error(reviewed: tuple[Case, dict, dict]) -> None:
    case, _, _ = reviewed
    result = CliRunner().invoke(review, [str(case.root), "--decide", "nosuchpair", "same"])
    assert result.exit_code != 0
    assert "no such pair" in str(result.exception)


def test_thresholds_stored_for_the_next_run(tmp_path: Path) -> None:
    sim = simulate.simulate(300, seed=2)
    case = simulate.write_case(sim, tmp_path)
    run_link(ENGINE, case)
    result = CliRunner().invoke(review, [str(case.root), "--thresholds", "0.2", "0.9"])
    assert result.exit_code == 0, result.output
    run_link(ENGINE, case)
    reread = Case.open(case.root)
    assert reread.manifest["settings"]["link"] == {"review_threshold": 0.2, "link_threshold": 0.9}
    bad = CliRunner().invoke(review, [str(case.root), "--thresholds", "0.9", "0.2"])
    assert bad.exit_code != 0
