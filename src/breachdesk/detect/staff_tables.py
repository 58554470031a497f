"""Tables of staff, not of patients: a LIMS's ``users`` (surname, forename, dob, role,
gmc_no, login), a rota's clinicians, a system's operators.

Such a table has names and dates of birth in columns like a patients table, so it reads as
one; but the people in it are those who requested, tested or authorised, and taking them as
patients is a false finding, and a join that points results at them puts a patient's tests on
a member of staff. The table says what it is by its name (its last word: ``lab_users``,
``tbl_staff``) or by columns no patients table has (a login, a GMC number, a job role); a
column naming a patient (an NHS number, ``patient_id``) overrules both, as a patient portal's
``users`` or an audit trail's rows are about patients. Lists: ``data/relation_keys.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from importlib import resources

import yaml

from breachdesk.detect.columns import fold
from breachdesk.readers.base import Table


@cache
def relation_keys() -> dict[str, list[str]]:
    """``data/relation_keys.yaml``, read once: the join keys' names (``detect.relations``) and
    the staff tables' words (here)."""
    path = resources.files("breachdesk") / "data" / "relation_keys.yaml"
    with path.open(encoding="utf-8") as handle:
        data: dict[str, list[str]] = yaml.safe_load(handle)
    return data


@cache
def _lists() -> tuple[frozenset[str], ...]:
    data = relation_keys()
    return (
        frozenset(fold(w) for w in data["staff_tables"]),
        frozenset(fold(w).replace(" ", "") for w in data["staff_columns"]),
        frozenset(fold(w).replace(" ", "") for w in data["staff_hints"]),
        frozenset(fold(w) for w in data["patient_columns"]),
        frozenset(fold(w) for w in data["patient_prefixes"]),
    )


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def names_staff(table: str) -> bool:
    """Whether a table's name says it lists staff: its last word (``users``, ``lab_staff``;
    not ``user_log``, whose rows are events, nor ``service_users``, a social care system's
    patients)."""
    words = fold(table).split()
    if not words:
        return False
    if len(words) > 1 and words[-2] == "service":
        return False
    return _singular(words[-1]) in _lists()[0]


def is_staff(table: str, header: Sequence[str], hints: bool = True) -> bool:
    """Whether a table named ``table`` with columns ``header`` lists staff, not patients
    (without ``hints``, only its name or a column only staff have says so)."""
    _, columns, hinted, patient, prefixes = _lists()
    folded = [fold(h) for h in header]
    words = {w for h in folded for w in h.split()}
    if not patient.isdisjoint(words) or any(w.startswith(tuple(prefixes)) for w in words):
        return False
    compact = {h.replace(" ", "") for h in folded}
    return (
        names_staff(table)
        or not compact.isdisjoint(columns)
        or (hints and len(compact & hinted) > 1)
    )


def lists_staff(table: Table) -> bool:
    """``is_staff`` of a typed table read on its own: named by its prefix ("table:lab_users!",
    "sheet:Users!"); else by a column only staff have (a login, a staff number), as a file's
    name is no table's ("results_by_consultant.csv" lists patients) and a job's words beside
    a patient ("Department", "Extension") may be the requester's. A table with a test column
    lists patients, whoever else it names."""
    if any(kind == "test" or (kind or "").startswith("analyte:") for kind in table.types or ()):
        return False
    found = TABLE_NAME.search(table.prefix)
    if found is not None:
        return is_staff(found.group("name"), table.header)
    return is_staff("", table.header, hints=False)


# A table's own name at the end of its locator prefix ("table:lab_users!", "sheet:Users!").
TABLE_NAME = re.compile(r"(?:table|sheet):(?P<name>[^!]*)!$")
