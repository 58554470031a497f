"""Planning under reduced capacity: optimal choice, never late, capacity kept, beats FCFS."""

from __future__ import annotations

import csv
import dataclasses
import itertools
import random
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from breachdesk.errors import UserError
from breachdesk.samples import backlog, capacity, run, schedule
from breachdesk.samples.backlog import MISSING, REQUIRED
from breachdesk.synth import backlog as synth_backlog
from breachdesk.synth import people

LANES = """
lanes:
  chemistry:
    per_hour: 3
    hours: "08:00-20:00"
    disciplines: [biochemistry, toxicology, immunology, virology]
  haematology:
    per_hour: 2
    disciplines: [haematology, blood_transfusion]
  rest:
    per_day: 12
    hours: "22:00-06:00"
    disciplines: ["*"]
"""


def write_backlog(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=REQUIRED)
        writer.writeheader()
        for n, row in enumerate(rows, start=1):
            writer.writerow(
                {
                    "sample_id": f"S{n}",
                    "nhs_number": "9990000018",
                    "family_name": "Test",
                    "given_name": "Pat",
                    "date_of_birth": "1970-01-01",
                    "requester_code": "G85001",
                    "container": "SST",
                    "priority": "routine",
                }
                | row
            )
    return path


def one_lane(tmp_path: Path, per_hour: int) -> Path:
    path = tmp_path / "capacity.yaml"
    path.write_text(f"lanes:\n  all:\n    per_hour: {per_hour}\n    disciplines: ['*']\n")
    return path


def test_plan_runs_the_sample_about_to_expire_first_where_fcfs_loses_it(tmp_path: Path) -> None:
    rows = [
        # Arrived first, lasts days in the fridge.
        {
            "tests": "TSH",
            "collected_at": "2024-06-03T08:00",
            "received_at": "2024-06-03T08:30",
            "storage": "fridge@2024-06-03T08:00",
        },
        # Potassium collected 06:30, ambient: expires 12:30, half an hour after --now.
        {
            "tests": "K",
            "collected_at": "2024-06-03T06:30",
            "received_at": "2024-06-03T09:00",
            "storage": "ambient@2024-06-03T06:30",
        },
    ]
    path = write_backlog(tmp_path / "backlog.csv", rows)
    r = run.compute(path, backlog.parse_now("2024-06-03T12:00"), one_lane(tmp_path, 1))
    p = r.plan
    assert p.saved.tolist() == [True, True]
    assert p.fcfs_saved.tolist() == [True, False]
    order = np.argsort(p.run_at)
    assert p.job_sample[order].tolist() == [1, 0]
    assert [backlog.iso(int(t)) for t in p.run_at[order]] == [
        "2024-06-03T12:00:00",
        "2024-06-03T13:00:00",
    ]


def test_critical_samples_run_first_when_every_deadline_still_holds(tmp_path: Path) -> None:
    fridge = {"storage": "fridge@2024-06-03T08:00", "collected_at": "2024-06-03T08:00"}
    rows = [fridge | {"tests": "TSH", "received_at": f"2024-06-03T0{h}:00"} for h in (8, 9)] + [
        fridge | {"tests": "TSH", "received_at": "2024-06-03T10:00", "priority": "critical"}
    ]
    path = write_backlog(tmp_path / "backlog.csv", rows)
    r = run.compute(path, backlog.parse_now("2024-06-03T12:00"), one_lane(tmp_path, 2))
    order = np.argsort(r.plan.run_at, kind="stable")
    assert r.plan.job_sample[order].tolist() == [2, 0, 1]


def _best(deadline_slot: list[int], prio: list[int], nslots: int) -> tuple[int, ...]:
    """Brute force: the best (critical, urgent, routine-or-better) counts of a feasible set."""
    best = (0, 0, 0)
    for size in range(len(prio) + 1):
        for subset in itertools.combinations(range(len(prio)), size):
            ds = sorted(deadline_slot[j] for j in subset)
            if any(d < i for i, d in enumerate(ds)) or len(ds) > nslots:
                continue
            score = tuple(sum(1 for j in subset if prio[j] >= level) for level in (2, 1, 0))
            best = max(best, score)
    return best


@pytest.mark.parametrize("seed", range(40))
def test_choice_is_optimal_on_small_instances_and_never_worse_than_fcfs(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(1, 8)
    nslots = rng.randint(1, 6)
    slots = np.arange(nslots, dtype=np.int64) * 3600
    deadline = np.array([rng.randint(0, nslots + 1) * 3600 + 1 for _ in range(n)], np.int64)
    prio = np.array([rng.choice((0, 0, 1, 2)) for _ in range(n)], np.int64)
    arrival = np.array(rng.sample(range(n), n), np.int64)
    jobs = np.arange(n)
    plan, fcfs = schedule._lane(jobs, prio, arrival, deadline, slots)
    last = (np.searchsorted(slots, deadline, side="left") - 1).tolist()
    got = tuple(sum(1 for j in range(n) if plan[j] >= 0 and prio[j] >= lv) for lv in (2, 1, 0))
    assert got == _best(last, prio.tolist(), nslots)
    fcfs_got = tuple(sum(1 for j in range(n) if fcfs[j] >= 0 and prio[j] >= lv) for lv in (2, 1, 0))
    assert got >= fcfs_got and got[2] >= fcfs_got[2]
    for schedule_ in (plan, fcfs):
        used = schedule_[schedule_ >= 0]
        assert len(set(used.tolist())) == len(used)  # one job per slot
        for j in range(n):
            if schedule_[j] >= 0:
                assert slots[schedule_[j]] < deadline[j]  # never after it expires


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plan")
    rng = random.Random(8)
    pop = dataclasses.replace(people.build(rng, 2000, 0), pmi_count=40_000)
    synth_backlog.write(folder / "backlog.csv", folder / "bad.csv", rng, pop)
    (folder / "capacity.yaml").write_text(LANES, encoding="utf-8")
    return folder


def test_synthetic_plan_beats_fcfs_respects_capacity_and_deadlines(synthetic: Path) -> None:
    cap_path = synthetic / "capacity.yaml"
    r = run.compute(synthetic / "backlog.csv", backlog.parse_now("2024-06-09T12:00"), cap_path)
    p = r.plan
    saved = schedule.saved_by_priority(p.saved, r.backlog.priority)
    fcfs = schedule.saved_by_priority(p.fcfs_saved, r.backlog.priority)
    assert saved["total"] > fcfs["total"]
    assert saved["critical"] >= fcfs["critical"] and saved["weighted"] > fcfs["weighted"]
    ran = p.run_at != MISSING
    assert (p.run_at[ran] < p.job_deadline[ran]).all()
    assert (p.run_at[ran] >= p.start).all()
    lanes = capacity.load(cap_path, set(r.stab.codes)).lanes
    per_hour = Counter(zip(p.job_lane[ran].tolist(), (p.run_at[ran] // 3600).tolist(), strict=True))
    for (lane, _), count in per_hour.items():
        assert count <= int(np.ceil(lanes[lane].per_hour))
    clock = (p.run_at[ran] % 86400) // 3600
    chemistry = p.job_lane[ran] == 0
    assert ((clock[chemistry] >= 8) & (clock[chemistry] < 20)).all()
    rest = p.job_lane[ran] == 2
    assert ((clock[rest] >= 22) | (clock[rest] < 6)).all()
    # Every viable test of a saved sample runs in time.
    for s in np.flatnonzero(p.saved)[:200].tolist():
        jobs = np.flatnonzero(p.job_sample == s)
        assert len(jobs) and (p.run_at[jobs] != MISSING).all()


def test_lane_slots_count_per_clock_hour() -> None:
    lane = capacity.Lane("x", 7, 8 * 3600, 20 * 3600, ("*",), ())
    start = backlog.parse_now("2024-06-03T10:20")
    slots = lane.slots(start, start + 3 * 86400, 1000)
    hours = Counter((slots // 3600).tolist())
    assert max(hours.values()) == 7
    assert backlog.iso(int(slots[0])) == "2024-06-03T10:20:00"
    assert backlog.iso(int(slots[-1]))[11:13] < "20"
    # Default: 400 a day around the clock.
    default = capacity.default().lanes[0]
    day = default.slots(start, start + 86400, 10_000)
    assert len(day) == 400


def test_tests_no_lane_takes_are_reported_not_dropped(tmp_path: Path) -> None:
    rows = [
        {
            "container": "EDTA",
            "tests": "FBC",
            "collected_at": "2024-06-03T08:00",
            "received_at": "2024-06-03T09:00",
            "storage": "fridge@2024-06-03T08:00",
        },
        {
            "tests": "TSH",
            "collected_at": "2024-06-03T08:00",
            "received_at": "2024-06-03T09:00",
            "storage": "fridge@2024-06-03T08:00",
        },
    ]
    path = write_backlog(tmp_path / "backlog.csv", rows)
    cap = tmp_path / "capacity.yaml"
    cap.write_text("lanes:\n  biochemistry: {per_hour: 5}\n", encoding="utf-8")
    out = tmp_path / "out"
    fig = run.triage(path, "2024-06-03T12:00", out, capacity_path=cap)
    with (out / "plan.csv").open(encoding="utf-8") as handle:
        plan = list(csv.DictReader(handle))
    assert [(r["sample_id"], r["lane"], r["outcome"], r["tests"]) for r in plan] == [
        ("S2", "biochemistry", "run", "TSH"),
        ("S1", "", "no_lane", "FBC"),
    ]
    assert fig["plan"]["saved"]["total"] == 1


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("lanes: [a\n", "cannot be read as YAML"),
        ("start: 2024-06-10\n", "needs a 'lanes:' mapping"),
        ("lanes:\n  chem: {per_hour: 0}\n", "per_hour must be a number above 0"),
        ("lanes:\n  chem: {per_hour: 5, hours: '8-20'}\n", "is not HH:MM-HH:MM"),
        ("lanes:\n  chem: {per_hour: 5, tests: [NOPE]}\n", "NOPE are not test catalogue codes"),
        ("start: soon\nlanes:\n  chem: 5\n", "start 'soon' is not an ISO date-time"),
    ],
)
def test_capacity_file_errors_are_one_line(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "capacity.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as exc:
        capacity.load(path, {"TSH"})
    assert needle in str(exc.value) and "\n" not in str(exc.value)


def test_capacity_per_day_and_start(tmp_path: Path) -> None:
    path = tmp_path / "capacity.yaml"
    path.write_text(
        "start: 2024-06-10T08:00\nlanes:\n  chem:\n    per_day: 120\n    hours: '08:00-20:00'\n",
        encoding="utf-8",
    )
    cap = capacity.load(path, set())
    lane = cap.lanes[0]
    assert lane.per_hour == 10 and lane.disciplines == ("chem",)
    assert cap.start == backlog.parse_now("2024-06-10T08:00")


def test_shipped_capacity_example_routes_every_catalogue_test() -> None:
    from importlib import resources

    from breachdesk import catalogue

    with resources.as_file(resources.files("breachdesk") / "data" / "capacity_example.yaml") as f:
        cap = capacity.load(f, {t.code for t in catalogue.load()})
    lanes = cap.route(catalogue.load())
    assert (lanes >= 0).all()
    assert lanes[[t.code for t in catalogue.load()].index("HBA1C")] == 2
