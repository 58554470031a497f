"""JSON whose layout says whose each fact is, other than by nesting it under the person.

- A JSON:API page (``data[]`` of resources, the resources they relate to in ``included[]``,
  linked by ``relationships.<name>.data`` = ``{type, id}``): read as one list of rows, each
  resource of ``data`` with the resources it names put in its place. Read as a document it was
  one record for everyone on the page.
- A Postman collection: a row per saved request, its JSON body and query parameters as
  fields; the item's ``name`` is the request's title (``"Lookup by NHS"``), not a person's.
- A change event of a database's log (Debezium, Maxwell, Canal, AWS DMS, GoldenGate, as Kafka
  carries them, a line each): the row it writes, of the table it names. Rows of one table are a
  table, so a results row that points at a patient row (``req_tests.patient_id``) is joined to
  that patient as a dump's tables are (``detect.relations``), never to the line above it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from breachdesk.readers import instants, relaxed_json

# How far a JSON:API resource's relationships are followed (a result's specimen's patient).
MAX_HOPS = 3


def reshape(document: Any) -> list[Any] | None:
    """The document as documents whose rows' owners are their own (see the module), or None
    when it is none of these layouts."""
    if not isinstance(document, dict):
        return None
    if (page := _json_api(document)) is not None:
        return page
    postman = _postman(document)
    return None if postman is None else [postman]


# -- JSON:API ----------------------------------------------------------------------------------


def _resource(node: Any) -> bool:
    return (
        isinstance(node, dict)
        and isinstance(node.get("type"), str)
        and isinstance(node.get("id"), str | int)
        and isinstance(node.get("attributes", node.get("relationships")), dict)
    )


def _key(node: dict[str, Any]) -> tuple[str, str]:
    return str(node.get("type")), str(node.get("id"))


def _json_api(document: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The page's rows; apart from them, in a table of their own, the resources whose
    relationships all name resources not included (a result of a patient on another page): a
    row under the rows of people would be taken for the last one's (``detect.grouped_rows``)."""
    primary = document.get("data")
    items: list[Any] = primary if isinstance(primary, list) else [primary]
    if not items or not all(_resource(item) for item in items):
        return None
    included = document.get("included")
    others = [r for r in included if _resource(r)] if isinstance(included, list) else []
    index = {_key(r): r for r in [*others, *items]}
    reached: set[tuple[str, str]] = set()
    rows: list[dict[str, Any]] = []
    unlinked: list[dict[str, Any]] = []
    for item in items:
        row = _flat(item, index, reached, (_key(item),))
        linked = [name for name in _linkage(item) if name in row]
        (rows if linked or not _linkage(item) else unlinked).append(row)
    # What no row names (a patient with no result on this page) is a row of its own.
    rows += [_flat(r, index, reached, (_key(r),)) for r in others if _key(r) not in reached]
    rest = {k: v for k, v in document.items() if k not in ("data", "included")}
    return [{"data": rows, **rest}, *([{"unlinked": unlinked}] if unlinked else [])]


def _linkage(node: dict[str, Any]) -> list[str]:
    """The names of a resource's relationships that name resources."""
    relationships = node.get("relationships")
    if not isinstance(relationships, dict):
        return []
    return [
        name
        for name, relation in relationships.items()
        if isinstance(relation, dict) and relation.get("data")
    ]


def _flat(
    node: dict[str, Any],
    index: dict[tuple[str, str], dict[str, Any]],
    reached: set[tuple[str, str]],
    path: tuple[tuple[str, str], ...],
) -> dict[str, Any]:
    """A resource's attributes, each relationship by its name holding the resources it names
    (followed ``MAX_HOPS`` deep, never round a cycle). Only the outermost resource keeps its
    type and id: a related one's would make columns such as "patient id", read as the
    patient's hospital number; a related resource not included names no one here."""
    row: dict[str, Any] = {}
    if len(path) == 1:
        # ("resource type": a "type" beside a "value" attribute reads as a typed pair.)
        row.update({"resource type": node["type"], "id": node["id"]})
    attributes = node.get("attributes")
    if isinstance(attributes, dict):
        row.update((k, v) for k, v in attributes.items() if k not in row)
    relationships = node.get("relationships")
    for name, relation in (relationships or {}).items():
        linkage = relation.get("data") if isinstance(relation, dict) else None
        targets = linkage if isinstance(linkage, list) else [linkage]
        named = []
        for target in targets:
            key = _key(target) if isinstance(target, dict) else None
            found = index.get(key) if key is not None else None
            if key is None or found is None or key in path or len(path) > MAX_HOPS:
                continue
            reached.add(key)
            named.append(_flat(found, index, reached, (*path, key)))
        if named and name not in row:
            row[name] = named if isinstance(linkage, list) else named[0]
    return row


# -- Postman -----------------------------------------------------------------------------------

# Headers that carry a credential: no one's personal data, and not to be kept in the case.
_SECRET = re.compile(r"(?i)auth|token|cookie|secret|password|api[-_]?key")


def _postman(document: dict[str, Any]) -> dict[str, Any] | None:
    info = document.get("info")
    schema = str(info.get("schema", "")) if isinstance(info, dict) else ""
    if isinstance(info, dict) and ("_postman_id" in info or "getpostman.com" in schema):
        rows = list(_items(document.get("item"), "", 0))
        rest = {k: v for k, v in document.items() if k not in ("item", "auth")}
    elif isinstance(document.get("requests"), list) and "order" in document:  # (version 1)
        rows = [_request(r, r, "") for r in document["requests"] if isinstance(r, dict)]
        rest = {k: v for k, v in document.items() if k not in ("requests", "folders", "auth")}
    else:
        return None
    return {"requests": rows, **rest}


def _items(items: Any, folder: str, depth: int) -> Iterator[dict[str, Any]]:
    """The requests of a collection's item tree, each with the folders above it."""
    if not isinstance(items, list) or depth > 32:
        return
    for item in items:
        if not isinstance(item, dict):
            continue
        title = str(item.get("name", ""))
        if isinstance(item.get("item"), list):
            yield from _items(item["item"], f"{folder} / {title}" if folder else title, depth + 1)
        elif isinstance(item.get("request"), dict | str):
            request = item["request"]
            yield _request(item, request if isinstance(request, dict) else {"url": request}, folder)


def _request(item: dict[str, Any], request: dict[str, Any], folder: str) -> dict[str, Any]:
    url = request.get("url")
    row: dict[str, Any] = {
        "item name": item.get("name"),
        "folder": folder or None,
        "method": request.get("method"),
        "url": url.get("raw") if isinstance(url, dict) else url,
    }
    if isinstance(url, dict):
        row.update(_pairs(url.get("query")))
        row.update(_pairs(url.get("variable")))
    headers = request.get("header", request.get("headers"))
    row["headers"] = {k: v for k, v in _pairs(headers).items() if not _SECRET.search(k)}
    row["body"] = _body(request.get("body"), request)
    responses = item.get("response")
    if isinstance(responses, list):
        row["responses"] = [
            {"item name": r.get("name"), "status": r.get("code"), "body": _text(r.get("body"))}
            for r in responses
            if isinstance(r, dict)
        ]
    return row


def _pairs(entries: Any) -> dict[str, Any]:
    """Postman's ``[{"key": ..., "value": ...}]`` (query, form fields, headers) as a mapping."""
    if not isinstance(entries, list):
        return {}
    return {
        str(e["key"]): e.get("value")
        for e in entries
        if isinstance(e, dict) and isinstance(e.get("key"), str) and e["key"]
    }


def _body(body: Any, request: dict[str, Any]) -> Any:
    if not isinstance(body, dict):
        raw = request.get("rawModeData")  # (version 1)
        return _text(raw) if raw else _pairs(request.get("data")) or None
    mode = body.get("mode")
    if mode in ("formdata", "urlencoded"):
        return _pairs(body.get(mode))
    if mode == "graphql" and isinstance(body.get("graphql"), dict):
        graphql = body["graphql"]
        return {"query": graphql.get("query"), "variables": _text(graphql.get("variables"))}
    return _text(body.get("raw"))


def _text(text: Any) -> Any:
    """A body written as text: its JSON (or relaxed JSON) when it is that, else the text."""
    if not isinstance(text, str) or not text.lstrip().startswith(("{", "[")):
        return text
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        parsed = relaxed_json.loads(text)
        return text if parsed is None else parsed


# -- change events -----------------------------------------------------------------------------

# Debezium's semantic types of a number that is a date or a moment, and the unit it counts in.
_TIME_TYPES = {
    "io.debezium.time.Date": "days",
    "org.apache.kafka.connect.data.Date": "days",
    "io.debezium.time.Timestamp": "ms",
    "org.apache.kafka.connect.data.Timestamp": "ms",
    "io.debezium.time.MicroTimestamp": "us",
}
# Without a schema, a whole number under a date's name ("dob", "birth_date", "collected_dt") is
# what Debezium writes by default: days for a DATE, milliseconds for a DATETIME.
# ("updated", "validated" are no dates: a name's word, not its letters.)
_DATE_NAME = re.compile(
    r"(?i:^(?:dob|dt|date|birth)|_(?:dob|dt|date)$|birth)|[a-z](?:Date|Dob|Dt)$"
)
_OPS = frozenset({"c", "u", "d", "r", "t", "m"})
# The keys of which a change event (or the Kafka message holding one) has at least one.
_EVENT_KEYS = frozenset({"payload", "op", "table", "metadata", "__table", "__source_table"})


def change_event(value: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The table and the row of a database change event (see the module), or None."""
    if value.keys().isdisjoint(_EVENT_KEYS):
        return None  # (most objects: one look, on a JSON-lines file's every line)
    message = value.get("payload")
    if isinstance(message, str) and message.lstrip().startswith("{"):  # (kcat -J)
        try:
            inner = json.loads(message)
        except (json.JSONDecodeError, RecursionError):
            return None
        return change_event(inner) if isinstance(inner, dict) else None
    schema = value.get("schema")
    payload = message if isinstance(message, dict) else value
    if payload.get("op") in _OPS and ("after" in payload or "before" in payload):
        source = payload.get("source")
        table = (
            (source.get("table") or source.get("collection")) if isinstance(source, dict) else ""
        )
        image = payload.get("after")
        image = image if image is not None else payload.get("before")
        if isinstance(image, str):  # (Debezium's MongoDB connector: the document as text)
            parsed = _text(image)
            image = parsed if isinstance(parsed, dict) else {"document": image}
        return _name(table), _debezium_row(image, _units(schema))
    table = payload.get("table")
    data = payload.get("data")
    if isinstance(table, str) and isinstance(payload.get("type"), str):  # Maxwell, Canal
        if isinstance(data, list) and len(data) == 1:
            data = data[0]
        if isinstance(data, dict):
            return _name(table), data
    metadata = payload.get("metadata")
    if isinstance(metadata, dict) and "table-name" in metadata and isinstance(data, dict):
        return _name(metadata["table-name"]), data  # AWS DMS
    if isinstance(table, str) and "op_type" in payload:  # Oracle GoldenGate
        image = payload.get("after") or payload.get("before")
        return (_name(table), image) if isinstance(image, dict) else None
    marked = payload.get("__table", payload.get("__source_table"))
    if isinstance(marked, str):  # Debezium's rows unwrapped (ExtractNewRecordState)
        return _name(marked), {k: v for k, v in payload.items() if not k.startswith("__")}
    return None


def _name(table: Any) -> str:
    """A table's name as a locator holds it: its last dotted part, no "!"."""
    name = str(table or "changes").rsplit(".", 1)[-1].replace("!", "")[:100]
    return name or "changes"


def _units(schema: Any) -> dict[str, str]:
    """The row's fields that count days or moments, from a Debezium envelope's schema."""
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        return {}
    units: dict[str, str] = {}
    for part in schema["fields"]:
        if isinstance(part, dict) and part.get("field") in ("after", "before"):
            for field in part.get("fields") or []:
                if isinstance(field, dict) and field.get("name") in _TIME_TYPES:
                    units[str(field.get("field"))] = _TIME_TYPES[field["name"]]
    return units


def _debezium_row(image: Any, units: dict[str, str]) -> dict[str, Any]:
    """A row image with its dates as dates: Debezium writes a DATE as days since 1970 and a
    DATETIME as milliseconds (their schema says so; without one, a date's name does)."""
    if not isinstance(image, dict):
        return {}
    row = dict(image)
    for key, value in image.items():
        if not isinstance(value, int) or isinstance(value, bool):
            continue
        unit = units.get(key) or (_guess_unit(value) if _DATE_NAME.search(key) else None)
        if unit is not None:
            row[key] = instants.from_epoch(value, unit) or value
    return row


def _guess_unit(value: int) -> str:
    if abs(value) < 100_000:
        return "days"
    return "ms" if abs(value) < 10**14 else "us"


# MongoDB's extended JSON (mongoexport's and Compass's habit): a typed value as an object of
# one "$" key. Read by key alone, a date of birth was a "$date" column and no date of birth.
_EXTENDED = frozenset(
    {"$date", "$oid", "$numberLong", "$numberInt", "$numberDouble", "$numberDecimal", "$uuid"}
)


def extended(node: dict[str, Any]) -> Any:
    """The value an extended-JSON wrapper holds, a ``$date`` as ISO 8601 (its milliseconds
    since 1970 too; summer time's 23:00Z as the next day's UK date, ``instants``); any other
    object as it is."""
    if len(node) != 1:
        return node
    ((key, value),) = node.items()
    if key not in _EXTENDED or not isinstance(value, str | int | float):
        return node
    if key == "$date" and isinstance(value, int | str) and str(value).lstrip("-").isdigit():
        # (canonical: {"$date": {"$numberLong": "-315619200000"}}, unwrapped inside out)
        return instants.from_epoch(int(value)) or str(value)
    if key == "$date" and isinstance(value, str):
        return instants.from_text(value) or value
    return value
