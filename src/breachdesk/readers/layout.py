"""Words with their boxes on a page (a PDF's glyphs, an OCR'd scan's words) put back on lines,
each at its column, so a printed table reads row by row as ``readers.fixed_width`` reads one."""

from __future__ import annotations

import re

from breachdesk.readers.base import Item, Record, Table
from breachdesk.readers.fixed_width import segments

# A page's text (PDFium's, Tesseract's) keeps one space where a printout aligned its columns
# with many, so a printed table (a worklist, a cumulative report) reads as prose: its column
# labels become a name and one row's facts run into the next's; a form's rows of boxes part
# each label from its value. A page with a line of labels naming who (no colon: a table's
# header or a row of boxes, not a form's "Patient: ... DOB: ...") is read again with its words
# placed.
_WHO_LABEL = re.compile(
    r"\b(?:surname|forenames?|first name|last name|name|dob|d\.o\.b\.?|birth|nhs"
    r"|hosp(?:ital)?|mrn)\b",
    re.IGNORECASE,
)


def may_hold_table(text: str) -> bool:
    return any(
        ":" not in line and len(_WHO_LABEL.findall(line)) >= 2 and len(line.split()) >= 2
        for line in text.splitlines()
        if len(line) < 400
    )


Word = tuple[float, float, float, float, str]  # left, right, bottom, top (y grows upwards), text

WIDEST_GAP = 200


def place(words: list[Word], char: float, gaps: bool = False) -> list[str]:
    """Words on lines (a word belongs to the line whose first word's height holds its
    middle), each at its column, two or more spaces where words stand apart or overlap.

    With ``gaps``, an empty line where more than a line's height of blank page parts two
    lines: a scan's paragraphs and boxes, which its OCR'd words do not otherwise show."""
    lines: list[list[Word]] = []
    for item in sorted(words, key=lambda w: (-w[3], w[0])):
        middle = (item[2] + item[3]) / 2
        for line in reversed(lines[-3:]):
            if line[0][2] <= middle <= line[0][3]:
                line.append(item)
                break
        else:
            lines.append([item])
    out = []
    below: float | None = None
    for line in lines:
        if gaps:
            top = max(word[3] for word in line)
            if below is not None and below - top > max(word[3] - word[2] for word in line):
                out.append("")
            below = min(word[2] for word in line)
        written = ""
        edge: float | None = None
        for x0, x1, _, _, text in sorted(line):
            column = max(round(x0 / char), len(written) + (1 if written else 0))
            if edge is not None and not -0.5 * char < x0 - edge < 1.5 * char:
                column = max(column, len(written) + 2)
            # (A hostile page can place a word a million widths away: a gap is kept bounded.)
            column = min(column, len(written) + WIDEST_GAP)
            written += " " * (column - len(written)) + text
            edge = x1
        out.append(written.rstrip())
    return out


def printed_table(lines: list[str], prefix: str) -> list[Item] | None:
    """A page's items as ``readers.fixed_width`` reads its laid-out lines, when it finds a
    table or a form's rows of boxes among them; None (read as prose, as any page) when not."""
    found: set[str] = set()
    items = list(segments(lines, found))
    if not found:
        return None
    for item in items:
        if isinstance(item, Table):
            item.prefix = prefix + item.prefix
        elif isinstance(item, Record):
            item.locator = prefix + item.locator
    return items
