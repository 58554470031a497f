"""PowerPoint presentations (PPTX): each slide's text boxes and tables, its speaker notes and
the deck's comments.

A lab's case-review or audit deck gives a patient a slide ("Case 3: OKAFOR, Grace, 62F ...")
or lists them in a slide's table; the speaker notes say the rest. Each slide is read apart
(located ``slide:N!``, N its place in the deck), its speaker notes read after its own text, so
one slide's tests and notes stay with its own patient.
Tables are read as Word's are (``doc_tables``): a table of people as a table, a form as
"label: value" lines, any other as lines of text.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from xml.etree.ElementTree import Element

from breachdesk.readers import doc_tables
from breachdesk.readers.base import Item
from breachdesk.readers.office_xml import attr, local, parts, runs

_PARTS = ["ppt/presentation.xml", "ppt/_rels/", "ppt/slides/", "ppt/notesSlides/", "ppt/comments/"]
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _paragraph(node: Element) -> str:
    """A DrawingML paragraph's runs and fields, its line breaks kept."""
    return runs(node, tabs=False)


def _cell(cell: Element) -> list[str]:
    """A table cell's paragraphs as lines, and empty cells for the further columns it spans
    (the cells it covers are written too, marked ``hMerge``, and read as empty)."""
    if attr(cell, "hMerge") in {"1", "true"}:
        return [""]
    text = "\n".join(_paragraph(p) for p in cell.iter() if local(p.tag) == "p")
    return [text]


def _pieces(node: Element) -> Iterator[doc_tables.Piece]:
    for child in node:
        tag = local(child.tag)
        if tag == "p":
            yield _paragraph(child)
        elif tag == "tbl":
            rows = [row for row in child.iter() if local(row.tag) == "tr"]
            yield [[text for c in row if local(c.tag) == "tc" for text in _cell(c)] for row in rows]
        elif tag == "text":  # a comment's text (``p:cm/p:text``)
            yield child.text or ""
            yield ""
        elif tag in {"txBody", "graphicFrame"}:
            yield from _pieces(child)
            yield ""  # a shape's text is a paragraph of its own
        else:
            yield from _pieces(child)


def _number(part: str) -> int:
    """``slide12.xml``'s 12 (0 for a part without one)."""
    stem = part.removesuffix(".xml")
    digits = stem[len(stem.rstrip("0123456789")) :]
    return int(digits[-9:]) if digits else 0


def _targets(rels: Element | None, folder: str) -> dict[str, str]:
    """A part's relationships, id -> the part each names (``../notesSlides/notesSlide3.xml``
    from ``ppt/slides`` is ``ppt/notesSlides/notesSlide3.xml``)."""
    out: dict[str, str] = {}
    for rel in rels if rels is not None else ():
        target, key = attr(rel, "Target"), attr(rel, "Id")
        if target and key:
            path = (
                posixpath.normpath(posixpath.join(folder, target))
                if target[0] != "/"
                else target[1:]
            )
            out[key] = path
    return out


def _slides(xml: dict[str, Element]) -> list[str]:
    """The slides in the order the deck shows them (``presentation.xml``'s list of slide ids),
    then any slide the list leaves out, by number."""
    targets = _targets(xml.get("ppt/_rels/presentation.xml.rels"), "ppt")
    listed = xml.get("ppt/presentation.xml")
    slides = [el for el in listed.iter() if local(el.tag) == "sldId"] if listed is not None else []
    ids = [el.get(f"{{{_RELATIONSHIPS}}}id") for el in slides]  # r:id, not the numeric id
    order = list(dict.fromkeys(targets[i] for i in ids if i in targets and targets[i] in xml))
    listed_once = set(order)  # (a hostile list may name a slide twice, or thousands)
    rest = sorted(
        (p for p in xml if p.startswith("ppt/slides/slide") and p not in listed_once), key=_number
    )
    return order + rest


def read(data: bytes, name: str) -> Iterator[Item]:
    xml = dict(parts(data, _PARTS))
    for number, slide in enumerate(_slides(xml), start=1):
        rels = _targets(xml.get(f"ppt/slides/_rels/{slide.rsplit('/', 1)[-1]}.rels"), "ppt/slides")
        notes = [xml[p] for p in rels.values() if p.startswith("ppt/notesSlides/") and p in xml]
        # The speaker notes are about the slide's patient: read after its text, as one text.
        pieces = [
            *_pieces(xml[slide]),
            *(piece for root in notes for piece in ["", *_pieces(root)]),
        ]
        yield from doc_tables.items(pieces, prefix=f"slide:{number}!")
    comments = sorted((p for p in xml if p.startswith("ppt/comments/")), key=_number)
    for number, part in enumerate(comments, start=1):
        yield from doc_tables.items(_pieces(xml[part]), prefix=f"comments:{number}!")
