"""A small case with a known register, for trying the helpline, its tests and its benchmark.

The named people cover what lookups must get right: accents and apostrophes, a sensitive
test, two controllers, no NHS number, no postcode, no controller yet. ``extra`` adds seeded
random people so an index of realistic size can be built without running the pipeline.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
from faker import Faker

from breachdesk import nhs
from breachdesk.assess.stage import REGISTER_SCHEMA
from breachdesk.case import Case


@dataclass(frozen=True)
class Caller:
    person_id: str
    nhs_number: str | None
    family_name: str
    given_name: str
    date_of_birth: str
    postcode: str | None
    exposed: str
    sensitive: str
    controllers: str


CALLERS = (
    Caller(
        "BD0000001",
        "4751313770",
        "Chapman",
        "Julie",
        "1955-03-02",
        "SE15 4AB",
        "name;date_of_birth;nhs_number;test_description;test_result",
        "",
        "G85001",
    ),
    Caller(
        "BD0000002",
        "4624984943",
        "O'Brien",
        "Siobhán",
        "1980-07-14",
        "SE6 5LW",
        "name;date_of_birth;nhs_number;address;postcode;test_description;test_result",
        "hiv",
        "G85001;RJ1",
    ),
    Caller(
        "BD0000003",
        None,
        "Müller",
        "Renée",
        "1991-04-20",
        "SW11 9ZY",
        "name;date_of_birth;address;postcode",
        "",
        "",
    ),
    Caller(
        "BD0000004",
        "4606439076",
        "Tyler-Simmons",
        "Mary Jane",
        "2001-12-31",
        None,
        "name;date_of_birth;nhs_number;phone",
        "",
        "Y02057",
    ),
)
# Valid NHS numbers and details of people who are not in the dump.
NOT_IN_DUMP = Caller("", "4681613010", "Whitfield", "Arthur", "1962-05-09", "SE1 7EH", "", "", "")
CONTROLLERS = {
    "G85001": "Lordship Lane Surgery",
    "RJ1": "Guy's and St Thomas' NHS Foundation Trust",
}


def random_people(count: int, seed: int) -> list[Caller]:
    """Seeded random people (valid NHS numbers, realistic names and postcodes)."""
    rng = random.Random(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    codes = ["G85001", "RJ1", "Y02057", "H85405", "RYQ"]
    kinds = ["", "", "", "", "", "", "", "", "", "hiv", "cancer", "pregnancy"]
    people = []
    for i in range(count):
        dob = f"{rng.randint(1925, 2023)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        people.append(
            Caller(
                f"BX{i:07d}",
                nhs.generate(rng),
                fake.last_name(),
                fake.first_name(),
                dob,
                fake.postcode(),
                "name;date_of_birth;nhs_number;test_description",
                rng.choice(kinds),
                ";".join(sorted(set(rng.sample(codes, rng.randint(1, 2))))),
            )
        )
    return people


def write_case(root: Path, extra: int = 0, seed: int = 7) -> Case:
    """A case whose assess stage has finished, holding CALLERS and ``extra`` random people."""
    case = Case.create(root, root / "no-dump")
    rows = []
    for p in (*CALLERS, *random_people(extra, seed)):
        rows.append(
            {
                "person_id": p.person_id,
                "pmi_patient_id": None,
                "match_probability": 1.0,
                "nhs_number": p.nhs_number,
                "family_name": p.family_name,
                "given_name": p.given_name,
                "date_of_birth": p.date_of_birth,
                "postcode": p.postcode,
                "exposed": p.exposed,
                "sensitive": p.sensitive,
                "risk": "high" if p.sensitive else "medium",
                "controllers": p.controllers,
                "files": 1,
                "evidence": 1,
                "explanation": "sample",
                "controller_source": "records" if p.controllers else "unmapped",
                "tests": "",
            }
        )
    case.write_table("register", pa.Table.from_pylist(rows, schema=REGISTER_SCHEMA))
    case.write_table(
        "controllers",
        pa.table(
            {"ods_code": list(CONTROLLERS), "name": list(CONTROLLERS.values())},
        ),
    )
    for stage in ("ingest", "scan", "link", "assess"):
        case.finish_stage(stage, {"persons": len(rows)} if stage == "assess" else {})
    return case
