"""PDF text layer through pypdfium2, a page at a time; a PDF with no text needs OCR."""

from __future__ import annotations

from collections.abc import Iterator

import pypdfium2 as pdfium

from breachdesk.readers.base import Item, ReaderError
from breachdesk.readers.text import paragraphs


class NeedsOcr(ReaderError):
    """The PDF has pages but no text layer (a scan)."""


def read(data: bytes, name: str) -> Iterator[Item]:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ReaderError(f"damaged or encrypted PDF: {exc}") from exc
    found_text = False
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            textpage.close()
            page.close()
            if text.strip():
                found_text = True
                yield from paragraphs(text.replace("\r\n", "\n"), prefix=f"page:{index + 1}!")
    finally:
        document.close()
    if not found_text and len(data) > 0:
        raise NeedsOcr("no text layer; the pages are images")
