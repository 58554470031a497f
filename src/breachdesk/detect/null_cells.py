"""Cells that say "no value" in a word: a database's ``NULL`` or ``\\N``, a tool's ``(null)``,
``NaN`` or ``#N/A``. To a column's typing they are empty cells, as a blank one is: an NHS number
column of three numbers and one ``NULL`` is still all NHS numbers where a value is given.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

# Folded to lower case. Where each comes from: SQL Server Management Studio, sqlcmd and most
# clients (NULL), MySQL ``SELECT ... INTO OUTFILE`` and PostgreSQL ``COPY`` text (\N), C's printf
# and Java's String.valueOf (``(null)``, ``null``), DBeaver (``[NULL]``, ``<null>``), pandas
# (``NaN``, ``NaT``, ``<NA>``, ``None``), Excel (``#N/A``, ``#NULL!``), SAS and Stata's missing
# number (``.``), and people (``N/A``, ``-``).
TOKENS = frozenset(
    {"null", "(null)", "[null]", "<null>", "\\n", "nan", "nat", "<na>", "none", "n/a", "#n/a",
     "#null!", "-", "."}
)  # fmt: skip
_TOKENS = pa.array(sorted(TOKENS), pa.string())
# Those that under a test's column say it holds no result for the row, so no test: pandas'
# ``NaN`` had given every patient every test of a frame, and its ``None`` (an object column's
# missing value) a man a pregnancy test and a BRCA test to a man never sent one.
NO_RESULT = TOKENS
_ZERO = pa.scalar(0, pa.int32())


def is_blank(cell: str) -> bool:
    """Whether one cell is empty, white space or a word for no value."""
    trimmed = cell.strip()
    return not trimmed or trimmed.lower() in TOKENS


def blank(values: pa.Array) -> pa.Array:
    """``is_blank`` of each cell of a string column, vectorised (a null cell stays null)."""
    trimmed = pc.utf8_trim_whitespace(values)
    empty = pc.equal(pc.utf8_length(trimmed), _ZERO)
    return pc.or_(empty, pc.is_in(pc.utf8_lower(trimmed), value_set=_TOKENS))
