"""Ground truth: every person-record written into the dump, and what follows from them.

Writers hand over records per file; this module streams ``records.csv`` and keeps only per-person
and per-file aggregates, so truth costs memory in people, not in records.

Locators: ``message:N`` (HL7), ``row:N`` (delimited, 1-based after the header), ``line:N`` (logs,
notes), ``page:N`` (PDF), ``sheet:<name>!row:N`` (xlsx), ``entry:N`` (the Patient's position in a
FHIR Bundle), ``table:<name>!row:N`` (SQL), ``part:N`` and ``part:N!<inner>`` (e-mail).
Beyond the brief's columns, ``records.csv`` has ``requester`` (the ODS code the record carries,
empty where its format has no place for one) and ``not_in_pmi.csv`` has ``controllers``.
A zip's own ``files.csv`` row counts no records; its members carry them.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from breachdesk import catalogue
from breachdesk.synth.people import Population
from breachdesk.vocabulary import CATEGORIES

NAME, DOB, NHS, MRN, ADDRESS, POSTCODE, PHONE, EMAIL, TEST, RESULT = (1 << i for i in range(10))

EXPOSED_COLUMNS = (
    "patient_id", "nhs_number", "family_name", "given_name", "date_of_birth", "categories",
    "sensitive", "controllers", "files", "records",
)  # fmt: skip
NOT_IN_PMI_COLUMNS = (
    "person_key", "nhs_number", "family_name", "given_name", "date_of_birth", "postcode",
    "categories", "sensitive", "files", "records", "controllers",
)  # fmt: skip
RECORD_COLUMNS = (
    "path", "locator", "person", "categories", "tests", "sensitive", "noise", "requester",
)  # fmt: skip
FILE_COLUMNS = ("path", "format", "size", "expected_status", "records", "persons")

# (locator, person index, category mask, test codes, noise tags, requester ODS code or "")
Rec = tuple[str, int, int, tuple[str, ...], tuple[str, ...], str]


_CATEGORY_TEXT: dict[int, str] = {}


def category_text(mask: int) -> str:
    text = _CATEGORY_TEXT.get(mask)
    if text is None:
        text = ";".join(sorted(n for i, n in enumerate(CATEGORIES) if mask >> i & 1))
        _CATEGORY_TEXT[mask] = text
    return text


@dataclass(frozen=True)
class Counts:
    files: int
    records: int
    exposed: int
    not_in_pmi: int
    sensitive: int


class Truth:
    def __init__(self, directory: Path, pop: Population) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.pop = pop
        self._handle = (directory / "records.csv").open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._handle, lineterminator="\n")
        self._writer.writerow(RECORD_COLUMNS)
        count = len(pop.persons)
        self._cats = [0] * count
        self._records = [0] * count
        self._sens: dict[int, set[str]] = {}
        self._paths: dict[int, set[str]] = {}
        self._ctrl: dict[int, set[str]] = {}
        self._files: dict[str, tuple[str, int, str]] = {}
        self._path_records: dict[str, int] = {}
        self._path_persons: dict[str, set[int]] = {}
        self._kind = {t.code: t.sensitive for t in catalogue.load()}
        self.records = 0

    def add(self, path: str, recs: Iterable[Rec]) -> None:
        rows = []
        persons = self._path_persons.setdefault(path, set())
        for locator, idx, cats, tests, tags, requester in recs:
            codes = sorted(set(tests))
            if codes:
                cats |= TEST
            elif cats & (TEST | RESULT):
                raise RuntimeError("a record with a result must name its test")
            if not (cats & NHS or (cats & NAME and cats & DOB)):
                raise RuntimeError("a person-record must identify its person")
            kinds = sorted({k for c in codes if (k := self._kind[c])})
            person = self.pop.persons[idx]
            rows.append(
                (
                    path,
                    locator,
                    person.key,
                    category_text(cats),
                    ";".join(codes),
                    ";".join(kinds),
                    ";".join(sorted(set(tags))),
                    requester,
                )
            )
            self._cats[idx] |= cats
            self._records[idx] += 1
            if kinds:
                self._sens.setdefault(idx, set()).update(kinds)
            self._paths.setdefault(idx, set()).add(path)
            if requester:
                self._ctrl.setdefault(idx, set()).add(requester)
            persons.add(idx)
        self._writer.writerows(rows)
        self._path_records[path] = self._path_records.get(path, 0) + len(rows)
        self.records += len(rows)

    def file(self, path: str, fmt: str, size: int, status: str = "ok") -> None:
        if path in self._files:
            raise RuntimeError("two files at one path")
        self._files[path] = (fmt, size, status)

    def finish(self, seed: int, version: str, dump_bytes: int) -> Counts:
        self._handle.close()
        pop = self.pop
        exposed = [i for i in range(pop.pmi_count) if self._records[i]]
        others = [i for i in range(pop.pmi_count, len(pop.persons)) if self._records[i]]
        self._write_people(exposed, others)
        by_format: dict[str, int] = {}
        with (self.directory / "files.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(FILE_COLUMNS)
            for path in sorted(self._files):
                fmt, size, status = self._files[path]
                by_format[fmt] = by_format.get(fmt, 0) + 1
                persons = len(self._path_persons.get(path, ()))
                writer.writerow([path, fmt, size, status, self._path_records.get(path, 0), persons])
        sensitive: dict[str, int] = {}
        for idx in exposed + others:
            for kind in self._sens.get(idx, ()):
                sensitive[kind] = sensitive.get(kind, 0) + 1
        summary: dict[str, object] = {
            "generator": f"breachdesk.synth {version}",
            "seed": seed,
            "patients": pop.pmi_count,
            "files": len(self._files),
            "files_by_format": dict(sorted(by_format.items())),
            "dump_bytes": dump_bytes,
            "records": self.records,
            "exposed": len(exposed),
            "not_in_pmi": len(others),
            "sensitive_persons": sum(1 for i in exposed + others if i in self._sens),
            "sensitive_by_kind": dict(sorted(sensitive.items())),
        }
        text = json.dumps(summary, indent=2) + "\n"
        (self.directory / "summary.json").write_text(text, encoding="utf-8")
        sensitive_persons = sum(1 for i in exposed + others if i in self._sens)
        return Counts(len(self._files), self.records, len(exposed), len(others), sensitive_persons)

    def _write_people(self, exposed: list[int], others: list[int]) -> None:
        pop = self.pop

        def common(idx: int) -> tuple[str, str, str, str]:
            return (
                category_text(self._cats[idx]),
                ";".join(sorted(self._sens.get(idx, ()))),
                str(len(self._paths[idx])),
                str(self._records[idx]),
            )

        def controllers(idx: int) -> str:
            codes = self._ctrl.get(idx) or {pop.persons[idx].gp}
            return ";".join(sorted(codes))

        with (self.directory / "exposed.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(EXPOSED_COLUMNS)
            for idx in exposed:
                p = pop.persons[idx]
                cats, sens, files, records = common(idx)
                row = [p.key, p.nhs, p.family, p.given, p.dob.isoformat(), cats, sens]
                writer.writerow([*row, controllers(idx), files, records])
        with (self.directory / "not_in_pmi.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(NOT_IN_PMI_COLUMNS)
            for idx in others:
                p = pop.persons[idx]
                cats, sens, files, records = common(idx)
                row = [p.key, p.nhs, p.family, p.given, p.dob.isoformat(), p.postcode]
                writer.writerow([*row, cats, sens, files, records, controllers(idx)])
