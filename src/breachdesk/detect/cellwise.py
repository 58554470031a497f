"""Run a Python function once per distinct cell of a small column, then map back column-wise.

Arrow compiles a regex on every compute call (0.1-0.3 ms for the postcode and name patterns),
while Python's ``re`` compiles once a process: for the few hundred distinct cells of a typical
dumped table, Python over the distinct values is several times cheaper than one Arrow regex call.

Python's ``re`` and RE2 (Arrow's regex engine) agree on ASCII text once three differences are
written out of the Python pattern: ``$`` (Python's also matches before a final newline, so the
Python forms use ``\\Z``), ``\\s`` (RE2's is exactly ``[\\t\\n\\f\\r ]``, Python's also takes
``\\v`` and ``\\x1c``-``\\x1f``) and case-insensitive classes (Python's Unicode folding lets
``[a-z]`` take ``ſ`` or the Kelvin sign).

Beyond ASCII the callers' patterns (explicit ASCII classes, their negations, ``\\d``, titles and
postcode letters matched case-insensitively) agree too, except on two kinds of character, kept
out: the four that Python matches case-insensitively to an ASCII letter (RE2 takes two of them)
and the non-ASCII digits Python's ``\\d`` takes. ``str.strip`` and Arrow's
``utf8_trim_whitespace`` trim the same characters (pinned in the tests). So names written with
accents ("Seán", "Zoë") take the Python path; a cell with one of those characters, or a long cell,
sends its column to the callers' Arrow form.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

FEW = 2000  # distinct cells; above this a vectorised Arrow call is cheaper than a Python loop
# Python's backtracking can go quadratic on a long cell where RE2 stays linear (a hostile file's
# 100,000-space "name"): longer cells take the Arrow path.
LONGEST = 256
# Where Python's ``re`` and RE2 part ways on non-ASCII text (see above).
_DISAGREE = re.compile(r"[\u0130\u0131\u017f\u212a]|(?![\x00-\x7f])\d")
_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")


def _agreed(cell: str) -> bool:
    """Python reads this cell as RE2 does (see above), and it is short."""
    return len(cell) <= LONGEST and (cell.isascii() or _DISAGREE.search(cell) is None)


def _all_agreed(cells: list[str | None]) -> bool:
    """``_agreed`` of every cell (None aside), asked of their text joined, in C: ``_DISAGREE``
    reads one character at a time, so it finds a character in the joined text exactly when it
    finds one in some cell."""
    present = [c for c in cells if c is not None]
    if max(map(len, present), default=0) > LONGEST:
        return False
    joined = "".join(present)
    # Only non-ASCII characters can disagree: the search reads those alone.
    return joined.isascii() or _DISAGREE.search(_ASCII_RUNS.sub("", joined)) is None


def distinct_ascii(
    values: pa.Array, *, any_text: bool = False
) -> tuple[pa.Array, list[str | None]] | None:
    """Each cell's index among the distinct cells, and the distinct cells, when they are few,
    short and read alike by Python and RE2 (ASCII, or see above); else None. One dictionary
    encoding finds both (null cells get a null index, which ``map_back`` keeps null).
    ``any_text``: the caller's patterns read every character as RE2 does (no ``\\d``, and
    case-insensitive parts written as RE2 folds them), so only the cells' length is looked at."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    encoded = pc.dictionary_encode(values)
    if len(encoded.dictionary) > FEW:
        return None
    cells: list[str | None] = encoded.dictionary.to_pylist()
    if any_text:
        # (Empty cells dropped with the nulls: their length is the default's.)
        if max(map(len, filter(None, cells)), default=0) > LONGEST:
            return None
    elif not _all_agreed(cells):
        return None
    return encoded.indices, cells


def map_back(index: pa.Array, *mapped: list[str | None]) -> list[pa.Array]:
    """Each ``mapped`` list (``mapped[i]`` the image of distinct cell ``i``) put back at each cell
    (``index`` from ``distinct_ascii``)."""
    return [pc.take(pa.array(m, pa.string()), index) for m in mapped]


def map_ascii(values: pa.Array, fn: Callable[[str], str | None]) -> pa.Array | None:
    """``fn`` of each cell (null stays null) when ``distinct_ascii`` takes the column, else
    None."""
    found = distinct_ascii(values)
    if found is None:
        return None
    index, cells = found
    return map_back(index, [None if c is None else fn(c) for c in cells])[0]


def offsets(values: pa.Array) -> np.ndarray:
    """A string array's cell boundaries in its data buffer (one more than it has cells), read
    off its offsets buffer without a compute call; a slice's own."""
    buffer = values.buffers()[1]
    return np.frombuffer(buffer, dtype=np.int32)[values.offset : values.offset + len(values) + 1]


def may_contain(values: pa.Array, needles: tuple[bytes, ...]) -> bool:
    """Whether some cell of a string column may hold one of ``needles``: the column's bytes
    searched whole, so a null cell's count too (True where unsure). A gate before a compute call
    that says exactly (a few microseconds where the call costs dozens): where no cell holds the
    character a pattern needs, replacing it changes nothing."""
    if not isinstance(values, pa.Array) or values.type != pa.string():
        return True
    data = values.buffers()[2]
    if data is None or not len(values):
        return False
    bounds = offsets(values)
    text = data.slice(int(bounds[0]), int(bounds[-1] - bounds[0])).to_pybytes()
    return any(needle in text for needle in needles)


def null_or_empty(values: pa.Array) -> int | None:
    """How many cells of a string column are null or empty, off its buffers; None for a chunked
    or empty column."""
    if not isinstance(values, pa.Array) or not len(values):
        return None
    empty = np.diff(offsets(values)) == 0
    if values.null_count:
        empty |= ~values.is_valid().to_numpy(zero_copy_only=False)
    return int(empty.sum())
