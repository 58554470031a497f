"""Person-records with known truth and known error rates, straight into a case.

``breachdesk synth`` makes a whole dump (files to read and scan); this makes only what the link
stage reads, ``records`` and the PMI, so linkage can be tested against rates it should recover
(each record's deviations are tagged) and benchmarked at a million records in seconds.
Names, nicknames and typing slips come from the synthetic incident generator, so both speak
the same population.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from breachdesk import nhs
from breachdesk import pmi as pmi_mod
from breachdesk.case import Case
from breachdesk.detect.records import SCHEMA
from breachdesk.synth import names
from breachdesk.synth.noise import nicknames, typo
from breachdesk.vocabulary import CATEGORIES


@dataclass(frozen=True)
class Noise:
    """Per-record probabilities of each deviation from the person's true details."""

    no_nhs: float = 0.3
    nhs_transposed: float = 0.0  # two adjacent digits swapped (an unvalidated source)
    family_typo: float = 0.03
    given_typo: float = 0.03
    nickname: float = 0.3  # of records whose given name has a nickname
    swap_names: float = 0.01
    dob_swap: float = 0.05  # of records whose day could be a month
    dob_digit: float = 0.0
    no_postcode: float = 0.5
    caps: float = 0.5


@dataclass
class Simulated:
    pmi: pa.Table
    records: pa.Table
    truth: dict[str, str]  # record_id -> person key (P... in the PMI, X... outside it)
    tags: dict[str, list[str]] = field(default_factory=dict)  # record_id -> deviations


@dataclass(frozen=True)
class _Person:
    key: str
    nhs: str
    family: str
    given: str
    sex: str
    dob: date
    postcode: str


def _person(rng: random.Random, key: str, used: set[str], with_nhs: bool) -> _Person:
    sex = rng.choice("MF")
    number = ""
    while with_nhs and (not number or number in used):
        number = nhs.generate(rng)
    used.add(number)
    return _Person(
        key=key,
        nhs=number,
        family=names.family_name(rng),
        given=names.given_name(rng, sex),
        sex=sex,
        dob=date(1920, 1, 1) + timedelta(days=rng.randrange(365 * 100)),
        postcode=names.postcode(rng)[0],
    )


def _write(rng: random.Random, person: _Person, noise: Noise) -> tuple[dict[str, str], list[str]]:
    """One record of ``person``: its values and the deviations it carries."""
    tags: list[str] = []
    family, given, dob = person.family, person.given, person.dob
    options = nicknames().get(given.lower())
    if options and rng.random() < noise.nickname:
        given = rng.choice(options)
        tags.append("nickname")
    elif rng.random() < noise.given_typo and (changed := typo(rng, given)) != given:
        given = changed
        tags.append("given_typo")
    if rng.random() < noise.family_typo and (changed := typo(rng, family)) != family:
        family = changed
        tags.append("family_typo")
    if rng.random() < noise.caps:
        family = family.upper()
    if rng.random() < noise.swap_names:
        family, given = given, family
        tags.append("swap_names")
    if dob.day <= 12 and dob.day != dob.month and rng.random() < noise.dob_swap:
        dob = date(dob.year, dob.day, dob.month)
        tags.append("dob_swap")
    text = dob.isoformat()
    if rng.random() < noise.dob_digit:
        pos = rng.choice((2, 3, 9))  # a year or day digit, so the date stays a date
        digit = str((int(text[pos]) + rng.randint(1, 2)) % 10)
        candidate = text[:pos] + digit + text[pos + 1 :]
        try:
            date.fromisoformat(candidate)
            text = candidate
            tags.append("dob_digit")
        except ValueError:
            pass
    number = person.nhs
    if number and rng.random() < noise.no_nhs:
        number = ""
        tags.append("no_nhs")
    elif number and rng.random() < noise.nhs_transposed:
        pos = rng.randrange(9)
        if number[pos] != number[pos + 1]:
            number = number[:pos] + number[pos + 1] + number[pos] + number[pos + 2 :]
            tags.append("nhs_transposed")
    values = {
        "nhs_number": number,
        "family_name": family,
        "given_name": given,
        "date_of_birth": text,
        "postcode": "" if rng.random() < noise.no_postcode else person.postcode,
        "sex": person.sex if rng.random() < 0.5 else "",
    }
    return values, tags


def simulate(
    patients: int,
    *,
    exposed: float = 0.6,
    outsiders: float = 0.05,
    records_per_person: tuple[int, int] = (1, 6),
    noise: Noise | None = None,
    seed: int = 1,
) -> Simulated:
    """A PMI of ``patients``; records for ``exposed`` of them and for ``outsiders`` (as a
    fraction of ``patients``) people not in the PMI, 70% of whom carry an NHS number."""
    rng = random.Random(seed)
    noise = noise or Noise()
    used: set[str] = set()
    seen: set[tuple[str, str, date]] = set()
    people: list[_Person] = []
    count = patients + int(patients * outsiders)
    while len(people) < count:
        i = len(people)
        inside = i < patients
        key = f"P{i + 1:07d}" if inside else f"X{i - patients + 1:07d}"
        person = _person(rng, key, used, inside or rng.random() < 0.7)
        if (person.family, person.given, person.dob) in seen:
            continue  # two people sharing name and birth date would make truth ambiguous
        seen.add((person.family, person.given, person.dob))
        people.append(person)
    pmi = pa.table(
        {
            "patient_id": [p.key for p in people[:patients]],
            "nhs_number": [p.nhs for p in people[:patients]],
            "family_name": [p.family for p in people[:patients]],
            "given_name": [p.given for p in people[:patients]],
            "date_of_birth": [p.dob.isoformat() for p in people[:patients]],
            "sex": [p.sex for p in people[:patients]],
            "postcode": [p.postcode for p in people[:patients]],
        }
    )
    columns: dict[str, list[object]] = {name: [] for name in SCHEMA.names}
    truth: dict[str, str] = {}
    tags: dict[str, list[str]] = {}
    low, high = records_per_person
    for person in people:
        if person.key.startswith("P") and rng.random() >= exposed:
            continue
        for _ in range(rng.randint(low, high)):
            values, deviations = _write(rng, person, noise)
            number = len(columns["record_id"])
            record_id = f"0:row:{number + 1}"
            truth[record_id] = person.key
            tags[record_id] = deviations
            _append(columns, record_id, number, values)
    records = pa.Table.from_pydict(columns, schema=SCHEMA)
    return Simulated(pmi, records, truth, tags)


def _append(
    columns: dict[str, list[object]], record_id: str, number: int, values: dict[str, str]
) -> None:
    columns["record_id"].append(record_id)
    columns["file_id"].append(0)
    columns["locator"].append(f"row:{number + 1}")
    columns["source"].append("table")
    for name in ("nhs_number", "family_name", "given_name", "date_of_birth", "postcode", "sex"):
        columns[name].append(values.get(name) or None)
    for name in ("hospital_number", "tests", "sensitive", "ods_codes"):
        columns[name].append(None)
    for category in CATEGORIES:
        columns[f"e_{category}"].append(category in ("name", "date_of_birth"))


def write_case(sim: Simulated, root: Path, *, with_pmi: bool = True) -> Case:
    """A case at ``root`` holding ``sim``'s records as a finished scan, ready for link."""
    dump = root / "dump"
    dump.mkdir(parents=True, exist_ok=True)
    case = Case.create(root / "case", dump)
    if with_pmi:
        path = root / "pmi.parquet"
        pq.write_table(sim.pmi, path)
        case.manifest["pmi"] = pmi_mod.keep_with_case(case.root, path, None)
        case.save()
    case.start_stage("scan")
    case.write_table("records", sim.records)
    case.finish_stage("scan", {"records": sim.records.num_rows})
    return case


def _pairs(counts: dict[object, int]) -> int:
    return sum(n * (n - 1) // 2 for n in counts.values())


def measure(truth: dict[str, str], case: Case) -> dict[str, float | int | None]:
    """The link stage's figures against ``truth`` (record id -> person key, ``P...`` for PMI
    patients): PMI patients found (recall, precision) and records grouped into people
    (pairwise recall, precision)."""
    links = case.read_table("record_links").select(["record_id", "person_id"]).to_pydict()
    persons = case.read_table("persons").select(["person_id", "pmi_patient_id"]).to_pydict()
    pmi_of = dict(zip(persons["person_id"], persons["pmi_patient_id"], strict=True))
    person_of = dict(zip(links["record_id"], links["person_id"], strict=True))
    exposed = {key for key in truth.values() if key.startswith("P")}
    found = {pid for pid in pmi_of.values() if pid}
    # a PMI patient counts as found when its person holds at least one of its records
    correct = {
        key
        for rid, key in truth.items()
        if key.startswith("P") and pmi_of.get(person_of.get(rid, "")) == key
    }
    truth_n: dict[object, int] = {}
    pred_n: dict[object, int] = {}
    both_n: dict[object, int] = {}
    for rid, key in truth.items():
        person = person_of[rid]
        truth_n[key] = truth_n.get(key, 0) + 1
        pred_n[person] = pred_n.get(person, 0) + 1
        both_n[(key, person)] = both_n.get((key, person), 0) + 1
    tp, true_pairs, found_pairs = _pairs(both_n), _pairs(truth_n), _pairs(pred_n)
    return {
        "exposed": len(exposed),
        "pmi_found": len(found),
        "pmi_correct": len(correct),
        "pmi_recall": round(len(correct) / len(exposed), 5) if exposed else None,
        "pmi_precision": round(len(correct) / len(found), 5) if found else None,
        "pairwise_recall": round(tp / true_pairs, 5) if true_pairs else None,
        "pairwise_precision": round(tp / found_pairs, 5) if found_pairs else None,
        "persons": len(pmi_of),
        "people_true": len(truth_n),
    }
