"""Relaxed JSON among other lines: a database shell's printout, JSON pretty-printed in a log.

``mongosh`` prints documents with unquoted keys, single quotes and its types' constructors
(``{ _id: ObjectId('65...'), dob: ISODate('1951-07-25T23:00:00.000Z'), n: Long('3') }``);
the legacy ``mongo`` shell the same with quoted keys, one document a line or ``pretty()``
over many. Read as prose, a test's name ("name: 'Hepatitis B DNA'") was taken for the
patient's. Here a block that opens at a line's start with ``{`` or ``[`` runs to the line
where its brackets close, the constructors are rewritten as the values they hold (a date as
``instants`` reads it) and the block is parsed as JSON5 (``pyjson5``): an object is what
the JSON reader makes of it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pyjson5

from breachdesk.readers import instants

# A block longer than this is no printout of documents (a huge export cut short): its lines
# are read one by one, as any other lines.
MAX_BLOCK = 4 * 1024 * 1024
# A string literal, in double or single quotes (JSON5 allows both); one never closed runs to
# its line's end, so no quote is scanned from twice (a line of ``"\"\"\"...`` stays linear).
_LITERAL = (
    r'"(?:[^"\\\n]|\\.?)*(?:"|(?=\n)|\Z)'
    r"|'(?:[^'\\\n]|\\.?)*(?:'|(?=\n)|\Z)"
)
_LITERALS = re.compile(_LITERAL)
# A literal (kept as it is), a shell type's constructor with plain arguments (``ObjectId('x')``,
# ``new Date(1700000000000)``, ``Timestamp({ t: 1, i: 2 })``), or mongosh's elision of nesting
# too deep to print (``[Object]``).
_TOKEN = re.compile(
    _LITERAL
    + r"|\b(?:new[ \t]{1,20})?([A-Z][A-Za-z0-9]{1,23})\(([^()\n]{0,400})\)"
    + r"|\[(?:Object|Array)\]"
)
# mongosh's "... 15 more items" at the end of a long array.
_MORE = re.compile(r"(?m)^[ \t]{0,80}\.\.\. \d{1,9} more items?[ \t]{0,80},?$")
_NUMBER = re.compile(r"-?\d{1,30}(?:\.\d{1,30})?(?:[eE][+-]?\d{1,4})?")
_DATES = frozenset({"ISODate", "Date"})


@dataclass
class Block:
    """Lines parsed as one value, starting at line ``number``."""

    value: Any


def blocks(lines: Iterable[str]) -> Iterator[tuple[int, str | Block]]:
    """Each line with its number, but a block of relaxed JSON (see the module) as one
    ``Block`` at its first line's number. A block that does not close within ``MAX_BLOCK``
    characters or does not parse is given back as its lines (none of them opening another)."""
    held: list[str] = []
    start = depth = size = 0
    for number, line in enumerate(lines, start=1):
        if held:
            held.append(line)
            depth += _depth(line)
            size += len(line) + 1
            if depth <= 0:
                value = loads("\n".join(held))
                if value is None:
                    yield from enumerate(held, start=start)
                else:
                    yield start, Block(value)
                held = []
            elif size > MAX_BLOCK:
                yield from enumerate(held, start=start)
                held = []
            continue
        # (A line that opens and closes on itself is the caller's to parse, at no cost here.)
        if line[:1] in ("{", "[") and not line.rstrip().rstrip(",").endswith(("}", "]")):
            opened = _depth(line)
            if opened > 0:
                held, start, depth, size = [line], number, opened, len(line) + 1
                continue
        yield number, line
    if held:
        yield from enumerate(held, start=start)


def _depth(line: str) -> int:
    """Brackets a line opens less those it closes, outside string literals."""
    if '"' in line or "'" in line:
        line = _LITERALS.sub("", line)
    return line.count("{") + line.count("[") - line.count("}") - line.count("]")


def loads(text: str, hook: Callable[[dict[str, Any]], Any] | None = None) -> Any:
    """The object or array of a relaxed-JSON text (the shell's constructors rewritten as their
    values, ``hook`` applied to each object as ``json.loads``' object_hook is), or None."""
    text = text.strip().rstrip(",")
    if "more item" in text:
        text = _MORE.sub("", text)
    for _ in range(3):  # (a constructor inside another's arguments: DBRef('c', ObjectId('x')))
        if "(" not in text and "[O" not in text and "[A" not in text:
            break
        rewritten = _TOKEN.sub(_value, text)
        if rewritten == text:
            break
        text = rewritten
    try:
        value = pyjson5.decode(text)
    except (pyjson5.Json5Exception, ValueError):
        return None
    if not isinstance(value, dict | list):
        return None
    return _hooked(value, hook) if hook is not None else value


def _value(found: re.Match[str]) -> str:
    """A token of ``_TOKEN`` as JSON: a literal as written, a constructor as what it holds."""
    text = found[0]
    if text[0] in "\"'":
        return text
    if text[0] == "[":
        return "null"
    name, args = found[1], found[2].strip()
    inner = args[1:-1] if len(args) >= 2 and args[0] == args[-1] and args[0] in "\"'" else None
    if name in _DATES:
        if inner is not None:
            return json.dumps(instants.from_text(inner) or inner)
        if _NUMBER.fullmatch(args) and "." not in args:
            return json.dumps(instants.from_epoch(int(args)) or args)
    if inner is not None and not _LITERALS.search(inner):
        return json.dumps(inner)
    if _NUMBER.fullmatch(args):
        return args
    return json.dumps(args)


def _hooked(value: Any, hook: Callable[[dict[str, Any]], Any]) -> Any:
    """``value`` with ``hook`` applied to its objects, innermost first (pyjson5 nests at most
    32 deep, so this recursion is bounded)."""
    if isinstance(value, list):
        return [_hooked(v, hook) for v in value]
    if isinstance(value, dict):
        return hook({str(k): _hooked(v, hook) for k, v in value.items()})
    return value


def shell_lines(text: str) -> bool:
    """Whether a text is a database shell's session: a prompt typing a command (``test> db.``,
    ``rs0 [direct: primary] lims> db.``, ``> db.``), and a constructor or a line opening a
    block of output."""
    return _PROMPT.search(text) is not None and (
        _SHELL_TYPE.search(text) is not None or _OPENING.search(text) is not None
    )


_PROMPT = re.compile(
    r"(?m)^[\w.:\[\] -]{0,80}> ?(?:db\.|use [\w-]|show (?:dbs|collections)\b|printjson\()"
)
_SHELL_TYPE = re.compile(r"\b(?:ObjectId|ISODate|NumberLong|NumberInt|NumberDecimal)\(")
_OPENING = re.compile(r"(?m)^[\[{][ \t]*$")
