"""What every reader yields. Adding a format is one module with a ``read`` function plus one
line in ``registry.py``.

- ``Table``: a block of rows from a tabular source, kept column-wise so detectors can type and
  validate whole columns at once.
- ``Record``: one structured message (named fields, e.g. an HL7 message) or one piece of free
  text (a log line, a paragraph, a page), with a locator saying where it is.
- ``Nested``: a file inside a file (an e-mail attachment); the scan stage sniffs and reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import BinaryIO, TypeVar

import pyarrow as pa

_Cell = TypeVar("_Cell")


def transpose(rows: Sequence[Sequence[_Cell]], width: int) -> list[list[_Cell | str]]:
    """Rows as ``width`` columns: a short row padded with "", a long one cut.

    Most tables are rectangular: their cells are laid end to end and each column sliced out
    with a step, all in C (several times faster than ``zip(*rows)``, NumPy or a Python loop per
    cell); a ragged table takes the loop.
    """
    if rows and width and min(map(len, rows)) == width == max(map(len, rows)):
        cells: list[_Cell | str] = list(chain.from_iterable(rows))
        return [cells[i::width] for i in range(width)]
    return [[row[i] if i < len(row) else "" for row in rows] for i in range(width)]


@dataclass
class Table:
    header: list[str]
    # Lists of cells, or Arrow string arrays where a reader parsed the file in Arrow (big CSVs).
    columns: list[list[str]] | list[pa.Array]
    first_row: int = 1  # 1-based number of the first data row, after the header
    prefix: str = ""  # e.g. "sheet:Results!" for spreadsheets
    # Set by ``records_from_table``: the columns as Arrow string arrays and each one's type (a
    # function of the header and the cells alone), so the joins of ``detect.relations`` neither
    # convert a reader's lists nor type the table a second time.
    arrow: list[pa.Array] | None = field(default=None, compare=False, repr=False)
    types: list[str | None] | None = field(default=None, compare=False, repr=False)
    # A later section of one sheet under a header of its own (``readers.sections``), told apart
    # from the first for the joins of ``detect.relations`` ("@8": its header's row); its rows
    # are still located by the sheet's prefix.
    section: str = field(default="", compare=False)

    @property
    def n_rows(self) -> int:
        return len(self.columns[0]) if self.columns else 0


@dataclass
class Record:
    locator: str
    schema: str  # "hl7v2", "text", ...
    text: str = ""
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> values (repeats)


@dataclass
class Nested:
    locator: str
    name: str
    data: bytes


Item = Table | Record | Nested
ReadFn = Callable[[bytes, str], Iterator[Item]]
# Formats read line by line also take a binary stream, so a file of any size is read without
# being held whole (``read_stream`` beside ``read`` in the module, registered in STREAM_READERS).
StreamFn = Callable[[BinaryIO, str], Iterator[Item]]


class ReaderError(Exception):
    """A file a reader cannot make sense of; its message becomes the file's reason.

    The only exception a reader may let escape (the fuzz tests hold every reader to it); the
    subclass says the status.
    """

    status = "unreadable"


class Encrypted(ReaderError):
    """Password-protected content (a PDF, an Office file) that cannot be read without the key."""

    status = "encrypted"


class NeedsOcr(ReaderError):
    """Pages with no text layer (a scan): listed for OCR, nothing read."""

    status = "needs_ocr"
