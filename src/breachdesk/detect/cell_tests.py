"""Tests named in a table's cells: "HIV POS" under "Result", "Patient known HIV positive" under
"Comments", "HbA1c 48 mmol/mol" under "Value"; and which cells of a test's own column ("HIV",
"Hep B sAg") say the test was done. A table whose only mention of
a test is there (a results list written one line per patient, a LIMS's worklist with a notes
column) said who the row was about and lost what was exposed about them: the category, and a
sensitive one, that decides how they are told.

A result column's cells are read when they hold letters (most hold a number, which names no
test); a column no type claims, only where its cells hold words with a space between (a flag,
a code or an identifier names no test: "L154917", "H"). Each distinct cell is read once, with
the free-text test detector, so a number before a test's name or a result after it reads as in
prose.
"""

from __future__ import annotations

from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc

from breachdesk.detect import null_cells
from breachdesk.detect.text import tests_in_text

# A free-text cell longer than this is a document or a message, read by ``text_cells``.
_LONGEST = 2_000


def named(results: list[pa.Array], untyped: list[pa.Array]) -> list[tuple[int, pa.Array, pa.Array]]:
    """(which column, codes, gives a result) for each column of ``results`` (numbered first)
    and ``untyped`` (after them) in which some cell names a catalogue test: the cell's codes
    joined by ";" (null where it names none), and whether the cell also gives the result."""
    found = []
    for at, values in enumerate(results + untyped):
        if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
            continue
        column = _named(values, prose=at >= len(results))
        if column is not None:
            found.append((at, *column))
    return found


def _named(values: pa.Array, *, prose: bool) -> tuple[pa.Array, pa.Array] | None:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    # Most columns are passed over on one look: no space (an untyped column's codes and flags)
    # or no letter (a result column's numbers).
    look = (
        pc.match_substring(values, " ") if prose else pc.match_substring_regex(values, "[A-Za-z]")
    )
    if not pc.any(look).as_py():
        return None
    encoded = pc.dictionary_encode(values)
    cells = encoded.dictionary
    wanted = pc.match_substring_regex(cells, "[A-Za-z]{2}")
    if prose:
        wanted = pc.and_(wanted, pc.match_substring_regex(cells, r"\S\s+\S"))
        wanted = pc.and_(wanted, pc.less_equal(pc.utf8_length(cells), _LONGEST))
    wanted = pc.fill_null(wanted, False)
    if not wanted.true_count:
        return None
    codes: list[str | None] = [None] * len(cells)
    gives: list[bool] = [False] * len(cells)
    chosen = pc.indices_nonzero(wanted).to_pylist()
    for i, cell in zip(chosen, cells.take(chosen).to_pylist(), strict=True):
        codes[i], gives[i] = _facts(cell)
    if not any(codes):
        return None
    return (
        pc.take(pa.array(codes, pa.string()), encoded.indices),
        pc.fill_null(pc.take(pa.array(gives, pa.bool_()), encoded.indices), False),
    )


@lru_cache(maxsize=16384)
def _facts(cell: str) -> tuple[str | None, bool]:
    """A cell's test codes joined (None where it names none) and whether it gives a result."""
    codes, result = tests_in_text(cell)
    return ";".join(codes) or None, result


# A test's column in a wide layout ("HIV", "Hep C Ab") holds its result, or says the test was
# not done: such a cell exposes no test (a "-" under "HIV" had flagged every row HIV). So does a
# tool's empty cell: pandas' "nan", SQL's "NULL", SAS's and Stata's missing number "." (folded
# to "" as its full stop is trimmed).
_NOT_DONE = pa.array(
    ["-", "--", "---", "\u2013", "\u2014", "n/a", "na", "n.a", "not tested", "not done",
     "not requested", "not applicable", "not performed", "not indicated", "nt",
     "", *sorted(null_cells.NO_RESULT)]
)  # fmt: skip
# ... or is a request's tick box ("HIV requested: Y/N"): only a yes asks for the test. (1/0 and
# true/false may be results: a negative is still a test done, and exposed.)
_YES = frozenset({"y", "yes", "x", "\u2713", "\u2714", "requested", "req"})
_FLAGS = _YES | {"n", "no"}


def done(values: pa.Array) -> pa.Array:
    """A test column's trimmed cells (empty as null) with those that say the test was not done
    made null: placeholders ("-", "N/A", "Not tested"), and in a column of yes/no flags, the
    noes."""
    folded = pc.utf8_trim(pc.utf8_lower(values), characters=" .")
    distinct = set(pc.unique(folded).drop_null().to_pylist())
    if distinct and distinct - null_cells.NO_RESULT <= _FLAGS:
        kept = pc.is_in(folded, value_set=pa.array(sorted(_YES)))
    elif distinct.isdisjoint(_NOT_DONE.to_pylist()):
        return values
    else:
        kept = pc.invert(pc.is_in(folded, value_set=_NOT_DONE))
    return pc.if_else(pc.fill_null(kept, False), values, pa.scalar(None, values.type))
