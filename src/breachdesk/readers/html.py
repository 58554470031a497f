"""HTML with the stdlib parser: tags out, block boundaries kept as line breaks, tables as grids.

A table inside another's cell (the layout tables of an e-mail or a report page) is a grid of
its own, in its place; the table holding it is read as text around it (``doc_tables``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

from breachdesk.ingest.sniff import decode
from breachdesk.readers import doc_tables
from breachdesk.readers.base import Item

_BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table"}
_CELLS = {"td", "th"}
# The page's own line breaks and indents are no part of its text (a browser shows one space);
# its lines are the block elements'. Inside <pre> they are the text's.
_SPACES = re.compile(r"\s+")
MAX_DEPTH = 32  # tables nested deeper are read as text (hostile markup nests thousands)


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
            self.rows[-1].append("".join(self.cell))
            if self.rowspan > 1:
                self.below[len(self.rows[-1]) - 1] = (self.rowspan - 1, self.rows[-1][-1])
        self.cell = None
        self.rowspan = 1


class _Pieces(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[doc_tables.Piece] = []
        self.text: list[str] = []  # text outside any table's cells, since the last piece
        self.grids: list[_Grid] = []
        self._skip = 0
        self._pre = 0
        self._deep = 0  # tables opened past MAX_DEPTH, not yet closed

    def _write(self, data: str) -> None:
        grid = self.grids[-1] if self.grids else None
        if grid is None:
            self.text.append(data)
        elif grid.cell is not None:
            grid.cell.append(data)
        # Text between a table's cells (whitespace, mostly) belongs to no cell.

    def _flush(self) -> None:
        if self.text:
            self.pieces.append("".join(self.text))
            self.text = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
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
            # A merged cell stands for the columns it spans, so the cells after it keep
            # their columns: the first holds the text, the rest are empty.
            spans = dict(attrs)
            grid.rows[-1].extend([""] * (doc_tables.span(spans.get("colspan")) - 1))
            grid.rowspan = doc_tables.span(spans.get("rowspan"))
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
        if tag in {"script", "style"} and self._skip:
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
            else:
                self.pieces.append(grid.rows)
            if self.grids:
                self.grids[-1].cell = []  # the enclosing cell goes on after the table
        elif tag in _CELLS and self.grids:
            self.grids[-1].close_cell()
        elif tag in _BLOCKS:
            self._write("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
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
