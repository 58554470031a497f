"""Values a program wrote into a log in its own notation, rewritten as the labelled values
the text detectors read: an XML payload's elements (a SOAP envelope, an HL7 v3 or CDA
fragment: ``<pat:familyName>Okafor</pat:familyName>`` is ``familyName: Okafor``), a Python
date's repr (``datetime.date(1938, 6, 4)`` is ``1938-06-04``) and URL query strings
(``readers.url_text``).

Each rewrite is gated on a substring a text without its notation lacks, and none adds or
removes a line break: a block of lines joined by "\\n" keeps its lines.
"""

from __future__ import annotations

import html
import re

from breachdesk.readers.url_text import decode_queries, without_breaks

_NAME = r"[A-Za-z_][\w.\-]{0,63}"
# An element holding text only, on one line: its (prefixed) name, its attributes (not ending
# in "/": ``<a/>`` holds nothing), the text, and the end tag (in well-formed XML, text followed
# by "</" ends the element it is in, so the end tag's name need not be checked).
_LEAF = re.compile(
    rf"<(?:{_NAME}:)?({_NAME})(?:\s[^<>\n]{{0,2048}}[^<>\n/])?>([^<>\n]{{0,4096}})"
    r"</[^<>\n]{1,130}>"
)
_PY_DATE = re.compile(
    r"datetime\.date(?:time)?\((\d{4}), (\d{1,2}), (\d{1,2})(?:, \d{1,6}){0,4}\)?"
)


def readable(text: str) -> str:
    """``text`` with its payloads' values written as labelled values (``text`` itself when it
    holds none)."""
    if "<" in text and "</" in text:  # ("<" is found several times faster)
        text = _LEAF.sub(_labelled, text)
    if "datetime.date" in text:
        text = _PY_DATE.sub(_iso_date, text)
    return decode_queries(text)


def _labelled(match: re.Match[str]) -> str:
    value = match.group(2)
    if "&" in value:
        value = without_breaks(html.unescape(value))
    # Elements one after another on a line are kept apart; one ending its line needs nothing.
    after = match.string[match.end() : match.end() + 64].lstrip(" \t")[:1]
    return f"{match.group(1)}: {value.strip()}{'; ' if after == '<' else ''}"


def _iso_date(match: re.Match[str]) -> str:
    year, month, day = match.group(1, 2, 3)
    return f"{year}-{int(month):02d}-{int(day):02d}"
