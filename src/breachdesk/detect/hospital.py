"""Hospital numbers (MRNs) in free text, found by their label.

A hospital number has no checksum and no fixed shape across trusts (``L1234567``, ``RJ1 123456``,
``K0012345``), so only a label makes one safe to take: ``Hosp No:``, ``MRN``, ``Unit No``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from breachdesk import nhs
from breachdesk.detect.base import Mention

# Every quantifier bounded: the label (its words parted by spaces or, in a log's keys,
# underscores: "hosp_no=", "patient_id="), up to ten separator characters (a form's
# "Hospital No:" and the spaces aligning its value), perhaps a printed form's leader of dots
# or underscores and more separators ("Hosp. No. ...... RX7710293", "MRN . . . . K0012345",
# ``_LEADER``), then the number.
# The labels' leading ``\b`` is put after each label's first letter (no word
# character before that letter): opening with an assertion, the pattern was tried at every
# position of the text; opening with a letter class ``re`` skips to the few letters a label
# starts with. The class is case-sensitive and holds every letter IGNORECASE folds to those
# (no other character folds to h, m, u, c or p). The matches are the same
# (tests/test_detect_fast_paths.py).
# A hospital number's shape: up to three letters, five to ten digits, perhaps a check letter.
VALUE = r"[A-Z]{0,3}\d{5,10}[A-Z]?"
SHAPE = re.compile(VALUE, re.IGNORECASE)  # (a value read without its label: OCR, HL7 PID-3)
# ... and in text also a trust's code, a space and its digits: "RJ1 123456"; or letters, a
# hyphen and the digits: "RBH-7741203".
_VALUE_TEXT = rf"{VALUE}|[A-Z]{{2}}\d[ ]\d{{5,8}}|[A-Z]{{1,4}}-\d{{5,10}}"
_NUMBER = r"(?:no|num(?:ber)?)\b\.?"
# Each dot or underscore may have one space after it: one way only to read a leader.
_LEADER = r"[\s:#=]{0,10}(?:(?:[._\u2026] ?){2,60}[\s:#=]{0,10})?"
LABELLED = re.compile(
    r"(?-i:[HhMmUuCcPp])(?<!\w.)"
    rf"(?:(?<=[Hh])(?:osp(?:ital)?\.?[\s_]{{0,2}}(?:{_NUMBER}|id\b\.?)|ospital[\s_]{{1,2}}id\b)"
    rf"|(?<=[Mm])(?:rn\b|\.r\.n\.)|(?<=[Uu])nit[\s_]{{1,2}}{_NUMBER}"
    rf"|(?<=[Cc])ase[\s_]{{0,2}}note[\s_]{{1,2}}{_NUMBER}"
    rf"|(?<=[Pp])(?:as[\s_]{{0,2}}(?:{_NUMBER}|id\b)|atient[\s_]{{1,2}}id\b))"
    rf"{_LEADER}(?P<value>{_VALUE_TEXT})(?![A-Za-z0-9])",
    re.IGNORECASE,
)


def detect(text: str) -> Iterator[Mention]:
    for match in LABELLED.finditer(text):
        value = match.group("value")
        if match.group().lower().startswith("patient") and nhs.is_valid(value):
            continue  # "Patient ID: 4836044502": an NHS number, found as one
        yield Mention(
            "hospital_number",
            match.start("value"),
            match.end("value"),
            value.upper().replace(" ", ""),
            "hospital",
            "labelled",
        )
