"""The rows of a delimited text as ``sniff.delimiter`` counts them, and the damage they may carry
that must not make it call the text prose: a file cut off mid-row or inside a quoted cell (a
partial copy, an exfiltrated fragment), and a row or two with one delimiter too many (an
unquoted comma in an address: "Flat 3, Rose Court").
"""

from __future__ import annotations

# Where a quote opens a cell: at a row's start or just after a delimiter (or a line break of a
# cell before it). A quote anywhere else is the text's own (5'10", an inch mark).
_CELL_OPENERS = ",\t|;\n"


def cut_row(text: str, rows: list[str]) -> bool:
    """Whether the last of ``rows`` ends ``text`` without a line break: the file (or its
    sample) was cut off there, maybe mid-row, and the row may hold fewer fields than the rest."""
    return bool(rows) and text[-1:] not in ("\n", "\r") and text.endswith(rows[-1])


def without_cut(counts: list[int], cut: bool) -> list[int]:
    """Each row's count of a delimiter, the cut last row's left out where it holds fewer than
    the row above it: its missing fields were never written, they are no other layout."""
    if cut and len(counts) > 2 and counts[-1] < counts[-2]:
        return counts[:-1]
    return counts


def opens_cut_cell(row: str) -> bool:
    """Whether a row's quote never closed opens a cell (``_CELL_OPENERS``): with no line left
    to close it, the file was cut inside that quoted cell. (With an odd number of quotes, the
    one left open when they pair from the start is the last.)"""
    at = row.rfind('"')
    return at == 0 or (at > 0 and row[at - 1] in _CELL_OPENERS)


def agreeing(tail: list[int], common: int) -> float:
    """How many rows agree on ``common`` delimiters: those with exactly as many, and half of
    each row with one more (a cell's own unquoted delimiter: "Flat 3, Rose Court"), in a table
    of four columns at least, whose rows prose does not hold so many delimiters alike. (Half:
    a delimiter every row agrees on exactly still wins.)"""
    exact = tail.count(common)
    if common < 3:
        return exact
    return exact + min(tail.count(common + 1), exact) / 2


def first_lines(text: str, n: int) -> list[str]:
    """``text.splitlines()[:n]`` from a head of the text that holds them: a reader passes a
    200 kB sample, and splitting it whole cost more than the rest of ``delimiter``. A head split
    into more than ``n`` pieces holds the first ``n`` lines whole, each ended inside it (a
    ``\r\n`` cut at the head's end can only end the last piece)."""
    size = 8192
    while size < len(text):
        lines = text[:size].splitlines()
        if len(lines) > n:
            return lines[:n]
        size *= 4
    return text.splitlines()[:n]


_ROW_LINES = 32  # physical lines a quoted cell may run over (an address, a comment)


def rows(text: str, n: int) -> list[str]:
    """The first ``n`` rows of a delimited text: a quoted cell may hold line breaks (an
    address typed over three lines in a spreadsheet), and its row goes on until the quote
    closes. Lines stay apart where a quote is never closed within ``_ROW_LINES`` of them (a
    stray quote in prose); but a quote opening a cell that the text ends inside (a file cut
    off in a comment) runs to the end, closed there, as the csv module reads it."""
    # Without a quote in the first ``n`` lines, each is a row whatever the lines below hold:
    # the four times as many, which a quoted cell's line breaks may need, are not split.
    head = first_lines(text, n)
    if not any('"' in line for line in head):
        return head
    lines = first_lines(text, n * 4)
    rows: list[str] = []
    at = 0
    while at < len(lines) and len(rows) < n:
        row, end = lines[at], at + 1
        odd = row.count('"') % 2  # (kept as lines are joined on, not counted again)
        while odd and end < min(len(lines), at + _ROW_LINES):
            odd ^= lines[end].count('"') % 2
            row, end = f"{row}\n{lines[end]}", end + 1
        if odd and end == len(lines) and opens_cut_cell(row):
            row += '"'  # the text cut off inside a quoted cell: the cell runs to its end
        elif odd:
            row, end = lines[at], at + 1  # never closed: the line alone
        rows.append(row)
        at = end
    return rows
