"""A printout's total line: a label saying it sums the rows above ("PAGE TOTAL", "Sub-total",
"Grand total:", "Invoice total (GBP)") and the amounts beside it ("410.50", "£1,234.00").

An invoice's or a statement's page prints its total under its rows, the patient's columns
blank, as a patient's second row leaves them: read as a row, it was carried down into the last
patient's (``fixed_width``) and made them a second time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Every repeat bounded; a cell is matched whole (``fullmatch``).
_TOTAL_LABEL = re.compile(
    r"(?i)(?:(?:page|sub|grand|invoice|batch|run|report|net|gross|carried|brought)[ -]?)?"
    r"totals?(?:[ ]?(?:due|amount|value|cost|charges?|payable|to date|this page))?"
    r"(?:[ ]?\((?:gbp|£|\$|€|eur|usd)\))?[ ]?[:=]?"
)
_AMOUNT = re.compile(r"(?i)[£$€]?[ ]?-?\d[\d,]{0,12}(?:\.\d{1,2})?[ ]?(?:cr|dr|gbp)?")


def is_total(row: Sequence[str]) -> bool:
    """Whether a row's filled cells are one total's label and amounts only ("Total
    cholesterol | 5.2" is a result: its label is a test's)."""
    filled = [cell for cell in row if cell]
    labels = sum(1 for cell in filled if _TOTAL_LABEL.fullmatch(cell))
    amounts = sum(1 for cell in filled if _AMOUNT.fullmatch(cell))
    return labels == 1 and amounts == len(filled) - 1
