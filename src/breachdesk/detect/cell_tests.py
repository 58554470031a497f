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

import numpy as np
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
    for first, group, prose in ((0, results, False), (len(results), untyped, True)):
        strings = [
            (at, values)
            for at, values in enumerate(group, first)
            if pa.types.is_string(values.type) or pa.types.is_large_string(values.type)
        ]
        said = _named_each([values for _, values in strings], prose=prose)
        found += [
            (at, *column)
            for (at, _), column in zip(strings, said, strict=True)
            if column is not None
        ]
    return found


# Up to this many bytes of cells, a group's columns are read at once (an Arrow string array's
# offsets end at 2 GiB); more, a column at a time.
_AT_ONCE = 1 << 28


def _named_each(columns: list[pa.Array], *, prose: bool) -> list[tuple[pa.Array, pa.Array] | None]:
    """``_named`` of each column, read together: one pass over their distinct cells."""
    strings = []
    read = []  # which of ``columns`` may name a test, by their bytes
    out: list[tuple[pa.Array, pa.Array] | None] = [None] * len(columns)
    for at, values in enumerate(columns):
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        if values.type != pa.string():  # (a large string column: alone, as it is)
            out[at] = _named(values, prose=prose)
        elif _may_name(values, prose=prose):
            strings.append(values)
            read.append(at)
    if not strings:
        return out
    if len(strings) == 1:
        combined = strings[0]
    elif sum(values.get_total_buffer_size() for values in strings) < _AT_ONCE:
        combined = pa.concat_arrays(strings)
    else:
        return [_named(values, prose=prose) for values in columns]
    encoded = pc.dictionary_encode(combined)
    cells, rows = encoded.dictionary, encoded.indices
    facts = _dictionary_facts(cells, prose=prose)
    if facts is None:
        return out
    codes, gives = facts
    codes_of = pc.take(pa.array(codes, pa.string()), rows)
    gives_of = pc.fill_null(pc.take(pa.array(gives, pa.bool_()), rows), False)
    start = 0
    for at, values in zip(read, strings, strict=True):
        size = len(values)
        column = codes_of.slice(start, size)
        if column.null_count < size:
            out[at] = (column, gives_of.slice(start, size))
        start += size
    return out


def _dictionary_facts(
    cells: pa.Array, *, prose: bool
) -> tuple[list[str | None], list[bool]] | None:
    """Each distinct cell's test code and whether it gives a result (``_facts``), asked only of
    cells with two letters running (and in ``prose``, two words, not too long); None where no
    cell names a test."""
    wanted = pc.match_substring_regex(cells, "[A-Za-z]{2}")
    if prose:
        wanted = pc.and_(wanted, pc.match_substring_regex(cells, r"\S\s+\S"))
        wanted = pc.and_(wanted, pc.less_equal(pc.utf8_length(cells), _LONGEST))
    if wanted.null_count:  # (none: a dictionary holds no null)
        wanted = pc.fill_null(wanted, False)
    if not wanted.true_count:
        return None
    codes: list[str | None] = [None] * len(cells)
    gives: list[bool] = [False] * len(cells)
    chosen = pc.indices_nonzero(wanted).to_pylist()
    for i, cell in zip(chosen, cells.take(chosen).to_pylist(), strict=True):
        codes[i], gives[i] = _facts(cell)
    return (codes, gives) if any(codes) else None


def _may_name(values: pa.StringArray, *, prose: bool) -> bool:
    """Whether some cell of a string column holds a space (``prose``) or an ASCII letter, as
    ``_named``'s first look: told from its bytes, without a call, where its null cells hold
    none (as readers make them)."""
    if not len(values) or values.null_count == len(values):
        return False
    validity, offsets_buffer, data = values.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[
        values.offset : values.offset + len(values) + 1
    ]
    if data is None or offsets[0] == offsets[-1]:
        return False  # (every cell empty)
    if values.null_count:
        valid = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")
        valid = valid[values.offset : values.offset + len(values)].astype(bool)
        if np.diff(offsets)[~valid].any():  # a null cell's bytes: read as Arrow reads them
            return _look(values, prose=prose)
    held = np.frombuffer(data, dtype=np.uint8)[offsets[0] : offsets[-1]]
    if prose:
        return bool((held == 32).any())
    return bool(((held | 32) - 97 < 26).any())  # (unsigned bytes: "A"-"Z", "a"-"z" only)


def _look(values: pa.Array, *, prose: bool) -> bool:
    look = (
        pc.match_substring(values, " ") if prose else pc.match_substring_regex(values, "[A-Za-z]")
    )
    return bool(pc.any(look).as_py())


def _named(values: pa.Array, *, prose: bool) -> tuple[pa.Array, pa.Array] | None:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    # Most columns are passed over on one look: no space (an untyped column's codes and flags)
    # or no letter (a result column's numbers).
    if not _look(values, prose=prose):
        return None
    encoded = pc.dictionary_encode(values)
    facts = _dictionary_facts(encoded.dictionary, prose=prose)
    if facts is None:
        return None
    codes, gives = facts
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
