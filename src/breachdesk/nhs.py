"""NHS number arithmetic: Modulus 11 check digits and the issued number ranges.

The ranges matter as much as the checksum: about one random ten-digit number in eleven passes
Modulus 11, so a detector that knows only the checksum flags invoice and phone numbers as people.
"""

from __future__ import annotations

import operator
import random

_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
_ZERO_WEIGHT = ord("0") * sum(_WEIGHTS)

# (low, high, region) inclusive; see shared DOMAIN.md "Identifiers".
RANGES: tuple[tuple[int, int, str], ...] = (
    (10_100_0000, 311_299_9999, "scotland_chi"),
    (320_000_0000, 399_999_9999, "northern_ireland"),
    (400_000_0000, 499_999_9999, "england_wales"),
    (600_000_0000, 799_999_9999, "england_wales"),
    (999_000_0000, 999_999_9999, "test"),
)


def check_digit(first_nine: str) -> int | None:
    """The Modulus 11 check digit for nine digits, or None when no valid number has them."""
    if first_nine.isascii():
        # The digits' bytes weighted in C (each byte is its digit plus 48): every HL7 message
        # and table cell checked pays this, and a call per digit was a fifth of the check.
        total = sum(map(operator.mul, first_nine.encode(), _WEIGHTS)) - _ZERO_WEIGHT
    else:  # other scripts' digits (str.isdigit allows them) by their value
        total = sum(int(d) * w for d, w in zip(first_nine, _WEIGHTS, strict=True))
    digit = 11 - total % 11
    if digit == 11:
        return 0
    if digit == 10:
        return None
    return digit


def is_valid(number: str) -> bool:
    """True for ten digits that pass Modulus 11 and are not one digit repeated."""
    if len(number) != 10 or not number.isdigit() or len(set(number)) == 1:
        return False
    return check_digit(number[:9]) == int(number[9])


# Longest day of each month (February allows the 29th: the year is only two digits).
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def chi_date_ok(number: str) -> bool:
    """A CHI number starts with its holder's birth date as DDMMYY; a Unix timestamp or a sample
    id in the CHI range (``1700000000``) usually has no such date and is no person's number."""
    day, month = int(number[:2]), int(number[2:4])
    return 1 <= month <= 12 and 1 <= day <= _MONTH_DAYS[month - 1]


def region(number: str) -> str | None:
    """Which issuing range a ten-digit number falls in, or None when it is in no issued range."""
    value = int(number)
    for low, high, name in RANGES:
        if low <= value <= high:
            if name == "scotland_chi" and not chi_date_ok(number):
                return None
            return name
    return None


def normalise(text: str) -> str:
    """Digits only: NHS numbers are written plain, spaced 3-3-4 or dashed."""
    return "".join(ch for ch in text if ch.isdigit())


def generate(rng: random.Random, *, low: int = 400_000_000, high: int = 499_999_999) -> str:
    """A valid NHS number whose first nine digits lie in [low, high] (default: England 4xx)."""
    while True:
        stem = str(rng.randint(low, high)).zfill(9)
        digit = check_digit(stem)
        if digit is not None and len(set(stem)) > 1:
            return f"{stem}{digit}"


def generate_invalid(rng: random.Random) -> str:
    """Ten digits in an issued-looking range that fail Modulus 11 (invoice, phone look-alikes)."""
    while True:
        stem = str(rng.randint(400_000_000, 799_999_999))
        good = check_digit(stem)
        last = rng.randrange(10)
        if good is None or last != good:
            return f"{stem}{last}"
