"""Stata datasets (``.dta``): an analyst's extract saved from Stata or by ``pandas.to_stata``.

Each file is one table read ``CHUNK_ROWS`` rows at a time (pandas' ``StataReader`` seeks to the
rows it reads, so a big file is never held whole). Stata limits variable names to 32 characters
and analysts keep them short (``hivres``, ``dob``): the variable's label ("HIV Ag/Ab result",
"Date of birth") is what says what a column holds, so it is the column's header where there is
one. Cells are written as a CSV export would: Stata dates (``%td``) ISO, date-times
``YYYY-MM-DD HH:MM:SS``, labelled values as their labels ("Positive", not 1), whole numbers
stored as doubles (a 10-digit NHS number does not fit Stata's 32-bit ``long``) without ".0",
missing values (".", ".a") empty. The dataset's own label is a title, not data: not read.
Known by its header (``stata_header``), whatever its name.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.compute as pc

from breachdesk.ingest.limits import LimitExceeded
from breachdesk.readers.base import Item, ReaderError, Table
from breachdesk.readers.columnar import _text
from breachdesk.readers.delimited import CHUNK_ROWS


def read(data: bytes, name: str) -> Iterator[Item]:
    yield from read_stream(io.BytesIO(data), name)


def read_stream(stream: BinaryIO, name: str) -> Iterator[Item]:
    try:
        import pandas as pd
    except ImportError as exc:  # pandas is a dependency; a trimmed install says so, per file
        raise ReaderError("Stata files need pandas, which is not installed") from exc
    try:
        reader = pd.read_stata(
            stream, iterator=True, chunksize=CHUNK_ROWS, order_categoricals=False
        )
        with reader:
            labels = reader.variable_labels()
            first = 1
            for frame in reader:
                if len(frame) and len(frame.columns):
                    yield frame_table(frame, labels, first)
                first += len(frame)
    except (ReaderError, LimitExceeded, MemoryError):
        raise  # a time or memory limit hit inside pandas is the limit's verdict, not damage
    except Exception as exc:  # pandas raises ValueError, struct.error, KeyError... on damage
        raise ReaderError(f"damaged or unsupported Stata file: {exc}") from exc


def frame_table(frame: Any, labels: Mapping[str, str | None], first: int) -> Table:
    """A chunk of a statistics package's dataset as a table: each variable under its label where
    it has one, its cells as an export writes them (``_column``); columns of no text left out."""
    header: list[str] = []
    columns: list[pa.Array] = []
    for variable in frame.columns:
        text = _column(frame[variable])
        if text is None:
            continue
        label = " ".join(str(labels.get(variable) or "").split())
        header.append(label or str(variable))
        columns.append(text)
    return Table(header=header, columns=columns, first_row=first)


def _column(series: Any) -> pa.Array | None:
    """A column as text, the way ``columnar`` writes Parquet's; None for what holds no text."""
    try:
        column = pa.Array.from_pandas(series)
    except (pa.ArrowException, TypeError, ValueError):
        # An object column of mixed values (a strL holding bytes beside text): each as text.
        column = pa.array(series.map(_cell).tolist(), pa.string())
    if pa.types.is_timestamp(column.type) and _midnights(column):
        column = pc.cast(column, pa.date32())  # a %td date: no "00:00:00" after it
    elif pa.types.is_floating(column.type) and _whole(column):
        column = pc.cast(column, pa.int64())  # 4007271534.0 is the NHS number 4007271534
    return _text(column)


def _midnights(column: pa.Array) -> bool:
    seconds = pc.cast(column, pa.timestamp("s", tz=column.type.tz), safe=False)
    day = pc.cast(pc.cast(seconds, pa.date32()), seconds.type)
    return bool(pc.all(pc.equal(seconds, day)).as_py() is not False)


def _whole(column: pa.Array) -> bool:
    """Every value a whole number an int64 holds exactly (a double's 53 bits)."""
    if column.null_count == len(column):
        return False
    whole = pc.and_(pc.equal(pc.floor(column), column), pc.less(pc.abs(column), 2.0**53))
    return bool(pc.all(whole).as_py())


def _cell(value: object) -> str | None:
    if value is None or value != value:  # NaN
        return None
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)
