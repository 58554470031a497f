"""Link stage behaviour on a simulated population with hand-made hard cases planted in it.

The population (a PMI and its records, known truth) gives the model data to estimate its
parameters from; the planted records check one comparison level each, so a level that stopped
working would fail its own test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from breachdesk import nhs
from breachdesk.case import Case
from breachdesk.detect.records import SCHEMA
from breachdesk.engine.local import LocalEngine
from breachdesk.link import simulate
from breachdesk.link.stage import run_link

ENGINE = LocalEngine(workers=2)


def _nhs(seed: int) -> str:
    import random

    return nhs.generate(random.Random(seed))


NHS_A, NHS_B, NHS_C, NHS_D = _nhs(1), _nhs(2), _nhs(3), _nhs(4)
NHS_E, NHS_F = _nhs(5), _nhs(6)
TRANSPOSED_A = NHS_A[:3] + NHS_A[4] + NHS_A[3] + NHS_A[5:]

# The nickname must carry the link: with a rare family name, name and birth date alone would.
COMMON = "Smith"
PMI_ROWS = [
    # patient_id, nhs, family, given, dob, sex, postcode
    ("P9000001", NHS_A, "Quigley", "Marcus", "1961-07-19", "M", "SE1 7PB"),
    ("P9000002", NHS_B, "Okonjo", "Adaeze", "1978-03-09", "F", "SE5 8RX"),
    ("P9000003", NHS_C, COMMON, "Robert", "1949-11-23", "M", "BR1 3HH"),
    ("P9000004", NHS_D, "Pemberton", "Alice", "1955-02-14", "F", "SE9 1AA"),
]
# record id, nhs, family, given, dob, postcode
PLANTED = [
    ("t:nhs", TRANSPOSED_A, "QUIGLEY", "Marcus", None, None),  # one transposition, no DOB
    ("t:swap", None, "Okonjo", "Adaeze", "1978-09-03", None),  # day and month swapped
    ("t:nick", None, COMMON.upper(), "Bob", "1949-11-23", None),  # nickname
    ("t:name", None, "Pemberton", "Alice", "1987-06-30", None),  # same name, other DOB
    ("t:other1", None, "Fairweather", "Tobias", "1970-01-05", None),  # not in the PMI...
    ("t:other2", None, "Fairweather", "Tobias", "1991-08-21", None),  # ...nor one person
    ("t:dob1", NHS_E, "Lindqvist", "Ingrid", "1940-04-28", "SE3 9QQ"),  # one NHS number...
    ("t:dob2", NHS_E, "Lindqvist", "Ingrid", "1950-10-15", "SE3 9QQ"),  # ...two birth dates
    ("t:num1", NHS_F, "Castellano", "Rafael", "1966-05-27", "SE4 2LL"),  # one name and DOB...
    ("t:num2", _nhs(7), "Castellano", "Rafael", "1966-05-27", "SE4 2LL"),  # ...two NHS numbers
]

TRUTH = {
    "t:nhs": "P9000001",
    "t:swap": "P9000002",
    "t:nick": "P9000003",
    "t:name": "X9000001",
    "t:other1": "X9000002",
    "t:other2": "X9000003",
    "t:dob1": "X9000004",
    "t:dob2": "X9000004",
    "t:num1": "X9000005",
    "t:num2": "X9000005",
}


def _plant(sim: simulate.Simulated) -> simulate.Simulated:
    pmi = pa.concat_tables(
        [
            sim.pmi,
            pa.table(
                {
                    name: [row[i] for row in PMI_ROWS]
                    for i, name in enumerate(
                        (
                            "patient_id",
                            "nhs_number",
                            "family_name",
                            "given_name",
                            "date_of_birth",
                            "sex",
                            "postcode",
                        )
                    )
                }
            ),
        ]
    )
    rows = [
        _row(rid, number, family, given, dob, postcode=postcode)
        for rid, number, family, given, dob, postcode in PLANTED
    ]
    records = pa.concat_tables([sim.records, pa.Table.from_pylist(rows, schema=SCHEMA)])
    truth = dict(sim.truth) | TRUTH
    return simulate.Simulated(pmi, records, truth, sim.tags)


def _row(
    rid: str,
    number: str | None,
    family: str,
    given: str,
    dob: str | None,
    hosp: str | None = None,
    postcode: str | None = None,
) -> dict[str, object]:
    """A planted person-record (its exposure flags all false)."""
    row: dict[str, object] = dict.fromkeys(SCHEMA.names)
    row.update(
        record_id=rid,
        file_id=9,
        locator=rid,
        source="table",
        nhs_number=number,
        family_name=family,
        given_name=given,
        date_of_birth=dob,
        hospital_number=hosp,
        postcode=postcode,
    )
    return {k: (False if k.startswith("e_") else v) for k, v in row.items()}


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Case, simulate.Simulated]:
    sim = _plant(simulate.simulate(1500, seed=5))
    case = simulate.write_case(sim, tmp_path_factory.mktemp("link"))
    run_link(ENGINE, case)
    return case, sim


def _person(case: Case, record_id: str) -> dict[str, object]:
    links = {r["record_id"]: r for r in case.read_table("record_links").to_pylist()}
    persons = {r["person_id"]: r for r in case.read_table("persons").to_pylist()}
    return {**persons[links[record_id]["person_id"]], **links[record_id]}


def test_population_linked_against_truth(linked: tuple[Case, simulate.Simulated]) -> None:
    case, sim = linked
    figures = simulate.measure(sim.truth, case)
    assert figures["pmi_recall"] is not None and figures["pmi_recall"] >= 0.995
    assert figures["pmi_precision"] == 1.0
    assert figures["pairwise_recall"] is not None and figures["pairwise_recall"] >= 0.99
    assert figures["pairwise_precision"] is not None and figures["pairwise_precision"] >= 0.999


def test_transposed_nhs_digits_link_to_the_pmi(linked: tuple[Case, simulate.Simulated]) -> None:
    case, _ = linked
    person = _person(case, "t:nhs")
    assert person["pmi_patient_id"] == "P9000001"
    assert person["match_rule"] == "probabilistic"  # the checksum fails: not deterministic


def test_swapped_day_and_month_link(linked: tuple[Case, simulate.Simulated]) -> None:
    case, _ = linked
    person = _person(case, "t:swap")
    assert person["pmi_patient_id"] == "P9000002"
    assert person["date_of_birth"] == "1978-03-09"  # the PMI's, not the record's
    assert "date of birth other than the PMI's" in str(person["conflicts"])


def test_nickname_links(linked: tuple[Case, simulate.Simulated]) -> None:
    case, _ = linked
    person = _person(case, "t:nick")
    assert person["pmi_patient_id"] == "P9000003"
    assert person["given_name"] == "Robert"


def test_same_name_other_birth_date_stays_apart(linked: tuple[Case, simulate.Simulated]) -> None:
    case, _ = linked
    assert _person(case, "t:name")["pmi_patient_id"] is None
    one, two = _person(case, "t:other1"), _person(case, "t:other2")
    assert one["person_id"] != two["person_id"]
    assert one["pmi_patient_id"] is None and two["pmi_patient_id"] is None


def test_conflicts_surfaced_not_silently_merged(linked: tuple[Case, simulate.Simulated]) -> None:
    case, _ = linked
    dob1, dob2 = _person(case, "t:dob1"), _person(case, "t:dob2")
    assert dob1["person_id"] == dob2["person_id"]
    assert "2 dates of birth for one NHS number" in str(dob1["conflicts"])
    num1, num2 = _person(case, "t:num1"), _person(case, "t:num2")
    assert num1["person_id"] == num2["person_id"]
    assert "2 NHS numbers for one name and date of birth" in str(num1["conflicts"])
    kinds = {(r["person_id"], r["kind"]) for r in case.read_table("link_conflicts").to_pylist()}
    assert (dob1["person_id"], "dob_per_nhs") in kinds
    assert (num1["person_id"], "nhs_per_name_dob") in kinds
    assert case.stage_counts("link")["conflicts"] >= 2


def test_each_pmi_patient_in_at_most_one_person(linked: tuple[Case, simulate.Simulated]) -> None:
    case, _ = linked
    ids = [p for p in case.read_table("persons")["pmi_patient_id"].to_pylist() if p]
    assert len(ids) == len(set(ids))
    links = case.read_table("record_links")
    assert links.num_rows == case.read_table("records").num_rows
    assert len(set(links["record_id"].to_pylist())) == links.num_rows


def test_model_and_report_saved_with_the_case(linked: tuple[Case, simulate.Simulated]) -> None:
    case, _ = linked
    report = json.loads((case.root / "link" / "report.json").read_text())
    assert report["model"] == "trained"
    assert report["splink_version"].startswith("5.")
    assert report["thresholds"]["link_threshold"] > report["thresholds"]["review_threshold"]
    comparisons = {c["comparison"]: c for c in report["parameters"]["comparisons"]}
    assert set(comparisons) >= {"nhs_number", "family_name", "given_name", "date_of_birth"}
    for comparison in comparisons.values():
        for level in comparison["levels"]:
            assert 0 < level["m"] <= 1 and 0 < level["u"] <= 1
    model = json.loads((case.root / "link" / "model.json").read_text())
    assert model["link_type"] == "dedupe_only"
    assert len(model["comparisons"]) == len(comparisons)


def test_without_a_pmi_people_are_still_deduplicated(tmp_path: Path) -> None:
    sim = simulate.simulate(1200, seed=9)
    case = simulate.write_case(sim, tmp_path, with_pmi=False)
    counts = run_link(ENGINE, case)
    assert counts["matched"] == 0
    figures = simulate.measure(sim.truth, case)
    assert figures["pairwise_recall"] is not None and figures["pairwise_recall"] >= 0.98
    assert figures["pairwise_precision"] is not None and figures["pairwise_precision"] >= 0.999
    assert abs(counts["persons"] - figures["people_true"]) <= 0.02 * figures["people_true"]


def test_placeholder_nhs_number_joins_nobody(tmp_path: Path) -> None:
    """A dummy NHS number typed for 60 different people is not evidence that they are one."""
    sim = simulate.simulate(600, seed=4)
    dummy = _nhs(99)
    rows = []
    for i in range(60):
        row: dict[str, object] = dict.fromkeys(SCHEMA.names)
        row.update(
            record_id=f"d:{i}",
            file_id=8,
            locator=f"row:{i}",
            source="table",
            nhs_number=dummy,
            family_name=f"Placeholder{chr(65 + i % 26)}{chr(65 + i // 26)}",
            given_name="Pat",
            date_of_birth=f"19{40 + i}-01-15",
        )
        rows.append({k: (False if k.startswith("e_") else v) for k, v in row.items()})
    records = pa.concat_tables([sim.records, pa.Table.from_pylist(rows, schema=SCHEMA)])
    case = simulate.write_case(simulate.Simulated(sim.pmi, records, sim.truth), tmp_path)
    run_link(ENGINE, case)
    links = {r["record_id"]: r["person_id"] for r in case.read_table("record_links").to_pylist()}
    assert len({links[f"d:{i}"] for i in range(60)}) == 60
    report = json.loads((case.root / "link" / "report.json").read_text())
    assert report["counts"]["placeholder_nhs_numbers"] == 1


def test_a_hospital_number_and_family_name_make_one_person(tmp_path: Path) -> None:
    """A worklist row that gives only a common name and a hospital number is the patient whose
    HL7 message gives the same number beside their NHS number, though the PMI holds two
    patients of that name; not where the birth dates disagree, or the number is a placeholder."""
    sim = simulate.simulate(600, seed=6)
    twins = [
        ("P9100001", _nhs(11), "Smith", "Lucinda", "1958-02-03", "F", "SE1 1AA"),
        ("P9100002", _nhs(12), "Smith", "Lucinda", "1983-07-21", "F", "SE2 2BB"),
    ]
    names = ("patient_id", "nhs_number", "family_name", "given_name", "date_of_birth", "sex")
    extra = pa.table({n: [row[i] for row in twins] for i, n in enumerate((*names, "postcode"))})
    pmi = pa.concat_tables([sim.pmi, extra.cast(sim.pmi.select(extra.column_names).schema)])
    planted = [
        _row("h:message", _nhs(12), "SMITH", "Lucinda", "1983-07-21", "RX1234567"),
        _row("h:worklist", None, "Smith", "Lucinda", None, "rx 123-4567"),
        _row("h:known", None, "Marchetti", "Paolo", "1970-01-01", "RX7654321"),
        _row("h:other", None, "Marchetti", "Paolo", "1988-05-05", "RX7654321"),
        *(
            _row(f"h:blank{i}", None, f"Fairfax{chr(65 + i)}", "Ann", None, "UNKNOWN")
            for i in range(3)
        ),
    ]
    records = pa.concat_tables([sim.records, pa.Table.from_pylist(planted, schema=SCHEMA)])
    case = simulate.write_case(simulate.Simulated(pmi, records, sim.truth), tmp_path)
    run_link(ENGINE, case)
    worklist = _person(case, "h:worklist")
    assert worklist["person_id"] == _person(case, "h:message")["person_id"]
    assert worklist["pmi_patient_id"] == "P9100002"
    assert _person(case, "h:known")["person_id"] != _person(case, "h:other")["person_id"]
    assert len({_person(case, f"h:blank{i}")["person_id"] for i in range(3)}) == 3
