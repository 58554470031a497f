"""Word documents (DOCX): body, tables, headers, footers, notes and comments, as paragraphs.

Table rows become one line each (cells separated by " | "), so a patient list typed into a
Word table keeps each person's name, date of birth and NHS number on one line.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element

from breachdesk.readers.base import Item
from breachdesk.readers.office_xml import local, parts
from breachdesk.readers.text import paragraphs

_PARTS = [
    "word/document.xml",
    "word/header",
    "word/footer",
    "word/footnotes.xml",
    "word/endnotes.xml",
    "word/comments.xml",
]


def _runs(node: Element) -> str:
    out: list[str] = []
    for el in node.iter():
        tag = local(el.tag)
        if tag == "t" and el.text:
            out.append(el.text)
        elif tag == "tab":
            out.append("\t")
        elif tag in {"br", "cr"}:
            out.append("\n")
    return "".join(out)


def _lines(node: Element) -> Iterator[str]:
    for child in node:
        tag = local(child.tag)
        if tag == "p":
            yield _runs(child)
        elif tag == "tbl":
            for row in child.iter():
                if local(row.tag) == "tr":
                    cells = [_runs(c) for c in row if local(c.tag) == "tc"]
                    yield " | ".join(cell.replace("\n", " ") for cell in cells)
            yield ""
        else:
            yield from _lines(child)


def read(data: bytes, name: str) -> Iterator[Item]:
    for part, root in parts(data, _PARTS):
        label = part.rsplit("/", 1)[-1].removesuffix(".xml")
        yield from paragraphs("\n".join(_lines(root)), prefix=f"{label}!")
