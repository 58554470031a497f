"""Postal addresses in free text, found by their label (``Address: 12 Manor Park, London``).

An unlabelled street line is too like any other text to take; the postcode detector covers the
rest of an address. The value itself is never kept, only that an address was exposed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from breachdesk.detect.base import Mention

# A label, then a line that starts with a house number or name and holds a letter: bounded.
# The label's leading ``\b`` follows its first letter (no word character before that letter),
# and that letter opens the pattern as a case-sensitive class of every letter IGNORECASE folds
# to a, h or r: ``re`` skips to those letters instead of trying every position. The matches are
# those of ``\b(?:address|addr|home\s{1,2}address|residence)\b...`` (test_detect_fast_paths).
LABELLED = re.compile(
    r"(?-i:[AaHhRr])(?<!\w.)"
    r"(?:(?<=[Aa])(?:ddress|ddr)|(?<=[Hh])ome\s{1,2}address|(?<=[Rr])esidence)\b\.?\s{0,2}[:=-]\s{0,3}"
    r"(?P<value>[0-9A-Za-z][^\n|]{4,120})",
    re.IGNORECASE,
)


def detect(text: str) -> Iterator[Mention]:
    for match in LABELLED.finditer(text):
        if any(ch.isalpha() for ch in match.group("value")):
            yield Mention(
                "address", match.start("value"), match.end("value"), "", "address", "labelled"
            )
