"""Whether a table writes its dates month first, as US-made software does: asked only where a
column's own cells leave day and month first tied (``dates.parse_column``).
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc

# A cell only month first reads ("03/15/2024"), and one only day first reads ("15/03/2024").
_ONLY_MONTH_FIRST = r"^\s*(?:0?[1-9]|1[0-2])[/.-](?:1[3-9]|2[0-9]|3[01])[/.-][0-9]{2}"
_ONLY_DAY_FIRST = r"^\s*(?:1[3-9]|2[0-9]|3[01])[/.-](?:0?[1-9]|1[0-2])[/.-][0-9]{2}"


def month_first(columns: Sequence[pa.Array]) -> bool:
    """Whether a table's dates are written month first: a cell of some column can only be
    read so, and no cell of any can only be read day first (the UK's way, the default)."""
    found = False
    for values in columns:
        text = pc.cast(values, pa.string())
        if pc.any(pc.match_substring_regex(text, _ONLY_DAY_FIRST)).as_py():
            return False
        found = found or bool(pc.any(pc.match_substring_regex(text, _ONLY_MONTH_FIRST)).as_py())
    return found
