"""JSON that is not FHIR: API exports, application dumps, JSON-lines logs.

An export's outermost list of objects (or of rows written as lists, beside their ``columns``) is
a table: one row per object, a column per field, nested fields named "parent field" where a
name repeats and a nested list's values joined by "; " (a patient's tests stay in the patient's
row), keys read as words (``dateOfBirth`` -> "date of birth") so the header synonyms type them
like any CSV's. What the document holds outside that list is a ``root`` record of text; a
document with no such list is one ``root`` record. When the list names nobody and the object
holding it names a person (``{"patient": {...}, "results": [...]}``), that object is the table's
one row: the person with their tests. The objects of a JSON-lines file (an export, an
interface's events) are rows as an array's are, a line a row (``row:N`` is line N); a lone one,
or lines whose keys are mostly their own, are records. A record's text is its fields as
``key: value`` pairs, one object's plain fields on one line (``patient: first name: Grace; last
name: OKAFOR; dob: 1962-01-12``), so the labels the detectors read in prose are read here too.
Text that is not JSON after all (a truncated export) is read as the text reader reads it: lines
that parse are read as above, the rest as paragraphs.
Identifiers and contacts written as typed pairs (``{"type": "NHS", "value": ...}``) are read as
fields named by their type, in the row and in the text alike; MongoDB's extended JSON
(``{"$date": ...}``, ``{"$oid": ...}``) as the value it wraps, a UTC instant that is local
midnight in the UK as that date (``instants``). Layouts that say whose a fact is other than by
nesting (JSON:API pages, Postman collections, database change events) are read as
``json_shapes`` says; relaxed JSON among other lines (a shell's printout) as ``relaxed_json``.
"""

from __future__ import annotations

import json
import re
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

import pyarrow as pa

from breachdesk.detect.columns import type_columns
from breachdesk.ingest.sniff import decode, text_stream
from breachdesk.readers import instants, json_shapes, relaxed_json
from breachdesk.readers.base import Item, Record, Table
from breachdesk.readers.text import paragraphs_of_lines

# A record's text stops growing here: one object is one person's facts, and a list inside it
# thousands long is not (its lines are still read, as further records of the same locator).
MAX_RECORD_LINES = 400
# JSON lines are read as tables of at most so many rows (a file may be gigabytes), and of fewer
# where their keys are many or vary (a key per line): a table's cells are its rows times all
# their keys.
BATCH_ROWS = 10_000
BATCH_CELLS = 2_000_000


def read(data: bytes, name: str) -> Iterator[Item]:
    text, _ = decode(data)
    try:
        document = json.loads(text, object_hook=json_shapes.extended)
    except (json.JSONDecodeError, RecursionError):
        yield from _lines(text.splitlines())
        return
    yield from read_value(document)


def read_value(document: Any) -> Iterator[Item]:
    """The items of a parsed document (JSON, or YAML's data): its rows, as its layout gives
    them (``json_shapes``), or as the module says."""
    shaped = json_shapes.reshape(document)
    if shaped is not None:
        for part in shaped:
            yield from _document(part)
        return
    if _events(document):
        runs = _Runs()  # a list of change events: each row in its table, at its place
        for number, item in enumerate(document, start=1):
            if isinstance(item, dict):
                yield from runs.add(number, item, item)
        yield from runs.end()
        return
    yield from _document(document)


def _events(document: Any) -> bool:
    first = document[0] if isinstance(document, list) and document else None
    return isinstance(first, dict) and json_shapes.change_event(first) is not None


def placed(items: Iterable[Item], where: str) -> Iterator[Item]:
    """Items of one part of a file (a block at ``line:7``, a YAML stream's ``doc:2``) located
    there: its tables' rows under it, its text at it."""
    for item in items:
        if isinstance(item, Table):
            item.prefix = f"{where}!{item.prefix}"
        elif isinstance(item, Record):
            item.locator = where
        yield item


def read_stream(stream: BinaryIO, name: str) -> Iterator[Item]:
    """Too big to hold: JSON lines are read a line at a time; a single document that size is
    read as text (paragraphs of its lines), which loses only the grouping into objects."""
    yield from _lines(line.rstrip("\r\n") for line in text_stream(stream))


def _lines(lines: Iterable[str]) -> Iterator[Item]:
    """JSON lines: a run of objects (blank lines aside) is a table, a row a line, as the rows of
    an array are (``_Run``); runs of lines that are not objects go as paragraphs, a line that is
    a list as a record. An object or list over several lines (``relaxed_json.blocks``) is read
    as one line's, a list as a document located at its first line."""
    pending: list[str] = []
    first_pending = 1
    runs = _Runs()
    run = runs.run
    for number, part in relaxed_json.blocks(lines):
        line = "" if isinstance(part, relaxed_json.Block) else part
        value = _object(line) if isinstance(part, str) else part.value
        if isinstance(value, dict):
            yield from _paragraphs(pending, first_pending)
            pending = []
            yield from runs.add(number, part if isinstance(part, str) else value, value)
            continue
        if value is None and (run.rows or run.alike) and not line.strip():
            continue  # between rows: the next row keeps its line's number
        yield from run.end()
        if value is not None:
            yield from _paragraphs(pending, first_pending)
            pending = []
            if isinstance(part, str):
                yield from _records(f"line:{number}", _fields(value))
            else:
                yield from placed(_document(value), f"line:{number}")
            continue
        if not pending:
            first_pending = number
        pending.append(line)
    yield from runs.end()
    yield from _paragraphs(pending, first_pending)


class _Runs:
    """JSON-lines objects as rows: of one run (``_Run``), or, a database's change events
    (``json_shapes.change_event``), each its row in a table of its own table's rows, located
    ``table:<name>!row:<line>`` so the tables of one log are joined as a dump's are."""

    def __init__(self) -> None:
        self.run = _Run()
        self.tables: dict[str, _Run] = {}

    def add(
        self, number: int, source: str | dict[str, Any], value: dict[str, Any]
    ) -> Iterator[Item]:
        event = json_shapes.change_event(value)
        if event is None:
            yield from self.run.add(number, source, value)
            return
        name, row = event
        run = self.tables.get(name)
        if run is None:
            run = self.tables[name] = _Run(f"table:{name}!")
        yield from run.add(number, row, row)
        # (Another table's lines between a table's rows are its empty rows: all are bounded.)
        if sum(len(r.rows) * len(r.fields) for r in self.tables.values()) >= BATCH_CELLS:
            for other in self.tables.values():
                yield from other.end()

    def end(self) -> Iterator[Item]:
        yield from self.run.end()
        for run in self.tables.values():
            yield from run.end()


class _Run:
    """Consecutive JSON-lines objects, a table of at most ``BATCH_ROWS`` rows at a time; lines
    whose keys are mostly their own (a lone object, a map keyed by sample number) are no rows
    alike, and each is a record, as a document of one object is. A run of one named table's
    rows (``prefix``) is a table whatever its keys."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        # Each row's line number and the line (parsed again for a record) or its object.
        self.lines: list[tuple[int, str | dict[str, Any]]] = []
        self.rows: list[dict[tuple[str, str], str]] = []
        self.fields: Counter[tuple[str, str]] = Counter()  # rows by the keys they fill
        self.alike = bool(prefix)  # an earlier batch of the run was a table: the rest are rows

    def add(self, number: int, line: str | dict[str, Any], value: dict[str, Any]) -> Iterator[Item]:
        if self.lines:
            # A blank line between two rows is an empty row, so a row's number is its line's.
            self.rows.extend({} for _ in range(number - self.lines[-1][0] - 1))
        row = _row(value)
        self.lines.append((number, line))
        self.rows.append(row)
        self.fields.update(row.keys())
        if len(self.rows) >= BATCH_ROWS or len(self.rows) * len(self.fields) >= BATCH_CELLS:
            yield from self._batch()

    def end(self) -> Iterator[Item]:
        yield from self._batch()
        self.alike = bool(self.prefix)

    def _batch(self) -> Iterator[Item]:
        """The lines so far, as a table or as records."""
        own = sum(1 for rows in self.fields.values() if rows == 1)
        if not self.alike and 2 * own > len(self.fields):
            for number, line in self.lines:
                value = _object(line) if isinstance(line, str) else line
                yield from _records(f"line:{number}", _fields(value))
        else:
            table = _table(self.rows, ())
            if table is not None:
                table.first_row = self.lines[0][0]
                table.prefix = self.prefix
                self.alike = True
                yield table
        self.lines, self.rows, self.fields = [], [], Counter()


def _object(line: str) -> dict[str, Any] | list[Any] | None:
    stripped = line.strip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        value = json.loads(stripped, object_hook=json_shapes.extended)
    except (json.JSONDecodeError, RecursionError):
        # A shell's document on a line ({ "_id" : ObjectId("..."), ... }, unquoted keys).
        if not stripped.endswith(("}", "]")):
            return None
        value = relaxed_json.loads(stripped, json_shapes.extended)
    return value if isinstance(value, dict | list) else None


def _paragraphs(lines: list[str], first: int) -> Iterator[Record]:
    """The text reader's paragraphs of a run of lines that starts at line ``first``."""
    for record in paragraphs_of_lines(lines):
        number = int(record.locator.removeprefix("line:")) + first - 1
        yield Record(locator=f"line:{number}", schema=record.schema, text=record.text)


def _document(document: Any) -> Iterator[Item]:
    path, items = _outermost_rows(document, ())
    if items is None:
        yield from _records("root", _fields(document))
        return
    table = _table(_rows_at(document, path, items), path)
    where = _about_one(document, path, table)
    siblings = _sibling_lists(document, path) if where is None else []
    if siblings:
        # A patients list beside a results list pointing at it ({"patients": [...], "results":
        # [...]}): each a table named as a database dump's are, so the joins of
        # ``detect.relations`` give each result to its patient; read alone, the results were lost.
        rest = document
        for place in siblings:
            rest = _without(rest, place)
        yield from _records("root", _fields(rest))
        for place in siblings:
            rows = _rows_at(document, place, _at(document, place))
            found = _table(rows, place)
            if found is not None:
                found.prefix = f"table:{place[-1]}!"
                yield found
        return
    if where is not None:
        # The list is what one person had done (a report's results): the part of the document
        # that holds both is that person's row, their tests in it as an export writes them.
        path, table = where, _table([_row(_at(document, where))], where)
    yield from _records("root", _fields(_without(document, path)))
    if table is not None:
        yield table


def _rows_at(document: Any, path: tuple[Any, ...], items: list[Any]) -> list[dict[Any, str]]:
    header = _header(document, path)
    return [
        _row(dict(zip(header, item, strict=True)))
        if header is not None and isinstance(item, list) and len(item) == len(header)
        else _row(item)
        for item in items
    ]


def _sibling_lists(document: Any, path: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """The paths of the lists of rows (``_is_rows``) under the object that holds the list at
    ``path``, itself among them, where there are two or more; else none."""
    if not path or not isinstance(path[-1], str):
        return []
    parent = _at(document, path[:-1])
    if not isinstance(parent, dict):
        return []
    places = [(*path[:-1], key) for key, value in parent.items() if _is_rows(value)]
    return places if len(places) > 1 and path in places else []


def _is_rows(node: Any) -> bool:
    """A list whose elements are all objects, not typed pairs (one object's identifiers)."""
    return (
        isinstance(node, list)
        and bool(node)
        and all(isinstance(v, dict) for v in node)
        and not all(_named_value(v) for v in node)
    )


def _table(rows: list[dict[tuple[str, str], str]], path: tuple[Any, ...]) -> Table | None:
    fields = list(dict.fromkeys(field for row in rows for field in row))
    if not fields:
        return None
    # A key is its column's name, unless it sits under more than one parent across the rows
    # ("name" of "requested by" and of "tests"), or says what it holds only with its parent's
    # ("code" and "display" of a "test"): then each is "parent key".
    parents: dict[str, set[str]] = {}
    for parent, key in fields:
        parents.setdefault(key, set()).add(parent)
    names = [
        f"{parent} {key}".strip() if len(parents[key]) > 1 or key in GENERIC_KEYS else key
        for parent, key in fields
    ]
    key = path[-1] if path and isinstance(path[-1], str) else ""
    return Table(
        header=names,
        columns=[[row.get(field, "") for row in rows] for field in fields],
        prefix=f"{key}!" if key else "",
    )


def _about_one(document: Any, path: tuple[Any, ...], table: Table | None) -> tuple[Any, ...] | None:
    """Where the document is about one person whose list the rows are (``{"patient": {...},
    "results": [...]}``): the path of the smallest object holding the list and a person outside
    it, grown to take in what surrounds it while that names nobody else (a letterhead; not the
    next report of a dict of reports), never past a list. None when the rows name people
    themselves (an export's header is no person of its rows) or nothing around them does."""
    nodes = [document]
    for step in path[:-1]:
        nodes.append(nodes[-1][step])
    inner = next(
        (i for i in reversed(range(len(path))) if _names_a_person(_around(nodes[i], path[i]))),
        None,
    )
    if inner is None or (table is not None and names_a_person(table)):
        return None
    while inner and isinstance(nodes[inner - 1], dict):
        if _names_a_person(_around(nodes[inner - 1], path[inner - 1])):
            break
        inner -= 1
    return path[:inner]


def _around(node: Any, step: Any) -> dict[tuple[str, str], str]:
    """The fields of an object but for what sits under ``step``."""
    if not isinstance(node, dict):
        return {}
    return _row({k: v for k, v in node.items() if k != step})


def _names_a_person(fields: dict[tuple[str, str], str]) -> bool:
    """Named as in a row of the document (``_table``): a person it would not find there is
    left to the root record's text."""
    table = _table([fields], ())
    return table is not None and names_a_person(table)


def names_a_person(table: Table) -> bool:
    """Whether a table's rows can say who someone is, its columns typed as the table detector
    types them (by their names and values): an NHS number, or a family and a given name (or a
    full name) with a date of birth. A name alone is not enough: a test has one too."""
    arrays = [c if isinstance(c, pa.Array) else pa.array(c, pa.string()) for c in table.columns]
    kinds = set(type_columns(table.header, arrays))
    named = "full_name" in kinds or {"family_name", "given_name"} <= kinds
    return "nhs_number" in kinds or (named and "date_of_birth" in kinds)


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


def _row(item: Any) -> dict[tuple[str, str], str]:
    """One row's cells by (parent key, key), keys as words; a repeated field's values joined
    by "; " (a patient's list of tests is one cell, as a CSV export writes it)."""
    cells: dict[tuple[str, str], list[str]] = {}

    def add(parent: str, key: str, value: Any) -> None:
        if value is None or value == "":
            return
        values = cells.setdefault((parent, key), [])
        text = " ".join(_scalar(value).split())
        if text not in values:
            values.append(text)

    def walk(node: Any, parent: str) -> None:
        if isinstance(node, dict):
            pair = _named_value(node)
            if pair is not None:
                # {"type": "NHS", "value": "455..."}: the value's column is named by its type.
                label, value_key = pair
                add(parent, words(str(node[label])), node[value_key])
                node = {k: v for k, v in node.items() if k not in pair}
            for raw, value in node.items():
                key = words(str(raw))
                if isinstance(value, dict):
                    walk(value, key)
                elif isinstance(value, list):
                    for inner in value:
                        if isinstance(inner, dict | list):
                            walk(inner, key)
                        else:
                            add(parent, key, inner)
                else:
                    add(parent, key, value)
        elif isinstance(node, list):
            for inner in node:
                walk(inner, parent)
        else:
            add(parent, "value", node)

    walk(item, "")
    return {field: "; ".join(values) for field, values in cells.items() if values}


# An identifier or a contact point written as a typed pair ({"type": "NHS", "value": ...},
# {"system": "phone", "value": ...}), a list of them in each patient: by key alone every
# person's numbers fall into one "value" column, an NHS number beside a hospital number.
# ({"name": "NHS Number", "value": ...}: a field of a generic export, named so, is one too.)
_LABEL_KEYS = frozenset(
    {"type", "system", "kind", "label", "key", "idtype", "identifiertype", "name", "field"}
)
# Keys and attributes that say what a value is only with their parent's ("test": {"code",
# "display"}; XML's <Test name="HbA1c"/>).
# A name's or an address's parts are such keys too ({"name": {"first", "last"}}: "first" alone
# says nothing; "name first" is a given name).
GENERIC_KEYS = frozenset(
    {"code", "display", "text", "id", "description", "name", "type"}
    | {"first", "last", "middle", "line1", "line2", "line3"}
)
_VALUE_KEYS = frozenset({"value", "number", "identifier", "val"})


def _named_value(node: dict[Any, Any]) -> tuple[Any, Any] | None:
    """The keys of a typed pair's label and value, when ``node`` holds one."""
    label = value = None
    for raw, item in node.items():
        folded = str(raw).lower().replace("_", "")
        if folded in _LABEL_KEYS and isinstance(item, str) and 0 < len(item) <= 80:
            label = raw
        elif folded in _VALUE_KEYS and isinstance(item, str | int | float):
            value = raw
    return None if label is None or value is None else (label, value)


def _outermost_rows(value: Any, path: tuple[Any, ...]) -> tuple[tuple[Any, ...], list[Any] | None]:
    """The list nearest the top (breadth first) whose elements are all objects or lists (not
    typed pairs), the rows of an export (``[{...}, {...}]``, or ``"data": [[...], [...]]``),
    and its path."""
    queue: deque[tuple[tuple[Any, ...], Any]] = deque([(path, value)])
    while queue:
        here, node = queue.popleft()
        if isinstance(node, list):
            # A list of typed pairs is one object's identifiers or contacts, not rows.
            pairs = all(isinstance(v, dict) and _named_value(v) for v in node)
            if node and all(isinstance(v, dict | list) for v in node) and not pairs:
                return here, node
            queue.extend(((*here, i), v) for i, v in enumerate(node))
        elif isinstance(node, dict):
            keyed = _keyed_rows(node)
            if keyed is not None:
                return here, keyed
            queue.extend(((*here, k), v) for k, v in node.items())
    return path, None


def _keyed_rows(node: dict[Any, Any]) -> list[Any] | None:
    """The rows of an export written as an object of objects: each row under its id
    (``{"P001": {"nhs": ..., "surname": ...}, "P002": {...}}``, the id kept as ``id``), or each
    column under its name with its cells under row numbers (pandas' default ``to_json``:
    ``{"nhs": {"0": ..., "1": ...}, "surname": {...}}``). None for an object whose objects are
    not rows alike (a patient's and a requester's details)."""
    values = list(node.values())
    if len(values) < 2 or not all(isinstance(v, dict) and v for v in values):
        return None
    keys = [set(v) for v in values]
    common, every = set.intersection(*keys), set.union(*keys)
    if len(common) < 2 or len(common) < 0.5 * len(every):
        return None
    if common == every and all(isinstance(k, str) and k.isdigit() for k in common):
        order = list(values[0])
        return [{column: cells[i] for column, cells in node.items()} for i in order]
    return [{"id": key, **row} for key, row in node.items()]


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
    named = _named_value(value)
    if named is not None:  # {"type": "NHS", "value": ...} reads "NHS: ..."
        pairs.append(f"{words(str(value[named[0]]))}: {_scalar(value[named[1]])}")
        value = {k: v for k, v in value.items() if k not in named}
    for name, inner in value.items():
        label = words(str(name))
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


def words(key: str) -> str:
    """A key as a label reads in prose: ``dateOfBirth``, ``date_of_birth`` -> "date of birth";
    a key in capitals (``DOB``, ``NHS``) is kept."""
    if key.isupper():
        return key
    return " ".join(part.lower() for part in _CAMEL.split(key) if part)


def _scalar(value: Any) -> str:
    if value.__class__ is str:
        # A UTC instant of UK midnight ("2001-09-29T23:00:00.000Z", a date saved in summer
        # time) is that day's date; any other text as it is.
        if value[11:16] == "23:00" and value[-1:] in ("Z", "0"):
            return instants.from_text(value) or value
        return value
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
