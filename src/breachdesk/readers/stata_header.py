"""A Stata dataset's header: how the sniffer knows a ``.dta`` file whatever its name (apart from
``readers.stata``, which imports the readers that import the sniffer)."""

from __future__ import annotations

import re

# Stata 13 and later (formats 117, 118, 119; Stata 18 writes 120/121 with alias variables, which
# pandas refuses with a reason) open with an XML-like header.
_XML_HEADER = re.compile(rb"<stata_dta><header><release>1(?:1[7-9]|2[01])</release>")
# Older formats (108 Stata 6, 111 Stata 7SE, 113 Stata 8-9, 114 Stata 10-12, 115 Stata 12; the
# default of ``pandas.to_stata``) open with the format's number as one byte, the byte order
# (1 big-endian, 2 little-endian), the file type (always 1) and an unused zero byte; then the
# counts of variables and observations, an 81-byte dataset label and an 18-byte time stamp
# ("14 Mar 2024 09:30" or zeros), which pins a match down further.
_OLD_FORMATS = frozenset({108, 111, 113, 114, 115})
_STAMP = re.compile(rb"[0-9A-Za-z :\x00]{18}")


def is_stata(head: bytes) -> bool:
    """A Stata dataset, from its first bytes."""
    if head[:11] == b"<stata_dta>":
        return _XML_HEADER.match(head) is not None
    return (
        len(head) >= 109
        and head[0] in _OLD_FORMATS
        and head[1] in (1, 2)
        and head[2] == 1
        and head[3] == 0
        and _STAMP.fullmatch(head[91:109]) is not None
    )
