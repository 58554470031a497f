"""Other XML (interface exports, config dumps), parsed with defusedxml.

Exports are usually records: many elements of one tag (``<Patient>``), each with fields as
attributes or leaf children. Those become a table whose header is the field names, so the table
detectors type them like any CSV; other XML is read as ``Tag: text`` lines, the names kept as
context. An XML file that defusedxml refuses (entity declarations: the billion-laughs bomb) or
cannot parse is read as plain text instead, which expands nothing and still finds what it says.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from breachdesk.readers import text
from breachdesk.readers.base import Item, Table
from breachdesk.readers.text import paragraphs


def _name(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _fields(record: Element) -> dict[str, str]:
    """A record's attributes and leaf children by name, then what its nested elements hold
    (``<Result><TestName>``) under "parent leaf" names ("Result TestName"), a repeated one's
    values joined by "; " as a cell listing several tests is: the tests of a patient stay in
    the patient's row."""
    out = {_name(k): " ".join(v.split()) for k, v in record.attrib.items()}
    nested: dict[str, list[str]] = {}
    for child in record:
        if len(child) == 0 and child.text and child.text.strip():
            out.setdefault(_name(child.tag), " ".join(child.text.split()))
        for key, value in child.attrib.items():
            out.setdefault(f"{_name(child.tag)} {_name(key)}", " ".join(value.split()))
        if len(child):
            _nested(child, nested)
    for key, values in nested.items():
        out.setdefault(key, "; ".join(dict.fromkeys(values)))
    return out


def _nested(element: Element, into: dict[str, list[str]]) -> None:
    """Leaf texts and attributes below ``element``, each named after its parent and itself."""
    for parent in element.iter():
        for key, value in parent.attrib.items():
            if value.strip():
                into.setdefault(f"{_name(parent.tag)} {_name(key)}", []).append(
                    " ".join(value.split())
                )
        for leaf in parent:
            if len(leaf) == 0 and leaf.text and leaf.text.strip():
                into.setdefault(f"{_name(parent.tag)} {_name(leaf.tag)}", []).append(
                    " ".join(leaf.text.split())
                )


def _table(root: Element) -> Table | None:
    """The records: the children of the element with the most children of one tag, when there
    are several (one element is a document, not a list of records)."""
    best: tuple[int, Element, str] | None = None
    for parent in root.iter():
        counts = Counter(str(child.tag) for child in parent)
        if counts:
            tag, n = counts.most_common(1)[0]
            if best is None or n > best[0]:
                best = (n, parent, tag)
    if best is None or best[0] < 2:
        return None
    _, parent, tag = best
    rows = [_fields(child) for child in parent if str(child.tag) == tag]
    header = list(dict.fromkeys(key for row in rows for key in row))
    if len(header) < 2:
        return None
    columns = [[row.get(key, "") for row in rows] for key in header]
    return Table(header=header, columns=columns, first_row=1, prefix=f"{_name(tag)}!")


def _lines(root: Element) -> Iterator[str]:
    """'tag: text' and 'tag attribute: value' lines, names as words (``birthTime`` -> "birth
    time"): the names are the context detectors use. A ``value`` attribute is its element's
    value (CDA's ``<birthTime value="19751102"/>``: "birth time: 19751102")."""
    for el in root.iter():
        tag = _words(_name(el.tag))
        for key, value in el.attrib.items():
            label = tag if _name(key) == "value" else f"{tag} {_words(_name(key))}"
            yield f"{label}: {' '.join(value.split())}"
        if el.text and el.text.strip():
            yield f"{tag}: {' '.join(el.text.split())}"


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _words(name: str) -> str:
    return _CAMEL.sub(" ", name).lower() if not name.isupper() else name


def read(data: bytes, name: str) -> Iterator[Item]:
    try:
        root = SafeET.fromstring(data)
    except (defusedxml.DefusedXmlException, ParseError, ValueError):
        yield from text.read(data, name)
        return
    table = _table(root)
    if table is not None:
        yield table
    else:
        yield from paragraphs("\n".join(_lines(root)))
