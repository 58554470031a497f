"""JSON that is not FHIR: API exports, application dumps, JSON-lines logs.

Each object that stands for one thing becomes one record: an element of the outermost list of
objects (``item:N``), or one line of a JSON-lines file (``line:N``), with what the document holds
outside that list as a ``root`` record. A record's text is its fields as ``key: value`` lines,
nested keys joined (``patient name: SMITH, John``), so the labels the detectors read in prose
("name:", "DOB:", "NHS No:") are read here too and one record never mixes two people's objects.
Text that is not JSON after all (a truncated export, a log with a few JSON lines) is read as
the text reader reads it: lines that parse are records, the rest paragraphs.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from breachdesk.ingest.sniff import decode, text_stream
from breachdesk.readers.base import Item, Record
from breachdesk.readers.text import paragraphs_of_lines

# A record's text stops growing here: one object is one person's facts, and a list inside it
# thousands long is not (its lines are still read, as further records of the same locator).
MAX_RECORD_LINES = 400


def read(data: bytes, name: str) -> Iterator[Item]:
    text, _ = decode(data)
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        yield from _lines(text.splitlines())
        return
    yield from _document(document)


def read_stream(stream: BinaryIO, name: str) -> Iterator[Item]:
    """Too big to hold: JSON lines are read a line at a time; a single document that size is
    read as text (paragraphs of its lines), which loses only the grouping into objects."""
    yield from _lines(line.rstrip("\r\n") for line in text_stream(stream))


def _lines(lines: Iterable[str]) -> Iterator[Record]:
    """JSON lines; runs of lines that are not JSON objects on their own go as paragraphs."""
    pending: list[str] = []
    first_pending = 1
    for number, line in enumerate(lines, start=1):
        value = _object(line)
        if value is None:
            if not pending:
                first_pending = number
            pending.append(line)
            continue
        yield from _paragraphs(pending, first_pending)
        pending = []
        yield from _records(f"line:{number}", _fields(value))
    yield from _paragraphs(pending, first_pending)


def _object(line: str) -> dict[str, Any] | list[Any] | None:
    stripped = line.strip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        value = json.loads(stripped)
    except (json.JSONDecodeError, RecursionError):
        return None
    return value if isinstance(value, dict | list) else None


def _paragraphs(lines: list[str], first: int) -> Iterator[Record]:
    """The text reader's paragraphs of a run of lines that starts at line ``first``."""
    for record in paragraphs_of_lines(lines):
        number = int(record.locator.removeprefix("line:")) + first - 1
        yield Record(locator=f"line:{number}", schema=record.schema, text=record.text)


def _document(document: Any) -> Iterator[Record]:
    path, items = _outermost_rows(document, ())
    if items is None:
        yield from _records("root", _fields(document))
        return
    rest = _without(document, path)
    yield from _records("root", _fields(rest))
    header = _header(document, path)
    for number, item in enumerate(items, start=1):
        if header is not None and isinstance(item, list) and len(item) == len(header):
            item = dict(zip(header, item, strict=True))
        yield from _records(f"item:{number}", _fields(item))


def _outermost_rows(value: Any, path: tuple[Any, ...]) -> tuple[tuple[Any, ...], list[Any] | None]:
    """The list nearest the top (breadth first) whose elements are all objects or lists, the
    rows of an export (``[{...}, {...}]``, or ``"data": [[...], [...]]``), and its path."""
    queue: deque[tuple[tuple[Any, ...], Any]] = deque([(path, value)])
    while queue:
        here, node = queue.popleft()
        if isinstance(node, list):
            if node and all(isinstance(v, dict | list) for v in node):
                return here, node
            queue.extend(((*here, i), v) for i, v in enumerate(node))
        elif isinstance(node, dict):
            queue.extend(((*here, k), v) for k, v in node.items())
    return path, None


_HEADER_KEYS = ("columns", "fields", "header", "headers", "column_names")


def _header(document: Any, path: tuple[Any, ...]) -> list[str] | None:
    """Column names beside rows written as lists (pandas' "split" layout and its kin)."""
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    if not isinstance(parent, dict):
        return None
    for key in _HEADER_KEYS:
        names = parent.get(key)
        if isinstance(names, list) and names and all(isinstance(n, str) for n in names):
            return names
    return None


def _without(value: Any, path: tuple[Any, ...]) -> Any:
    """``value`` with the node at ``path`` left out."""
    if not path:
        return None
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {k: (_without(v, rest) if k == head else v) for k, v in value.items()}
    return [(_without(v, rest) if i == head else v) for i, v in enumerate(value)]


def _fields(value: Any, key: str = "") -> Iterator[str]:
    """One line per object: its plain fields as ``key: value`` pairs joined by "; ", after the
    key it sits under (``patient: first name: Grace; last name: OKAFOR; dob: 1962-01-12``);
    the objects inside it on lines of their own. A person's fields stay on one line, as a form
    or a log writes them, where the name, date-of-birth and NHS-number labels are read."""
    if isinstance(value, list):
        plain = [_scalar(v) for v in value if not isinstance(v, dict | list) and v is not None]
        if plain:
            yield f"{key}: {', '.join(plain)}" if key else ", ".join(plain)
        for inner in value:
            if isinstance(inner, dict | list):
                yield from _fields(inner, key)
        return
    if not isinstance(value, dict):
        if value is not None and value != "":
            yield f"{key}: {_scalar(value)}" if key else _scalar(value)
        return
    pairs: list[str] = []
    nested: list[tuple[str, Any]] = []
    for name, inner in value.items():
        label = _words(str(name))
        if isinstance(inner, dict) or (
            isinstance(inner, list) and any(isinstance(v, dict | list) for v in inner)
        ):
            nested.append((label, inner))
        elif isinstance(inner, list):
            plain = [_scalar(v) for v in inner if v is not None]
            if plain:
                pairs.append(f"{label}: {', '.join(plain)}")
        elif inner is not None and inner != "":
            pairs.append(f"{label}: {_scalar(inner)}")
    if pairs:
        yield f"{key}: {'; '.join(pairs)}" if key else "; ".join(pairs)
    for label, inner in nested:
        yield from _fields(inner, label)


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|[_.\-]+")


def _words(key: str) -> str:
    """A key as a label reads in prose: ``dateOfBirth``, ``date_of_birth`` -> "date of birth";
    a key in capitals (``DOB``, ``NHS``) is kept."""
    if key.isupper():
        return key
    return " ".join(part.lower() for part in _CAMEL.split(key) if part)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _records(locator: str, lines: Iterable[str]) -> Iterator[Record]:
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) == MAX_RECORD_LINES:
            yield Record(locator=locator, schema="text", text="\n".join(chunk))
            chunk = []
    if chunk:
        yield Record(locator=locator, schema="text", text="\n".join(chunk))
