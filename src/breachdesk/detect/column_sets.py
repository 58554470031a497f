"""Column types settled by the table's other columns: a sexual health clinic's own numbers
beside a hospital number, a screen's "CT" and "NG" beside its other tests, and a date of birth
kept in three columns; a one- or two-row table's test column. (``columns.type_columns``
calls these after each column is typed.)
"""

from __future__ import annotations

import re
from collections.abc import Callable

from breachdesk import catalogue
from breachdesk.detect import lab_tests


def _fold(header: str) -> str:
    from breachdesk.detect.columns import fold  # (columns imports this module)

    return fold(header)


# A sexual health clinic's own numbers for its patients: where a table also has a hospital
# number, that is the one the person is known by elsewhere (and the clinic's is a key).
_CLINIC_NUMBERS = frozenset(
    {"gum no", "gum number", "gum id", "gu no", "gu number", "clinic no", "clinic number"}
)


def clinic_numbers(header: list[str], types: list[str | None]) -> list[str | None]:
    numbers = [i for i, t in enumerate(types) if t == "hospital_number"]
    clinic = [i for i in numbers if _fold(header[i]) in _CLINIC_NUMBERS]
    if not clinic or len(numbers) == len(clinic):
        return types
    return [None if i in clinic else t for i, t in enumerate(types)]


# "CT" and "NG" are chlamydia and gonorrhoea only beside a sexual health screen's other tests
# ("HIV", "Syph", "GC"): elsewhere a CT is a scan, and NG a nasogastric tube.
_SCREEN_CODES = {"ct": "CHLAM", "ng": "GC", "ct result": "CHLAM", "ng result": "GC"}
_SCREEN_KINDS = frozenset({"sexual_health", "hiv"})


def sexual_health_codes(header: list[str], types: list[str | None]) -> list[str | None]:
    coded = {
        i: _SCREEN_CODES.get(_fold(h), "")
        for i, (h, t) in enumerate(zip(header, types, strict=True))
        if t in (None, "result") and len(h) <= 9
    }
    if not any(coded.values()):
        return types
    kinds = catalogue.sensitive_by_code()
    screen = [t for t in types if t and t[:8] == "analyte:" and kinds.get(t[8:]) in _SCREEN_KINDS]
    if len(screen) < 2:
        return types
    return [f"analyte:{coded[i]}" if coded.get(i) else t for i, t in enumerate(types)]


# A date of birth kept in three columns ("DOB Day", "DOB Month", "DOB Year"; "Day of birth"...).
_BIRTH = re.compile(r"\b(?:dob|d o b|birth|born)\b")
_PARTS = (
    ("dob_day", re.compile(r"\b(?:day|dd|d)\b")),
    ("dob_month", re.compile(r"\b(?:month|mon|mm|m)\b")),
    ("dob_year", re.compile(r"\b(?:year|yyyy|yy|y)\b")),
)


def birth_parts(header: list[str], types: list[str | None]) -> list[str | None]:
    """A table's three columns of a date of birth's day, month and year typed as those parts
    (``tables`` puts them together), where it has all three."""
    if len(header) < 3:
        return types
    parts: dict[str, int] = {}
    for i, name in enumerate(header):
        if "b" not in name and "B" not in name:
            continue  # (every way of saying birth has a b: most headers are passed over so)
        folded = _fold(name)
        if not _BIRTH.search(folded):
            continue
        found = [part for part, word in _PARTS if word.search(folded)]
        if len(found) == 1 and found[0] not in parts:
            parts[found[0]] = i
    if len(parts) < 3:
        return types
    out = list(types)
    for part, i in parts.items():
        out[i] = part
    return out


def few_rows_tests(
    header: list[str], types: list[str | None], head: Callable[[int], list[str]]
) -> list[str | None]:
    """A table of one or two rows (too few for ``columns._by_values`` to vote) that says who
    its rows are and has no test column (the caller has checked both): a column under a header
    the synonyms do not know whose every filled cell (``head(at)``: a column's first filled
    cells) is a catalogue test ("ORDER_DESC": "CA-125", "Marker": "CEA") is its test column,
    unless its header names another thing ("Ward Code": "FBC" is a ward's code). An e-mail's
    attachment or a small export names one or two patients so."""
    for at, kind in enumerate(types):
        if kind is None and not _OTHER_THING.intersection(_fold(header[at]).split()):
            cells = head(at)
            if cells and all(map(_names_a_test, cells)):
                return [*types[:at], "test", *types[at + 1 :]]
    return types


VOTERS = 3  # the fewest cells ``columns._by_values`` reads a column's type from
# Header words that say a column holds something other than tests, whatever its cells look like.
_OTHER_THING = frozenset({
    "ward", "location", "loc", "site", "dept", "department", "clinic", "bed", "status", "flag",
    "priority", "source", "code", "id", "no", "number", "ref", "room", "unit", "team", "user",
})  # fmt: skip


def _names_a_test(cell: str) -> bool:
    """A catalogue test list with a letter in it (a result such as "5.2" is none)."""
    return cell.lower() != cell.upper() and lab_tests.is_test_list(cell)
