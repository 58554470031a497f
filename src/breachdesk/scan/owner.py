"""Who a file's unnamed parts belong to: a report or letter that names its one patient in one
part (a Word header, a first page, an e-mail's subject, a banner table) and gives results in
another, a per-patient export naming its patient above a table of results with no column saying
whose. The parts' tests are kept while the file is read (bounded) and given at its end, only
when the file turns out to name one person; or, naming no one, when its path does (a folder a
patient, "6344914599 HARGREAVES Tobias/FBC_20240311.txt").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc

from breachdesk.detect.hl7 import sensitive_map
from breachdesk.detect.passage_facts import add_diagnosis, facts_in
from breachdesk.detect.records import PersonRecord, add_to_row
from breachdesk.detect.text import people_in_text
from breachdesk.detect.text_cells import text_columns
from breachdesk.readers.base import Table

UNOWNED_TEXT = 1 << 20  # characters of a file's unnamed text kept for its one owner


class Unowned(NamedTuple):
    """Tests found where no one is named: a table no column of which says who (its test
    columns' codes, or its free-text cells' ``text``), or a part of a document that names no
    one (its ``text``: a text's tests are looked for only once the file turns out to name one
    person, so a file naming none or several pays nothing)."""

    where: str
    codes: Sequence[str]
    results: bool
    detector: str
    rule: str
    text: str = ""


_WHO = ("family_name", "given_name", "date_of_birth")


def one_person(people: list[PersonRecord]) -> list[PersonRecord]:
    """A document's two halves of one patient as one: the name and date of birth in one part
    (an e-mail's subject "Mrs Grace Okafor DOB 12/01/1962", a letter's first page or Word
    header) and only an NHS number in another (the body's "NHS no 455 766 0932, please repeat
    the HbA1c"). Two people in two parts, each with what the other lacks, are the one the
    document is about; the number's facts keep where they were found."""
    named, numbered = sorted(people, key=lambda p: bool(p.values.get("nhs_number")))
    parts = {p.locator.split("!")[0] for p in people}
    if (
        len(parts) < 2  # in one part (a text's paragraph) the detectors said two people
        or any(part.startswith("line:") for part in parts)  # two paragraphs of a text
        or named.values.get("nhs_number")
        or not all(named.values.get(k) for k in _WHO)
        or any(numbered.values.get(k) for k in _WHO)
    ):
        return people
    for name, value in numbered.values.items():
        named.set(name, value)
    named.exposed |= numbered.exposed
    named.sensitive |= numbered.sensitive
    for code in numbered.tests:
        named.add_test(code)
    named.ods_codes += [code for code in numbered.ods_codes if code not in named.ods_codes]
    named.evidence += [
        (kind, f"{numbered.locator}!{where}", detector, rule, checksum)
        for kind, where, detector, rule, checksum in numbered.evidence
    ]
    return [named]


def give_unowned(people: list[PersonRecord], unowned: list[Unowned]) -> None:
    """A per-patient export (a cumulative report: the patient named above a table of their
    results, no column saying who), or a letter or report naming its patient in one part (a
    Word header, the first page, an e-mail's subject) and the results in another: those tests,
    and the diagnoses of its text, are that patient's, when the file's prose names exactly one
    person and no table row names anyone."""
    people = [p for p in people if not p.relative]  # (a relative named in a passage is not)
    who = {
        p.values.get("nhs_number") or (p.values.get("family_name"), p.values.get("date_of_birth"))
        for p in people
    }
    if len(who) != 1:
        return
    person = people[0]
    for where, codes, results, detector, rule, text in unowned:
        if text:
            codes, results, found = facts_in(text)
            for mention in found:  # its diagnoses, coded or in words, as its tests
                add_diagnosis(person, mention.extra, where, f"{rule} {mention.rule}")
        for code in codes:
            person.add_test(code)
            person.evidence.append(("test", where, detector, rule, ""))
        if results:
            person.exposed.add("test_result")


def keep(unowned: list[Unowned], part: Unowned | None, held: int) -> int:
    """``part`` (a part's unnamed text; None: more than is kept) kept for the file's one owner;
    the characters of unnamed text held after."""
    if held > UNOWNED_TEXT:
        return held
    held = held + len(part.text) if part else UNOWNED_TEXT + 1
    if held > UNOWNED_TEXT:
        # A document (or a table's free text) this long is no one person's letter or journal,
        # and a stream's parts must not all stay in memory: its unnamed text is let go, and no
        # more kept; its tables' test columns stay.
        unowned[:] = [kept for kept in unowned if not kept.text]
    elif part:
        unowned.append(part)
    return held


# Columns saying whose a row is, though not enough to make it a record ("Patient: Smith J"):
# its free text is about that row's person, not the file's.
_WHOSE = frozenset(
    {"nhs_number", "family_name", "given_name", "full_name", "date_of_birth", "hospital_number"}
)


def table_text(table: Table, room: int) -> str | None:
    """The free-text cells of a table naming no one (a GP journal's "Entry": "Serum ferritin
    11 ug/L [30 - 400]"), each distinct cell a line; None past ``room`` characters."""
    columns = table.arrow or []
    if _WHOSE.intersection(table.types or []):
        return ""
    lines: list[str] = []
    for index in text_columns(table):
        cells = pc.unique(columns[index].drop_null())
        room -= (pc.sum(pc.utf8_length(cells)).as_py() or 0) + len(cells)
        if room < 0:
            return None
        lines += cells.to_pylist()
    return "\n".join(lines)


def _same(person: dict[str, str], row: dict[str, Any]) -> bool:
    """Whether a free-text person is a table row's: the same NHS number, or without one the
    same family name and date of birth."""
    if person.get("nhs_number") and row.get("nhs_number"):
        return person["nhs_number"] == row["nhs_number"]
    family, born = person.get("family_name") or "", person.get("date_of_birth")
    theirs = (row.get("family_name") or "").casefold(), row.get("date_of_birth")
    return bool(family and born) and (family.casefold(), born) == theirs


def give_to_banner(
    records: pa.Table, mentions: pa.Table, people: list[PersonRecord], unowned: list[Unowned]
) -> tuple[pa.Table, pa.Table]:
    """A document whose one person is a one-row table's (a Word header's patient banner,
    "KOWALCZYK, Marek | 23-Aug-1959 | 465 157 8160"), its prose naming no one else: the tests
    of its unnamed parts are that record's, as ``give_unowned`` gives them to a person named
    in the prose."""
    row = records.to_pylist()[0]
    if not all(_same(person.values, row) for person in people if not person.relative):
        return records, mentions
    found = PersonRecord(row["locator"], row["source"])
    give_unowned([found], unowned)
    return add_to_row(records, mentions, found, sensitive_map())


def named_by_path(path: str) -> list[PersonRecord]:
    """The one person a file's path names, in one folder's or the file's own name (an export
    filed a folder a patient: "6344914599 HARGREAVES Tobias/", "7659008382_1983-07-22_CHEN_Lily_
    HIV.txt"), located ``path``; none where it names no one or several. Each name is read as a
    line, its underscores as spaces and its extension dropped."""
    parts = path.split("/")
    parts[-1] = parts[-1].rsplit(".", 1)[0]
    text = "\n".join(part.replace("_", " ") for part in parts if part)
    found = people_in_text(text, "path", "path")
    return found if len(found) == 1 else []
