"""UK postcodes (outward code, space optional, inward code)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from breachdesk.detect import cellwise
from breachdesk.detect.base import Mention

_CORE = (
    r"(?:GIR ?0AA|[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRVWXY\d]?)"
    r" ?\d[ABD-HJLNP-UW-Z]{2})"
)
# ``(?<![A-Za-z0-9])({_CORE})(?![A-Za-z0-9])`` with the lookbehind after the first letter, and
# that letter a case-sensitive class of every character IGNORECASE folds into ``[A-PR-UWYZ]``
# (dotted and dotless i, long s, the Kelvin sign among them): ``re`` skips to those instead of
# trying every position. The matches are the same (tests/test_detect_fast_paths.py).
PATTERN = re.compile(
    r"((?-i:[A-PR-UWYZa-pr-uwyz\u0130\u0131\u017f\u212a])(?<![A-Za-z0-9].)"
    r"(?:(?<=[Gg])IR ?0AA"
    r"|(?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRVWXY\d]?) ?\d[ABD-HJLNP-UW-Z]{2}))"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_COLUMN = rf"(?i)(?:^|[^A-Za-z0-9])(?P<pc>{_CORE})(?:[^A-Za-z0-9]|$)"
# The same for Python's ``re`` on ASCII cells (see ``cellwise``): ``$`` written ``\Z``.
_COLUMN_PY = re.compile(rf"(?:^|[^A-Za-z0-9])(?P<pc>{_CORE})(?:[^A-Za-z0-9]|\Z)", re.IGNORECASE)


def normalise(text: str) -> str:
    compact = "".join(text.split()).upper()  # (the same whitespace as ``\s``, without ``re``)
    return f"{compact[:-3]} {compact[-3:]}"


def detect(text: str) -> Iterator[Mention]:
    for match in PATTERN.finditer(text):
        yield Mention(
            "postcode", match.start(), match.end(), normalise(match.group(1)), "postcode", "format"
        )


def _first_in_cell(cell: str) -> str | None:
    match = _COLUMN_PY.search(cell)
    if match is None:
        return None
    compact = match.group("pc").replace(" ", "").upper()  # the pattern's only space is " ?"
    return f"{compact[:-3]} {compact[-3:]}"


def extract_column(values: pa.Array) -> pa.Array:
    """The first postcode in each cell, normalised ``SE15 4AB``; null where there is none."""
    values = pc.cast(values, pa.string())
    small = cellwise.map_ascii(values, _first_in_cell)
    if small is not None:
        return small
    found = pc.extract_regex(values, _COLUMN)
    raw = pc.struct_field(found, "pc")
    compact = pc.utf8_upper(pc.replace_substring_regex(raw, r"\s+", ""))
    outward = pc.utf8_slice_codeunits(compact, 0, -3)
    inward = pc.utf8_slice_codeunits(compact, -3)
    return pc.binary_join_element_wise(outward, inward, " ")
