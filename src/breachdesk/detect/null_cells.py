"""Cells that say "no value" in a word: a database's ``NULL`` or ``\\N``, a tool's ``(null)``,
``NaN`` or ``#N/A``. To a column's typing they are empty cells, as a blank one is: an NHS number
column of three numbers and one ``NULL`` is still all NHS numbers where a value is given.
"""

from __future__ import annotations

import re

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


# The only characters beyond ASCII that Arrow's ``utf8_lower`` makes ASCII ("İ" to "i", the
# Kelvin sign to "k"; found over every code point), where Python's ``lower`` keeps "İ"'s dot.
_FOLDS_TO_ASCII = re.compile("[\u0130\u212a]")


def first_filled(cells: list[str | None], sample: int) -> list[str] | None:
    """Of the first ``sample`` cells not empty once trimmed, those not ``blank``: what Arrow's
    trim, filter and ``blank`` keep, read in Python (a dozen compute calls fewer for a short
    column). None where a cell holds a character ``_FOLDS_TO_ASCII`` names.

    ``str.strip`` trims exactly what ``utf8_trim_whitespace`` does (pinned over every code
    point), and the tokens are ASCII: a cell with another character beyond ASCII is none of them
    lowered either way, and an ASCII cell lowers alike."""
    present = [c for c in cells if c is not None]
    joined = "".join(present)
    if not joined.isascii() and _FOLDS_TO_ASCII.search(joined) is not None:
        return None
    head = [c for c in present if c.strip()][:sample]
    return [c for c in head if c.strip().lower() not in TOKENS]
