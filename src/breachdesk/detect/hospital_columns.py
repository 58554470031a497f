"""Which of a table's columns headed as a hospital number hold one, by their cells.

A header says "hospital number" in many ways ("Hosp No", "MRN", "Unit No", "Patient ID",
France's "IPP"), and some of them name other numbers too:

- a database's own row number under a patient-ish name ("PatientID", "patient_id": 1, 2, 3...)
  is a key that joins its tables (``relations``), not a number the hospital gave anyone; but
  under a label only a hospital number wears ("MRN", "Hosp No") short numbers are a small
  trust's or an old PMI's (12345, 4567: a spreadsheet drops their leading zeros), and are a
  key only where they count 1, 2, 3...;
- a column headed as the hospital's own number may hold NHS numbers: many systems key their
  patients by them;
- a blood bank's "Unit Number" is the blood unit's: an ISBT 128 donation number
  ("G093126123456A"), or a product's batch beside it, never the patient's;
- a bare "Hosp" or "IPP" is a hospital number only where its cells look like numbers (not a
  hospital's name);
- where one column holds hospital numbers' shapes and another headed as one holds other things
  (a unit or batch number), the other is no patient's number: the row's number is the first
  column's, and a second one filled in where the first is blank was some other thing's.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc

from breachdesk.detect import nhs_number

KIND = "hospital_number"
# The first cells of a column; ``columns._first_filled``, passed in (that module imports this).
Sample = Callable[[pa.Array], pa.Array]
_SAMPLE = 20
_MOST = 0.8  # of a sample's cells: what a column holds
_ROW_KEY = r"^\s*\d{1,5}\s*$"
# Words only a hospital number's label holds: under them short numbers are the hospital's.
_OWN_WORDS = frozenset(
    {"mrn", "hosp", "hospital", "unit", "case", "casenote", "crn", "rtx", "dossier", "ysbyty",
     "record", "ipp"}
)  # fmt: skip
# Labels that are a hospital number's only where the cells look like one.
_WEAK = frozenset({"hosp", "ipp"})
_WHOSE = frozenset({"patient", "patients", "pt", "pat"})
# An ISBT 128 donation identification number: the facility (a letter, four digits), the year's
# two digits and a six-digit serial; perhaps two flag digits and a check character after.
_DONATION = r"^\s*[A-Z]\d{4} ?\d{2} ?\d{6}(?: ?\d{2})?(?: ?[0-9A-Z*])?\s*$"
# A hospital number's shapes (``hospital.VALUE`` and the text's "RJ1 123456", "RBH-7741203").
_SHAPED = r"^\s*(?:[A-Za-z]{0,3}\d{5,10}[A-Za-z]?|[A-Za-z]{2}\d \d{5,8}|[A-Za-z]{1,4}-\d{5,10})\s*$"
# A number of some kind: an identifier's characters, four digits running among them.
_ID_LIKE = r"^\s*[A-Za-z0-9][A-Za-z0-9 /-]{2,19}\s*$"
_DIGITS = r"\d{4}"


def settle(
    header: list[str], types: list[str | None], columns: list[pa.Array], sample: Sample
) -> list[str | None]:
    """``types`` with each hospital number column kept, made an NHS number column, or untyped
    as its cells say (the module's doc); other columns as they were."""
    at = [i for i, kind in enumerate(types) if kind == KIND]
    if not at:
        return types
    types = list(types)
    shaped: dict[int, float] = {}
    for i in at:
        head = sample(pc.cast(columns[i], pa.string()))
        cells = head.slice(0, _SAMPLE)
        if not len(cells):
            continue
        words = _words(header[i])
        if _share(head, _ROW_KEY) >= _MOST and (_OWN_WORDS.isdisjoint(words) or _counts(head)):
            types[i] = None
        # (A random ten-digit number passes the checksum and the ranges about one time in
        # twenty: four in five of twenty cells never do by chance.)
        elif len(cells) - nhs_number.validate_column(cells).null_count >= _MOST * len(cells):
            types[i] = "nhs_number"
        elif _share(cells, _DONATION) >= 0.5 or (_weak(words) and not _numbers(cells, words)):
            types[i] = None
        else:
            shaped[i] = _share(cells, _SHAPED)
    if len(shaped) > 1 and max(shaped.values()) >= _MOST:
        for i, share in shaped.items():
            if share < 0.5:
                types[i] = None
    return types


@lru_cache(maxsize=1024)
def _words(header: str) -> frozenset[str]:
    from breachdesk.detect.columns import fold  # (columns imports this module)

    return frozenset(fold(header).split())


def _weak(words: frozenset[str]) -> bool:
    """Whether a header is a hospital number's only by a word that may name a hospital ("Hosp")
    or by France's "IPP", no "No", "Number" or "ID" after it."""
    return not _WEAK.isdisjoint(words) and words.isdisjoint(
        {"no", "num", "number", "id", "ref", "mrn", "nr", "nbr", "n", "ndeg", "numero"}
    )


def _share(cells: pa.Array, pattern: str) -> float:
    found = pc.fill_null(pc.match_substring_regex(cells, pattern), False)
    return pc.sum(found).as_py() / len(cells) if len(cells) else 0.0


def _numbers(cells: pa.Array, words: frozenset[str]) -> bool:
    """Whether a weak header's column holds hospital numbers: the header names nothing else
    ("Hosp Site", "Requesting Hosp" are a hospital's) and most cells are identifiers
    ("RX4501123", "0045672", not "St James's")."""
    if not words <= _WEAK | _WHOSE:
        return False
    found = pc.and_(
        pc.fill_null(pc.match_substring_regex(cells, _ID_LIKE), False),
        pc.fill_null(pc.match_substring_regex(cells, _DIGITS), False),
    )
    return pc.sum(found).as_py() >= _MOST * len(cells)


def _counts(cells: pa.Array) -> bool:
    """Whether a column's numbers count up one by one (a database's row keys: 1, 2, 3 or 1001,
    1002...), three of them at least."""
    numbers = sorted({int(c) for c in cells.to_pylist() if c and c.strip().isdigit()})
    return len(numbers) >= 3 and numbers[-1] - numbers[0] == len(numbers) - 1
