"""What stands at a table's edges in a report's export: a group row over its header, a footer
under its rows.

An EMIS search exported to Excel or CSV names a test once, in merged cells over its columns
("HIV viral load" over "Date | Value", "CD4 count" over the next "Date | Value"): the header row
alone says "Value" twice and no test, so every row lost its results. Such a group row is read
into the names of the columns under it ("HIV viral load Value", "HIV viral load Date"), which
the column typing reads as the test's; a group naming no test ("Patient Details") is left out.

A search's or report's export ends with a count ("Total patients: 3", "Population count,3",
"End of report"): read as a row, it was one more person's row in the table's first column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# A header's own kinds under which a group's test name belongs: what the test gave, and when.
_GENERIC = frozenset({"result", "units", "other_date", "collected_at", "received_at"})
# A cell a group row holds: a few words over its columns, no sentence, no label's colon.
_GROUP_CELL = re.compile(r"[^\W\d_][^:\n]{0,39}")

# A footer's count ("Total patients: 3", "Population count" beside "3"), and a report's closing
# line ("End of report", "Page 2 of 2", "3 records", "Printed on 14/03/2024 by LTANNER").
_NOUNS = r"(?:patients?|records?|rows?|people|persons|results?|items?|entries|matches|clients?)"
_COUNT_LINE = re.compile(
    rf"\W{{0,3}}(?:(?:grand\s)?totals?(?:\s(?:no\.?|number)(?:\sof)?)?(?:\s{_NOUNS})?"
    rf"|(?:{_NOUNS}|population)\s(?:count|total|found|listed|returned|selected)|count"
    rf"|(?:number|no\.?)\sof\s{_NOUNS})\s{{0,3}}[:=]?\s{{0,3}}(\d[\d,]{{0,12}})?\.?",
    re.I,
)
_CLOSING = re.compile(
    rf"(?i)\W{{0,5}}(?:end\s(?:of\s)?(?:report|search|list|file|results?|data)\b"
    rf"|page\s\d{{1,4}}\b|(?:printed|generated|exported|produced|run)\s(?:on|by|at|date)\b"
    rf"|\d{{1,9}}\s{_NOUNS}\b)"
)
_NUMBER = re.compile(r"\d[\d,]{0,12}")
# Rows at a table's end looked at for a footer (blank rows between it and the rows included).
FOOTER_ROWS = 5


def is_group_row(row: Sequence[str], header: Sequence[str]) -> bool:
    """Whether ``row``, just above ``header``, groups its columns: a few labels, each over
    several of the header's (the merged cells to its right left blank or repeating it), fewer
    than the header names; not a title (one cell in the first column) nor a form's label and
    value."""
    if len(row) != len(header) or len(row) < 2:
        return False
    cells = [c.strip() for c in row]
    filled = [(j, c) for j, c in enumerate(cells) if c]
    distinct = {c for _, c in filled}
    if not filled or len(distinct) >= sum(1 for h in header if h.strip()):
        return False
    if len(distinct) < 2 and filled[0][0] == 0:
        return False
    if not all(_GROUP_CELL.fullmatch(c) for c in distinct):
        return False
    return any(
        j + 1 < len(cells) and cells[j + 1] in ("", c) and header[j + 1].strip() for j, c in filled
    )


def group_header(row: Sequence[str], header: Sequence[str]) -> list[str]:
    """``header``'s names, each under a group that names a test (``is_group_row``'s row)
    given the test's name when the header's own says only what of a test it holds ("Value",
    "Date", "Units")."""
    from breachdesk.detect.columns import header_kind  # the synonyms, loaded once

    names: list[str] = []
    group = ""
    for cell, sub in zip(row, header, strict=True):
        group = cell.strip() or group
        sub = sub.strip()
        kind = header_kind(group) if group and group != sub else None
        if kind and kind.startswith("analyte:") and (not sub or header_kind(sub) in _GENERIC):
            names.append(f"{group} {sub}".rstrip())
        else:
            names.append(sub)
    return names


def footer_start(rows: Sequence[Sequence[str]]) -> int:
    """Where a footer ("Total patients: 3", with the blank rows above it and the lines of one
    cell after it, a prompt or a signature) starts among a table's last rows, or ``len(rows)``
    where it has none."""
    cut = at = len(rows)
    while at and len(rows) - at < FOOTER_ROWS:
        filled = [c.strip() for c in rows[at - 1] if c and c.strip()]
        if len(filled) > 2 or (filled and not _is_footer(filled) and len(filled) > 1):
            break
        at -= 1
        if filled and _is_footer(filled):
            cut = at
    while cut < len(rows) and cut and not any(c and c.strip() for c in rows[cut - 1]):
        cut -= 1
    return cut


def is_footer(row: Sequence[str]) -> bool:
    """Whether a row is a footer's ("Total patients: 3")."""
    filled = [c.strip() for c in row if c and c.strip()]
    return bool(filled) and _is_footer(filled)


def _is_footer(filled: list[str]) -> bool:
    """A count alone or beside its number, or a closing line: a "Total cholesterol | 5.2"
    is a result."""
    if len(filled) == 1:
        count = _COUNT_LINE.fullmatch(filled[0])
        return bool(count and count[1]) or _CLOSING.match(filled[0]) is not None
    if len(filled) == 2:
        count = _COUNT_LINE.fullmatch(filled[0])
        return bool(count and not count[1]) and _NUMBER.fullmatch(filled[1]) is not None
    return False


# A database shell's printout of a query's rows: psql's rule under its header ("-----+-----"),
# MySQL's and SQLite's boxes ("+-----+-----+" above, under the header and below; "| a | b |"
# rows). Its rules are no rows, and a box's outer bars would make an empty first and last
# column of every row, so a row of labels read as no header and the printout as prose.
_SHELL_RULE = re.compile(r"[ \t]{0,4}(?:\+?-{2,}(?:\+-{2,}){1,200}\+?|\+-{2,}\+)[ \t]{0,4}")


# Any rule drawn across a table in text: bars, pluses, colons (Markdown's alignment), spaces and
# a run of dashes or equals ("------+------", "+====+====+", "|:---|---:|"), a line of nothing
# else: no row, for the sniffer's count of delimiters and for ``markup_tables``.
DRAWN_RULE = re.compile(r"[ \t]{0,12}[|+:]?[ \t:]{0,4}(?:-{3}|={3})[-=+|: \t]{0,8000}")


# The same drawn in Unicode's box-drawing characters (DuckDB's shell, SQLite's ".mode box",
# psql's "linestyle unicode"): bars to "|", lines to "-", corners and joints to "+".
_BOX_ASCII = str.maketrans(
    {**dict.fromkeys("│┃║", "|"), **dict.fromkeys("─━═", "-"),
     **dict.fromkeys("┌┬┐├┼┤└┴┘╭╮╰╯┏┳┓┣╋┫┗┻┛╔╦╗╠╬╣╚╩╝╞╪╡╟╫╢", "+")}
)  # fmt: skip


def ascii_boxes(text: str) -> str:
    """``text`` with a box drawn in Unicode's characters drawn in ASCII's (each character one,
    so offsets stay); any other text as it was."""
    return text.translate(_BOX_ASCII) if "│" in text[:8192] or "║" in text[:8192] else text


# DuckDB's shell prints each column's type under its name ("int64", "varchar", "date").
_SQL_TYPE = re.compile(
    r"(?i)u?(?:tiny|small|big|huge)?int(?:eger|8|16|32|64|128)?|varchar|text|string|date"
    r"|time(?:stamp)?(?:[ _]?(?:with time zone|tz|s|ms|ns))?|double|float|real|bool(?:ean)?"
    r"|decimal\(\d{1,2},\d{1,2}\)|blob|uuid|interval|json|bit"
)


def _types_row(line: str) -> bool:
    cells = [cell.strip() for cell in line.strip(" |").split("|")]
    return len(cells) > 1 and all(_SQL_TYPE.fullmatch(cell) for cell in cells)


def unboxed(text: str) -> str:
    """``text`` with a shell printout's rules blanked and the outer bars taken off its boxed
    rows (lines stay where they were, so rows keep their numbers); any other text as it was."""
    text = ascii_boxes(text)
    # (The first 8 lines of 8 kB, from the first kB where it holds more than 8 pieces: those
    # are whole lines, each ended inside it.)
    head = text[:1024].splitlines()
    head = head[:8] if len(head) > 8 else text[:8192].splitlines()[:8]
    if not any(_SHELL_RULE.fullmatch(line) for line in head):
        return text
    boxed = any(line.strip().startswith("+") for line in head if _SHELL_RULE.fullmatch(line))
    lines = text.split("\n")
    for at, line in enumerate(lines):
        body = line.rstrip("\r")
        # (A row of types is the one under the header's labels, not a header of "date".)
        under_labels = 0 < at < 8 and lines[at - 1].strip() != ""
        if _SHELL_RULE.fullmatch(body) or (under_labels and _types_row(body)):
            lines[at] = line[len(body) :]
        elif boxed and len(inner := body.strip()) > 1 and inner[0] == inner[-1] == "|":
            lines[at] = inner[1:-1] + line[len(body) :]
    return "\n".join(lines)


def without_header_rows(header: list[str], cells: Sequence[Any]) -> list[pa.Array]:
    """A table's columns (``cells``: arrays or lists of strings) as Arrow arrays, with the rows
    that repeat the header blanked: a printout exported a page at a time ("Session, Patient
    Name, Hosp No" again over each page's rows) read each again as a person named "Patient Name"
    whose hospital number was "Hosp No". A row repeats it where two cells or more are their
    columns' labels and every other cell is empty."""
    columns = [c if isinstance(c, pa.Array) else pa.array(c, pa.string()) for c in cells]
    labelled = [(at, label.strip()) for at, label in enumerate(header) if label.strip()]
    if len(labelled) < 2 or not columns or not len(columns[0]):
        return columns
    at, label = labelled[0]  # (an exact label in one column gates the rest: most tables none)
    if not _may_hold(columns[at], label):
        return columns
    if not pc.any(pc.equal(pc.utf8_trim_whitespace(columns[at]), label)).as_py():
        return columns
    repeats = pa.array(np.ones(len(columns[0]), dtype=bool))
    named = pa.array(np.zeros(len(columns[0]), dtype=np.int64))
    for at, column in enumerate(columns):
        cell = pc.utf8_lower(pc.utf8_trim_whitespace(column))
        label = header[at].strip().lower() if at < len(header) else ""
        same = pc.fill_null(pc.equal(cell, label), False) if label else pa.scalar(False)
        empty = pc.fill_null(pc.equal(cell, ""), True)
        repeats = pc.and_(repeats, pc.or_(same, empty))
        named = pc.add(named, pc.cast(same, pa.int64()) if label else pa.scalar(0))
    drop = pc.and_(repeats, pc.greater_equal(named, 2))
    if not pc.any(drop).as_py():
        return columns
    null = pa.scalar(None, pa.string())
    return [pc.if_else(drop, null, pc.cast(column, pa.string())) for column in columns]


def _may_hold(column: pa.Array, label: str) -> bool:
    """Whether a cell of a text column may read ``label`` once trimmed: False where the label's
    bytes are nowhere in the column's data (one C search, where Arrow's trim and compare cost
    three calls of ~25 us a table, most of which repeat no header)."""
    if not pa.types.is_string(column.type) or column.null_count == len(column):
        return True
    data = column.buffers()[2]
    # (A big table's chunks share one buffer: copied whole for each, it would cost more.)
    if data is None or data.size > _SEARCHED_BYTES:
        return True
    return label.encode("utf-8") in data.to_pybytes()


_SEARCHED_BYTES = 1 << 22
