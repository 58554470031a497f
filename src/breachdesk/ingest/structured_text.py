"""Structured text that does not open like JSON: YAML, and a database shell's printout.

Both were read as prose, where one person's nested facts ran into the next person's lines
(a YAML fixture's orders given to the patient below them). Decided from the text alone, for a
text that no earlier rule of ``sniff`` typed; a first line that is no YAML line ends the look,
so a CSV or a letter costs one match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from breachdesk.readers.relaxed_json import shell_lines

_LINES = 200
# A shell session shows its first prompt near its start.
_SHELL_HEAD = 16384
# A mapping's key, after any indent and a sequence item's dash: a plain word or a quoted
# string, then a colon ending the line or followed by a space.
_KEY = re.compile(
    r"[ \t]{0,40}(?:-[ \t]{1,8})?(?:[\w$@][\w .$@/()-]{0,40}|\"[^\"\n]{1,60}\"|'[^'\n]{1,60}')"
    r":(?:[ \t]|$)"
)
# A sequence's item that is no mapping ("- FBC", "  - {code: HIV}").
_ITEM = re.compile(r"[ \t]{0,40}-(?:[ \t]|$)")
# A block scalar's indicator at a key's end ("notes: |", "text: >-"): its lines are its text.
_BLOCK_SCALAR = re.compile(r":[ \t]{1,8}[|>][+-]?[ \t]*$")


def kind(text: str) -> str | None:
    """``yaml``, ``json`` (a shell's printout of documents, ``relaxed_json``), or None."""
    if _yaml(text):
        return "yaml"
    head = text[:_SHELL_HEAD]
    return "json" if "db." in head and shell_lines(head) else None


def _yaml(text: str) -> bool:
    """A YAML document: its lines keys, items, comments and document markers, nine in ten at
    least, and some nested (a key whose value is the indented lines below it, or a sequence of
    mappings); or a document that opens with ``---`` or ``%YAML`` over such lines."""
    keys = nested = other = 0
    marked = False
    scalar_indent: int | None = None  # inside a block scalar indented deeper than this
    previous_key_indent: int | None = None  # a key ending its line, waiting for its value
    for line in _head_lines(text):
        stripped = line.strip()
        if not stripped:
            continue
        indent = len(line) - len(line.lstrip(" \t"))
        if scalar_indent is not None:
            if indent > scalar_indent:
                continue
            scalar_indent = None
        if stripped.startswith("#"):
            continue
        if stripped in ("---", "...") or stripped.startswith(("%YAML", "--- ")):
            marked = marked or not (keys or other)
            continue
        if previous_key_indent is not None and indent > previous_key_indent:
            nested += 1
        previous_key_indent = None
        if _KEY.match(line):
            keys += 1
            if stripped.startswith("-"):
                nested += 1
            if stripped.endswith(":"):
                previous_key_indent = indent
            elif _BLOCK_SCALAR.search(stripped):
                scalar_indent = indent
        elif _ITEM.match(line):
            continue
        else:
            if not (keys or marked):
                return False  # the first line is prose or a table's
            other += 1
    return keys >= 3 and (nested > 0 or marked) and other * 10 <= keys


def _head_lines(text: str) -> Iterator[str]:
    """The first ``_LINES`` lines, cut one at a time: a CSV's first line ends the look."""
    start = 0
    for _ in range(_LINES):
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end].rstrip("\r")
        start = end + 1
