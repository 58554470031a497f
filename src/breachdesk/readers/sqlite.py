"""SQLite database files read as tables, one per database table, in memory only.

The bytes are handed to an in-memory connection with ``sqlite3.deserialize``, so nothing is
written to disk, and the connection is opened for reading only: a hostile database's triggers
and views are never run, because only ``SELECT * FROM`` each plain table is.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from breachdesk.readers.base import Encrypted, Item, ReaderError, Table, transpose
from breachdesk.readers.delimited import CHUNK_ROWS

MAX_ROWS = 5_000_000  # per table; past that the rest of a table is not read


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return ""  # BLOBs (images, documents) are not text to search
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _text(column: list[object]) -> list[str]:
    # A column of text is kept as it is: one look at the set of types spares a call per cell.
    if set(map(type, column)) == {str}:
        return column  # type: ignore[return-value]
    return [_cell(value) for value in column]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read(data: bytes, name: str) -> Iterator[Item]:
    if len(data) < 512:  # smaller than one page: sqlite3 reports it as out of memory
        raise ReaderError(f"truncated SQLite database ({len(data)} bytes)")
    con = sqlite3.connect(":memory:")
    try:
        try:
            con.deserialize(data)
            con.execute("PRAGMA query_only = ON")
            con.execute("PRAGMA trusted_schema = OFF")
            tables = [
                str(row[0])
                for row in con.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
        except sqlite3.DatabaseError as exc:
            if "encrypted" in str(exc) or "not a database" in str(exc):
                raise Encrypted(f"not readable as SQLite (encrypted?): {exc}") from exc
            raise ReaderError(f"damaged SQLite database: {exc}") from exc
        for table in tables:
            yield from _table(con, table)
    except (sqlite3.Error, OverflowError, ValueError) as exc:
        raise ReaderError(f"damaged SQLite database: {exc}") from exc
    finally:
        con.close()


def _table(con: sqlite3.Connection, table: str) -> Iterator[Table]:
    cursor = con.execute(f"SELECT * FROM {_quote(table)} LIMIT {MAX_ROWS}")
    header = [str(d[0]) for d in cursor.description or ()]
    first = 1
    while True:
        rows = cursor.fetchmany(CHUNK_ROWS)
        if not rows:
            return
        columns = [_text(column) for column in transpose(rows, len(header))]
        yield Table(header=header, columns=columns, first_row=first, prefix=f"table:{table}!")
        first += len(rows)
