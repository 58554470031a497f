"""People written inside a table's free-text cells: a LIMS's "Comments" ("Pt Grace Okafor DOB
12/01/1962 rang re HIV result"), an interface engine's message archive (a "message" column of
whole HL7 messages), an application's "payload" column of JSON.

Column typing reads such a column as nothing (no header synonym, no value pattern), so the
people in it were lost, and a table whose only identities are there named no one. A column no
type claims whose cells read as text (long, with spaces or a message's or JSON's separators) is
read cell by cell with the free-text detectors: one Hyperscan scan of its distinct cells says
which can hold a person (``prefilter.line_candidates``), and only those are read, each located
at its row. A person found so is a record of its own beside the row's (the linkage joins the
two where they are one).
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

from breachdesk.detect import cellwise, prefilter
from breachdesk.detect.base import Mention
from breachdesk.detect.records import PersonRecord
from breachdesk.detect.text import people_in_text
from breachdesk.readers.base import Table

Matcher = Callable[[str, list[Mention]], list[Mention]]
# Cells looked at to decide whether a column is text: a column is written one way throughout.
_SAMPLE = 64
# A text cell is at least this long (a name and a date of birth are ~20 characters)...
_SHORTEST = 16
# ... and holds a space or a separator of a message or a document.
_TEXT_MARKS = (" ", "|", "{", "\n", "\r")


def _is_text(values: pa.Array) -> bool:
    """Whether a column's first filled cells read as free text: most of them long, with a
    space or a message's, a document's or JSON's separators in them."""
    if _mean_length(values) < _SHORTEST / 2:
        return False  # (most columns: codes, numbers, dates, flags; said without a call)
    sample = values.drop_null().slice(0, _SAMPLE).to_pylist()
    filled = [cell for cell in sample if cell and cell.strip()]
    if not filled:
        return False
    long = sum(
        1 for cell in filled if len(cell) >= _SHORTEST and any(m in cell for m in _TEXT_MARKS)
    )
    return 2 * long > len(filled)


def _mean_length(values: pa.Array) -> float:
    """A string column's mean cell length in bytes, off its offsets (any other column: no
    length, so it is looked at)."""
    if not isinstance(values, pa.StringArray) or not len(values):
        return float("inf")
    bounds = cellwise.offsets(values)
    return float(bounds[-1] - bounds[0]) / len(values)


def text_columns(table: Table) -> list[int]:
    """The columns of a typed table (``records_from_table`` has run) that no type claims and
    whose cells are free text."""
    if table.types is None or table.arrow is None:
        return []
    return [
        i
        for i, (kind, values) in enumerate(zip(table.types, table.arrow, strict=True))
        if kind is None and values.null_count < len(values) and _is_text(values)
    ]


def people_in_cells(table: Table, extra: Matcher | None = None) -> list[PersonRecord]:
    """The people written in a typed table's free-text cells (``text_columns``), each located
    at its row (``{prefix}row:N``), in row order within each column."""
    people: list[PersonRecord] = []
    for index in text_columns(table):
        assert table.arrow is not None  # (set with the types)
        values = table.arrow[index]
        distinct = pc.unique(values.drop_null())
        cells: list[str] = distinct.to_pylist()
        candidates = prefilter.line_candidates(cells, with_dates=extra is not None)
        if not candidates:
            continue
        chosen = pa.array([cells[i] for i, _ in candidates], pa.string())
        rows = pc.indices_nonzero(pc.fill_null(pc.is_in(values, chosen), False)).to_pylist()
        column = values.take(pa.array(rows, pa.int64())).to_pylist() if rows else []
        for row, cell in zip(rows, column, strict=True):
            locator = f"{table.prefix}row:{table.first_row + row}"
            people += people_in_text(cell, locator, "text", extra=extra)
    return people


# What a person read in a row's text cell may hold and still be that row's: identifiers only.
_IDENTIFIERS = ("nhs_number", "hospital_number")
_WHO_ELSE = ("family_name", "given_name", "date_of_birth")


def onto_rows(
    records: pa.Table, mentions: pa.Table, people: list[PersonRecord]
) -> tuple[pa.Table, pa.Table, list[PersonRecord]]:
    """The people of a table's text cells that are only identifiers ("NHS: 619 938 6663; MRN:
    W0081122" under "Identifiers") added to their row's record where it has none of its own:
    the row's patient, one person, not a second record with no name beside the first (which,
    without a PMI to link the two, counted each patient twice). The others are returned."""
    if not people or not records.num_rows:
        return records, mentions, people
    at = {locator: i for i, locator in enumerate(records["locator"].to_pylist())}
    columns = {name: records[name].to_pylist() for name in _IDENTIFIERS}
    rest: list[PersonRecord] = []
    added: list[dict[str, object]] = []
    for person in people:
        values = person.values
        row = at.get(person.locator)
        if (
            row is None
            or any(values.get(name) for name in _WHO_ELSE)
            or any(values.get(n) and columns[n][row] for n in _IDENTIFIERS)
            or not any(values.get(n) for n in _IDENTIFIERS)
        ):
            rest.append(person)
            continue
        for name in _IDENTIFIERS:
            columns[name][row] = columns[name][row] or values.get(name)
        record_id = records["record_id"][row].as_py()
        for kind, where, detector, rule, checksum in person.evidence:
            added.append(
                {"record_id": record_id, "file_id": records["file_id"][row].as_py()}
                | {"locator": person.locator, "kind": kind, "field": where, "detector": detector}
                | {"rule": rule, "score": 1.0, "checksum": checksum}
            )
    if len(rest) == len(people):
        return records, mentions, people
    for name, values in columns.items():
        column = pa.array(values, pa.string())
        records = records.set_column(records.schema.get_field_index(name), name, column)
        flag = f"e_{name}"
        exposed = pc.or_(records[flag], pc.is_valid(column))
        records = records.set_column(records.schema.get_field_index(flag), flag, exposed)
    found = pa.Table.from_pylist(added, schema=mentions.schema)
    return records, pa.concat_tables([mentions, found]), rest
