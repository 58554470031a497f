"""A clinical document's human-readable narrative as lines of text: a CDA section's ``<text>``
(``paragraph``, ``list/item``, ``table/tr/td``, ``content``) and FHIR's XHTML ``text.div``
(parsed, in XML; markup in a string, in JSON).

Blocks (a paragraph, a list item, a table row) are lines and a row's cells are separated by a
tab, so "CD4 count", "45 cells/uL" reads as a test with its result after it, never glued into
one word ("CD4 count45") as the elements' bare text would be.
"""

from __future__ import annotations

from html.parser import HTMLParser
from xml.etree.ElementTree import Element

# Elements that end a line, in CDA's narrative block and in XHTML.
_BLOCKS = frozenset(
    {
        "paragraph", "item", "list", "caption", "table", "thead", "tbody", "tfoot", "tr",
        "br", "title", "text", "section", "footnote", "p", "div", "li", "ul", "ol", "dl", "dt",
        "dd", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
    }
)  # fmt: skip
_CELLS = frozenset({"td", "th"})


class _Lines:
    """Text written element by element: a block opens and closes a line, a cell closes with
    a tab."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def start(self, name: str) -> None:
        if name in _BLOCKS:
            self.parts.append("\n")

    def end(self, name: str) -> None:
        if name in _BLOCKS:
            self.parts.append("\n")
        elif name in _CELLS:
            self.parts.append("\t")

    def data(self, text: str | None) -> None:
        if text:
            self.parts.append(text)

    def text(self) -> str:
        """The lines, each cell's spaces collapsed; empty cells and lines left out."""
        lines = []
        for line in "".join(self.parts).split("\n"):
            cells = [" ".join(cell.split()) for cell in line.split("\t")]
            kept = "\t".join(cell for cell in cells if cell)
            if kept:
                lines.append(kept)
        return "\n".join(lines)


def _name(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def of_element(element: Element) -> str:
    """The narrative under a parsed element (its tail, the text after it, is not its own).
    Walked with a stack, not recursion: hostile markup nests deeper than Python's stack."""
    out = _Lines()
    stack: list[tuple[Element, bool]] = [(element, False)]
    while stack:
        node, closing = stack.pop()
        name = _name(node.tag)
        if closing:
            out.end(name)
            if node is not element:
                out.data(node.tail)
            continue
        out.start(name)
        out.data(node.text)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    return out.text()


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines = _Lines()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.lines.start(_name(tag))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.lines.start(_name(tag))  # "<br/>"

    def handle_endtag(self, tag: str) -> None:
        self.lines.end(_name(tag))

    def handle_data(self, data: str) -> None:
        self.lines.data(data)


def of_markup(markup: str) -> str:
    """The narrative in a string of XHTML (FHIR JSON's ``"div": "<div xmlns=...>..."``); what
    a malformed string holds up to where the parser gave up."""
    parser = _Markup()
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError, IndexError):
        pass  # (the stdlib parser asserts on some malformed declarations)
    return parser.lines.text()


def of_value(value: object) -> str:
    """A narrative as a FHIR reader holds it: markup (JSON), or text already (XML, whose
    ``div`` the XML reader turns into lines)."""
    if not isinstance(value, str):
        return ""
    return of_markup(value) if value.lstrip().startswith("<") else value
