"""Tests named in a results sub-table printed in a text: a column header ("Analyte  Prev (date)
Curr  Delta  Action", "Test   Result   Units   Range") under a patient's line, and below it rows
whose first cell is a test's short code and whose next is a value ("  K   4.1 (20/11/26)  7.2").

Free text leaves short codes ("K", "Hb", "Na") to their values' units (``lab_tests``): "K" alone
is anyone's initial. Under a header that says its first column holds analytes, a code before a
number is a test, whatever follows the number.
"""

from __future__ import annotations

import bisect
import re

from breachdesk.detect import lab_tests
from breachdesk.detect.base import Mention

# A header line: its first cell says the column holds tests, and another cell names a value's
# column. Bounded repeats only (linear).
_HEADER = re.compile(
    r"^([ \t]{0,16})(?i:analyte|test|investigation|parameter|assay)s?(?i:[ \t](?:name|code))?"
    r"[ \t]{2,40}[^\n]{0,160}?\b(?i:result|value|curr(?:ent)?|prev(?:ious)?|units?|delta"
    r"|flag|range|ref(?:erence)?)\b[^\n]{0,160}$",
    re.MULTILINE,
)
# A row of the table: its indent, a first cell of one short word (with "+", "-" or "&"), and a
# value after a column gap.
_ROW = re.compile(r"([ \t]{0,16})([A-Za-z][A-Za-z0-9+&\-]{0,11})[ \t]{2,40}[<>]?\d")
_ROWS = 40  # rows read under one header; a sub-table lists a patient's few results


def detect(text: str, mentions: list[Mention]) -> list[Mention]:
    """``mentions`` with the tests of each results sub-table's rows that no mention covers yet;
    the same list where the text has no such header."""
    if (
        "nalyte" not in text
        and "NALYTE" not in text
        and "est " not in text
        and "EST " not in text
        and "nvestigation" not in text
        and "INVESTIGATION" not in text
    ):
        return mentions
    added: list[Mention] = []
    starts: list[int] | None = None
    for header in _HEADER.finditer(text):
        indent = len(header.group(1).expandtabs())
        at = header.end() + 1
        for _ in range(_ROWS):
            if at >= len(text):
                break
            row = _ROW.match(text, at)
            line_end = text.find("\n", at)
            line_end = len(text) if line_end == -1 else line_end
            # (the table ends at a row that is no test's, or is indented less than its header)
            if row is None or row.end() > line_end:
                break
            if len(row.group(1).expandtabs()) < indent:
                break
            codes = lab_tests.lookup(row.group(2))
            if len(codes) != 1:
                break
            start, end = row.span(2)
            if starts is None:
                starts = [m.start for m in mentions]  # (sorted, as callers pass them)
            if not _covered(mentions, starts, start, end):
                added.append(Mention("test", start, end, codes[0], "lab_tests", "table_row"))
            at = line_end + 1
    if not added:
        return mentions
    return sorted([*mentions, *added], key=lambda m: m.start)


def _covered(mentions: list[Mention], starts: list[int], start: int, end: int) -> bool:
    """Whether a mention overlaps ``start``-``end``: one starting before ``end`` and ending after
    ``start``, among the few starting shortly before it (a mention is a term or a value)."""
    index = bisect.bisect_left(starts, end) - 1
    while index >= 0 and starts[index] > start - 80:
        if mentions[index].end > start:
            return True
        index -= 1
    return False
