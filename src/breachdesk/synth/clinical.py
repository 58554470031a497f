"""Orders and results drawn from the test catalogue, and who requested them.

Tests are written under their code, their name or a synonym; only terms that the catalogue maps back
to the same test are used, so the truth's test codes are exactly what a catalogue lookup recovers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

from breachdesk import catalogue
from breachdesk.catalogue import Test
from breachdesk.synth.people import TRUSTS, Person, Population

# Characters that are delimiters in HL7 v2 or in a multi-test cell.
_UNSAFE = set("^~|\\&,;")
_COMMON = {"UE": 10, "FBC": 10, "LFT": 7, "HBA1C": 6, "TFT": 5, "TSH": 4, "CRP": 5, "LIPID": 4}
_COMMON.update({"BONE": 3, "FERR": 3, "B12": 2, "VITD": 2, "INR": 3, "MSU": 3, "GLU": 2})
_DISCIPLINE_WEIGHT = {"biochemistry": 4.0, "haematology": 3.0, "microbiology": 1.5}
_SENSITIVE_WEIGHT = {"sexual_health": 5, "pregnancy": 4, "hiv": 3, "hepatitis": 3, "cancer": 3}
_SENSITIVE_WEIGHT.update({"genetic": 2, "substance_misuse": 2, "fertility": 1, "mental_health": 1})
# Tests a lab is sent for one sex only: a man's hCG is a tumour marker, not the pregnancy test its
# catalogue kind says, so the generator orders the pregnancy kind for women only, as GPs do.
_WOMEN_ONLY = frozenset({"PROG21", "AMH", "CA125", "CA153", "LBC", "HRHPV", "NIPT"})
_MEN_ONLY = frozenset({"SEMEN", "PVSA", "PSA", "FPSA"})
_PANELS = {
    "UE": ("NA", "K", "UREA", "CREA", "EGFR"),
    "LFT": ("ALT", "ALP", "BILI", "ALB"),
    "BONE": ("CA", "ADJCA", "PHOS", "ALP"),
    "LIPID": ("CHOL", "HDL", "TRIG", "CHOLHDL"),
    "TFT": ("TSH", "FT4"),
    "FBC": ("HB", "WBC", "PLT", "MCV", "NEUT"),
    "COAG": ("PTIME", "INR", "APTT"),
}
_TEXT_RESULTS = {
    "hiv": ("Not detected", "Negative", "Reactive - confirmation to follow", "Non-reactive"),
    "hepatitis": ("Not detected", "Detected", "Negative", "Positive", "Equivocal"),
    "sexual_health": ("Not detected", "Detected", "Negative", "Positive"),
    "pregnancy": ("Positive", "Negative", "Low chance", "Higher chance - refer"),
    "cancer": ("Negative", "No malignant cells seen", "Abnormal - refer", "Positive"),
    "genetic": ("No pathogenic variant detected", "Heterozygous variant detected", "Normal"),
    "substance_misuse": ("Not detected", "Detected - see comment", "Presumptive positive"),
    "fertility": ("Normal", "Oligospermia", "Azoospermia"),
    "mental_health": ("Within range", "Below range", "Above range"),
    "microbiology": ("No growth", "Mixed growth", "No significant growth", "E. coli isolated"),
    "virology": ("Not detected", "Detected", "Immune", "Not immune"),
    "blood_transfusion": ("O RhD positive", "A RhD negative", "No antibodies detected"),
    "": ("Normal", "Abnormal - see comment", "See individual results", "Reported"),
}


@dataclass(frozen=True, slots=True)
class Result:
    test: Test
    value: str
    units: str
    ref: str
    flag: str


@dataclass(frozen=True, slots=True)
class Menu:
    routine: tuple[Test, ...]
    routine_cum: tuple[float, ...]
    sensitive: dict[str, tuple[Test, ...]]
    by_code: dict[str, Test]
    by_container: dict[str, tuple[Test, ...]]


@cache
def menu() -> Menu:
    tests = catalogue.load()
    index = catalogue.by_term()
    usable = tuple(t for t in tests if index.get(catalogue.term_key(t.code)) is t)
    routine = tuple(t for t in usable if not t.sensitive)
    weights = [_COMMON.get(t.code, 0) + _DISCIPLINE_WEIGHT.get(t.discipline, 0.5) for t in routine]
    cum: list[float] = []
    total = 0.0
    for w in weights:
        total += w
        cum.append(total)
    sensitive: dict[str, list[Test]] = {}
    for t in usable:
        if t.sensitive:
            sensitive.setdefault(t.sensitive, []).append(t)
    containers: dict[str, list[Test]] = {}
    for t in routine:
        containers.setdefault(t.container, []).append(t)
    return Menu(
        routine=routine,
        routine_cum=tuple(cum),
        sensitive={k: tuple(v) for k, v in sorted(sensitive.items())},
        by_code={t.code: t for t in usable},
        by_container={k: tuple(v) for k, v in sorted(containers.items())},
    )


@cache
def _names(code: str, plain: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(name-like terms, synonym terms) that round-trip through the catalogue index."""
    test = menu().by_code[code]
    index = catalogue.by_term()

    def ok(term: str) -> bool:
        if index.get(catalogue.term_key(term)) is not test:
            return False
        return not (plain and _UNSAFE.intersection(term))

    main = tuple(t for t in (test.name,) if ok(t))
    return main, tuple(t for t in test.synonyms if ok(t))


def term(
    rng: random.Random, test: Test, tags: list[str], *, plain: bool = True, code: bool = True
) -> str:
    """How one record writes a test: its name, a synonym (tagged) or its code."""
    main, synonyms = _names(test.code, plain)
    roll = rng.random() if code else rng.random() * 0.85
    if roll < 0.35 and synonyms:
        if "synonym" not in tags:
            tags.append("synonym")
        return rng.choice(synonyms)
    if roll < 0.85 and main:
        return main[0]
    return test.code


def pick_routine(rng: random.Random, count: int) -> list[Test]:
    m = menu()
    chosen: list[Test] = []
    for _ in range(count * 3):
        t = rng.choices(m.routine, cum_weights=m.routine_cum)[0]
        if t not in chosen:
            chosen.append(t)
        if len(chosen) == count:
            break
    return chosen


def _fits(test: Test, sex: str | None) -> bool:
    if sex == "M":
        return test.sensitive != "pregnancy" and test.code not in _WOMEN_ONLY
    if sex == "F":
        return test.code not in _MEN_ONLY
    return True


def pick_sensitive(rng: random.Random, sex: str | None = None) -> Test:
    """One sensitive test, its kind drawn by weight among the kinds with a test for ``sex``."""
    m = menu()
    fitting = {k: [t for t in m.sensitive[k] if _fits(t, sex)] for k in _SENSITIVE_WEIGHT}
    kinds = [k for k, tests in fitting.items() if tests]
    kind = rng.choices(kinds, weights=[_SENSITIVE_WEIGHT[k] for k in kinds])[0]
    return rng.choice(fitting[kind])


def order(rng: random.Random, sensitive: bool, most: int = 3, sex: str | None = None) -> list[Test]:
    """The tests of one request; a sensitive request carries exactly one sensitive test, one
    that is ordered for a person of ``sex``."""
    tests = pick_routine(rng, rng.randint(1, most))
    if sensitive:
        tests.insert(0, pick_sensitive(rng, sex))
        del tests[most:]
    return tests


def components(test: Test) -> list[Test]:
    """Analytes reported under a panel (U&E -> sodium, potassium, ...), or the test itself."""
    by_code = menu().by_code
    parts = [by_code[c] for c in _PANELS.get(test.code, ()) if c in by_code]
    return parts or [test]


def _decimals(scale: float) -> int:
    if scale < 1:
        return 2
    if scale < 30:
        return 1
    return 0


def result(rng: random.Random, test: Test) -> Result:
    if test.result_type != "numeric":
        pool = _TEXT_RESULTS.get(test.sensitive) or _TEXT_RESULTS.get(test.discipline)
        return Result(test, rng.choice(pool or _TEXT_RESULTS[""]), "", "", "")
    low, high = test.ref_low, test.ref_high
    if low is not None and high is not None:
        value = rng.uniform(low * 0.7, high * 1.35) if high > 0 else rng.uniform(0, 10)
        ref = f"{low:g}-{high:g}"
    elif high is not None:
        value, ref = rng.uniform(0, high * 1.8), f"<{high:g}"
    elif low is not None:
        value, ref = rng.uniform(low * 0.4, low * 2.5), f">{low:g}"
    else:
        value, ref = rng.uniform(1, 120), ""
    scale = high if high is not None else (low if low is not None else value)
    text = f"{value:.{_decimals(scale or 1)}f}"
    flag = "N"
    if high is not None and value > high:
        flag = "H"
    elif low is not None and value < low:
        flag = "L"
    return Result(test, text, test.units, ref, flag)


def requester(rng: random.Random, pop: Population, person: Person) -> str:
    """ODS code of who asked for this test: usually the patient's own practice."""
    roll = rng.random()
    if roll < 0.85:
        return person.gp
    if roll < 0.95:
        return person.trust if rng.random() < 0.7 else rng.choice(TRUSTS)[0]
    return rng.choice(pop.practices).code
