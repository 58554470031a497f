"""Parquet and Arrow (Feather v2) files: data-engineering exports and analytics extracts.

Each file is one table read a batch of rows at a time, every column as text the way a CSV export
writes it: dates ISO, a struct's fields as columns of their own ("patient.nhs_number"), a list's
items joined by "; " (a patient's tests in one cell), binary columns left out (images and
documents are not text to search). Nothing is ever run: these formats hold data only.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from breachdesk.readers.base import Item, ReaderError, Table
from breachdesk.readers.delimited import CHUNK_ROWS


def read_parquet(data: bytes, name: str) -> Iterator[Item]:
    yield from read_parquet_stream(io.BytesIO(data), name)


def read_parquet_stream(stream: BinaryIO, name: str) -> Iterator[Item]:
    try:
        parquet = pq.ParquetFile(stream)
        batches = parquet.iter_batches(batch_size=CHUNK_ROWS)
        yield from _tables(batches)
    except (pa.ArrowException, OSError) as exc:
        raise ReaderError(f"damaged Parquet file: {exc}") from exc


def read_arrow(data: bytes, name: str) -> Iterator[Item]:
    yield from read_arrow_stream(io.BytesIO(data), name)


def read_arrow_stream(stream: BinaryIO, name: str) -> Iterator[Item]:
    try:
        reader = ipc.open_file(stream)
        batches = (reader.get_batch(i) for i in range(reader.num_record_batches))
        yield from _tables(batches)
    except (pa.ArrowException, OSError) as exc:
        raise ReaderError(f"damaged Arrow file: {exc}") from exc


def _tables(batches: Iterator[pa.RecordBatch]) -> Iterator[Table]:
    first = 1
    for batch in batches:
        if batch.num_rows == 0:
            continue
        header: list[str] = []
        columns: list[pa.Array] = []
        for field_name, column in _flat(batch):
            text = _text(column)
            if text is not None:
                header.append(field_name)
                columns.append(text)
        if columns:
            yield Table(header=header, columns=columns, first_row=first)
        first += batch.num_rows


def _flat(batch: pa.RecordBatch) -> Iterator[tuple[str, pa.Array]]:
    """Columns with a struct's fields spread out under "parent.field" names."""
    pending = list(zip(batch.schema.names, batch.columns, strict=True))
    while pending:
        name, column = pending.pop(0)
        if pa.types.is_struct(column.type):
            fields = [column.type.field(i).name for i in range(column.type.num_fields)]
            spread = [(f"{name}.{f}", pc.struct_field(column, f)) for f in fields]
            pending[:0] = spread
        else:
            yield name, column


def _text(column: pa.Array) -> pa.Array | None:
    """The column as strings, nulls as empty; None for what holds no text (binary)."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.dictionary_decode()
        kind = column.type
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        return None
    if pa.types.is_fixed_size_binary(kind):
        return None
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        # ``values`` is the whole child array and ``offsets`` index into it, sliced or not.
        items = _text(column.values)
        if items is None:
            return None
        lists = pa.LargeListArray if pa.types.is_large_list(kind) else pa.ListArray
        return pc.fill_null(pc.binary_join(lists.from_arrays(column.offsets, items), "; "), "")
    if pa.types.is_timestamp(kind):  # whole seconds: "%S" of a finer unit prints a fraction
        seconds = pc.cast(column, pa.timestamp("s", tz=kind.tz), safe=False)
        column = pc.strftime(seconds, "%Y-%m-%d %H:%M:%S")
    elif pa.types.is_date(kind):
        column = pc.strftime(column, "%Y-%m-%d")
    try:
        text = pc.cast(column, pa.string())
    except pa.ArrowException:  # maps, unions: nothing a CSV would hold
        return None
    return pc.fill_null(text, "")
