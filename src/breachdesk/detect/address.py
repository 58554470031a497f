"""Postal addresses in free text, found by their label (``Address: 12 Manor Park, London``).

An unlabelled street line is too like any other text to take; the postcode detector covers the
rest of an address. The value itself is never kept, only that an address was exposed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from breachdesk.detect.base import Mention

# A label, then a line that starts with a house number or name and holds a letter: bounded.
LABELLED = re.compile(
    r"\b(?:address|addr|home\s{1,2}address|residence)\b\.?\s{0,2}[:=-]\s{0,3}"
    r"(?P<value>[0-9A-Za-z][^\n|]{4,120})",
    re.IGNORECASE,
)


def detect(text: str) -> Iterator[Mention]:
    for match in LABELLED.finditer(text):
        if any(ch.isalpha() for ch in match.group("value")):
            yield Mention(
                "address", match.start("value"), match.end("value"), "", "address", "labelled"
            )
