"""Tables whose columns change part-way down: an export of several sections, each under its
own title and header row ("Haematology worklist", "NHS Number,Surname,Forename,DOB,Test", its
rows; then "Biochemistry worklist", "Surname,Forename,DOB,NHS Number,Test", its rows).

Read under the first header, a later section's cells were typed by the wrong columns (a family
name as an NHS number, a date of birth as a given name). A data row that holds at least two of
the header's labels (and at least half of them), from its first or second cell on, in another
order or beside others, or three or more of whose filled cells (three in four) name columns,
is the next section's header: the rows after it are a table under it, a table of its own for
the joins (``Table.section``: a results section keyed by hospital number joins the patients
section above it). A row that repeats the header as it is (a printout's page header) is left
where it is: it names no one.

A big file's chunks share their reader's first header, so a section that runs on into the next
chunk keeps its own (``Sections`` remembers it per table).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import TypeAlias, cast

import pyarrow as pa
import pyarrow.compute as pc

from breachdesk.readers.base import Table

# The kinds of file written by people or report writers, which may hold sections (a database's
# tables never do).
SECTIONED = frozenset({"csv", "tsv", "psv", "xlsx", "xls", "ods"})
Column: TypeAlias = Sequence[str | None] | pa.Array | pa.ChunkedArray


@lru_cache(maxsize=256)
def _labels(
    header: tuple[str, ...], first: tuple[str, ...]
) -> tuple[frozenset[str], tuple[bytes, ...], int]:
    """A section's labels (its header's and its table's first header's), in UTF-8 too, and how
    many of them a row must hold to be a header: two, and half of its own."""
    own = {h.strip() for h in header if h and h.strip()}
    labels = frozenset(own | {h.strip() for h in first if h and h.strip()})
    encoded = tuple(label.encode("utf-8") for label in labels)
    return labels, encoded, max(2, (len(own) + 1) // 2)


@lru_cache(maxsize=256)
def _wanted(labels: frozenset[str]) -> pa.Array:
    """``labels`` as an Arrow array, for ``is_in``."""
    return pa.array(sorted(labels), pa.string())


# A column's text searched for the labels in Python at most this big (a big table's chunks
# share one buffer, which a copy for each would cost more than Arrow's look).
_SEARCHED_BYTES = 1 << 22


def _may_hold(column: pa.Array | pa.ChunkedArray, encoded: tuple[bytes, ...]) -> bool:
    """Whether a cell of an Arrow column may be one of the labels (``encoded``): False where
    none is anywhere in its text, as in most tables (a few C searches, where ``is_in`` costs a
    call of ~25 us and a hash table of the labels)."""
    if not isinstance(column, pa.Array) or not pa.types.is_string(column.type):
        return True
    data = column.buffers()[2]
    if data is None or data.size > _SEARCHED_BYTES:
        return True
    text = data.to_pybytes()
    return any(label in text for label in encoded)


def _labelled_rows(
    columns: Sequence[Column], labels: frozenset[str], encoded: tuple[bytes, ...], least: int
) -> list[int]:
    """The data rows with at least ``least`` cells that are one of ``labels`` (``encoded``: in
    UTF-8), in order. A section's header starts at the left, so only rows whose first or second
    cell is a label are counted: two looks per table (a set's ``isdisjoint``, or Arrow's
    ``is_in`` where the labels' text is in the column), and most tables have no such cell."""
    candidates: set[int] = set()
    for column in columns[:2]:
        if isinstance(column, pa.Array | pa.ChunkedArray):
            if not _may_hold(column, encoded):
                continue
            hits = pc.is_in(column, _wanted(labels))
            if hits.true_count:
                candidates.update(pc.indices_nonzero(pc.fill_null(hits, False)).to_pylist())
        elif not labels.isdisjoint(column):
            candidates.update(i for i, cell in enumerate(column) if cell in labels)
    found = []
    for i in sorted(candidates):
        cells = [_cell(column, i) for column in columns]
        if sum(cell in labels for cell in cells) >= least or _all_headers(cells):
            found.append(i)
    return found


def _all_headers(cells: list[str]) -> bool:
    """Whether a row is a header of its own: three or more cells, three in four a column's name
    (``columns.header_kind``: "Hosp No | Investigation | Result Text | Reported", a results
    section under a patients section it shares only its key with). A data row holds a value
    no header names (a number, a name, a result)."""
    from breachdesk.detect.columns import header_kind  # (the detectors read tables too)

    filled = [cell for cell in cells if cell]
    if len(filled) < _OWN_HEADER:
        return False
    named = sum(header_kind(cell) is not None for cell in filled)
    return named >= _OWN_HEADER and named >= _NAMED_SHARE * len(filled)


# Cells a row of known headers needs to be a section's header (fewer may be a data row's
# words), and their share of its filled cells (an export's own column, "Flag", is unknown).
_OWN_HEADER = 3
_NAMED_SHARE = 0.75


def _cell(column: Column, i: int) -> str:
    value = column[i].as_py() if isinstance(column, pa.Array | pa.ChunkedArray) else column[i]
    return (value or "").strip()


def _rows(column: Column, start: int, stop: int) -> Column:
    if isinstance(column, pa.Array | pa.ChunkedArray):
        return column.slice(start, stop - start)
    return list(column[start:stop])


class Sections:
    """Splits the tables of one file at their sections' header rows (``split``)."""

    def __init__(self) -> None:
        # A table's reader header (with its prefix) -> the header its last section ran under,
        # and that section's name
        self._current: dict[tuple[str, tuple[str, ...]], tuple[list[str], str]] = {}

    def split(self, table: Table) -> Iterator[Table]:
        key = (table.prefix, tuple(table.header))
        header, section = self._current.get(key, (table.header, ""))
        labels, encoded, least = _labels(tuple(header), key[1])
        if len(labels) < 2 or not table.n_rows:
            yield (
                table if header is table.header else _under(table, header, 0, table.n_rows, section)
            )
            return
        starts = [
            i
            for i in _labelled_rows(table.columns, labels, encoded, least)
            if [_cell(c, i) for c in table.columns] != [h.strip() for h in header]
        ]
        if not starts:
            yield (
                table if header is table.header else _under(table, header, 0, table.n_rows, section)
            )
            return
        begin = 0
        for at in starts:
            if at > begin:
                yield _under(table, header, begin, at, section)
            header = [_cell(c, at) for c in table.columns]
            section = f"@{table.first_row + at}"
            begin = at + 1
        if begin < table.n_rows:
            yield _under(table, header, begin, table.n_rows, section)
        self._current[key] = (header, section)


def splitter(kind: str) -> Callable[[Table], Iterator[Table]]:
    """What splits the tables of one file of ``kind`` at their sections (its tables as they are
    where the kind has none)."""
    return Sections().split if kind in SECTIONED else _whole


def _whole(table: Table) -> Iterator[Table]:
    yield table


def _under(table: Table, header: list[str], start: int, stop: int, section: str) -> Table:
    """Rows ``start`` to ``stop`` of ``table`` as a table under ``header``, its ``section``."""
    columns = cast(list[list[str]] | list[pa.Array], [_rows(c, start, stop) for c in table.columns])
    return Table(
        header=list(header),
        columns=columns,
        first_row=table.first_row + start,
        prefix=table.prefix,
        section=section,
    )
