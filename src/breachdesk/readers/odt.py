"""OpenDocument text (ODT) and presentations (ODP): paragraphs, headings, lists and tables
from content.xml, and the page headers and footers of styles.xml (a letter's patient banner,
often).

Tables are read as Word's are (``doc_tables``): a table of people as a table, a form as
"label: value" lines, any other as lines of text.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element

from breachdesk.readers import doc_tables
from breachdesk.readers.base import Item
from breachdesk.readers.office_xml import attr, local, parts, within


def _inline(node: Element) -> str:
    """A paragraph's text, then each of its text boxes' paragraphs a line of its own (as
    Word's, ``office_xml.runs``)."""
    boxes: list[str] = []
    text = _spans(node, boxes)
    return "\n".join([text, *boxes]) if boxes else text


def _spans(node: Element, boxes: list[str]) -> str:
    out: list[str] = [node.text or ""]
    for child in node:
        tag = local(child.tag)
        if tag == "s":
            out.append(" ")
        elif tag == "tab":
            out.append("\t")
        elif tag == "line-break":
            out.append("\n")
        elif tag == "text-box":
            boxes.extend(_inline(p) for p in within(child, "p", "h"))
        else:
            out.append(_spans(child, boxes))
        out.append(child.tail or "")
    return "".join(out)


def _row(row: Element) -> list[str]:
    cells: list[str] = []
    for cell in row:
        tag = local(cell.tag)
        if tag not in {"table-cell", "covered-table-cell"}:
            continue
        text = "\n".join(_inline(p) for p in within(cell, "p", "h"))
        # A cell repeated over columns (a blank run, mostly) or merged across them: the merged
        # cell's neighbours are written as covered cells, so it stands for one column here.
        repeat = doc_tables.span(attr(cell, "number-columns-repeated"))
        cells.extend([text] * repeat if text else [""] * repeat)
    return cells


def pieces(node: Element) -> Iterator[doc_tables.Piece]:
    for child in node:
        tag = local(child.tag)
        if tag in {"p", "h"}:
            yield _inline(child)
        elif tag == "table":
            rows = list(within(child, "table-row"))  # its own: a nested table's are read once
            if any(el is not child and local(el.tag) == "table" for el in child.iter()):
                for row in rows:  # a layout table: its cells' content in order
                    for cell in row:
                        yield from pieces(cell)
                continue
            yield [_row(row) for row in rows]
        else:
            yield from pieces(child)


def read(data: bytes, name: str) -> Iterator[Item]:
    """An OpenDocument text, or presentation (ODP): its slides are read apart, as a PPTX's
    are, each with its speaker notes (located ``slide:N!``)."""
    for part, root in parts(data, ["content.xml", "styles.xml"]):
        if part == "styles.xml":
            # styles.xml holds text only in its master pages' headers and footers (and a
            # presentation's master slides, which hold no patient).
            if not any(local(el.tag) == "page" for el in root.iter()):
                yield from doc_tables.items(pieces(root), prefix="styles!")
            continue
        slides = [el for el in root.iter() if local(el.tag) == "page"]
        if not slides:
            yield from doc_tables.items(pieces(root))
        for number, slide in enumerate(slides, start=1):
            yield from doc_tables.items(pieces(slide), prefix=f"slide:{number}!")
