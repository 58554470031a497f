"""SQL dumps (MySQL/MariaDB ``INSERT`` and PostgreSQL ``COPY ... FROM stdin``) read as tables.

Column names come from ``CREATE TABLE`` (or the statement's own column list), so a dump's
``patients`` table is typed exactly like a CSV export of it. Values are tokenised, never executed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from breachdesk.ingest.sniff import decode, text_stream
from breachdesk.readers.base import Item, ReaderError, Table, transpose
from breachdesk.readers.delimited import CHUNK_ROWS

_CREATE = re.compile(
    r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?P<name>[`\"\[\]\w.]+)\s*\("
    r"(?P<body>(?:(?!CREATE\s{1,32}TABLE\s).)*?)\)\s*"
    r"(?:ENGINE|WITH|TABLESPACE|;)",
    re.IGNORECASE | re.DOTALL,
)
_INSERT = re.compile(
    r"INSERT\s+(?:IGNORE\s+)?INTO\s+(?P<name>[`\"\[\]\w.]+)\s*(?:\((?P<cols>[^()]*)\)\s*)?VALUES\s*",
    re.IGNORECASE,
)
_COPY = re.compile(
    r"^COPY\s+(?P<name>[\"\w.]+)(?:\s*\((?P<cols>[^()]*)\))?\s+FROM\s+stdin;\s*$",
    re.IGNORECASE | re.MULTILINE,
)
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


def _tuples(text: str, pos: int) -> tuple[list[list[str]], int]:
    """Rows of a VALUES list starting at ``pos``; returns them and the offset after the ``;``."""
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
        elif ch == ";" and not in_row:
            return rows, i + 1
        elif in_row:
            value.append(ch)
        i += 1
    return rows, n


def _table(name: str, header: list[str], rows: list[list[str]]) -> Table:
    width = max([len(header), *(len(r) for r in rows)]) if rows else len(header)
    header = header + [f"column_{i + 1}" for i in range(len(header), width)]
    columns = transpose(rows, width)
    return Table(header=header, columns=columns, first_row=1, prefix=f"table:{name}!")


@dataclass
class _Inserts:
    """Rows of consecutive ``INSERT`` statements into one table, gathered into one ``Table`` of
    up to ``CHUNK_ROWS``: a dump splits a table into statements of a few hundred rows, and typing
    and validating a table costs the same whether it holds ten rows or ten thousand. Rows number
    on across statements (``table:patients!row:N`` is the table's N-th row)."""

    seen: dict[str, int] = field(default_factory=dict)
    name: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    first: int = 1

    def add(self, name: str, header: list[str], rows: list[list[str]]) -> Iterator[Table]:
        if self.rows and (name != self.name or header != self.header):
            yield from self.flush()
        if not self.rows:
            self.name, self.header, self.first = name, header, self.seen.get(name, 0) + 1
        self.rows.extend(rows)
        self.seen[name] = self.seen.get(name, 0) + len(rows)
        if len(self.rows) >= CHUNK_ROWS:
            yield from self.flush()

    def flush(self) -> Iterator[Table]:
        if self.rows:
            out = _table(self.name, self.header, self.rows)
            out.first_row = self.first
            self.rows = []
            yield out


def read(data: bytes, name: str) -> Iterator[Item]:
    text, _ = decode(data)
    schemas = {_bare(m.group("name")): _columns(m.group("body")) for m in _CREATE.finditer(text)}
    inserts = _Inserts()
    for match in _INSERT.finditer(text):
        table = _bare(match.group("name"))
        header = _columns(match.group("cols")) if match.group("cols") else schemas.get(table, [])
        rows, _end = _tuples(text, match.end())
        if rows:
            yield from inserts.add(table, header, rows)
    yield from inserts.flush()
    for match in _COPY.finditer(text):
        table = _bare(match.group("name"))
        header = _columns(match.group("cols")) if match.group("cols") else schemas.get(table, [])
        end = text.find("\n\\.", match.end())
        block = text[match.end() : end if end != -1 else len(text)].strip("\n")
        rows = [
            ["" if v == "\\N" else v for v in line.split("\t")]
            for line in block.split("\n")
            if line
        ]
        if rows:
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
    quotes = 0
    lines = iter(text_stream(stream))
    for line in lines:
        copy = _COPY_LINE.match(line) if not statement else None
        if copy:
            yield from inserts.flush()
            yield from _copy_rows(copy, lines, schemas)
            continue
        statement.append(line)
        quotes += len(_UNESCAPED_QUOTE.findall(line))
        if quotes % 2 == 0 and line.rstrip().endswith(";"):
            yield from _statements("".join(statement), schemas, inserts)
            statement, quotes = [], 0
        elif sum(map(len, statement)) > _MAX_STATEMENT:
            raise ReaderError(f"an SQL statement longer than {_MAX_STATEMENT} characters")
    if statement:
        yield from _statements("".join(statement), schemas, inserts)
    yield from inserts.flush()


_MAX_STATEMENT = 64 * 2**20


def _statements(text: str, schemas: dict[str, list[str]], inserts: _Inserts) -> Iterator[Table]:
    for match in _CREATE.finditer(text):
        schemas[_bare(match.group("name"))] = _columns(match.group("body"))
    for match in _INSERT.finditer(text):
        table = _bare(match.group("name"))
        header = _columns(match.group("cols")) if match.group("cols") else schemas.get(table, [])
        rows, _end = _tuples(text, match.end())
        if rows:
            yield from inserts.add(table, header, rows)


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
