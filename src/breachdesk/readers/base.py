"""What every reader yields. Adding a format is one module with a ``read`` function plus one
line in ``registry.py``.

- ``Table``: a block of rows from a tabular source, kept column-wise so detectors can type and
  validate whole columns at once.
- ``Record``: one structured message (named fields, e.g. an HL7 message) or one piece of free
  text (a log line, a paragraph, a page), with a locator saying where it is.
- ``Nested``: a file inside a file (an e-mail attachment); the scan stage sniffs and reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field


@dataclass
class Table:
    header: list[str]
    columns: list[list[str]]
    first_row: int = 1  # 1-based number of the first data row, after the header
    prefix: str = ""  # e.g. "sheet:Results!" for spreadsheets

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


class ReaderError(Exception):
    """A file a reader cannot make sense of; its message becomes the file's reason."""
