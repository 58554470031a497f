"""YAML (test fixtures, configuration, seed data): read as the data it is, as JSON is.

Read as prose, a list of patients each with their orders nested below gave each patient's
orders to the next one. Here each document of the stream (``---`` between them) is parsed and
handed to the JSON reader (``json_doc.read_value``): a list of mappings that identify people is
a table, one row per person with the facts nested under them; what is outside it is text.

Scalars are kept as written (``0458812`` is no octal number, ``1:20`` no sexagesimal one, ``no``
no boolean): only nulls are typed. Anchors and aliases are followed up to ``MAX_NODES`` nodes in
all (an alias bomb is ``unreadable``), never round a cycle. A file that is no YAML after all is
read as text, as it was before it was typed YAML.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from breachdesk.ingest.sniff import decode
from breachdesk.readers import fixed_width, json_doc
from breachdesk.readers.base import Item, ReaderError

# Nodes of all documents once their aliases are expanded: well above any fixture, far below
# what a few lines of nested aliases would make.
MAX_NODES = 1_000_000
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_KEPT = frozenset({"tag:yaml.org,2002:null", "tag:yaml.org,2002:merge"})


class _Loader(_Base):
    """A safe loader that types only nulls (and reads ``<<`` merge keys)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag in _KEPT]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read(data: bytes, name: str) -> Iterator[Item]:
    text, _ = decode(data)
    try:
        documents = [d for d in yaml.load_all(text, Loader=_Loader) if d is not None]
        if "*" in text:  # (only an alias can repeat or enclose a node)
            documents = [plain(d) for d in documents]
    except (yaml.YAMLError, RecursionError, ValueError):
        yield from fixed_width.read(data, name)
        return
    try:
        if len(documents) == 1:
            yield from json_doc.read_value(documents[0])
            return
        for number, document in enumerate(documents, start=1):
            yield from json_doc.placed(json_doc.read_value(document), f"doc:{number}")
    except RecursionError:
        raise ReaderError("YAML nested too deep to read as data") from None


def plain(value: Any) -> Any:
    """A loaded document as JSON's values (strings, lists, mappings with text keys), each
    alias a copy: ``ReaderError`` past ``MAX_NODES`` nodes or round a cycle."""
    budget = [MAX_NODES]

    def copy(node: Any, path: frozenset[int]) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise ReaderError(f"YAML aliases expand past {MAX_NODES:,} nodes: not read")
        if isinstance(node, dict | list | set | tuple):
            if id(node) in path:
                raise ReaderError("YAML alias refers to itself: not read")
            inside = path | {id(node)}
            if isinstance(node, dict):
                return {_key(k): copy(v, inside) for k, v in node.items()}
            return [copy(v, inside) for v in node]
        if isinstance(node, bytes):
            return None  # (!!binary: no text to read)
        return node

    return copy(value, frozenset())


def _key(key: Any) -> str:
    return "" if key is None else str(key)
