"""What a passage already known to be one person's tells of them: the tests it names, whether it
gives a result, and the diagnoses it writes, coded or in words, with their sensitive kinds. For
an HL7 message's notes and text results, a FHIR report's conclusion, a report's unnamed parts
given to its one patient (``scan.owner``), a coded diagnosis field (HL7 DG1, FHIR Condition).
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from breachdesk.detect import diagnoses, diagnosis_words, lab_tests
from breachdesk.detect.base import Mention
from breachdesk.detect.records import PersonRecord


class Facts(NamedTuple):
    tests: tuple[str, ...]  # catalogue codes, in order of first sight
    results: bool  # a result of one of them is given
    diagnoses: tuple[Mention, ...]  # each names its kinds in ``extra``, code or term in ``rule``


# Cached: a feed's notes and text results repeat ("Clinical details: tired all the time.",
# "Hepatitis C antibody: NOT detected") across thousands of messages, and the free-text
# detector cost a sixth of an HL7 file's scan. (Immutable, so one result is shared safely.)
@lru_cache(maxsize=8192)
def facts_in(text: str) -> Facts:
    """The facts of a passage, in one pass of the free-text test detector (which also yields
    the diagnoses)."""
    codes: dict[str, None] = {}
    results = False
    found: list[Mention] = []
    for mention in lab_tests.detect(text):
        if mention.kind == "test":
            codes[mention.value] = None
        elif mention.kind == "test_result":
            results = True
        elif mention.kind == diagnoses.KIND:
            found.append(mention)
    return Facts(tuple(codes), results and bool(codes), tuple(found))


def add_diagnosis(rec: PersonRecord, kinds: str, where: str, rule: str) -> None:
    """A diagnosis of ``rec``'s: its sensitive kinds (";"-joined, may be none), health data
    (``test_description``), and its evidence at ``where``."""
    if kinds:
        rec.sensitive.update(kinds.split(";"))
    rec.exposed.add("test_description")
    rec.evidence.append((diagnoses.KIND, where, diagnoses.KIND, rule, ""))


def add_facts_in(rec: PersonRecord, passage: str, where: str) -> None:
    """The facts of a passage about ``rec``'s person added to them (its diagnoses' evidence at
    ``where``: a field's name)."""
    tests, results, found = facts_in(passage)
    for code in tests:
        rec.add_test(code)
    if results:
        rec.exposed.add("test_result")
    for mention in found:
        add_diagnosis(rec, mention.extra, where, mention.rule)


def add_coded(rec: PersonRecord, names: list[str], where: str) -> None:
    """A coded diagnosis field's names (HL7 DG1-3's code and text, a FHIR Condition's codings
    and text): each code the data knows, and the diagnoses its words tell of. The field says a
    diagnosis is there even where neither does: health data all the same."""
    words = []
    told = False
    for name in names:
        coded = diagnoses.classify(name.strip()) if name.strip() else None
        if coded is not None:
            system, code, kinds = coded
            add_diagnosis(rec, kinds, where, f"field {system} {code}")
            told = True
        elif name.strip():
            words.append(name.strip())
    for mention in diagnosis_words.detect("\n".join(words), _starts(words)) if words else ():
        add_diagnosis(rec, mention.extra, where, f"field {mention.rule}")
        told = True
    if not told and names:
        add_diagnosis(rec, "", where, "field")


def _starts(lines: list[str]) -> list[int]:
    starts, at = [], 0
    for line in lines:
        starts.append(at)
        at += len(line) + 1
    return starts
