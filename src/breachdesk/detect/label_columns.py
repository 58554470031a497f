"""Tables written sideways: the labels down the first column and each person's values in a
column beside them. A request form or a patient's details sheet keeps one patient so
("Surname | OKAFOR", "Forename | Grace", "Date of birth | 12/01/1962", "NHS Number | ..."), and
a comparison export keeps several ("Field | Patient 1 | Patient 2").

Read as a table, the first row is taken for its header and every other label for a value: no
one, or a stray number. Where a table's first column holds labels that say who (at least two of
an NHS number, names and a date of birth) and they are most of what is written there, it is
also read turned round, the labels as the header and each column of values a row, and that
reading is kept where it gives more people. Its rows are located
``columns!row:N``: the Nth column of values, in the table's own place.

An entity-attribute-value export is the same labels written down a column, one row per field
and a record's id beside them ("R7700 | nhs_number | 6325207971"): read pivoted, a row per
record (``pivoted``), where that gives more people.
"""

from __future__ import annotations

from functools import lru_cache

import pyarrow as pa

from breachdesk.detect.columns import fold, synonyms
from breachdesk.detect.tables import records_from_table
from breachdesk.readers.base import Table

# The kinds of label that say who a column of values is.
_WHO = frozenset({"nhs_number", "family_name", "given_name", "full_name", "date_of_birth"})
# A form's labels, or a comparison's fields: a longer first column is a table's data.
_MOST_LABELS = 64


@lru_cache(maxsize=4096)
def _kind(label: str) -> str | None:
    """What a label names, as the header synonyms spell it (a form prints its labels so; the
    looser reading of a header is no quicker than a table's typing, for every first cell)."""
    return synonyms().get(fold(label))


def _cells(column: list[str] | pa.Array) -> list[str]:
    values = column if isinstance(column, list) else column.to_pylist()
    return [(cell or "").strip() for cell in values]


def turned(table: Table) -> Table | None:
    """``table`` read with its first column as the header, or None where that column does not
    hold labels that say who."""
    if table.n_rows + 1 > _MOST_LABELS or len(table.header) < 2:
        return None
    labels = [table.header[0].strip(), *_cells(table.columns[0])]
    kinds = [_kind(label) if label else None for label in labels]
    filled = sum(1 for label in labels if label)
    if len(_WHO.intersection(kinds)) < 2 or 2 * sum(1 for k in kinds if k) < filled:
        return None
    pairs = zip(table.header[1:], table.columns[1:], strict=False)
    values = [column for h, c in pairs if any(column := [h.strip(), *_cells(c)])]
    if not values:
        return None
    return Table(
        header=labels,
        columns=[[column[i] for column in values] for i in range(len(labels))],
        first_row=1,
        prefix=f"{table.prefix}columns!",
    )


# An entity-attribute-value export's distinct field names, at most (a REDCap or audit export
# writes one row per field: "record_id | field_name | value").
_MOST_FIELDS = 200
_HEAD = 64  # rows: a record's fields, and the next record's first


def pivoted(table: Table) -> Table | None:
    """``table`` read as one row per record where it is written one row per field ("R7700 |
    nhs_number | 6325207971", "R7700 | surname | McCarthy"): a column of field names saying who
    (at least two kinds of ``_WHO``) with each field's value in the column after it, and the
    record's id in the first column (else a record ends where a field comes again). None for
    any other table. Its rows are located ``pivot!row:N``, the Nth record."""
    if table.n_rows < 4 or len(table.header) < 2:
        return None
    # (The first rows say whether a column names fields: a table's cells are read whole only
    # then.)
    heads = [_cells(column[:_HEAD]) for column in table.columns[:-1]]
    if not any(_names_fields(head) for head in heads):
        return None
    cells = [_cells(column) for column in table.columns]
    field = next((i for i in range(len(cells) - 1) if _names_fields(cells[i])), None)
    if field is None:
        return None
    ids = cells[0] if field > 0 else None
    records: list[dict[str, str]] = []
    keys: list[str] = []
    last = None
    for row, name in enumerate(cells[field]):
        if not name:
            continue
        key = ids[row] if ids is not None else None
        if not records or (key != last if ids is not None else name in records[-1]):
            records.append({})
        last = key
        if name not in keys:
            keys.append(name)
        records[-1].setdefault(name, cells[field + 1][row])
    return Table(
        header=keys,
        columns=[[record.get(k, "") for record in records] for k in keys],
        first_row=1,
        prefix=f"{table.prefix}pivot!",
    )


def _names_fields(column: list[str]) -> bool:
    distinct = set(column) - {""}
    if not 2 <= len(distinct) <= _MOST_FIELDS or len(distinct) >= len(column):
        return False
    return len(_WHO.intersection(_kind(name) for name in distinct)) >= 2


def records_of(table: Table, file_id: int) -> tuple[Table, pa.Table, pa.Table]:
    """``records_from_table`` of ``table``, or of it turned round (``turned``) or pivoted from
    one row per field (``pivoted``) where that gives more people; with the table read."""
    records, mentions = records_from_table(table, file_id)
    best = table, records, mentions
    for other in (turned(table), pivoted(table)):
        if other is None:
            continue
        found, found_mentions = records_from_table(other, file_id)
        if found.num_rows > best[1].num_rows:
            best = other, found, found_mentions
    return best
