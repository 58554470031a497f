"""PDF text layer through pypdfium2, a page at a time; pages that are images (scans) are OCR'd."""

from __future__ import annotations

import ctypes
import re
from codecs import decode
from collections.abc import Callable, Iterator

import pypdfium2 as pdfium
import pypdfium2.internal as pdfium_i
import pypdfium2.raw as pdfium_c

from breachdesk.readers import layout, ocr
from breachdesk.readers.base import Encrypted, Item, NeedsOcr, ReaderError
from breachdesk.readers.text import paragraphs

__all__ = ["NeedsOcr", "read"]


def read(data: bytes, name: str) -> Iterator[Item]:
    document = _open(data)
    found_text = False
    pages = 0
    scans: list[int] = []  # pages with marks and no text: scanned images, read by OCR
    try:
        pages = pdfium_c.FPDF_GetPageCount(document)
        for index in range(pages):
            laid_out: list[str] | None = None
            try:
                text, laid_out = _page_text(document, index)
            except pdfium.PdfiumError as exc:
                # One damaged page costs that page; the file's other pages are still read.
                text = ""
                if index == pages - 1 and not found_text and not scans:
                    raise ReaderError(f"damaged PDF page {index + 1}: {exc}") from exc
                continue
            if text.strip():
                found_text = True
                prefix = f"page:{index + 1}!"
                printed = layout.printed_table(laid_out, prefix) if laid_out else None
                if printed is not None:
                    yield from printed
                else:
                    yield from paragraphs(text.replace("\r\n", "\n"), prefix=prefix)
            elif _has_marks(document, index):
                scans.append(index)
    finally:
        pdfium_c.FPDF_CloseDocument(document)
    if pages == 0:
        raise ReaderError("PDF with no pages (truncated or damaged)")
    if scans:
        missing = ocr.unavailable()
        if missing is None:
            yield from _ocr_pages(data, scans)
        elif not found_text:
            raise NeedsOcr(f"no text layer on {pages} page(s); the pages are images; {missing}")
    # (Pages with nothing drawn on them are read: there is nothing on them to find.)


def _has_marks(document: object, index: int) -> bool:
    page = pdfium_c.FPDF_LoadPage(document, index)
    if not page:
        return False
    try:
        return bool(pdfium_c.FPDFPage_CountObjects(page) > 0)
    finally:
        pdfium_c.FPDF_ClosePage(page)


def _ocr_pages(data: bytes, indexes: list[int]) -> Iterator[Item]:
    """Pages that are images (a scanned form, a faxed report), drawn at 300 dpi and OCR'd."""
    document = pdfium.PdfDocument(data)
    try:
        for index in indexes:
            page = document[index]
            try:
                width, height = page.get_size()
                scale = min(ocr.DPI / 72, ocr.LONGEST / max(width, height, 1.0))
                bitmap = page.render(scale=scale, grayscale=True)
                image = bitmap.to_pil().copy()  # its own pixels: the bitmap is closed below
                bitmap.close()
            finally:
                page.close()
            image.info["dpi"] = (72 * scale, 72 * scale)
            yield from ocr.items(ocr.page_lines(image), prefix=f"page:{index + 1}!")
    finally:
        document.close()


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


def _page_text(document: object, index: int) -> tuple[str, list[str] | None]:
    """``document[index].get_textpage().get_text_range()`` through the raw calls it makes, the
    same errors raised: the helper objects (finalizers, weak references, the page's bounding box)
    cost a small PDF about a twentieth of its reading time. Also, where the text may hold a
    printed table (``layout.may_hold_table``), its lines with each word at its place
    (``_laid_out``)."""
    page = pdfium_c.FPDF_LoadPage(document, index)
    if not page:
        raise pdfium.PdfiumError("Failed to load page.")
    try:
        textpage = pdfium_c.FPDFText_LoadPage(page)
        if not textpage:
            raise pdfium.PdfiumError("Failed to load text page.")
        try:
            text = _text_range(textpage)
            return text, _laid_out(textpage) if layout.may_hold_table(text) else None
        finally:
            pdfium_c.FPDFText_ClosePage(textpage)
    finally:
        pdfium_c.FPDF_ClosePage(page)


def _laid_out(textpage: object) -> list[str]:
    """The page's lines with each word at the column its left edge is at (in widths of the
    page's median character), two or more spaces where words stand well apart or overlap (a
    cell's text overflowing into the next, drawn over it): the layout ``readers.fixed_width``
    reads tables from (PDFium's text keeps one space for many).

    A word's place is read off its first and last characters' boxes (their advance, not their
    ink); a long word, or one as wide or as narrow as no run of its characters is (two cells'
    text PDFium ran together, one drawn over the other), is read a character at a time."""
    count = pdfium_c.FPDFText_CountChars(textpage)
    buffer = _buffer(count + 1)
    written = pdfium_c.FPDFText_GetText(textpage, 0, count, buffer)
    text = decode(memoryview(buffer)[: max(written - 1, 0)], "utf-16-le", errors="ignore")
    if len(text) != count:
        return []  # characters beyond one UTF-16 unit: indices would not match; left as prose
    box = pdfium_c.FS_RECTF()
    where = ctypes.byref(box)

    def edges(index: int) -> tuple[float, float, float, float] | None:
        if not pdfium_c.FPDFText_GetLooseCharBox(textpage, index, where):
            return None
        return box.left, box.right, box.bottom, box.top

    spans: list[tuple[int, int, tuple[float, float, float, float], float]] = []
    for match in _WORD.finditer(text):
        first, last = edges(match.start()), edges(match.end() - 1)
        if first is not None and last is not None:
            spans.append((match.start(), match.end(), first, last[1]))
    widths = sorted((right - b[0]) / (end - start) for start, end, b, right in spans)
    if not widths:
        return []
    char = max(widths[len(widths) // 2], 0.1)
    words: list[layout.Word] = []
    for start, end, (left, _, bottom, top), right in spans:
        if end - start >= _LONG_WORD or (
            end - start > 1 and not 0.6 <= (right - left) / (char * (end - start)) <= 1.6
        ):
            words += _glyph_words(text, start, end, edges)
        else:
            words.append((left, right, bottom, top, text[start:end]))
    return layout.place(words, char)


_WORD = re.compile(r"[^\s\x00]+")
# From this many characters a word is checked a character at a time: few words are this long,
# and two cells run together ("MCDONALD-WILLIAMSAnn") often are.
_LONG_WORD = 12


def _glyph_words(
    text: str,
    start: int,
    end: int,
    edges: Callable[[int], tuple[float, float, float, float] | None],
) -> list[layout.Word]:
    """``text[start:end]`` cut where a character does not go on from the last one's right
    edge on its line: the pieces of two cells' text PDFium ran together."""
    words: list[layout.Word] = []
    for index in range(start, end):
        found = edges(index)
        if found is None:
            continue
        left, right, bottom, top = found
        if words:
            w_left, w_right, w_bottom, w_top, piece = words[-1]
            if abs(left - w_right) < 0.5 * max(right - left, 0.1) and (
                w_bottom <= (bottom + top) / 2 <= w_top
            ):
                words[-1] = (w_left, right, w_bottom, w_top, piece + text[index])
                continue
        words.append((left, right, bottom, top, text[index]))
    return words


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
