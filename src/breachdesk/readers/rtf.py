"""Rich Text Format (letters saved from Word, old report templates) as paragraphs of text."""

from __future__ import annotations

from collections.abc import Iterator

from striprtf.striprtf import rtf_to_text

from breachdesk.readers.base import Item, ReaderError
from breachdesk.readers.text import paragraphs


def to_text(data: bytes) -> str:
    # RTF is 7-bit: anything else arrives as \'xx escapes in the document's code page.
    raw = data.decode("latin-1")
    try:
        return str(rtf_to_text(raw, encoding="cp1252", errors="replace"))
    except (ValueError, IndexError, LookupError, RecursionError) as exc:
        raise ReaderError(f"malformed RTF: {type(exc).__name__}") from exc


def read(data: bytes, name: str) -> Iterator[Item]:
    yield from paragraphs(to_text(data))
