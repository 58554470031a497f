"""SQL dumps (MySQL/MariaDB and SQL Server ``INSERT``, Oracle ``INSERT``, PostgreSQL ``COPY ...
FROM stdin``) read as tables.

Column names come from ``CREATE TABLE`` (or the statement's own column list), so a dump's
``patients`` table is typed exactly like a CSV export of it. Values are tokenised, never executed.
SQL Server's and Oracle's ways of writing a value are read as the value they write (``_plain``):
``N'...'`` strings, and a literal wrapped in ``CAST``/``CONVERT``/``TO_DATE`` or ``DATE '...'``.
SQL Server scripts end statements with ``GO`` lines or not at all, so an ``INSERT`` ends where the
next statement starts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from breachdesk.ingest.sniff import decode, text_stream
from breachdesk.readers.base import Item, ReaderError, Table, transpose
from breachdesk.readers.delimited import CHUNK_ROWS

_CREATE = re.compile(
    r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?P<name>[`\"\[\]\w.]+)\s*\("
    r"(?P<body>(?:(?!CREATE\s{1,32}TABLE\s).)*?)\)\s*"
    r"(?:ENGINE|WITH|TABLESPACE|ON\s|GO\b|;)",
    re.IGNORECASE | re.DOTALL,
)
_INSERT = re.compile(
    r"INSERT\s+(?:IGNORE\s+)?(?:INTO\s+)?(?P<name>[`\"\[\]\w.]+)\s*(?:\((?P<cols>[^()]*)\)\s*)?"
    r"VALUES\s*",
    re.IGNORECASE,
)
_COPY = re.compile(
    r"^COPY\s+(?P<name>[\"\w.]+)(?:\s*\((?P<cols>[^()]*)\))?\s+FROM\s+stdin;\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_KEYWORD = {_CREATE: "create", _INSERT: "insert", _COPY: "copy"}
_KEYWORDS = {"primary", "key", "unique", "constraint", "index", "foreign", "check", "fulltext"}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "", "\\": "\\", "'": "'", '"': '"'}


def _bare(name: str) -> str:
    return name.strip().strip('`"[]').split(".")[-1].strip('`"[]')


def _columns(body: str) -> list[str]:
    names = []
    depth, start = 0, 0
    for i, ch in enumerate(body + ","):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            words = body[start:i].split()
            start = i + 1
            if words and words[0].strip('`"[]').lower() not in _KEYWORDS:
                names.append(_bare(words[0]))
    return names


# A row of simple values: each value unquoted text, or one quoted string (backslash escapes and
# doubled quotes inside) with unquoted text around it, after a gap with no quote, bracket, ";" or
# backslash. ``_tuples`` reads a run of such rows at once and hands anything else (a second
# quoted part, nested brackets, a ";" or a backslash outside quotes, a quote between rows) to
# ``_tuples_slow`` a row at a time.
_UNQUOTED = r"[^'\\(),;]*+"
# The quoted string's loop unrolled: a run of plain characters, then an escape or a doubled quote
# and another run (an alternation tried per character is several times slower in ``re``).
_STRING = r"[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+"
_QUOTED = rf"'({_STRING})'"
_VALUE = rf"{_UNQUOTED}(?:'{_STRING}'{_UNQUOTED})?"
_ROW = rf"[^'(;\\]*+\({_VALUE}(?:,{_VALUE})*+\)"
_RUN = re.compile(rf"(?:{_ROW})*+", re.DOTALL)
_INSIDE = re.compile(rf"[^'(;\\]*+\(({_VALUE}(?:,{_VALUE})*+)\)", re.DOTALL)
# A value and what ends it, over rows' insides joined with ")": no ")" stands outside quotes
# inside a simple row, so each ")" found unquoted ends a row.
_CELL = re.compile(rf"({_UNQUOTED})(?:{_QUOTED}({_UNQUOTED}))?([,)])", re.DOTALL)
# The statement ends here when the first quote, "(" or ";" ahead is a ";": found by one search
# for any of the three, which stays linear however often it is tried.
_STOP = re.compile(r"['(;]")
_ESCAPE = re.compile(r"\\(.)|''", re.DOTALL)


# SQL Server and Oracle write a value as a literal in a wrapping: ``N'Grace'``, ``CAST(N'1952-01-12'
# AS Date)``, ``CONVERT(datetime, '12/01/1952', 103)``, ``TO_DATE('12-JAN-1952','DD-MON-YYYY')``,
# ``DATE '1952-01-12'``. Each is rewritten as its literal before the rows are read; string
# literals are matched whole first, so nothing inside a string is ever rewritten. (Neither
# dialect escapes with backslashes: a quote in a string is doubled.)
_LITERAL = r"'(?:[^']|'')*+'"
_S = r"\s*+"  # possessive: nothing after a run of spaces here can take a space back
_WRAPPED = re.compile(
    rf"(?P<string>{_LITERAL})"
    rf"|(?<![\w'])N(?P<national>{_LITERAL})"
    rf"|\b(?:CAST|TRY_CAST){_S}\({_S}N?(?P<cast>{_LITERAL})\s++AS\s++\w++"
    rf"(?:{_S}\({_S}\d++(?:{_S},{_S}\d++)?{_S}\))?{_S}\)"
    rf"|\b(?:CONVERT|TRY_CONVERT){_S}\({_S}\w++(?:{_S}\({_S}\d++{_S}\))?{_S},{_S}"
    rf"N?(?P<convert>{_LITERAL})(?:{_S},{_S}\d++)?{_S}\)"
    rf"|\bTO_(?:DATE|TIMESTAMP|CHAR|NUMBER){_S}\({_S}(?P<to>{_LITERAL})(?:{_S},{_S}{_LITERAL}){{0,2}}{_S}\)"
    rf"|\b(?:DATE|TIMESTAMP)\s++(?P<typed>{_LITERAL})",
    re.IGNORECASE,
)
_WRAPPERS = (
    "N'",
    "n'",
    "CAST",
    "cast",
    "CONVERT",
    "convert",
    "TO_",
    "to_",
    "DATE '",
    "TIMESTAMP '",
)


def _literal(match: re.Match[str]) -> str:
    return match.group(match.lastgroup or "string")


def _plain(text: str) -> str:
    """``text`` with SQL Server's and Oracle's wrapped literals written as plain literals."""
    if not any(wrapper in text for wrapper in _WRAPPERS):
        return text
    if "\\'" in text:  # MySQL's backslash escapes: a dialect that wraps nothing, quoted otherwise
        return text
    return _WRAPPED.sub(_literal, text)


# A SQL Server script's batch separator: a statement ends there as at a ";".
_GO = re.compile(r"^[ \t]*+GO[ \t]*+$", re.IGNORECASE | re.MULTILINE)


def _unescape(match: re.Match[str]) -> str:
    char = match.group(1)
    return "'" if char is None else _ESCAPES.get(char, char)


@dataclass
class _Grid:
    """Rows of one width, their cells in one string array, row after row."""

    cells: pa.Array
    width: int

    def __len__(self) -> int:
        return len(self.cells) // self.width

    def rows(self) -> list[list[str]]:
        cells, width = self.cells.to_pylist(), self.width
        return [cells[i : i + width] for i in range(0, len(cells), width)]


_Piece = list[list[str]] | _Grid


def _rows(run: str) -> _Piece:
    """The rows of a run ``_RUN`` matched, read as ``_tuples_slow`` reads them."""
    if _MARK in run or _QUOTE in run:  # the marks below would be ambiguous
        insides = [match.group(1) for match in _INSIDE.finditer(run)]
        return _regex_rows(")".join(insides) + ")")
    # In such a run a backslash stands only in a string and starts an escape: each is read
    # first, an escaped quote as a mark (a quote would upset the quotes' alternation).
    escaped = "\\" in run
    if escaped:
        run = _PAIR.sub(_unpair, run)
    pieces = run.split("'")
    strings = pieces[1::2]
    unquoted = _MARK.join(pieces[0::2])
    quoted = escaped and _QUOTE in run
    grid = _grid(unquoted, strings, quoted)
    if grid is not None:
        return grid
    if quoted:
        strings = [string.replace(_QUOTE, "'") for string in strings]
    return _plain_rows(unquoted, iter(strings))


# Two characters no text of a simple row may hold (such rows take ``_regex_rows``): a string's
# place in the unquoted text, and an escaped quote.
_MARK, _QUOTE = "\x00", "\x01"
_PAIR = re.compile(r"\\(.)", re.DOTALL)


def _unpair(match: re.Match[str]) -> str:
    char = match.group(1)
    return _QUOTE if char == "'" else _ESCAPES.get(char, char)


def _regex_rows(joined: str) -> list[list[str]]:
    found = _CELL.findall(joined)
    tokens = [
        (
            before
            + (_ESCAPE.sub(_unescape, quoted) if "\\" in quoted or "''" in quoted else quoted)
            + after
        ).strip()
        for before, quoted, after, _end in found
    ]
    cells = ["" if token.upper() == "NULL" else token for token in tokens]
    ends = [i + 1 for i, cell in enumerate(found) if cell[3] == ")"]
    return [cells[start:end] for start, end in zip([0, *ends], ends, strict=False)]


def _plain_rows(unquoted: str, strings: Iterator[str]) -> list[list[str]]:
    """Rows split with ``str.split`` (a regex match per value costs several times more).
    Without escapes the quotes alternate, opening and closing, so the pieces between them
    alternate unquoted and quoted; each string is marked in the unquoted text, where "(" now
    only opens a row and the first ")" after it closes the row, and values split at ",". A
    doubled quote inside a string reads as two strings with nothing between them, so a value
    with ``k`` marks is its strings joined by "'" (a simple row has one string per value).
    """
    out = []
    for row in unquoted.split("(")[1:]:
        tokens = [
            next(strings).strip()
            if cell == _MARK
            else (cell.strip() if _MARK not in cell else _marked(cell, strings))
            for cell in row[: row.index(")")].split(",")
        ]
        out.append(["" if token.upper() == "NULL" else token for token in tokens])
    return out


# A row's inside in ``_plain_rows``' unquoted text: "(" only opens a row there, and no row's
# inside holds a "(" or ")". Excluding "(" as well keeps it linear on any text: with ``[^)]*``
# each of a run of unclosed "(" would scan to the end (quadratic; 11 CPU s on 50,000 of them).
_ROW_INSIDE = re.compile(r"\(([^()]*)\)")
_MARK_CELL = pa.scalar(_MARK, pa.string())
_NULL_WORD = pa.scalar("NULL", pa.string())
_EMPTY = pa.scalar("", pa.string())


def _grid(unquoted: str, strings: list[str], quoted: bool = False) -> _Grid | None:
    """``_plain_rows``' reading as a ``_Grid`` when every row has one width and each string is
    a value of its own (no text around it, no doubled quote): every value is then a piece of
    the insides joined and split at ",", a string's value the next string, and the stripping
    and NULL reading are Arrow calls over all cells at once, not Python steps per value. (Arrow
    trims and upper-cases exactly the characters ``str`` does: pinned in the tests.) None
    where that does not hold. ``quoted``: the strings hold escaped quotes as ``_QUOTE``, put
    back here (only strings can hold one)."""
    insides = _ROW_INSIDE.findall(unquoted)
    if not insides:
        return None
    commas = [inside.count(",") for inside in insides]
    if min(commas) != max(commas):
        return None
    tokens = ",".join(insides).split(",")
    # One mark per string: every string is a value exactly when that many values are a mark.
    if tokens.count(_MARK) != len(strings):
        return None
    try:
        cells = pa.array(tokens, pa.string())
        if strings:
            marked = pc.equal(cells, _MARK_CELL)
            cells = pc.replace_with_mask(cells, marked, pa.array(strings, pa.string()))
            if quoted:
                cells = pc.replace_substring(cells, _QUOTE, "'")
    except (pa.ArrowException, UnicodeEncodeError):  # past 2 GB of text, or a lone surrogate
        return None
    if isinstance(cells, pa.ChunkedArray):
        return None
    cells = pc.utf8_trim_whitespace(cells)
    return _Grid(_emptied(cells, pc.equal(pc.utf8_upper(cells), _NULL_WORD)), commas[0] + 1)


def _emptied(cells: pa.Array, found: pa.Array) -> pa.Array:
    return pc.if_else(found, _EMPTY, cells) if found.true_count else cells


_COPY_NULL = pa.scalar("\\N", pa.string())


def _copy_grid(lines: list[str]) -> _Grid | None:
    """``COPY`` rows (``\\N`` read as empty) as a ``_Grid`` when every line has one width: their
    cells split in one call and the nulls found in one, not a Python step per value."""
    tabs = [line.count("\t") for line in lines]
    if not tabs or min(tabs) != max(tabs):
        return None
    try:
        cells = pa.array("\t".join(lines).split("\t"), pa.string())
    except (pa.ArrowException, UnicodeEncodeError):
        return None
    if isinstance(cells, pa.ChunkedArray):
        return None
    return _Grid(_emptied(cells, pc.equal(cells, _COPY_NULL)), tabs[0] + 1)


def _marked(cell: str, strings: Iterator[str]) -> str:
    before, *_, after = cell.split(_MARK)
    quoted = "'".join([next(strings) for _ in range(cell.count(_MARK))])
    return (before + quoted + after).strip()


def _tuples(text: str, pos: int) -> tuple[list[list[str]], int]:
    """Rows of a VALUES list starting at ``pos``; returns them and the offset after the ``;``."""
    pieces, end = _pieces(text, pos)
    return [row for piece in pieces for row in _listed(piece)], end


def _listed(piece: _Piece) -> list[list[str]]:
    return piece.rows() if isinstance(piece, _Grid) else piece


def _pieces(text: str, pos: int) -> tuple[list[_Piece], int]:
    """``_tuples``' rows in pieces (none empty), runs of simple rows as ``_Grid`` where they can.

    Exactly ``_tuples_slow``'s reading (fuzzed against it in the tests), one regex match per run
    of simple rows instead of a Python step per character: between rows both stand outside any
    row and quote, so each row either parser reads leaves the other where it would have been.
    """
    pieces: list[_Piece] = []
    while True:
        run_end = _RUN.match(text, pos).end()  # type: ignore[union-attr]  # "*" always matches
        if run_end > pos:
            piece = _rows(text[pos:run_end])
            if len(piece):
                pieces.append(piece)
            pos = run_end
        stop = _STOP.search(text, pos)
        if stop is not None and stop.group() == ";":
            return pieces, stop.end()
        more, pos, done = _tuples_slow(text, pos, one_row=True)
        if more:
            pieces.append(more)
        if done:
            return pieces, pos


def _tuples_slow(text: str, pos: int, one_row: bool = False) -> tuple[list[list[str]], int, bool]:
    """Rows of a VALUES list, a character at a time; with ``one_row``, stops after the first row.
    Returns the rows, the offset reached and whether the list ended (its ``;`` or the text's end).
    """
    rows: list[list[str]] = []
    row: list[str] = []
    value: list[str] = []
    quoted = in_row = False
    i, n = pos, len(text)
    while i < n:
        ch = text[i]
        if quoted:
            if ch == "\\" and i + 1 < n:
                value.append(_ESCAPES.get(text[i + 1], text[i + 1]))
                i += 2
                continue
            if ch == "'":
                if i + 1 < n and text[i + 1] == "'":
                    value.append("'")
                    i += 2
                    continue
                quoted = False
            else:
                value.append(ch)
        elif ch == "'":
            quoted = True
        elif ch == "(" and not in_row:
            in_row, row, value = True, [], []
        elif ch in ",)" and in_row:
            token = "".join(value).strip()
            row.append("" if token.upper() == "NULL" else token)
            value = []
            if ch == ")":
                rows.append(row)
                in_row = False
                if one_row:
                    return rows, i + 1, False
        elif ch == ";" and not in_row:
            return rows, i + 1, True
        elif in_row:
            value.append(ch)
        i += 1
    return rows, n, True


def _table(name: str, header: list[str], rows: list[list[str]]) -> Table:
    width = max([len(header), *(len(r) for r in rows)]) if rows else len(header)
    header = header + [f"column_{i + 1}" for i in range(len(header), width)]
    columns = transpose(rows, width)
    return Table(header=header, columns=columns, first_row=1, prefix=f"table:{name}!")


def _table_of(name: str, header: list[str], pieces: list[_Piece]) -> Table:
    """``_table`` of the pieces' rows; when they are all grids of one width, its columns are
    taken from the cells as Arrow arrays (the same cells, with no Python list between)."""
    widths = {piece.width if isinstance(piece, _Grid) else -1 for piece in pieces}
    if len(widths) == 1 and (width := widths.pop()) > 0:
        grids = [piece.cells for piece in pieces if isinstance(piece, _Grid)]
        try:
            cells = pa.concat_arrays(grids) if len(grids) > 1 else grids[0]
        except pa.ArrowException:  # past a string array's 2 GB: read as lists
            cells = None
        if cells is not None:
            n = len(cells) // width
            columns = [pc.take(cells, np.arange(i, len(cells), width)) for i in range(width)]
            # A header longer than the rows: their missing cells are empty, as ``transpose``
            # pads them.
            columns += [pa.array([""] * n, pa.string())] * max(0, len(header) - width)
            full = header + [f"column_{i + 1}" for i in range(len(header), width)]
            return Table(header=full, columns=columns, first_row=1, prefix=f"table:{name}!")
    return _table(name, header, [row for piece in pieces for row in _listed(piece)])


@dataclass
class _Inserts:
    """Rows of consecutive ``INSERT`` statements into one table, gathered into one ``Table`` of
    up to ``CHUNK_ROWS``: a dump splits a table into statements of a few hundred rows, and typing
    and validating a table costs the same whether it holds ten rows or ten thousand. Rows number
    on across statements (``table:patients!row:N`` is the table's N-th row)."""

    seen: dict[str, int] = field(default_factory=dict)
    name: str = ""
    header: list[str] = field(default_factory=list)
    pieces: list[_Piece] = field(default_factory=list)
    count: int = 0  # rows in ``pieces``
    first: int = 1

    def add(self, name: str, header: list[str], pieces: list[_Piece]) -> Iterator[Table]:
        if self.pieces and (name != self.name or header != self.header):
            yield from self.flush()
        if not self.pieces:
            self.name, self.header, self.first = name, header, self.seen.get(name, 0) + 1
        rows = sum(map(len, pieces))
        self.pieces.extend(pieces)
        self.count += rows
        self.seen[name] = self.seen.get(name, 0) + rows
        if self.count >= CHUNK_ROWS:
            yield from self.flush()

    def flush(self) -> Iterator[Table]:
        if self.pieces:
            out = _table_of(self.name, self.header, self.pieces)
            out.first_row = self.first
            self.pieces, self.count = [], 0
            yield out


# Besides the ASCII letters, ``re.IGNORECASE`` lets "i" match U+0130 and U+0131 and "s" the long
# s; no other character matches a letter of the keywords. Each becomes its ASCII letter before the
# text is lowered (U+0130 would lower to two characters), so offsets stay those of the text.
_FOLDS_ODDLY = (("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s"))


def _keywords(text: str) -> Callable[[re.Pattern[str]], Iterator[re.Match[str]]]:
    """``pattern.finditer(text)`` for the statement patterns, each of which starts with its
    keyword: tried only where the lowered text holds the keyword, found by ``str.find``
    (a case-insensitive regex search steps through the whole text in Python's ``re``)."""
    folded = text
    for odd, letter in _FOLDS_ODDLY:
        folded = folded.replace(odd, letter)
    lowered = folded.lower()

    def finditer(pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        word = _KEYWORD[pattern]
        at = lowered.find(word)
        while at != -1:
            match = pattern.match(text, at)
            at = lowered.find(word, match.end() if match else at + 1)
            if match:
                yield match

    return finditer


def read(data: bytes, name: str) -> Iterator[Item]:
    text, _ = decode(data)
    text = _GO.sub(";", _plain(text))
    finditer = _keywords(text)
    schemas = {_bare(m.group("name")): _columns(m.group("body")) for m in finditer(_CREATE)}
    inserts = _Inserts()
    yield from _inserts(text, finditer, schemas, inserts)
    yield from inserts.flush()
    for match in finditer(_COPY):
        table = _bare(match.group("name"))
        header = _columns(match.group("cols")) if match.group("cols") else schemas.get(table, [])
        end = text.find("\n\\.", match.end())
        block = text[match.end() : end if end != -1 else len(text)].strip("\n")
        lines = [line for line in block.split("\n") if line]
        grid = _copy_grid(lines)
        if grid is not None:
            yield _table_of(table, header, [grid])
        elif lines:
            rows = [["" if v == "\\N" else v for v in line.split("\t")] for line in lines]
            yield _table(table, header, rows)


_UNESCAPED_QUOTE = re.compile(r"(?<!\\)(?:\\\\)*'")
_COPY_LINE = re.compile(
    r"^COPY\s+(?P<name>[\"\w.]+)(?:\s*\((?P<cols>[^()]*)\))?\s+FROM\s+stdin;", re.I
)


def read_stream(stream: BinaryIO, name: str) -> Iterator[Item]:
    """A dump of any size, a statement at a time: lines are gathered until a statement ends
    (a line ending in ``;`` outside quotes), and ``COPY`` rows are read line by line."""
    schemas: dict[str, list[str]] = {}
    inserts = _Inserts()
    statement: list[str] = []
    quotes = size = 0  # size: the statement's characters so far, kept as it grows
    lines = iter(text_stream(stream))
    for line in lines:
        copy = _COPY_LINE.match(line) if not statement else None
        if copy:
            yield from inserts.flush()
            yield from _copy_rows(copy, lines, schemas)
            continue
        if statement and quotes % 2 == 0 and _STARTS_STATEMENT.match(line):
            # A SQL Server script: the last statement had no ";" (or a GO line ended it).
            yield from _statements("".join(statement), schemas, inserts)
            statement, quotes, size = [], 0, 0
        statement.append(line)
        size += len(line)
        quotes += len(_UNESCAPED_QUOTE.findall(line))
        if quotes % 2 == 0 and line.rstrip().endswith(";"):
            yield from _statements("".join(statement), schemas, inserts)
            statement, quotes, size = [], 0, 0
        elif size > _MAX_STATEMENT:
            raise ReaderError(f"an SQL statement longer than {_MAX_STATEMENT} characters")
    if statement:
        yield from _statements("".join(statement), schemas, inserts)
    yield from inserts.flush()


_MAX_STATEMENT = 64 * 2**20
_STARTS_STATEMENT = re.compile(r"^[ \t]*+(?:INSERT\s|CREATE\s|GO[ \t]*+$)", re.IGNORECASE)


def _statements(text: str, schemas: dict[str, list[str]], inserts: _Inserts) -> Iterator[Table]:
    text = _GO.sub(";", _plain(text))
    finditer = _keywords(text)
    for match in finditer(_CREATE):
        schemas[_bare(match.group("name"))] = _columns(match.group("body"))
    yield from _inserts(text, finditer, schemas, inserts)


def _inserts(
    text: str,
    finditer: Callable[[re.Pattern[str]], Iterator[re.Match[str]]],
    schemas: dict[str, list[str]],
    inserts: _Inserts,
) -> Iterator[Table]:
    """The rows of each ``INSERT``, up to its ``;`` or, where a script leaves the ``;`` out (SQL
    Server's), the next ``INSERT``: its column list is no row of this one."""
    matches = finditer(_INSERT)
    match = next(matches, None)
    while match is not None:
        following = next(matches, None)
        table = _bare(match.group("name"))
        header = _columns(match.group("cols")) if match.group("cols") else schemas.get(table, [])
        if following is not None and text.find(";", match.end(), following.start()) == -1:
            pieces, _end = _pieces(text[match.end() : following.start()], 0)
        else:
            pieces, _end = _pieces(text, match.end())
        if pieces:
            yield from inserts.add(table, header, pieces)
        match = following


def _copy_rows(
    match: re.Match[str], lines: Iterator[str], schemas: dict[str, list[str]]
) -> Iterator[Table]:
    table = _bare(match.group("name"))
    header = _columns(match.group("cols")) if match.group("cols") else schemas.get(table, [])
    rows: list[list[str]] = []
    first = 1
    for line in lines:
        line = line.rstrip("\r\n")
        if line == "\\.":
            break
        rows.append(["" if v == "\\N" else v for v in line.split("\t")])
        if len(rows) >= CHUNK_ROWS:
            out = _table(table, header, rows)
            out.first_row = first
            yield out
            first += len(rows)
            rows = []
    if rows:
        out = _table(table, header, rows)
        out.first_row = first
        yield out
