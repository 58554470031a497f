"""Word 97-2003 documents (.doc): the text of each story (body, headers and footers,
footnotes, comments, endnotes, text boxes) and the tables in it, from the binary format
([MS-DOC]) inside the OLE compound file.

A lab's letters and reports written before DOCX, and many a template still in use, are .doc.
No maintained Python library reads them (antiword and catdoc are C programs last released in
the 2000s, to be run on hostile input), and what the scan needs is small: the text, which the
format keeps as a piece table over the WordDocument stream, and which paragraphs are table
cells and row ends, which the paragraphs' properties say. That much is read here, with olefile;
formatting, pictures and embedded objects are not. Tables are read as Word's DOCX tables are
(``doc_tables``): a table of people as a table, a form as "label: value" lines, any other as
lines of text. Locators are a story's (``document!line:N``, ``headers!table:1!row:2``).
"""

from __future__ import annotations

import bisect
import io
import itertools
import re
import struct
from collections.abc import Iterator

import olefile

from breachdesk.readers import doc_tables
from breachdesk.readers.base import Item, ReaderError

_IDENT = 0xA5EC
_WORD_97 = 0x00C1  # the FIB version Word 97 and every later Word write (Word 6 and 95: 0x65-0x68)
_ENCRYPTED = 0x0100
_TABLE_1 = 0x0200  # the table stream is "1Table", not "0Table"
_CCP = 0x004C  # the stories' lengths in characters, in this order, from here on
_STORIES = (
    "document",
    "footnotes",
    "headers",
    None,  # macros (Word 97 keeps none in the text)
    "comments",
    "endnotes",
    "textboxes",
    "header_textboxes",
)
_FC_PAPX = 0x0102  # where the paragraphs' properties are listed (PlcBtePapx), and its length
_FC_CLX = 0x01A2  # where the piece table is (Clx), and its length
_COMPRESSED = 0x40000000
_PAGE = 512
# Paragraph properties (sprms) that say where a table's cells and rows end.
_IN_TABLE, _ROW_END = 0x2416, 0x2417
# The stories' characters that are no text: a picture, a drawing, a footnote's or comment's
# reference mark; line, page and column breaks become line breaks, Word's non-breaking hyphen
# a hyphen, its optional hyphen nothing.
_CHARACTERS = {0x0B: "\n", 0x0C: "\n", 0x0E: "\n", 0x1E: "-"} | dict.fromkeys(
    (0x01, 0x02, 0x03, 0x04, 0x05, 0x08, 0x1F), None
)
_MARKS = re.compile(r"[\r\x07]")
MAX_FIELDS = 64
_FIELD_MARKS = re.compile(r"[\x13\x14\x15]")


def read(data: bytes, name: str) -> Iterator[Item]:
    word, table = _streams(data)
    pieces = _piece_table(word, table)
    text = _text(word, pieces)
    paragraphs = _Paragraphs(word, table)
    offset = 0
    for index, story in enumerate(_STORIES):
        length = _int(word, _CCP + 4 * index)
        if story and length > 0:
            found = _story(text, offset, offset + length, pieces, paragraphs)
            yield from doc_tables.items(found, prefix=f"{story}!")
        offset += max(length, 0)


def _int(buffer: bytes, at: int) -> int:
    if at + 4 > len(buffer):
        raise ReaderError("damaged Word document: its header is cut short")
    value: int = struct.unpack_from("<i", buffer, at)[0]
    return value


def _streams(data: bytes) -> tuple[bytes, bytes]:
    """The WordDocument stream and the table stream its header names."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            word = ole.openstream("WordDocument").read()
            if len(word) < 0x01AA:
                raise ReaderError("damaged Word document: its header is cut short")
            ident, version = struct.unpack_from("<HH", word, 0)
            flags = struct.unpack_from("<H", word, 0x0A)[0]
            if ident != _IDENT:
                raise ReaderError("damaged Word document: not a Word 97-2003 header")
            if version < _WORD_97 - 1:  # 0xC0: Word 97's beta
                raise ReaderError(
                    "a Word 6 or Word 95 document: not read in this version (save it as .docx)"
                )
            if flags & _ENCRYPTED:
                raise ReaderError("encrypted Word document (a password is needed to read it)")
            name = "1Table" if flags & _TABLE_1 else "0Table"
            if not ole.exists(name):
                raise ReaderError(f"damaged Word document: no {name} stream")
            return word, ole.openstream(name).read()
    except ReaderError:
        raise
    except Exception as exc:  # olefile raises OSError, struct.error, IndexError on hostile input
        raise ReaderError(f"damaged Word document: {exc}") from exc


# A piece: its first and last character positions, where its text starts in the WordDocument
# stream, and whether it is one byte a character (Windows-1252) or two (UTF-16).
_Piece = tuple[int, int, int, bool]


def _piece_table(word: bytes, table: bytes) -> list[_Piece]:
    at, size = _int(word, _FC_CLX), _int(word, _FC_CLX + 4)
    clx = table[at : at + size] if at >= 0 and size > 0 else b""
    at = 0
    while at < len(clx):
        if clx[at] == 1:  # formatting for the pieces (a Prc): passed over
            if at + 3 > len(clx):
                break
            at += 3 + max(struct.unpack_from("<h", clx, at + 1)[0], 0)
        elif clx[at] == 2 and at + 5 <= len(clx):  # the piece table (a Pcdt)
            plc = clx[at + 5 : at + 5 + struct.unpack_from("<I", clx, at + 1)[0]]
            count = (len(plc) - 4) // 12
            if count <= 0:
                break
            cps = struct.unpack_from(f"<{count + 1}I", plc)
            pieces = []
            for i in range(count):
                fc = struct.unpack_from("<I", plc, 4 * (count + 1) + 8 * i + 2)[0]
                compressed = bool(fc & _COMPRESSED)
                fc &= ~_COMPRESSED
                if cps[i] < cps[i + 1]:
                    pieces.append((cps[i], cps[i + 1], fc // 2 if compressed else fc, compressed))
            return pieces
        else:
            break
    raise ReaderError("damaged Word document: no piece table")


def _text(word: bytes, pieces: list[_Piece]) -> str:
    """The document's characters, every story one after another (the pieces in order: a
    character's place here is its character position)."""
    out: list[str] = []
    for start, end, at, compressed in pieces:
        width = 1 if compressed else 2
        if at + (end - start) * width > len(word):  # a hostile table's 4 billion characters
            raise ReaderError("damaged Word document: its text runs past the end of its stream")
        chunk = word[at : at + (end - start) * width]
        out.append(chunk.decode("cp1252" if compressed else "utf-16-le", errors="replace"))
    return "".join(out)


class _Paragraphs:
    """Whether a paragraph is in a table, and whether it ends a table's row, from the
    properties Word keeps for the paragraph mark's place in the WordDocument stream: a list of
    pages (FKPs), each listing paragraphs by where they end and their properties."""

    def __init__(self, word: bytes, table: bytes) -> None:
        self._word = word
        at, size = _int(word, _FC_PAPX), _int(word, _FC_PAPX + 4)
        plc = table[at : at + size] if at >= 0 and size > 0 else b""
        count = max((len(plc) - 4) // 8, 0)
        self.known = count > 0
        self._ends = struct.unpack_from(f"<{count + 1}I", plc) if count else ()
        self._pages = struct.unpack_from(f"<{count}I", plc, 4 * (count + 1)) if count else ()
        self._cache: dict[int, tuple[bool, bool]] = {}

    def at(self, position: int) -> tuple[bool, bool]:
        """(in a table, ends a row) for the paragraph whose mark is at byte ``position``."""
        found = self._cache.get(position)
        if found is None:
            found = self._cache[position] = self._read(position)
        return found

    def _read(self, position: int) -> tuple[bool, bool]:
        i = bisect.bisect_right(self._ends, position) - 1
        if not 0 <= i < len(self._pages):
            return False, False
        page = self._word[self._pages[i] * _PAGE : (self._pages[i] + 1) * _PAGE]
        if len(page) < _PAGE:
            return False, False
        runs = page[-1]
        if 4 * (runs + 1) + 13 * runs > _PAGE - 1:
            return False, False
        ends = struct.unpack_from(f"<{runs + 1}I", page)
        j = bisect.bisect_right(ends, position) - 1
        if not 0 <= j < runs:
            return False, False
        at = page[4 * (runs + 1) + 13 * j] * 2
        if not at or at >= _PAGE - 1:
            return False, False  # no properties: a plain paragraph
        size = page[at]
        grpprl = (
            page[at + 2 : at + 2 + 2 * page[at + 1]] if size == 0 else page[at + 1 : at + 2 * size]
        )
        found = dict(_sprms(grpprl[2:]))  # after the paragraph's style number
        return found.get(_IN_TABLE, b"\0")[:1] != b"\0", found.get(_ROW_END, b"\0")[:1] != b"\0"


def _sprms(grpprl: bytes) -> Iterator[tuple[int, bytes]]:
    """A property list's (operation, operand) pairs; the operand's size is in the operation."""
    at = 0
    while at + 2 <= len(grpprl):
        operation = struct.unpack_from("<H", grpprl, at)[0]
        at += 2
        kind = operation >> 13
        if kind == 6:  # variable: its size first (two bytes for a table's cell list)
            if operation in (0xD608, 0xD606):
                if at + 2 > len(grpprl):
                    return
                size = struct.unpack_from("<H", grpprl, at)[0] - 1
                at += 2
            elif at < len(grpprl):
                size = grpprl[at]
                at += 1
            else:
                return
        else:
            size = (1, 1, 2, 4, 2, 2, 0, 3)[kind]
        yield operation, grpprl[at : at + size]
        at += size


def _byte_at(pieces: list[_Piece], starts: list[int], index: int) -> int:
    """Where the character at ``index`` of ``_text`` is in the WordDocument stream."""
    i = bisect.bisect_right(starts, index) - 1
    _, _, at, compressed = pieces[i]
    return at + (index - starts[i]) * (1 if compressed else 2)


class _Fields:
    """Fields' codes dropped and their results kept, across paragraphs ("\\x13 MERGEFIELD name
    \\x14Grace Okafor\\x15" is "Grace Okafor"); fields nest, up to ``MAX_FIELDS`` deep (a
    hostile story's millions of field starts are read as text past that)."""

    def __init__(self) -> None:
        self._codes: list[bool] = []  # per open field: still in its code
        self._in_code = 0  # how many of them are

    def clean(self, text: str) -> str:
        if not self._codes and "\x13" not in text:
            return text
        out: list[str] = []
        at = 0
        for mark in _FIELD_MARKS.finditer(text):
            if not self._in_code:
                out.append(text[at : mark.start()])
            char = mark.group()
            if char == "\x13" and len(self._codes) < MAX_FIELDS:
                self._codes.append(True)
                self._in_code += 1
            elif char == "\x14" and self._codes and self._codes[-1]:
                self._codes[-1] = False
                self._in_code -= 1
            elif char == "\x15" and self._codes:
                self._in_code -= self._codes.pop()
            at = mark.end()
        if not self._in_code:
            out.append(text[at:])
        return "".join(out)


def _story(
    text: str, start: int, end: int, pieces: list[_Piece], paragraphs: _Paragraphs
) -> list[doc_tables.Piece]:
    """A story's paragraphs as lines, and its tables as grids of cell texts."""
    starts = list(itertools.accumulate((end - begin for begin, end, _, _ in pieces), initial=0))
    fields = _Fields()
    out: list[doc_tables.Piece] = []
    grid: doc_tables.Grid = []
    row: list[str] = []
    cell: list[str] = []
    width = 0  # the table's first row's cells: rows end there when properties are missing
    at = start
    for mark in _MARKS.finditer(text, start, end):
        line = fields.clean(text[at : mark.start()]).translate(_CHARACTERS)
        at = mark.end()
        in_table, row_end = paragraphs.at(_byte_at(pieces, starts, mark.start()))
        if mark.group() == "\x07":
            if not paragraphs.known:  # a row's end mark is an empty cell mark after its last
                row_end = not line and bool(row) and len(row) >= (width or len(row))
            if row_end:
                grid.append(row)
                width = width or len(row)
                row, cell = [], []
            else:
                row.append("\n".join([*cell, line]))
                cell = []
        elif in_table or (row and not paragraphs.known):
            cell.append(line)  # a cell's paragraph before its last
        else:
            if grid or row:
                out.append(grid + ([row] if row else []))
                grid, row, width = [], [], 0
            out.append(line)
    tail = fields.clean(text[at:end]).translate(_CHARACTERS)
    if grid or row:
        out.append(grid + ([row] if row else []))
    if tail.strip():
        out.append(tail)
    return out
