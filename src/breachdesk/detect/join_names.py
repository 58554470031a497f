"""Which column names may join two tables (``relations``), and how well a pointer's name
names a key: the names propose a join, the values (``relations.best_relation``) decide it.
(``relations`` imports them under the private names they had there: ``_naming``, ...)"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from breachdesk.detect import staff_tables
from breachdesk.detect.columns import fold


@cache
def person_keys() -> frozenset[str]:
    """Key names (compact: folded, spaces removed) that point at a person row."""
    return frozenset(compact_name(name) for name in staff_tables.relation_keys()["person_keys"])


@lru_cache(maxsize=4096)  # (a dump's tables repeat their column names)
def compact_name(name: str) -> str:
    return fold(name).replace(" ", "")


def table_names(name: str) -> set[str]:
    """``patients`` answers to ``patients`` and ``patient``; ``studies`` to ``study``."""
    base = compact_name(name)
    names = {base}
    if base.endswith("ies"):
        names.add(base[:-3] + "y")
    elif base.endswith("s"):
        names.add(base[:-1])
    return names


def is_key(compact: str) -> bool:
    return compact == "id" or is_pointer(compact)


def is_pointer(compact: str) -> bool:
    return compact in person_keys() or (compact.endswith("id") and len(compact) > 2)


# A name that says its column numbers something ("Clinic No", "pat_seq", "Lab Number"): the
# same name in two tables of one source (a dump, a workbook, a folder of one-table files:
# ``Accession`` of a requests file and of its results file) proposes a join even if no list
# names it.
_NUMBERED = re.compile(
    r"(?:no|num|number|nbr|id|key|ref|reference|seq|sequence|identifier|accession|episode)$"
)
# What such a column may be typed as: a date, a phone number or a test is numbered but no key.
_KEY_TYPES = frozenset({None, "hospital_number", "sample_id", "nhs_number"})


def numbered(compact: str, kind: str | None = None) -> bool:
    return kind in _KEY_TYPES and _NUMBERED.search(compact) is not None


def key_naming(pointer: str, key: str, parent: str) -> int:
    """0: names do not relate; 1: a generic person key, or the same name of an unlisted
    number; 2: the name names the table or key."""
    if key == "id":
        if pointer in {n + "id" for n in table_names(parent)}:
            return 2
        return 1 if pointer in person_keys() else 0
    if pointer == key and is_pointer(pointer):
        return 2
    if pointer == key and numbered(pointer):
        return 1
    # Two names of a person's key ("MRN" pointing at "Hospital Number", "Patient ID" at "PID"):
    # the values decide, as for ``id``.
    return 1 if pointer in person_keys() and key in person_keys() else 0
