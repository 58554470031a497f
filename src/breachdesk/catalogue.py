"""The test catalogue: UK pathology tests, the names labs write them under, and sensitive kinds.

The catalogue is data (``data/test_catalogue.csv``) so a lab can extend it without code.
Columns: code, name, synonyms (``|``-separated), snomed_ct, discipline, specimen, container,
sensitive (one kind or empty), result_type (numeric|text), units, ref_low, ref_high. The
LOINC codes of the commonest tests are a file apart (``data/loinc_codes.csv``: loinc, code,
display), so the catalogue's columns stay as labs and tools already read them.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

SENSITIVE_KINDS = (
    "hiv",
    "hepatitis",
    "sexual_health",
    "pregnancy",
    "cancer",
    "genetic",
    "substance_misuse",
    "mental_health",
    "fertility",
)


@dataclass(frozen=True)
class Test:
    code: str
    name: str
    synonyms: tuple[str, ...]
    snomed_ct: str
    discipline: str
    specimen: str
    container: str
    sensitive: str
    result_type: str
    units: str
    ref_low: float | None
    ref_high: float | None

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.code, self.name, *self.synonyms)

    @property
    def spellings(self) -> tuple[str, ...]:
        """``all_names`` and the ways labs vary them (``spellings``), first seen first."""
        return tuple(dict.fromkeys(s for term in self.all_names for s in spellings(term)))


# Where a short capitals code meets a number, labs write "CA 125", "CA-125" or "CA125", "HIV-1"
# or "HIV 1"; and "Ag/Ab" as often as "Ab/Ag". Terms are varied only when they hold five letters
# and digits or more: "B12" or "T3" written apart ("B 12") would be read in too many places.
_LETTERS_DIGITS = re.compile(r"\b([A-Z]{2,4})[ -]?(?=\d+(?![A-Za-z]))")
_PAIR = re.compile(r"\b([A-Za-z]{2,3})/([A-Za-z]{2,3})\b")


def spellings(term: str) -> tuple[str, ...]:
    """``term`` and its variants: the separator between letters and a number written as
    nothing, a space or a hyphen, and short pairs such as "Ag/Ab" either way round."""
    if sum(c.isalnum() for c in term) < 5:
        return (term,)
    joined = [term] + [_LETTERS_DIGITS.sub(rf"\1{sep}", term) for sep in ("", " ", "-")]
    swapped = [_PAIR.sub(r"\2/\1", t) for t in joined]
    return tuple(dict.fromkeys(joined + swapped))


def _float(text: str) -> float | None:
    return float(text) if text.strip() else None


@cache
def load() -> tuple[Test, ...]:
    path = resources.files("breachdesk") / "data" / "test_catalogue.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return tuple(
        Test(
            code=row["code"].strip(),
            name=row["name"].strip(),
            synonyms=tuple(s.strip() for s in row["synonyms"].split("|") if s.strip()),
            snomed_ct=row["snomed_ct"].strip(),
            discipline=row["discipline"].strip(),
            specimen=row["specimen"].strip(),
            container=row["container"].strip(),
            sensitive=row["sensitive"].strip(),
            result_type=row["result_type"].strip() or "numeric",
            units=row["units"].strip(),
            ref_low=_float(row["ref_low"]),
            ref_high=_float(row["ref_high"]),
        )
        for row in rows
    )


@cache
def sensitive_by_code() -> dict[str, str]:
    """Catalogue code -> sensitive kind, for the tests that have one."""
    return {t.code: t.sensitive for t in load() if t.sensitive}


def term_key(text: str) -> str:
    """Fold a test name for lookup: case, punctuation and spacing differ between labs."""
    return re.sub(r"[^a-z0-9+]+", " ", text.lower()).strip()


@cache
def by_loinc() -> dict[str, Test]:
    """LOINC code -> its catalogue test (``data/loinc_codes.csv``), for feeds that code tests
    only by LOINC. A row whose catalogue code is unknown is passed over."""
    path = resources.files("breachdesk") / "data" / "loinc_codes.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    tests = {test.code: test for test in load()}
    return {
        row["loinc"].strip(): tests[row["code"].strip()]
        for row in rows
        if row["code"].strip() in tests
    }


@cache
def by_term() -> dict[str, Test]:
    """Every code, name and synonym (folded) to its test; the first catalogue row wins a clash."""
    index: dict[str, Test] = {}
    for test in load():
        for term in test.spellings:
            index.setdefault(term_key(term), test)
    return index


# Names that are a test only where the place says so: a test column's cell, a coded field, a
# name straight before its result ("Alcohol <2"). As a column's header or in prose they are
# everyday words ("Alcohol" heads a social history's column of units a week; "alcohol
# excess"), so they are kept out of the catalogue's synonyms, which are read everywhere.
CELL_ONLY = {"alcohol": "ETOH"}


@cache
def by_cell_term() -> dict[str, Test]:
    """``by_term`` and the ``CELL_ONLY`` names: what a cell of a test column may hold."""
    tests = {test.code: test for test in load()}
    extra = {key: tests[code] for key, code in CELL_ONLY.items() if code in tests}
    return by_term() | {key: test for key, test in extra.items() if key not in by_term()}
