"""Rich Text Format (letters saved from Word, old report templates): paragraphs, and tables.

striprtf writes a table's row as a line of its cells each closed by "|" ("NHS Number|Name|");
a run of such lines is the table's grid, read as Word's tables are (``doc_tables``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import groupby

from striprtf.striprtf import rtf_to_text

from breachdesk.readers import doc_tables
from breachdesk.readers.base import Item, ReaderError

# A letter's page header and footer (the patient banner, often) are groups striprtf skips as
# destinations: with their control word taken off, their text is read where they stand.
_HEADER = re.compile(r"\{\\(?:header|footer)[lrf]?(?![a-z])")


def to_text(data: bytes) -> str:
    # RTF is 7-bit: anything else arrives as \'xx escapes in the document's code page.
    raw = _HEADER.sub("{", data.decode("latin-1"))
    try:
        return str(rtf_to_text(raw, encoding="cp1252", errors="replace"))
    except (ValueError, IndexError, LookupError, RecursionError) as exc:
        raise ReaderError(f"malformed RTF: {type(exc).__name__}") from exc


def _is_row(line: str) -> bool:
    return line.endswith("|") and line.count("|") >= 2


def _pieces(text: str) -> Iterator[doc_tables.Piece]:
    for is_row, lines in groupby(text.split("\n"), key=_is_row):
        if is_row:
            yield [line[:-1].split("|") for line in lines]
        else:
            yield from lines


def read(data: bytes, name: str) -> Iterator[Item]:
    yield from doc_tables.items(_pieces(to_text(data)))
