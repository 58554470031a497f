"""Jupyter notebooks (``.ipynb``): an analyst's code, notes and the outputs they printed.

A notebook is JSON, but read as generic JSON its outputs are strings in lists: a DataFrame's
printout is a list of lines, one "row" each, so a test lands on whichever NHS number is
nearest and names and dates of birth are lost. Here each cell is a part, located ``cell:N``
(1-based, in the notebook's order), its outputs ``cell:N!output:K``:

- a code, Markdown or raw cell's source is read as text (Markdown's tables as tables);
- an output is one thing shown several ways (a DataFrame as ``text/html`` and as
  ``text/plain``): it is read once, from its HTML when there is HTML (``readers.html`` reads
  its ``<table>`` as a table), else from its plain text (``readers.fixed_width`` reads a
  printout's columns); a ``print`` (a stream) and an error's message and traceback as text;
- a frame printed transposed (``df.T``: a column a patient, the fields down the side, under
  the column labels 0, 1, 2...) is turned back into a table of rows, so each patient's fields
  stay theirs instead of going to the nearest NHS number.

Images, widgets and other binary outputs are not read. nbformat 4 and the older 3
(``worksheets``, ``input``, outputs keyed ``html``/``text``) are both read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

from breachdesk.ingest.sniff import decode
from breachdesk.readers import doc_tables, fixed_width, html
from breachdesk.readers.base import Item, ReaderError, Record, Table
from breachdesk.readers.mbox import located

# A notebook's JSON, in the first 64 KiB: its cells and a cell's type (nbformat 3 and 4; nbformat
# sorts keys, so "cell_type" opens each cell), or the format's version key.
_CELLS = re.compile(r'"(?:cells|worksheets)"\s{0,20}:\s{0,20}\[')
_MARK = re.compile(
    r'"cell_type"\s{0,20}:\s{0,20}"(?:code|markdown|raw|heading)"|"nbformat"\s{0,20}:'
)
# Terminal colour codes in an error's traceback ("\x1b[0;31m").
_ANSI = re.compile(r"\x1b\[[0-9;]{0,30}[A-Za-z]")
# nbformat 3 keyed an output's formats by short names.
_V3_KEYS = {"html": "text/html", "text": "text/plain", "markdown": "text/markdown"}
_LABELS = re.compile(r"\S+")
MAX_PRINTOUT = 5000  # lines of a transposed printout read as one (a frame is rarely longer)


def is_notebook(text: str) -> bool:
    """A Jupyter notebook, from the start of its text (already known to open as JSON)."""
    return _CELLS.search(text) is not None and _MARK.search(text) is not None


def read(data: bytes, name: str) -> Iterator[Item]:
    text, _ = decode(data)
    try:
        notebook = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ReaderError(f"damaged notebook: {exc}") from exc
    if not isinstance(notebook, dict):
        raise ReaderError("not a notebook: no cells")
    for number, cell in enumerate(_cells(notebook), start=1):
        yield from _cell(cell, f"cell:{number}")


def _cells(notebook: dict[str, Any]) -> Iterator[dict[str, Any]]:
    cells = notebook.get("cells")
    if cells is None:  # nbformat 3: the cells are in worksheets
        sheets = notebook.get("worksheets")
        cells = [
            cell
            for sheet in (sheets if isinstance(sheets, list) else [])
            if isinstance(sheet, dict) and isinstance(sheet.get("cells"), list)
            for cell in sheet["cells"]
        ]
    if not isinstance(cells, list):
        raise ReaderError("not a notebook: no cells")
    yield from (cell for cell in cells if isinstance(cell, dict))


def _cell(cell: dict[str, Any], locator: str) -> Iterator[Item]:
    source = _joined(cell.get("source", cell.get("input")))
    if source.strip():
        if cell.get("cell_type") == "code":
            # Code is no printout: its lines read as lines (an SQL query, a filter naming a
            # patient), not cut into columns.
            yield Record(locator=locator, schema="text", text=source)
        else:
            yield from located(fixed_width.read_text(source), f"{locator}!")
    outputs = cell.get("outputs")
    for number, output in enumerate(outputs if isinstance(outputs, list) else [], start=1):
        if isinstance(output, dict):
            yield from _output(output, f"{locator}!output:{number}!")


def _output(output: dict[str, Any], prefix: str) -> Iterator[Item]:
    kind = output.get("output_type")
    if kind == "stream":
        yield from _plain(_joined(output.get("text")), prefix)
        return
    if kind in ("error", "pyerr"):
        trace = "\n".join(_joined(line) for line in _list(output.get("traceback")))
        message = f"{_joined(output.get('ename'))}: {_joined(output.get('evalue'))}\n{trace}"
        text = _ANSI.sub("", message)
        yield Record(locator=f"{prefix}error", schema="text", text=text)
        return
    data = output.get("data")
    if not isinstance(data, dict):  # nbformat 3 put the formats in the output itself
        data = {_V3_KEYS[key]: value for key, value in output.items() if key in _V3_KEYS}
    markup = _joined(data.get("text/html"))
    if markup.strip():
        pieces = [_upright(piece) for piece in html.pieces(markup)]
        yield from located(doc_tables.items(pieces), prefix)
    elif (plain := _joined(data.get("text/plain"))).strip():
        yield from _plain(plain, prefix)
    elif (markdown := _joined(data.get("text/markdown"))).strip():
        yield from located(fixed_width.read_text(markdown), prefix)


def _plain(text: str, prefix: str) -> Iterator[Item]:
    if not text.strip():
        return
    table = _transposed_printout(text.splitlines()[:MAX_PRINTOUT])
    if table is not None:
        table.prefix = prefix
        yield table
        return
    yield from located(fixed_width.read_text(text), prefix)


def _transposed_printout(lines: list[str]) -> Table | None:
    """A frame printed transposed (``df.T``): the column labels 0, 1, 2... of the rows it had,
    right-aligned over their cells, each line a field's label and its value in each column.

    A cell is the text between the previous label's end and its own (pandas right-aligns each
    column under its label, two spaces apart); the first column's cell is what follows the
    line's label after its last run of two spaces. The table it gives has the fields as its
    header and a row per column of the printout."""
    while lines and not lines[0].strip():
        lines = lines[1:]
    if len(lines) < 3:
        return None
    labels = list(_LABELS.finditer(lines[0]))
    if not labels or [m[0] for m in labels] != [str(i) for i in range(len(labels))]:
        return None
    ends = [m.end() for m in labels]
    header: list[str] = []
    columns: list[list[str]] = []
    for line in lines[1:]:
        if not line.strip():
            break  # the frame ends ("[6 rows x 3 columns]" may follow)
        if line[ends[-1] :].strip():
            return None  # text past the last column: not this layout
        name, gap, first = line[: ends[0]].rstrip().rpartition("  ")
        if not gap:
            name, first = line[: ends[0]], ""
        cells = [first.strip()] + [line[a:b].strip() for a, b in pairwise(ends)]
        header.append(name.strip())
        columns.append(cells)
    if not _field_labels(header):
        return None
    return Table(header=header, columns=columns)


def _field_labels(labels: list[str]) -> bool:
    """Labels that name fields (``nhs_number``, ``dob``): not a frame's row numbers."""
    named = [label for label in labels if label and not label.lstrip("-").isdigit()]
    return len(labels) >= 2 and all(labels) and 2 * len(named) > len(labels)


def _upright(piece: doc_tables.Piece) -> doc_tables.Piece:
    """A transposed frame's HTML table (its header "", 0, 1, 2...; the fields down its first
    column) as the frame's rows, as its printout is (``_transposed_printout``)."""
    if isinstance(piece, str) or len(piece) < 3 or not _numbered(piece[0]):
        return piece
    width = len(piece[0])
    rows = [row for row in piece[1:] if len(row) == width]
    labels = [row[0].strip() for row in rows]
    if len(rows) < len(piece) - 1 or not _field_labels(labels):
        return piece
    return [labels, *([row[j] for row in rows] for j in range(1, width))]


def _numbered(header: list[str]) -> bool:
    tail = [label.strip() for label in header[1:]]
    return bool(tail) and tail == [str(i) for i in range(len(tail))]


def _joined(value: object) -> str:
    """A notebook string: one string, or a list of lines (each with its own line break)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(part for part in value if isinstance(part, str))
    return ""


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []
