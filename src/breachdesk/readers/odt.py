"""OpenDocument text (ODT): paragraphs, headings, lists and table rows from content.xml."""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element

from breachdesk.readers.base import Item
from breachdesk.readers.office_xml import local, parts
from breachdesk.readers.text import paragraphs


def _inline(node: Element) -> str:
    out: list[str] = [node.text or ""]
    for child in node:
        tag = local(child.tag)
        if tag == "s":
            out.append(" ")
        elif tag == "tab":
            out.append("\t")
        elif tag == "line-break":
            out.append("\n")
        else:
            out.append(_inline(child))
        out.append(child.tail or "")
    return "".join(out)


def _lines(node: Element) -> Iterator[str]:
    for child in node:
        tag = local(child.tag)
        if tag in {"p", "h"}:
            yield _inline(child)
        elif tag == "table-row":
            cells = [" ".join(_lines(c)) for c in child if local(c.tag) == "table-cell"]
            yield " | ".join(cells)
        else:
            yield from _lines(child)


def read(data: bytes, name: str) -> Iterator[Item]:
    for _part, root in parts(data, ["content.xml"]):
        yield from paragraphs("\n".join(_lines(root)))
