"""HTML with the stdlib parser: tags out, block boundaries kept as line breaks, tables as grids.

A table inside another's cell (the layout tables of an e-mail or a report page) is a grid of
its own, in its place; the table holding it is read as text around it (``doc_tables``). A
table's caption is a line of text above it, as a heading would be.

A page lays a label and its value side by side in elements with nothing between them
("<dt>NHS No.</dt><dd>455 766 0932</dd>", "<span class=lbl>BORN</span><span
class=val>16-Apr-1953</span>"): glued, "NHS455 766 0932" is no number of anyone's. So a term
and its definition read "term: definition", and an inline element that is a field (a label
element, a table-cell role, a class naming a label or value, or text that names a field) is
set apart from what follows it by a space. Other inline formatting joins its text as the page
shows it ("<b>O</b>KAFOR" is one word).

An EPR's form lays its fields out as a table of header and data cells in pairs, one pair or more
a row ("<tr><th>Name</th><td>Rosa SANDOVAL</td><th>DOB</th><td>21/05/1977</td></tr>"): the page
says which cell is a label, so such a table reads "label: value", a line a pair, whatever its
labels' words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

from breachdesk.ingest.sniff import decode
from breachdesk.readers import doc_tables
from breachdesk.readers.base import Item

_BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "dl"}
_CELLS = {"td", "th"}
# Elements that run on in a line; tracked while open so a field among them can be set apart.
_INLINE = {
    "span", "label", "b", "strong", "em", "i", "u", "a", "font", "small", "big", "code",
    "abbr", "time", "data", "output", "mark", "sub", "sup", "s", "cite", "q", "var", "kbd",
}  # fmt: skip
MAX_OPEN = 256  # inline elements tracked while open (hostile markup never closes them)
# A page's own word for a box laid out as a cell, in its role or display: side by side, a field.
_CELL_ROLES = {"cell", "gridcell", "columnheader", "rowheader"}
_INLINE_DISPLAY = re.compile(r"display\s*:\s*(?:table-cell|inline-block|inline)\b", re.I)
# Class names pages give a field's label or value ("lbl", "field-label", "val", "pt_value").
_FIELD_CLASS = re.compile(r"(?:^|[-_])(?:lbl|label|key|term|val|value)(?:$|[-_])", re.I)
_CLOSING = set(",.;:!?)]}%'\"")  # punctuation that follows a word without a space
# The page's own line breaks and indents are no part of its text (a browser shows one space);
# its lines are the block elements'. Inside <pre> they are the text's.
_SPACES = re.compile(r"\s+")
MAX_DEPTH = 32  # tables nested deeper are read as text (hostile markup nests thousands)
MAX_LABEL = 60  # a header cell longer than this is a heading, not a field's label


class _Grid:
    def __init__(self) -> None:
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None  # the open cell's text
        self.nested = False  # a cell holds a table: this one only lays the page out
        # A cell spanning rows below its own (rowspan): its text stands in each of them, in its
        # column, so the cells after it keep theirs (a report's patient cell beside each of
        # their results). Column -> (rows still to fill, text).
        self.below: dict[int, tuple[int, str]] = {}
        self.rowspan = 1  # the open cell's
        self.colspan = 1
        self.caption: list[str] | None = None  # the open caption's text
        self.header_cell = False  # the open cell is a th
        # While every row so far is header and data cells in pairs (th, td, th, td), each
        # row's cells' column spans (``pairs``); None once one is not.
        self.paired: list[list[int]] | None = []

    def fill(self) -> None:
        """The open row's columns from here that cells of the rows above span."""
        if not self.rows:
            return
        row = self.rows[-1]
        while len(row) in self.below:
            left, text = self.below.pop(len(row))
            row.append(text)
            if left > 1:
                self.below[len(row) - 1] = (left - 1, text)

    def close_cell(self) -> None:
        if self.cell is not None and self.rows:
            # A merged cell stands for the columns it spans, so the cells after it keep their
            # columns: the first holds the text, the rest are empty (as a DOCX's and a
            # spreadsheet's merged cells read).
            row, text = self.rows[-1], "".join(self.cell)
            at = len(row)
            row.extend([text] + [""] * (self.colspan - 1))
            self._pair()
            if self.rowspan > 1:
                for k in range(self.colspan):
                    self.below[at + k] = (self.rowspan - 1, "" if k else text)
        self.cell = None
        self.rowspan = self.colspan = 1

    def _pair(self) -> None:
        """The cell just closed kept in ``paired``, or ``paired`` None when it pairs no more."""
        if self.paired is None:
            return
        while len(self.paired) < len(self.rows):
            self.paired.append([])
        spans = self.paired[len(self.rows) - 1]
        # (A cell spanning rows stands in rows of no pairs of their own.)
        if self.rowspan > 1 or self.header_cell != (len(spans) % 2 == 0):
            self.paired = None
        else:
            spans.append(self.colspan)

    def pairs(self) -> list[str] | None:
        """The table as "label: value" lines when every row is header and data cells in pairs
        (``th``, ``td``, ``th``, ``td``), else None."""
        if self.paired is None or self.nested or not any(self.paired):
            return None
        lines: list[str] = []
        for row, spans in zip(self.rows, self.paired, strict=False):
            if len(spans) % 2:
                return None
            cells: list[str] = []
            at = 0
            for span in spans:
                cells.append(_SPACES.sub(" ", row[at]).strip())
                at += span
            for label, value in zip(cells[0::2], cells[1::2], strict=True):
                if len(label) > MAX_LABEL:
                    return None  # a heading over a paragraph, no field's label
                if value:
                    lines.append(f"{label.rstrip(': ')}: {value}" if label else value)
        return lines


class _Pieces(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[doc_tables.Piece] = []
        self.text: list[str] = []  # text outside any table's cells, since the last piece
        self.grids: list[_Grid] = []
        self._skip = 0
        self._pre = 0
        self._deep = 0  # tables opened past MAX_DEPTH, not yet closed
        # Open inline elements (and divs, which may be laid out as either): tag, role ("block",
        # "inline" or "field"), the text they write into and where their text starts in it.
        self._open: list[tuple[str, str, list[str] | None, int]] = []
        # What ended just before, with only white space since: "field", "inline", "dt" or None.
        self._after: str | None = None

    def _buffer(self) -> list[str] | None:
        grid = self.grids[-1] if self.grids else None
        if grid is None:
            return self.text
        if grid.cell is not None:
            return grid.cell
        # Text between a table's cells (whitespace, mostly) belongs to no cell.
        return grid.caption

    def _write(self, data: str) -> None:
        buffer = self._buffer()
        if buffer is not None:
            buffer.append(data)

    def _part(self, separator: str) -> None:
        """Set what comes next apart from the text before it, unless a space already does."""
        buffer = self._buffer()
        last = next((text[-1] for text in reversed(buffer or []) if text), "")
        if last and not last.isspace():
            self._write(" " if last == ":" else separator)

    def _role(self, tag: str, attrs: list[tuple[str, str | None]]) -> str:
        """How an inline element or a div stands in its line (``_open``)."""
        given = dict(attrs)
        classes = (given.get("class") or "").split()
        cell = (given.get("role") or "").strip().lower() in _CELL_ROLES or bool(
            _INLINE_DISPLAY.search(given.get("style") or "")
        )
        if tag == "div" and not cell:
            return "block"
        if cell or tag == "label" or any(_FIELD_CLASS.search(name) for name in classes):
            return "field"
        return "inline"

    def _open_inline(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        role = self._role(tag, attrs)
        if role == "block":
            self._after = None
            self._write("\n")
        elif self._after == "field" or (role == "field" and self._after == "inline"):
            self._part(" ")
        if role != "block":
            self._after = None
        if len(self._open) < MAX_OPEN:
            buffer = self._buffer()
            self._open.append((tag, role, buffer, len(buffer or [])))

    def _close_inline(self, tag: str) -> None:
        at = next((i for i in range(len(self._open) - 1, -1, -1) if self._open[i][0] == tag), None)
        if at is None:
            if tag == "div":  # opened past MAX_OPEN
                self._after = None
                self._write("\n")
            return
        _, role, buffer, start = self._open[at]
        del self._open[at:]
        if role == "block":
            self._after = None
            self._write("\n")
            return
        if buffer is not self._buffer() or not buffer or not any(t.strip() for t in buffer[start:]):
            return  # empty, or its text went into cells of its own
        # A label is a few words: a long element's text (a page wrapped in <font>) is none.
        text = "".join(buffer[start : start + 8]).strip()
        if role == "inline" and (text.endswith(":") or doc_tables.label_kind(text)):
            role = "field"  # "<b>DOB</b>12/01/1962": bold text that names a field is its label
        self._after = role

    def _flush(self) -> None:
        if self.text:
            self.pieces.append("".join(self.text))
            self.text = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _INLINE or tag == "div":
            self._open_inline(tag, attrs)
            return
        after, self._after = self._after, None
        if tag == "dd":
            # A definition list's term and its definition: a label and its value.
            if after == "dt":
                self._part(": ")
            else:
                self._write("\n")
        elif tag == "dt":
            self._write("\n")
        elif tag == "caption" and self.grids and not self._deep and self.grids[-1].cell is None:
            self.grids[-1].caption = []
        elif tag in {"script", "style"}:
            self._skip += 1
        elif tag == "pre":
            self._pre += 1
            self._write("\n")
        elif tag == "table":
            if len(self.grids) >= MAX_DEPTH:
                self._deep += 1  # read as part of the deepest table's cell
            elif self.grids:
                self._lay_out(self.grids[-1])
                self.grids.append(_Grid())
            else:
                self._flush()
                self.grids.append(_Grid())
        elif tag == "tr" and self.grids:
            grid = self.grids[-1]
            grid.close_cell()
            grid.fill()  # the row before ends with the cells spanning into it
            grid.rows.append([])
        elif tag in _CELLS and self.grids:
            grid = self.grids[-1]
            grid.close_cell()
            if not grid.rows:
                grid.rows.append([])
            grid.fill()
            spans = dict(attrs)
            grid.colspan = doc_tables.span(spans.get("colspan"))
            grid.rowspan = doc_tables.span(spans.get("rowspan"))
            grid.header_cell = tag == "th"
            grid.cell = []
        elif tag in _BLOCKS:
            self._write("\n")

    def _lay_out(self, outer: _Grid) -> None:
        """A table opens in ``outer``'s cell: ``outer`` is read as text, its rows so far now."""
        outer.close_cell()
        outer.nested = True
        self._cells_as_text(outer)
        outer.rows = [[]]
        outer.cell = []

    def _cells_as_text(self, grid: _Grid) -> None:
        """A layout table's cells read so far, each as text in its place."""
        self.pieces.extend(cell for row in grid.rows for cell in row if cell.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in _INLINE or tag == "div":
            self._close_inline(tag)
            return
        self._after = "dt" if tag == "dt" else None
        if tag == "dd":
            self._write("\n")
        elif tag == "caption" and self.grids and self.grids[-1].caption is not None:
            # The caption says what the table is of, or whose it is: a line above it.
            caption = "".join(self.grids[-1].caption).strip()
            self.grids[-1].caption = None
            if caption:
                self.pieces.append(caption)
        elif tag in {"script", "style"} and self._skip:
            self._skip -= 1
        elif tag == "pre" and self._pre:
            self._pre -= 1
            self._write("\n")
        elif tag == "table" and self._deep:
            self._deep -= 1
        elif tag == "table" and self.grids:
            grid = self.grids.pop()
            grid.close_cell()
            grid.fill()
            if grid.nested:
                # Its cells after the last inner table, as lines.
                self._cells_as_text(grid)
            elif (pairs := grid.pairs()) is not None:
                self.pieces.append("\n".join([*pairs, ""]))
            else:
                self.pieces.append(grid.rows)
            if self.grids:
                self.grids[-1].cell = []  # the enclosing cell goes on after the table
        elif tag in _CELLS and self.grids:
            self.grids[-1].close_cell()
        elif tag in _BLOCKS:
            self._write("\n")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if data.strip():
            # A label's value straight after it; not a word's rest ("<b>Test</b>ing").
            if self._after == "field" and not (data[0].islower() or data[0] in _CLOSING):
                self._part(" ")
            self._after = None
        self._write(data if self._pre else _SPACES.sub(" ", data))

    def result(self) -> list[doc_tables.Piece]:
        while self.grids:  # tables left open by a cut-off page
            self.handle_endtag("table")
        self._flush()
        return self.pieces


def pieces(markup: str) -> list[doc_tables.Piece]:
    """The page's text and tables in order (``doc_tables.Piece``)."""
    parser = _Pieces()
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError, IndexError):
        # The stdlib parser asserts on some malformed declarations; keep what was read so far.
        pass
    return parser.result()


def read(data: bytes, name: str) -> Iterator[Item]:
    text, _ = decode(data)
    yield from doc_tables.items(pieces(text))
