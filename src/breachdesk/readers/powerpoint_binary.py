"""PowerPoint 97-2003 presentations (.ppt): each slide's text and tables, and the notes pages,
from the binary format ([MS-PPT]) inside the OLE compound file.

The "PowerPoint Document" stream is a tree of records. A slide's text is in its drawing's
text boxes (as PowerPoint 2007 and later and LibreOffice write it) or, as PowerPoint 97-2003
wrote its placeholders, in the document's list of slides, after each slide's entry; both are
read. A table is a group of shapes, a cell each, placed on a grid: a group whose cells line up
in rows of equal length is read as a table (``doc_tables``), any other shape's text as lines.
Slides are located ``slide:N!`` in the order the deck shows them, each with its speaker notes;
masters (placeholder text only) are passed over. No maintained library reads the format in
Python; olefile opens the container.
"""

from __future__ import annotations

import bisect
import io
import struct
from collections import Counter
from collections.abc import Iterator

import olefile

from breachdesk.readers import doc_tables
from breachdesk.readers.base import Item, ReaderError

_DOCUMENT, _SLIDE, _NOTES, _MAIN_MASTER = 0x03E8, 0x03EE, 0x03F0, 0x03F8
_SLIDE_LIST, _SLIDE_ENTRY, _NOTES_ATOM, _PERSIST_DIRECTORY = 0x0FF0, 0x03F3, 0x03F1, 0x1772
_TEXT_CHARS, _TEXT_BYTES = 0x0FA0, 0x0FA8
_GROUP, _SHAPE, _CHILD_ANCHOR, _TEXT_BOX = 0xF003, 0xF004, 0xF00F, 0xF00D
MAX_DEPTH = 64  # records nest a dozen deep in real files; a hostile one nests without end
_LINES = str.maketrans({"\r": "\n", "\x0b": "\n"})  # paragraph ends and line breaks


class _Record:
    __slots__ = ("body", "children", "instance", "kind", "offset")

    def __init__(
        self, kind: int, instance: int, offset: int, body: bytes, children: list[_Record]
    ) -> None:
        self.kind, self.instance, self.offset = kind, instance, offset
        self.body, self.children = body, children

    def walk(self) -> Iterator[_Record]:
        yield self
        for child in self.children:
            yield from child.walk()

    def text(self) -> str | None:
        if self.kind == _TEXT_CHARS:
            return self.body.decode("utf-16-le", errors="replace").translate(_LINES)
        if self.kind == _TEXT_BYTES:  # UTF-16 with the high bytes (all zero) left out
            return self.body.decode("latin-1").translate(_LINES)
        return None


def _records(stream: bytes, start: int, end: int, depth: int = 0) -> list[_Record]:
    if depth > MAX_DEPTH:
        raise ReaderError(f"damaged presentation: records nested deeper than {MAX_DEPTH}")
    out: list[_Record] = []
    at = start
    while at + 8 <= end:
        version_instance, kind, size = struct.unpack_from("<HHI", stream, at)
        body_end = min(at + 8 + size, end)
        if version_instance & 0xF == 0xF:  # a container: records inside
            children = _records(stream, at + 8, body_end, depth + 1)
            out.append(_Record(kind, version_instance >> 4, at, b"", children))
        else:
            out.append(_Record(kind, version_instance >> 4, at, stream[at + 8 : body_end], []))
        at = body_end
    return out


def read(data: bytes, name: str) -> Iterator[Item]:
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if not ole.exists("PowerPoint Document"):
                raise ReaderError("damaged presentation: no PowerPoint Document stream")
            stream = ole.openstream("PowerPoint Document").read()
    except ReaderError:
        raise
    except Exception as exc:  # olefile raises OSError, struct.error, IndexError on hostile input
        raise ReaderError(f"damaged presentation: {exc}") from exc
    top = _records(stream, 0, len(stream))
    slides = _slides(top)
    notes: dict[int, list[_Record]] = {}  # slide id -> its notes pages
    for page in (record for record in top if record.kind == _NOTES):
        notes.setdefault(_about(page), []).append(page)
    for number, (slide_id, listed, slide) in enumerate(slides, start=1):
        pieces = [*listed, *(_pieces(slide.children) if slide else [])]
        for page in notes.pop(slide_id, []) if slide_id else []:
            pieces += ["", *_pieces(page.children)]  # the speaker's notes: about this slide
        yield from doc_tables.items(pieces, prefix=f"slide:{number}!")
    rest = [page for pages in notes.values() for page in pages]
    for number, page in enumerate(rest, start=1):  # the notes master, pages of no slide
        yield from doc_tables.items(_pieces(page.children), prefix=f"notes:{number}!")


def _persisted(top: list[_Record]) -> dict[int, int]:
    """Where each persisted object (a slide, a notes page) starts in the stream, by its id:
    every save appends a directory of what it wrote, the later entries the current ones."""
    where: dict[int, int] = {}
    for directory in (record for record in top if record.kind == _PERSIST_DIRECTORY):
        body, at = directory.body, 0
        while at + 4 <= len(directory.body):
            head = struct.unpack_from("<I", body, at)[0]
            first, count = head & 0xFFFFF, head >> 20
            offsets = body[at + 4 : at + 4 + 4 * count]
            for i in range(len(offsets) // 4):
                where[first + i] = struct.unpack_from("<I", offsets, 4 * i)[0]
            at += 4 + 4 * count
    return where


def _slides(top: list[_Record]) -> list[tuple[int, list[doc_tables.Piece], _Record | None]]:
    """The slides in the order shown (the document's list of slides: each entry names its
    slide's id and where it is kept, and the old placeholders' texts follow it), each with its
    id, those texts and its record; slides the list does not reach follow in file order."""
    by_offset = {record.offset: record for record in top if record.kind == _SLIDE}
    where = _persisted(top)
    out: list[tuple[int, list[doc_tables.Piece], _Record | None]] = []
    for document in (record for record in top if record.kind == _DOCUMENT):
        for listing in document.children:
            if listing.kind != _SLIDE_LIST or listing.instance != 0:  # 0: slides, not notes
                continue
            for record in listing.children:
                if record.kind == _SLIDE_ENTRY and len(record.body) >= 16:
                    persist, _, _, slide_id = struct.unpack_from("<IIII", record.body)
                    out.append((slide_id, [], by_offset.pop(where.get(persist, -1), None)))
                elif (text := record.text()) is not None and out:
                    out[-1][1].extend([text, ""])
    out += [(0, [], slide) for slide in by_offset.values()]
    return out


def _about(page: _Record) -> int:
    """The id of the slide a notes page is about (0: none, as the notes master's)."""
    atom = next((r.body for r in page.children if r.kind == _NOTES_ATOM), b"")
    return struct.unpack_from("<i", atom)[0] if len(atom) >= 4 else 0


def _pieces(records: list[_Record]) -> list[doc_tables.Piece]:
    """Lines of the shapes' text in the order drawn, a group laid out as a grid a table."""
    out: list[doc_tables.Piece] = []
    for record in records:
        if record.kind == _MAIN_MASTER:
            continue
        if record.kind == _GROUP and (grid := _grid(record.children)) is not None:
            out.append(grid)
        elif record.kind == _TEXT_BOX:
            texts = [text for r in record.walk() if (text := r.text()) is not None]
            out += [*texts, ""]
        else:
            out += _pieces(record.children)
    return out


def _grid(shapes: list[_Record]) -> doc_tables.Grid | None:
    """A group's text boxes as rows of cells, when two rows or more, by their top edge, hold
    two cells or more at the same left edges (a table's cells, each its own shape); a cell
    merged across columns (a title row) stands in the column its left edge is in."""
    rows: dict[int, list[tuple[int, str]]] = {}
    for shape in shapes:
        if shape.kind != _SHAPE:
            continue
        anchor = next((r.body for r in shape.children if r.kind == _CHILD_ANCHOR), b"")
        boxes = [r for r in shape.children if r.kind == _TEXT_BOX]
        if not boxes or len(anchor) < 16:
            continue
        left, top = struct.unpack_from("<ii", anchor)
        text = "\n".join(t for r in boxes[0].walk() if (t := r.text()) is not None)
        rows.setdefault(top, []).append((left, text))
    lefts = Counter(tuple(sorted(left for left, _ in cells)) for cells in rows.values())
    edges, count = max(lefts.items(), key=lambda item: (item[1], len(item[0])), default=((), 0))
    if count < 2 or len(edges) < 2:
        return None
    grid: doc_tables.Grid = []
    for _, cells in sorted(rows.items()):
        row = [""] * len(edges)
        for left, text in cells:
            column = max(bisect.bisect_right(edges, left) - 1, 0)
            row[column] = f"{row[column]} {text}".strip()
        grid.append(row)
    return grid
