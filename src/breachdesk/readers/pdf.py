"""PDF text layer through pypdfium2, a page at a time; a PDF with no text needs OCR."""

from __future__ import annotations

import ctypes
from codecs import decode
from collections.abc import Iterator

import pypdfium2 as pdfium
import pypdfium2.internal as pdfium_i
import pypdfium2.raw as pdfium_c

from breachdesk.readers.base import Encrypted, Item, NeedsOcr, ReaderError
from breachdesk.readers.text import paragraphs

__all__ = ["NeedsOcr", "read"]


def read(data: bytes, name: str) -> Iterator[Item]:
    document = _open(data)
    found_text = False
    pages = 0
    try:
        pages = pdfium_c.FPDF_GetPageCount(document)
        for index in range(pages):
            try:
                text = _page_text(document, index)
            except pdfium.PdfiumError as exc:
                # One damaged page costs that page; the file's other pages are still read.
                text = ""
                if index == pages - 1 and not found_text:
                    raise ReaderError(f"damaged PDF page {index + 1}: {exc}") from exc
            if text.strip():
                found_text = True
                yield from paragraphs(text.replace("\r\n", "\n"), prefix=f"page:{index + 1}!")
    finally:
        pdfium_c.FPDF_CloseDocument(document)
    if not found_text and pages > 0:
        raise NeedsOcr(f"no text layer on {pages} page(s); the pages are images")
    if pages == 0:
        raise ReaderError("PDF with no pages (truncated or damaged)")


def _open(data: bytes) -> object:
    """``pdfium.PdfDocument(data)`` through the raw calls it makes, its errors raised as ours:
    the wrapper's finalizer and weak references cost a small PDF a fiftieth of its reading
    time. ``data`` must outlive the document (``read`` holds it until it closes it)."""
    document = pdfium_c.FPDF_LoadMemDocument64(data, len(data), None)
    if pdfium_c.FPDF_GetPageCount(document) < 1:
        code = pdfium_c.FPDF_GetLastError()
        if document:
            pdfium_c.FPDF_CloseDocument(document)
        message = f"Failed to load document (PDFium: {pdfium_i.ErrorToStr.get(code)})."
        if "password" in message.lower():
            raise Encrypted("password-protected PDF")
        raise ReaderError(f"damaged PDF: {message}")
    return document


def _page_text(document: object, index: int) -> str:
    """``document[index].get_textpage().get_text_range()`` through the raw calls it makes, the
    same errors raised: the helper objects (finalizers, weak references, the page's bounding box)
    cost a small PDF about a twentieth of its reading time."""
    page = pdfium_c.FPDF_LoadPage(document, index)
    if not page:
        raise pdfium.PdfiumError("Failed to load page.")
    try:
        textpage = pdfium_c.FPDFText_LoadPage(page)
        if not textpage:
            raise pdfium.PdfiumError("Failed to load text page.")
        try:
            return _text_range(textpage)
        finally:
            pdfium_c.FPDFText_ClosePage(textpage)
    finally:
        pdfium_c.FPDF_ClosePage(page)


def _text_range(textpage: object) -> str:
    """pypdfium2's ``PdfTextPage.get_text_range()`` (every character), step for step: chars
    PDFium leaves out of the text at either end are skipped so it never reads past them."""
    count = pdfium_c.FPDFText_CountChars(textpage)
    first, last = 0, count - 1
    while first <= last and pdfium_c.FPDFText_GetTextIndexFromCharIndex(textpage, first) == -1:
        first += 1
    if first > last:
        return ""
    t_start = pdfium_c.FPDFText_GetTextIndexFromCharIndex(textpage, first)
    while first <= last and pdfium_c.FPDFText_GetTextIndexFromCharIndex(textpage, last) == -1:
        last -= 1
    if first > last:
        return ""
    t_end = pdfium_c.FPDFText_GetTextIndexFromCharIndex(textpage, last)
    in_count = t_end + 2 - t_start  # with the NUL terminator
    buffer = _buffer(in_count)
    out_count = pdfium_c.FPDFText_GetText(textpage, first, last - first + 1, buffer)
    if out_count > in_count:  # pypdfium2 asserts this (a reader failure, not a damaged page)
        raise AssertionError(f"Buffer too small: {in_count} vs {out_count}")
    return decode(memoryview(buffer)[: out_count - 1], "utf-16-le", errors="ignore")


def _buffer(count: int) -> ctypes.Array[ctypes.c_ushort]:
    """A zeroed UTF-16 buffer of at least ``count`` units, its length a power of two: ctypes
    builds a new array class for a length with no live one (and only the cycle collector frees
    it), which at a class a page cost a small PDF a twentieth of its reading time."""
    return (ctypes.c_ushort * (1 << max(count - 1, 0).bit_length()))()
