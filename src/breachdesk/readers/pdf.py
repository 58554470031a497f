"""PDF text layer through pypdfium2, a page at a time; a PDF with no text needs OCR."""

from __future__ import annotations

from collections.abc import Iterator

import pypdfium2 as pdfium

from breachdesk.readers.base import Encrypted, Item, NeedsOcr, ReaderError
from breachdesk.readers.text import paragraphs

__all__ = ["NeedsOcr", "read"]


def read(data: bytes, name: str) -> Iterator[Item]:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise Encrypted("password-protected PDF") from exc
        raise ReaderError(f"damaged PDF: {exc}") from exc
    found_text = False
    pages = 0
    try:
        pages = len(document)
        for index in range(pages):
            try:
                page = document[index]
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                textpage.close()
                page.close()
            except pdfium.PdfiumError as exc:
                # One damaged page costs that page; the file's other pages are still read.
                text = ""
                if index == pages - 1 and not found_text:
                    raise ReaderError(f"damaged PDF page {index + 1}: {exc}") from exc
            if text.strip():
                found_text = True
                yield from paragraphs(text.replace("\r\n", "\n"), prefix=f"page:{index + 1}!")
    finally:
        document.close()
    if not found_text and pages > 0:
        raise NeedsOcr(f"no text layer on {pages} page(s); the pages are images")
    if pages == 0:
        raise ReaderError("PDF with no pages (truncated or damaged)")
