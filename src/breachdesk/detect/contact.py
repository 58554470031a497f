"""UK phone numbers and e-mail addresses."""

from __future__ import annotations

import re
from collections.abc import Iterator

from breachdesk.detect.base import Mention

# Spaces within the number but never a line break (a code ending a line is not the start of a
# phone number running into the next line's NHS number), and not straight after a letter
# (``Y08390`` is a practice code).
# "+" or "0" first, so ``re`` skips to those before trying a match; each is followed by the plain
# form's lookbehind: ``(?<![\dA-Za-z+])(?:(?:\+44[ \t]?\(?0?\)?[ \t]?|0)(?:\d[ \t]?){9,10})(?!\d)``.
PHONE = re.compile(
    r"(?:\+(?<![\dA-Za-z+]\+)44[ \t]?\(?0?\)?[ \t]?|0(?<![\dA-Za-z+]0))(?:\d[ \t]?){9,10}(?!\d)"
)
EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")


def uk_digits(found: str) -> str | None:
    """A ``PHONE`` match's number as UK digits ("+44 7961 204245" -> "07961204245"), or None
    where it is no UK number (a wrong length, or a first digit no UK number has)."""
    digits = re.sub(r"\D", "", found)
    if digits.startswith("44"):
        digits = "0" + digits[2:]
    return digits if len(digits) in (10, 11) and digits[1] in "12378" else None


def detect(text: str) -> Iterator[Mention]:
    for match in PHONE.finditer(text):
        digits = uk_digits(match.group(0))
        if digits:
            yield Mention("phone", match.start(), match.end(), digits, "contact", "uk_phone")
    if "@" not in text:
        return  # every address holds one; EMAIL opens with \b, so it is tried at every position
    for match in EMAIL.finditer(text):
        address = match.group(0).lower()
        if address.endswith(_ORGANISATIONS):
            continue
        yield Mention("email", match.start(), match.end(), address, "contact", "email")


# The health service's and government's own domains: in free text an address there is a
# team's, a clinician's or an interface's ("path.integration@wales.nhs.uk" on an alert), not
# the patient's contact (a patient writes from their own).
_ORGANISATIONS = (
    "@nhs.net",
    ".nhs.net",
    "@nhs.uk",
    ".nhs.uk",
    ".gov.uk",
    ".nhs.scot",
    ".hscni.net",
)
