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


def records_of(table: Table, file_id: int) -> tuple[Table, pa.Table, pa.Table]:
    """``records_from_table`` of ``table``, or of it turned round (``turned``) where that gives
    more people; with the table read."""
    records, mentions = records_from_table(table, file_id)
    other = turned(table)
    if other is None:
        return table, records, mentions
    found, found_mentions = records_from_table(other, file_id)
    if found.num_rows <= records.num_rows:
        return table, records, mentions
    return other, found, found_mentions
