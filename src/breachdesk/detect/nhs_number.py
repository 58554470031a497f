"""NHS numbers: Modulus 11, repeated digits rejected, the issuing ranges known.

Numbers in the 999 range are test data, flagged rather than taken as people; a ten-digit number
that fails the check (an invoice or phone number) is kept as a failed mention, never a person.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from breachdesk import nhs
from breachdesk.detect.base import Mention

PATTERN = re.compile(r"(?<![\d/.:-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d|[/.-]\d)")
_CELL = r"^\s*\d{3}[ -]?\d{3}[ -]?\d{4}\s*$"
_WEIGHTS = np.array([10, 9, 8, 7, 6, 5, 4, 3, 2], dtype=np.int64)


def classify(digits: str) -> str:
    """``valid`` (an issued-range patient number), ``test`` (999 range) or ``invalid``."""
    if not nhs.is_valid(digits):
        return "invalid"
    region = nhs.region(digits)
    if region == "test":
        return "test"
    return "valid" if region else "invalid"


def detect(text: str) -> Iterator[Mention]:
    for match in PATTERN.finditer(text):
        digits = "".join(match.groups())
        status = classify(digits)
        yield Mention(
            kind="nhs_number" if status == "valid" else f"nhs_number_{status}",
            start=match.start(),
            end=match.end(),
            value=digits,
            detector="nhs_number",
            rule="modulus11+range",
            score=1.0 if status == "valid" else 0.0,
            checksum="pass" if status != "invalid" else "fail",
        )


def validate_column(values: pa.Array) -> pa.Array:
    """Valid patient NHS numbers (digits only) where a cell holds one, else null; vectorised."""
    values = pc.cast(values, pa.string())
    shaped = pc.fill_null(pc.match_substring_regex(values, _CELL), False)
    digits = pc.replace_substring_regex(values, r"[^0-9]", "")
    filled = pc.if_else(shaped, digits, pa.scalar("0000000000"))
    raw = np.frombuffer("".join(filled.to_pylist()).encode("ascii"), dtype=np.uint8).reshape(
        -1, 10
    ) - ord("0")
    check = 11 - (raw[:, :9] @ _WEIGHTS) % 11
    check[check == 11] = 0
    ok = (check == raw[:, 9]) & (raw.min(axis=1) != raw.max(axis=1))
    number = raw[:, :9] @ (10 ** np.arange(8, -1, -1, dtype=np.int64))
    in_range = (
        ((number >= 400_000_000) & (number <= 499_999_999))
        | ((number >= 600_000_000) & (number <= 799_999_999))
        | ((number >= 10_100_000) & (number <= 399_999_999))
    )
    keep = pa.array(ok & in_range) if len(values) else pa.array([], pa.bool_())
    return pc.if_else(pc.and_(shaped, keep), digits, pa.scalar(None, pa.string()))
