"""Word documents (DOCX): body, tables, headers, footers, notes and comments.

A table whose header names who its rows are about is read as a table, a form of labels and
values as "label: value" lines, any other as lines of text (``doc_tables``). A table inside
another's cell is read in its place, the table holding it as text.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element

from breachdesk.readers import doc_tables
from breachdesk.readers.base import Item
from breachdesk.readers.office_xml import attr, children, local, parts, runs, within

_PARTS = [
    "word/document.xml",
    "word/header",
    "word/footer",
    "word/footnotes.xml",
    "word/endnotes.xml",
    "word/comments.xml",
]


def _cell(cell: Element) -> list[str]:
    """A table cell's paragraphs, as lines, and empty cells for the further columns it spans."""
    text = "\n".join(runs(p) for p in within(cell, "p"))
    spans = [
        attr(el, "val")
        for pr in cell
        if local(pr.tag) == "tcPr"
        for el in pr
        if local(el.tag) == "gridSpan"
    ]
    return [text] + [""] * (doc_tables.span(spans[0] if spans else None) - 1)


def pieces(node: Element) -> Iterator[doc_tables.Piece]:
    for child in children(node):
        tag = local(child.tag)
        if tag == "p":
            yield runs(child)
        elif tag == "tbl":
            # Its own rows and cells: a nested table's are read in their cell's place, once.
            rows = [list(within(row, "tc")) for row in within(child, "tr")]
            if any(el is not child and local(el.tag) == "tbl" for el in child.iter()):
                # A layout table: its cells' paragraphs and tables in their order.
                for cells in rows:
                    for cell in cells:
                        yield from pieces(cell)
                continue
            yield [[text for cell in cells for text in _cell(cell)] for cells in rows]
        else:
            yield from pieces(child)


def read(data: bytes, name: str) -> Iterator[Item]:
    for part, root in parts(data, _PARTS):
        label = part.rsplit("/", 1)[-1].removesuffix(".xml")
        yield from doc_tables.items(pieces(root), prefix=f"{label}!")
