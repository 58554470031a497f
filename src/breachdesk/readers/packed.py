"""Where to cut the lines of a fixed-width extract printed without labels, its fields packed
side by side: a PAS or LIMS export of records of one length, each field padded with spaces to
its width and some filling theirs ("4918159206GREENWOOD           MAUREEN ANN         19480512F
BB2 4HT ANBOOK  K81022DR JONES").

Cut at its gaps of two spaces or more alone, a record's NHS number ran into its family name
and its date of birth into its sex and postcode: cells that no column typing reads. The lines
are cut where every one of them agrees a field starts:

- after a column of spaces that is padding in one line at least (two spaces or more there: a
  single space in every line is a gap inside a field, "DR JONES", "DR HUSSAIN");
- where three digits or more end and a letter follows in every line (a number's field ended,
  "4918159206|GREENWOOD", "19480512|F", "K81022|DR JONES"; a postcode's "4HT" has one);
- after a one-letter sex code so cut from a date, glued to the next field ("F|BB2 4HT").

The column typing then names what each column holds, as for a CSV printed without a header.
"""

from __future__ import annotations

MIN_WIDTH = 20  # a record shorter than this is no extract of several fields
_SEX = frozenset("FMUIN")  # female, male, unknown, indeterminate, not stated


def spans(lines: list[str]) -> list[tuple[int, int]] | None:
    """Where each field of ``lines`` (all of one length) starts and ends, or None where they
    agree on fewer than three fields."""
    size = len(lines[0])
    if size < MIN_WIDTH or any(len(line) != size for line in lines):
        return None
    starts = [0]
    for p in range(1, size):
        if all(line[p - 1] == " " for line in lines):
            if any(line[p] != " " for line in lines) and any(
                line[p - 2 : p] == "  " for line in lines
            ):
                starts.append(p)
        elif p >= 3 and all(line[p - 3 : p].isdigit() and line[p].isalpha() for line in lines):
            starts.append(p)
            if p + 1 < size and all(line[p] in _SEX and line[p + 1].isalnum() for line in lines):
                starts.append(p + 1)
    bounds = [
        (a, b)
        for a, b in zip(starts, [*starts[1:], size], strict=True)
        if any(line[a:b].strip() for line in lines)
    ]
    return bounds if len(bounds) >= 3 else None


def cut(line: str, bounds: list[tuple[int, int]]) -> list[str]:
    """A line's fields, ``bounds`` apart."""
    return [" ".join(line[a:b].split()) for a, b in bounds]
