"""Rows that belong to the patient above them: a report exported grouped by patient, who is
written on the first row of their group only and left blank on the rest.

    NHS Number,Name,DOB,Test,Result
    4557660932,"OKAFOR, Grace",12/01/1962,HbA1c,48
    ,,,HIV antibody,Negative

Read row by row, the second row names no one, and the patient's HIV test was lost. A row
whose every column saying who (NHS number, names, date of birth, hospital number) is blank,
but which gives a test or a result, is the patient's of the nearest row above it that says who,
unless a row giving neither (a blank row, a "Summary" heading) stands between them.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from breachdesk.detect.records import MENTION_SCHEMA

# The kinds of column that say who a row is.
_WHO = (
    "nhs_number",
    "family_name",
    "given_name",
    "full_name",
    "date_of_birth",
    "dob_year",
    "hospital_number",
)
# The kinds of column that give what a row is about.
_FACTS = ("test", "result")


def _blank(columns: list[pa.Array], n: int) -> np.ndarray:
    """Rows where every one of ``columns`` (trimmed, empty as null) is null."""
    blank = np.ones(n, dtype=bool)
    for column in columns:
        if column.null_count:
            blank &= column.is_null().to_numpy(zero_copy_only=False)
        else:
            return np.zeros(n, dtype=bool)
    return blank


def owners(
    tidy: dict[str, list[pa.Array]], analytes: list[tuple[str, pa.Array]], n: int
) -> pa.Array | None:
    """Each row's own index, or, for a row that says nothing of who but gives a test or a
    result, the index of the nearest row above it that says who; None where no row is such."""
    who = [column for kind in _WHO for column in tidy.get(kind, [])]
    if not who or n < 2:
        return None
    blank = _blank(who, n)
    if not blank.any():
        return None
    facts = [column for kind in _FACTS for column in tidy.get(kind, [])]
    facts += [column for _, column in analytes]
    given = ~_blank(facts, n) if facts else np.zeros(n, dtype=bool)
    above = np.where(blank, -1, np.arange(n))
    np.maximum.accumulate(above, out=above)
    # A row that gives neither who nor what (a blank row, "Summary by test") ends the group:
    # the totals under it ("Total,,,,,Hep C Ab,12") are no patient's.
    ended = np.where(blank & ~given, np.arange(n), -1)
    np.maximum.accumulate(ended, out=ended)
    taken = blank & given & (above >= 0) & (above > ended)
    if not taken.any():
        return None
    return pa.array(np.where(taken, above, np.arange(n)))


def evidence(
    owner: pa.Array, record_id: pa.Array, locator: pa.Array, person: np.ndarray, file_id: int
) -> pa.Table:
    """One mention per person-record whose row took its patient from a row above it: kind
    ``grouped_row``, its field the locator of the row it took them from."""
    at = owner.to_numpy()
    taken = np.flatnonzero((at != np.arange(len(at))) & person)
    rows = pa.array(taken)
    n = len(taken)
    return pa.table(
        {
            "record_id": record_id.take(rows),
            "file_id": pa.array(np.full(n, file_id, dtype=np.int64)),
            "locator": locator.take(rows),
            "kind": pa.array(["grouped_row"] * n, pa.string()),
            "field": locator.take(pa.array(at[taken])),
            "detector": pa.array(["columns"] * n, pa.string()),
            "rule": pa.array(["grouped_rows"] * n, pa.string()),
            "score": pa.array(np.ones(n), pa.float64()),
            "checksum": pa.array([""] * n, pa.string()),
        },
        schema=MENTION_SCHEMA,
    )
