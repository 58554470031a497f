"""An age written after a name in a table's name cell ("Doris ENTWISTLE 91y", "ENTWISTLE, Doris
(91)", "Mr John SMITH 45 yrs", "SMITH John, 3/12", "Baby of Amy JONES 2d", "Age 91"): no part
of the name, so it is cut off before the cell is split, where it had been read as the family
name. Clinical shorthand counts too: "3/12" is three months, "6/52" six weeks, "2/7" two days.

The age stands at the cell's end, so it is matched on the cell reversed, anchored: one try a
cell, where a search for "age at the end" would try every position. A date ("1/2/50") or a
spaced number ("4347 635 311") is no age: the age must follow a word's last letter and a space,
comma or semicolon, and a fraction's denominator is 12, 52 or 7.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

_WS = r"[\t\n\f\r ]"  # RE2's \s exactly
# Units spelled backwards, each before its shorter forms ("yrs" before "y").
_UNITS = r"s?raey|s?ry|o/y|oy|y|s?htnom|s?htm|s?om|m|s?keew|s?kw|w|s?yad|s?yd|d|s?ruoh|s?rh|h"
_UNIT_TOKEN = rf"\.?(?:{_UNITS}){_WS}?[0-9]{{1,3}}"
_TOKEN = (
    # "1y 6m", "45 yrs", "91 years old"; "3/12", "6/52", "2/7"; a bare "91".
    rf"(?:dlo{_WS})?{_UNIT_TOKEN}(?:{_WS}?{_UNIT_TOKEN})?|(?:21|25|7)/[0-9]{{1,2}}|[0-9]{{1,3}}"
)
# "(aged 91)", "Age: 91", then what parts it from the name: spaces with a comma, slash or dash
# among them, or a comma or semicolon alone ("ENTWISTLE Doris,91").
_AGE = rf"\)?(?:{_TOKEN})(?:{_WS}?:?d?ega)?\(?"


def _separator(possessive: str) -> str:
    p = possessive
    return rf"(?:{_WS}+{p}(?:[,;/\-]{_WS}*{p})?|[,;]{_WS}*{p})"


# What stands before the separator: a name's last letter, not a digit ("NHS 4347 635 311" ends
# in a spaced number, not an age). Python looks ahead for it; RE2, which cannot, takes it and
# puts it back. No separator's character is in it, so RE2 cannot shorten the separator to find
# one where Python's possessive separator finds none.
_BEFORE = r"[^0-9\t\n\f\r ,;/\-]"
# Possessive for Python's backtracking engine; RE2, linear anyway, has no possessive repeats
# and reads the cell's trailing spaces itself, where Python strips them first.
_AGE_REVERSED = re.compile(rf"{_AGE}{_separator('+')}(?={_BEFORE})", re.ASCII | re.IGNORECASE)
_AGE_REVERSED_RE2 = rf"(?i)^{_WS}*{_AGE}{_separator('')}({_BEFORE})"
_DIGIT = re.compile(r"[0-9]")
_RE2_SPACES = "\t\n\f\r "


def cut(cell: str) -> str:
    """The cell without an age at its end (and the spaces and comma before it)."""
    bare = cell.rstrip(_RE2_SPACES)
    found = _AGE_REVERSED.match(bare[::-1])
    return bare[: len(bare) - found.end()] if found else cell


def cut_cells(cells: list[str | None]) -> list[str | None]:
    """``cut`` of each cell; a column without a digit has no age and is handed back as is."""
    if _DIGIT.search("\x00".join(c for c in cells if c is not None)) is None:
        return cells
    return [None if c is None else cut(c) for c in cells]


def cut_column(values: pa.Array) -> pa.Array:
    """``cut`` of each cell, in Arrow (the same pattern, so the same cells lose the same ages)."""
    if not pc.any(pc.match_substring_regex(values, "[0-9]")).as_py():
        return values
    reversed_ = pc.replace_substring_regex(pc.utf8_reverse(values), _AGE_REVERSED_RE2, r"\1")
    return pc.utf8_reverse(reversed_)
