"""The unprocessed sample backlog: tubes collected around the attack that sat waiting.

About 1% of rows are deliberately broken (unknown test, received before collected, no collection
time); ``truth/backlog_bad.csv`` lists them so triage's error handling can be scored too.
"""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

from breachdesk import catalogue
from breachdesk.synth import clinical
from breachdesk.synth.people import ATTACK, Population

COLUMNS = (
    "sample_id", "nhs_number", "family_name", "given_name", "date_of_birth", "requester_code",
    "collected_at", "received_at", "container", "tests", "storage", "priority",
)  # fmt: skip
PROBLEMS = ("unknown_test", "received_before_collected", "missing_collected_at")
_UNKNOWN_TESTS = ("Vitamin Q level", "Serum unobtainium", "Blood mood index", "XYZ panel 9")


def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S")


def _tests(rng: random.Random, container: str) -> list[str]:
    pool = clinical.menu().by_container[container]
    chosen = rng.sample(pool, min(len(pool), rng.randint(1, 4)))
    out = []
    for test in chosen:
        term = test.code if rng.random() < 0.5 else test.name
        out.append(term if ";" not in term else test.code)
    return out


def write(csv_path: Path, bad_path: Path, rng: random.Random, pop: Population) -> int:
    count = max(200, pop.pmi_count // 10)
    menu = clinical.menu()
    containers = sorted(menu.by_container)
    weights = [len(menu.by_container[c]) ** 1.5 for c in containers]
    broken = set(rng.sample(range(count), max(2, round(count * 0.01))))
    known = catalogue.by_term()
    bad_rows: list[tuple[str, str]] = []
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for n in range(count):
            person = rng.choice(pop.persons)
            sample_id = f"B24{n + 1:07d}"
            start = datetime(ATTACK.year, ATTACK.month, ATTACK.day) - timedelta(days=3)
            taken = start + timedelta(days=rng.randint(0, 7), hours=rng.randint(7, 17))
            taken += timedelta(minutes=rng.randrange(60))
            received = taken + timedelta(hours=rng.randint(1, 30), minutes=rng.randrange(60))
            container = rng.choices(containers, weights=weights)[0]
            tests = _tests(rng, container)
            storage = [f"ambient@{_iso(taken)}"]
            if rng.random() < 0.85:
                fridge = received + timedelta(minutes=rng.randint(5, 180))
                storage.append(f"fridge@{_iso(fridge)}")
                if rng.random() < 0.08:
                    storage.append(f"frozen@{_iso(fridge + timedelta(hours=rng.randint(1, 24)))}")
            priority = rng.choices(("routine", "urgent", "critical"), weights=(80, 15, 5))[0]
            collected_at, received_at = _iso(taken), _iso(received)
            if n in broken:
                problem = rng.choice(PROBLEMS)
                if problem == "unknown_test":
                    name = rng.choice(_UNKNOWN_TESTS)
                    assert catalogue.term_key(name) not in known
                    tests.append(name)
                elif problem == "received_before_collected":
                    received_at = _iso(taken - timedelta(hours=rng.randint(1, 12)))
                else:
                    collected_at = ""
                bad_rows.append((sample_id, problem))
            writer.writerow(
                [
                    sample_id,
                    person.nhs,
                    person.family,
                    person.given,
                    person.dob.isoformat(),
                    clinical.requester(rng, pop, person),
                    collected_at,
                    received_at,
                    container,
                    ";".join(tests),
                    ";".join(storage),
                    priority,
                ]
            )
    with bad_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["sample_id", "problem"])
        writer.writerows(bad_rows)
    return count
