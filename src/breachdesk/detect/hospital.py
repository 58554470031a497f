"""Hospital numbers (MRNs) in free text, found by their label.

A hospital number has no checksum and no fixed shape across trusts (``L1234567``, ``RJ1 123456``,
``K0012345``), so only a label makes one safe to take: ``Hosp No:``, ``MRN``, ``Unit No``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from breachdesk.detect.base import Mention

# Every quantifier bounded: the label, up to three separator characters, then the number.
LABELLED = re.compile(
    r"\b(?:hosp(?:ital)?\.?\s{0,2}(?:no|num(?:ber)?|id)\b\.?|mrn\b|m\.r\.n\.|unit\s{1,2}no\b\.?"
    r"|case\s{0,2}note\s{1,2}no\b\.?|hospital\s{1,2}id\b)"
    r"[\s:#=]{0,3}(?P<value>[A-Z]{0,3}\d{5,10}[A-Z]?)(?![A-Za-z0-9])",
    re.IGNORECASE,
)


def detect(text: str) -> Iterator[Mention]:
    for match in LABELLED.finditer(text):
        yield Mention(
            "hospital_number",
            match.start("value"),
            match.end("value"),
            match.group("value").upper(),
            "hospital",
            "labelled",
        )
