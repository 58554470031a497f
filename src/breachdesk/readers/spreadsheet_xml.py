"""Excel's XML Spreadsheet 2003 (SpreadsheetML): a ``Workbook`` of ``Worksheet``s, each a
``Table`` of ``Row``s of ``Cell``s.

Older LIMS and reporting tools export "Excel" files this way (an ``.xml`` or ``.xls`` that is
XML). Read as generic XML, its cells lose their header: a name is just text, a date of birth
just a date. Each sheet is read as a spreadsheet's is (``spreadsheet.sheet``): its title rows,
then its table under the header found in its first rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element

from breachdesk.readers import spreadsheet
from breachdesk.readers.base import Item
from breachdesk.readers.doc_tables import span

NAMESPACE = "urn:schemas-microsoft-com:office:spreadsheet"
_SS = f"{{{NAMESPACE}}}"
# Columns an ``ss:Index`` may skip to: a real sheet skips a few blank cells, a hostile one to
# column 10**9 (each row padded that wide); a cell placed further on is read where it stands.
MAX_COLUMNS = 1024


def is_workbook(root: Element) -> bool:
    return root.tag == f"{_SS}Workbook"


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


def _row(row: Element) -> list[str]:
    """A row's cells by column: ``ss:Index`` skips to a column (the cells between are empty),
    ``ss:MergeAcross`` spans more; a cell's data may hold formatted runs (``<Font>``)."""
    cells: list[str] = []
    for cell in row.iter(f"{_SS}Cell"):
        index = _int(cell.get(f"{_SS}Index"))
        if len(cells) < index - 1 <= MAX_COLUMNS:
            cells.extend([""] * (index - 1 - len(cells)))
        data = cell.find(f"{_SS}Data")
        cells.append(" ".join("".join(data.itertext()).split()) if data is not None else "")
        cells.extend([""] * (span(str(_int(cell.get(f"{_SS}MergeAcross")) + 1)) - 1))
    return cells


def read(root: Element) -> Iterator[Item]:
    for number, sheet in enumerate(root.iter(f"{_SS}Worksheet"), start=1):
        name = sheet.get(f"{_SS}Name") or f"Sheet{number}"
        rows = [_row(row) for table in sheet.iter(f"{_SS}Table") for row in table.iter(f"{_SS}Row")]
        width = max(map(len, rows), default=0)
        rows = [row + [""] * (width - len(row)) for row in rows]
        yield from spreadsheet.sheet(rows, f"sheet:{name}!")
