"""Hospital numbers (MRNs) in free text, found by their label.

A hospital number has no checksum and no fixed shape across trusts (``L1234567``, ``RJ1 123456``,
``K0012345``), so only a label makes one safe to take: ``Hosp No:``, ``MRN``, ``Unit No``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from breachdesk.detect.base import Mention

# Every quantifier bounded: the label, up to three separator characters, then the number.
# The labels' leading ``\b`` is put after each label's first letter (no word
# character before that letter): opening with an assertion, the pattern was tried at every
# position of the text; opening with a letter class ``re`` skips to the few letters a label
# starts with. The class is case-sensitive and holds every letter IGNORECASE folds to those
# (no other character folds to h, m, u or c). The matches are the same
# (tests/test_detect_fast_paths.py).
# A hospital number's shape: up to three letters, five to ten digits, perhaps a check letter.
VALUE = r"[A-Z]{0,3}\d{5,10}[A-Z]?"
LABELLED = re.compile(
    r"(?-i:[HhMmUuCc])(?<!\w.)"
    r"(?:(?<=[Hh])(?:osp(?:ital)?\.?\s{0,2}(?:no|num(?:ber)?|id)\b\.?|ospital\s{1,2}id\b)"
    r"|(?<=[Mm])(?:rn\b|\.r\.n\.)|(?<=[Uu])nit\s{1,2}no\b\.?|(?<=[Cc])ase\s{0,2}note\s{1,2}no\b\.?)"
    rf"[\s:#=]{{0,3}}(?P<value>{VALUE})(?![A-Za-z0-9])",
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
