"""PDF text layer through pypdfium2, a page at a time; a PDF with no text needs OCR."""

from __future__ import annotations

import ctypes
import re
from codecs import decode
from collections.abc import Callable, Iterator

import pypdfium2 as pdfium
import pypdfium2.internal as pdfium_i
import pypdfium2.raw as pdfium_c

from breachdesk.readers.base import Encrypted, Item, NeedsOcr, ReaderError, Record, Table
from breachdesk.readers.fixed_width import segments
from breachdesk.readers.text import paragraphs

__all__ = ["NeedsOcr", "read"]


def read(data: bytes, name: str) -> Iterator[Item]:
    document = _open(data)
    found_text = False
    pages = 0
    try:
        pages = pdfium_c.FPDF_GetPageCount(document)
        for index in range(pages):
            laid_out: list[str] | None = None
            try:
                text, laid_out = _page_text(document, index)
            except pdfium.PdfiumError as exc:
                # One damaged page costs that page; the file's other pages are still read.
                text = ""
                if index == pages - 1 and not found_text:
                    raise ReaderError(f"damaged PDF page {index + 1}: {exc}") from exc
            if text.strip():
                found_text = True
                prefix = f"page:{index + 1}!"
                printed = _printed_table(laid_out, prefix) if laid_out else None
                if printed is not None:
                    yield from printed
                else:
                    yield from paragraphs(text.replace("\r\n", "\n"), prefix=prefix)
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


def _page_text(document: object, index: int) -> tuple[str, list[str] | None]:
    """``document[index].get_textpage().get_text_range()`` through the raw calls it makes, the
    same errors raised: the helper objects (finalizers, weak references, the page's bounding box)
    cost a small PDF about a twentieth of its reading time. Also, where the text may hold a
    printed table (``_may_hold_table``), its lines with each word at its place (``_laid_out``)."""
    page = pdfium_c.FPDF_LoadPage(document, index)
    if not page:
        raise pdfium.PdfiumError("Failed to load page.")
    try:
        textpage = pdfium_c.FPDFText_LoadPage(page)
        if not textpage:
            raise pdfium.PdfiumError("Failed to load text page.")
        try:
            text = _text_range(textpage)
            return text, _laid_out(textpage) if _may_hold_table(text) else None
        finally:
            pdfium_c.FPDFText_ClosePage(textpage)
    finally:
        pdfium_c.FPDF_ClosePage(page)


# PDFium's text keeps one space where a printout aligned its columns with many, so a printed
# table (a worklist, a cumulative report) reads as prose: its column labels become a name and
# one row's facts run into the next's. A page with a line of labels naming who (no colon: a
# table's header, not a form's "Patient: ... DOB: ...") is read again with its words placed.
_WHO_LABEL = re.compile(
    r"\b(?:surname|forenames?|first name|last name|name|dob|d\.o\.b\.?|birth|nhs|hosp|mrn)\b",
    re.IGNORECASE,
)


def _may_hold_table(text: str) -> bool:
    return any(
        ":" not in line and len(_WHO_LABEL.findall(line)) >= 2 and len(line.split()) >= 3
        for line in text.splitlines()
        if len(line) < 400
    )


_Word = tuple[float, float, float, float, str]  # left, right, bottom, top, text


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
    words: list[_Word] = []
    for start, end, (left, _, bottom, top), right in spans:
        if end - start >= _LONG_WORD or (
            end - start > 1 and not 0.6 <= (right - left) / (char * (end - start)) <= 1.6
        ):
            words += _glyph_words(text, start, end, edges)
        else:
            words.append((left, right, bottom, top, text[start:end]))
    return _place(words, char)


_WORD = re.compile(r"[^\s\x00]+")
# From this many characters a word is checked a character at a time: few words are this long,
# and two cells run together ("MCDONALD-WILLIAMSAnn") often are.
_LONG_WORD = 12


def _glyph_words(
    text: str,
    start: int,
    end: int,
    edges: Callable[[int], tuple[float, float, float, float] | None],
) -> list[_Word]:
    """``text[start:end]`` cut where a character does not go on from the last one's right
    edge on its line: the pieces of two cells' text PDFium ran together."""
    words: list[_Word] = []
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


_WIDEST_GAP = 200


def _place(words: list[_Word], char: float) -> list[str]:
    """Words on lines (a word belongs to the line whose first word's height holds its
    middle), each at its column, two or more spaces where words stand apart or overlap."""
    lines: list[list[_Word]] = []
    for item in sorted(words, key=lambda w: (-w[3], w[0])):
        middle = (item[2] + item[3]) / 2
        for line in reversed(lines[-3:]):
            if line[0][2] <= middle <= line[0][3]:
                line.append(item)
                break
        else:
            lines.append([item])
    out = []
    for line in lines:
        written = ""
        edge: float | None = None
        for x0, x1, _, _, text in sorted(line):
            column = max(round(x0 / char), len(written) + (1 if written else 0))
            if edge is not None and not -0.5 * char < x0 - edge < 1.5 * char:
                column = max(column, len(written) + 2)
            # (A hostile page can place a word a million widths away: a gap is kept bounded.)
            column = min(column, len(written) + _WIDEST_GAP)
            written += " " * (column - len(written)) + text
            edge = x1
        out.append(written.rstrip())
    return out


def _printed_table(lines: list[str], prefix: str) -> list[Item] | None:
    """A page's items as ``readers.fixed_width`` reads its laid-out lines, when it finds a
    table among them; None (read as prose, as any page) when it does not."""
    items = list(segments(lines))
    if not any(isinstance(item, Table) for item in items):
        return None
    for item in items:
        if isinstance(item, Table):
            item.prefix = prefix + item.prefix
        elif isinstance(item, Record):
            item.locator = prefix + item.locator
    return items


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
