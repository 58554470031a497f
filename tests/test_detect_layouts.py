"""The same table in another lab's layout gives the same people: headers, delimiter, order.

The generator writes one layout per kind of file; a real dump has many. Here a generated GP
results file is re-saved with other headers, a semicolon delimiter, the columns reversed and Excel's
byte-order mark, and must yield exactly the records the original does.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow as pa
import pytest

from breachdesk.detect.columns import type_columns
from breachdesk.detect.tables import records_from_table
from breachdesk.readers import delimited
from breachdesk.readers.base import Table
from breachdesk.synth import generate

_RENAME = {
    "nhs_number": "NHS Number",
    "family_name": "Surname",
    "given_name": "Forename",
    "date_of_birth": "D.O.B.",
    "test": "Test Description",
    "result": "Result Value",
}
_KEPT = ("nhs_number", "family_name", "given_name", "date_of_birth")


def _people(data: bytes, name: str) -> list[tuple[str | None, ...]]:
    (table,) = [t for t in delimited.read(data, name) if isinstance(t, Table)]
    records, _ = records_from_table(table, 1)
    rows = records.select(list(_KEPT)).to_pylist()
    return sorted((tuple(r[k] for k in _KEPT) for r in rows), key=lambda r: [x or "" for x in r])


@pytest.fixture(scope="module")
def results_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("layouts")
    generate(out, patients=1_000, seed=5)
    # The largest results file: the most rows to disagree on.
    return max((out / "dump" / "GP_Results").rglob("*.csv"), key=lambda p: p.stat().st_size)


def test_another_labs_layout_gives_the_same_people(results_csv: Path) -> None:
    data = results_csv.read_bytes()
    (table,) = [t for t in delimited.read(data, results_csv.name) if isinstance(t, Table)]
    kinds = type_columns(table.header, [pa.array(c, pa.string()) for c in table.columns])
    renamed = [_RENAME.get(k or "", h) for k, h in zip(kinds, table.header, strict=True)]
    rows = [renamed, *(list(r) for r in zip(*table.columns, strict=True))]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow(row[::-1])
    resaved = out.getvalue().encode("utf-8-sig")  # Excel's byte-order mark

    original = _people(data, results_csv.name)
    assert len(original) == len(rows) - 1
    assert sum(r[0] is not None for r in original) >= 10  # NHS numbers, not just names
    assert _people(resaved, "export.csv") == original
