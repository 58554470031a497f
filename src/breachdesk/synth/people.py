"""The population: PMI patients, people in the dump who are not in the PMI, and staff.

Staff (GPs, consultants, lab scientists, phlebotomists) are drawn from the same name pools as
patients on purpose: a detector that treats every "Dr A Khan" as a patient must be caught by eval.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from breachdesk import nhs
from breachdesk.synth import names

ATTACK = date(2024, 6, 3)
LAB_CODE = "SBP"
LAB_NAME = "Southbank Pathology"

TRUSTS: tuple[tuple[str, str, str], ...] = (
    # (ODS code, name, MRN letter)
    ("RJ1", "Guy's and St Thomas' NHS Foundation Trust", "G"),
    ("RJZ", "King's College Hospital NHS Foundation Trust", "K"),
    ("RJ2", "Lewisham and Greenwich NHS Trust", "L"),
    ("RYQ", "South London Healthcare NHS Trust", "Q"),
)

_AGE_BANDS = ((0, 4), (5, 15), (16, 29), (30, 44), (45, 64), (65, 84), (85, 100))
_AGE_WEIGHTS = (4, 6, 14, 20, 26, 24, 6)


@dataclass(slots=True)
class Person:
    idx: int
    key: str
    in_pmi: bool
    nhs: str
    family: str
    given: str
    sex: str
    dob: date
    street: str
    city: str
    postcode: str
    phone: str
    email: str
    gp: str
    trust: str
    mrn: str

    @property
    def child(self) -> bool:
        return (ATTACK - self.dob).days < 16 * 365

    def title(self, rng: random.Random) -> str:
        if self.child:
            return "Master" if self.sex == "M" else "Miss"
        if rng.random() < 0.03:
            return "Dr"
        if self.sex == "M":
            return "Mr"
        return rng.choice(("Mrs", "Mrs", "Ms", "Miss"))


@dataclass(frozen=True, slots=True)
class Staff:
    code: str
    title: str
    given: str
    family: str
    org: str

    @property
    def short(self) -> str:
        """How staff are written in free text and worklists: "Dr A Khan"."""
        return f"{self.title} {self.given[:1]} {self.family}".strip()

    def xcn(self) -> str:
        """HL7 XCN: code^FAMILY^GIVEN^^^TITLE."""
        return f"{self.code}^{self.family.upper()}^{self.given.upper()}^^^{self.title.upper()}"


@dataclass(frozen=True, slots=True)
class Practice:
    code: str
    name: str
    gps: tuple[Staff, ...]


@dataclass
class Population:
    persons: list[Person]
    pmi_count: int
    practices: list[Practice]
    by_code: dict[str, Practice]
    consultants: dict[str, tuple[Staff, ...]]
    lab_staff: tuple[Staff, ...]
    used_nhs: set[str]

    @property
    def pmi(self) -> list[Person]:
        return self.persons[: self.pmi_count]

    def org_name(self, code: str) -> str:
        if code in self.by_code:
            return self.by_code[code].name
        return next(name for ods, name, _ in TRUSTS if ods == code)

    def clinician(self, rng: random.Random, org: str) -> Staff:
        if org in self.by_code:
            return rng.choice(self.by_code[org].gps)
        return rng.choice(self.consultants[org])


def _staff(rng: random.Random, code: str, title: str, org: str) -> Staff:
    sex = rng.choice("MF")
    return Staff(code, title, names.given_name(rng, sex), names.family_name(rng), org)


def _practices(rng: random.Random, count: int) -> list[Practice]:
    codes: set[str] = set()
    out: list[Practice] = []
    kinds = ("Surgery", "Medical Centre", "Health Centre", "Group Practice", "Medical Practice")
    while len(out) < count:
        if rng.random() < 0.15:
            code = f"Y0{rng.randint(1000, 9999)}"
        else:
            code = f"{rng.choice('GHF')}8{rng.randint(1000, 9999)}"
        if code in codes:
            continue
        codes.add(code)
        name = f"{names.street_name(rng)} {rng.choice(kinds)}"
        gps = tuple(
            _staff(rng, f"G{rng.randint(1000000, 9999999)}", "Dr", code)
            for _ in range(rng.randint(2, 4))
        )
        out.append(Practice(code, name, gps))
    return out


def _nhs_number(rng: random.Random, used: set[str]) -> str:
    while True:
        if rng.random() < 0.7:
            number = nhs.generate(rng)
        else:
            number = nhs.generate(rng, low=600_000_000, high=799_999_999)
        if number not in used:
            used.add(number)
            return number


def _dob(rng: random.Random) -> date:
    low, high = rng.choices(_AGE_BANDS, weights=_AGE_WEIGHTS)[0]
    age_days = rng.randint(low * 365, high * 365 + 364)
    return ATTACK - timedelta(days=max(age_days, 3))


def _person(
    rng: random.Random,
    idx: int,
    key: str,
    in_pmi: bool,
    number: str,
    practices: list[Practice],
) -> Person:
    sex = "M" if rng.random() < 0.49 else "F"
    given = names.given_name(rng, sex)
    family = names.family_name(rng)
    addr = names.address(rng)
    trust, _, letter = rng.choice(TRUSTS)
    return Person(
        idx=idx,
        key=key,
        in_pmi=in_pmi,
        nhs=number,
        family=family,
        given=given,
        sex=sex,
        dob=_dob(rng),
        street=addr.street,
        city=addr.city,
        postcode=addr.postcode,
        phone=names.phone(rng) if rng.random() < 0.9 else "",
        email=names.email(rng, given, family) if rng.random() < 0.4 else "",
        gp=rng.choice(practices).code,
        trust=trust,
        mrn=f"{letter}{rng.randint(1000000, 9999999)}",
    )


def build(rng: random.Random, patients: int, not_in_pmi: int) -> Population:
    practices = _practices(rng, max(20, patients // 1500))
    consultants = {
        code: tuple(_staff(rng, f"C{rng.randint(1000000, 9999999)}", "Dr", code) for _ in range(6))
        for code, _, _ in TRUSTS
    }
    lab_staff = tuple(
        _staff(rng, f"S{rng.randint(10000, 99999)}", rng.choice(("Mr", "Ms", "Mrs", "Dr")), "LAB")
        for _ in range(20 + patients // 5000)
    )
    used: set[str] = set()
    seen: set[tuple[str, str, date]] = set()
    persons: list[Person] = []
    for i in range(patients + not_in_pmi):
        if i < patients:
            key, in_pmi, number = f"P{i + 1:07d}", True, _nhs_number(rng, used)
        else:
            # From outside the catchment: about 70% carry an NHS number the PMI has never seen.
            key, in_pmi = f"X{i - patients + 1:07d}", False
            number = _nhs_number(rng, used) if rng.random() < 0.7 else ""
        person = _person(rng, i, key, in_pmi, number, practices)
        # Two people sharing name and birth date would make truth ambiguous for any linker.
        while (person.family, person.given, person.dob) in seen:
            person.dob = _dob(rng)
        seen.add((person.family, person.given, person.dob))
        persons.append(person)
    return Population(
        persons=persons,
        pmi_count=patients,
        practices=practices,
        by_code={p.code: p for p in practices},
        consultants=consultants,
        lab_staff=lab_staff,
        used_nhs=used,
    )
