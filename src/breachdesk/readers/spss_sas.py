"""SPSS and SAS datasets: an analyst's or an audit's extract saved from SPSS (``.sav``, the
compressed ``.zsav``, the portable ``.por``) or SAS (``.sas7bdat``, the transport ``.xpt``).

Read with pyreadstat (the ReadStat library) from the bytes or the stream, never a temporary
copy on disk. As with Stata (``readers.stata``), variable names are short (``HIVRES``, ``DOB``)
and a variable's label ("HIV Ag/Ab result", "Date of birth") is what says what a column holds,
so it heads the column where there is one. Cells are written as a CSV export would: dates ISO,
date-times ``YYYY-MM-DD HH:MM:SS``, SPSS's labelled values as their labels ("Positive", not 2;
SAS keeps its formats in a separate catalogue, so its codes stay codes), whole numbers stored
as doubles without ".0" (an NHS number is a double in both), system-missing values empty.

A file up to ``_WHOLE_BYTES`` is read in one call; a bigger one ``CHUNK_ROWS`` rows at a time
(ReadStat skips to a chunk's first row), so its rows are never all in memory at once. Known by
its header (``spss_sas_header``), whatever its name.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from breachdesk.ingest.limits import LimitExceeded
from breachdesk.readers.base import Item, ReaderError
from breachdesk.readers.delimited import CHUNK_ROWS
from breachdesk.readers.spss_sas_header import kind_of
from breachdesk.readers.stata import frame_table

_WHOLE_BYTES = 64 * 1024 * 1024
_NAMES = {"spss": "SPSS", "sas": "SAS"}


def read(data: bytes, name: str) -> Iterator[Item]:
    yield from read_stream(io.BytesIO(data), name)


def read_stream(stream: BinaryIO, name: str) -> Iterator[Item]:
    head = stream.read(600)
    stream.seek(0)
    package = kind_of(head)
    if package is None:
        raise ReaderError("not an SPSS or SAS dataset: its first bytes are neither's header")
    try:
        import pyreadstat
    except ImportError as exc:  # a dependency; a trimmed install says so, per file
        raise ReaderError(
            f"{_NAMES[package]} files need pyreadstat, which is not installed"
        ) from exc
    reader, options = _reader(pyreadstat, head, package)
    try:
        yield from _chunks(stream, reader, options)
    except (ReaderError, LimitExceeded, MemoryError):
        raise  # a time or memory limit hit inside ReadStat is the limit's verdict, not damage
    except Exception as exc:  # ReadstatError, PyreadstatError, ValueError... on damage
        raise ReaderError(f"damaged or unsupported {_NAMES[package]} file: {exc}") from exc


def _reader(
    pyreadstat: Any, head: bytes, package: str
) -> tuple[Callable[..., Any], dict[str, Any]]:
    """The function that reads this kind of file (``package``, told from ``head``), and its
    options."""
    options: dict[str, Any] = {"dates_as_pandas_datetime": True}
    if head[:4] in (b"$FL2", b"$FL3"):
        reader = pyreadstat.read_sav
    elif package == "spss":
        reader = pyreadstat.read_por
    elif head.startswith(b"HEADER RECORD"):
        return pyreadstat.read_xport, options
    else:
        return pyreadstat.read_sas7bdat, options
    # SPSS keeps value labels in the file: "Positive", not 2.
    options.update(apply_value_formats=True, formats_as_category=False)
    return reader, options


def _chunks(
    stream: BinaryIO, reader: Callable[..., Any], options: dict[str, Any]
) -> Iterator[Item]:
    size = stream.seek(0, io.SEEK_END)
    stream.seek(0)
    if size <= _WHOLE_BYTES:
        frame, meta = reader(stream, **options)
        if len(frame) and len(frame.columns):
            yield frame_table(frame, meta.column_names_to_labels, 1)
        return
    first = 0
    while True:
        stream.seek(0)
        frame, meta = reader(stream, row_offset=first, row_limit=CHUNK_ROWS, **options)
        if len(frame) and len(frame.columns):
            yield frame_table(frame, meta.column_names_to_labels, first + 1)
        first += len(frame)
        if len(frame) < CHUNK_ROWS:
            return
