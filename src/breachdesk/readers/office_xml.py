"""Text from the XML inside Office Open XML and OpenDocument files, parsed with defusedxml.

A DOCX or ODT is a zip of XML parts; the parts are hostile like everything else (entity
expansion, external entities), so they are parsed with defusedxml, and only text is kept.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from breachdesk.readers.base import ReaderError

MAX_PART = 256 * 2**20  # expanded bytes of one XML part
MAX_DEPTH = 200
_ERRORS = (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError)
_XML = (".xml", ".rels")  # parts, and the relationships between them


def parts(data: bytes, wanted: list[str]) -> Iterator[tuple[str, Element]]:
    """The parsed XML parts named in ``wanted``: exact names, or prefixes (``word/header``)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ReaderError(f"damaged document (zip): {exc}") from exc
    with zf:
        names = zf.namelist()
        for want in wanted:
            if want.endswith(_XML):
                matches = [want] if want in names else []
            else:
                matches = sorted(n for n in names if n.startswith(want) and n.endswith(_XML))
            for part in matches:
                info = zf.getinfo(part)
                if info.file_size > MAX_PART:
                    raise ReaderError(f"{part}: {info.file_size} bytes of XML; limit {MAX_PART}")
                if info.flag_bits & 0x1:
                    raise ReaderError(f"{part}: encrypted")
                try:
                    with zf.open(info) as handle:
                        raw = handle.read(MAX_PART + 1)
                    root = SafeET.fromstring(raw)
                except defusedxml.DefusedXmlException as exc:
                    raise ReaderError(f"{part}: refused XML ({type(exc).__name__})") from exc
                except (*_ERRORS, ParseError) as exc:
                    raise ReaderError(f"{part}: damaged XML: {exc}") from exc
                _check_depth(root, part)
                yield part, root


def _check_depth(root: Element, part: str) -> None:
    """Refuse absurdly deep XML: the text walkers recurse, and real documents are shallow."""
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ReaderError(f"{part}: XML nested deeper than {MAX_DEPTH}")
        stack.extend((child, depth + 1) for child in node)


def local(tag: object) -> str:
    """A tag without its namespace: '{urn:...}p' -> 'p'."""
    text = tag if isinstance(tag, str) else ""
    return text.rsplit("}", 1)[-1]


def attr(node: Element, name: str) -> str | None:
    """An attribute by its name without namespace ("val" for ``w:val``), or None."""
    return next((v for k, v in node.attrib.items() if local(k) == name), None)


def children(node: Element) -> list[Element]:
    """A node's children; an ``mc:AlternateContent``'s, the one branch read: its first
    ``Choice`` (Word saves a text box twice, as a DrawingML shape there and as VML in the
    ``Fallback``), else its ``Fallback``."""
    if local(node.tag) != "AlternateContent":
        return list(node)
    branches = [child for child in node if local(child.tag) in {"Choice", "Fallback"}]
    return next(([b] for b in branches if local(b.tag) == "Choice"), branches[:1])


def within(node: Element, *wanted: str) -> Iterator[Element]:
    """The ``wanted`` elements under ``node`` (a table's rows, a row's cells, a cell's
    paragraphs), however wrapped (``sdt``, ``table-header-rows``), not those inside one found:
    a nested table's rows are its own, a text box's paragraphs its paragraph's."""
    for child in children(node):
        if local(child.tag) in wanted:
            yield child
        else:
            yield from within(child, *wanted)


_NESTED = frozenset({"AlternateContent", "txbxContent"})  # read by walking a paragraph


def runs(node: Element, *, tabs: bool = True) -> str:
    """A paragraph's text: its runs (``t``), tabs and line breaks (``br``, ``cr``), then each
    of its text boxes' paragraphs (an addressograph label beside a heading) a line of its own.
    ``tabs``: a ``tab`` element is a tab character (Word's; DrawingML's ``tab`` is a tab
    stop's definition, not text)."""
    out: list[str] = []
    for el in node.iter():
        tag = local(el.tag)
        if tag == "t" and el.text:
            out.append(el.text)
        elif tag == "tab" and tabs:
            out.append("\t")
        elif tag in {"br", "cr"}:
            out.append("\n")
        elif tag in _NESTED:
            break
    else:
        return "".join(out)
    # (Rare: walked, so that what the box or the alternative holds is read once, apart.)
    out = []
    boxes: list[str] = []
    _walk(node, out, boxes, tabs)
    return "\n".join(["".join(out), *boxes]) if boxes else "".join(out)


def _walk(node: Element, out: list[str], boxes: list[str], tabs: bool) -> None:
    for el in children(node):
        tag = local(el.tag)
        if tag == "t":
            out.append(el.text or "")
        elif tag == "tab" and tabs:
            out.append("\t")
        elif tag in {"br", "cr"}:
            out.append("\n")
        elif tag == "txbxContent":
            # Apart from the paragraph's own text, which a box anchored in it would split.
            boxes.extend(runs(p, tabs=tabs) for p in within(el, "p"))
        else:
            _walk(el, out, boxes, tabs)
