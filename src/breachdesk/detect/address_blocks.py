"""A letter's address block names its patient where nothing else does.

A results letter posted to a patient ("Mrs Grace Okafor / 14 Elm Grove / Croydon / CR0 2AB",
then "Your recent blood test (HIV antibody) was negative") may give no NHS number and no date
of birth: its patient is the person the block names, and their address and results are
exposed. A name anchors a person so only where nothing else in the text does, and only as a
block is written: the name alone on its line (a title beside it at most), then up to five
short lines, the last of them holding a postcode.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from breachdesk.detect.base import Mention

# Lines an address may run over under its name, and how long each is at most.
_BLOCK_LINES = 5
_LINE_CHARS = 60
# What may stand beside the name on its line: a title, a comma, "FAO".
_BESIDE = re.compile(
    r"[ \t,.]{0,8}(?:(?:fao|f\.a\.o\.?|attn:?)[ \t]{1,4})?"
    r"(?:(?:mr|mrs|ms|miss|mx|master|dr|prof)\.?[ \t]{0,4})?[ \t,.]{0,8}",
    re.IGNORECASE,
)


def addressees(mentions: list[Mention], text: str, line_of: Callable[[int], int]) -> list[Mention]:
    """The names that head an address block ending in a postcode, in order."""
    postcode_lines = {line_of(m.start) for m in mentions if m.kind == "postcode"}
    if not postcode_lines:
        return []
    found = []
    for name in mentions:
        if name.kind != "name":
            continue
        start = text.rfind("\n", 0, name.start) + 1
        end = text.find("\n", name.end)
        end = len(text) if end == -1 else end
        beside = text[start : name.start] + " " + text[name.end : end]
        if _BESIDE.fullmatch(beside.strip()) is None and beside.strip():
            continue
        if _block_ends_in_postcode(text, end, line_of(name.start), postcode_lines):
            found.append(name)
    return found


def _block_ends_in_postcode(text: str, at: int, line: int, postcode_lines: set[int]) -> bool:
    """Whether the lines after the one ending at ``at`` (line ``line``) are an address: short,
    none blank, the last within ``_BLOCK_LINES`` holding a postcode."""
    for below in range(1, _BLOCK_LINES + 1):
        if at >= len(text):
            return False
        start = at + 1
        at = text.find("\n", start)
        at = len(text) if at == -1 else at
        written = text[start:at].strip()
        if not written or len(written) > _LINE_CHARS:
            return False
        if line + below in postcode_lines:
            return True
    return False
