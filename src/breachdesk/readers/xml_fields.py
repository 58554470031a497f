"""An XML record's fields as one row of a table (``readers.xml``, ``readers.xml_lists``).

A record's attributes and leaf children are its cells by name; what its nested elements hold
is kept under "parent leaf" names, a repeated one's values joined by "; " as a cell listing
several tests is, so a patient's tests stay in the patient's row. A person's document (a
report with its results) is one row whose listed records' leaves keep their own names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from xml.etree.ElementTree import Element, SubElement

from breachdesk.readers.base import Table
from breachdesk.readers.json_doc import GENERIC_KEYS

# A field named by an attribute, as generic exports write them: ``<Field name="NHS Number">``.
_LABEL_KEYS = ("name", "key", "field", "label")


def local_name(tag: object) -> str:
    """A tag or attribute name without its namespace."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(value: str) -> str:
    return " ".join(value.split())


def fields(record: Element) -> dict[str, str]:
    """A record's attributes and leaf children by name, then what its nested elements hold
    (``<Result><TestName>``) under "parent leaf" names ("Result TestName"), a repeated one's
    values joined by "; "."""
    out = {local_name(k): _text(v) for k, v in record.attrib.items()}
    nested: dict[str, list[str]] = {}
    labelled: set[object] | None = None  # tags of named fields with text, found once needed
    for child in record:
        label = _label(child)
        if len(child) == 0 and child.text and child.text.strip():
            out.setdefault(label or local_name(child.tag), _text(child.text))
        if label:
            continue  # (its attribute is its name)
        if _empty_label(child):
            if labelled is None:
                labelled = {c.tag for c in record if _label(c)}
            if child.tag in labelled:
                continue  # a NULL among named fields (``<field name="dob" xsi:nil="true"/>``)
        for key, value in child.attrib.items():
            out.setdefault(f"{local_name(child.tag)} {local_name(key)}", _text(value))
        if len(child):
            _nested(child, nested)
    for key, values in nested.items():
        out.setdefault(key, "; ".join(dict.fromkeys(values)))
    return out


def _label(element: Element) -> str | None:
    """The name a leaf element's attribute gives its text (``_LABEL_KEYS``), if it has one
    (``<Test name="HbA1c" result="48"/>`` has no text: a record, its attributes its fields)."""
    if len(element) or not (element.text and element.text.strip()):
        return None
    return _label_of(element)


def _label_of(element: Element) -> str | None:
    for key in _LABEL_KEYS:
        value = element.attrib.get(key, "").strip()
        if value:
            return _text(value)
    return None


def _empty_label(element: Element) -> str | None:
    """The name of an empty named field (a NULL: ``<field name="dob" xsi:nil="true"/>``): no
    text, no children, no attribute but its name and namespaced ones."""
    if len(element) or (element.text and element.text.strip()):
        return None
    label = _label_of(element)
    if label is None:
        return None
    own = [k for k in element.attrib if not k.startswith("{")]
    return label if len(own) == 1 else None


def fields_of_one(parent: Element, tag: str) -> bool:
    """Whether ``parent``'s children of ``tag`` are the named fields of one record."""
    return named_fields([child for child in parent if str(child.tag) == tag])


def named_fields(children: list[Element]) -> bool:
    """Whether sibling elements of one tag are the named fields of one record (each named by
    an attribute, no two alike: mysqldump's ``<field name="surname">``, some perhaps NULL),
    not records. (Named and all empty, ``<Test name="HbA1c"/>``s are records.)"""
    texts = [_label(child) for child in children]
    if not any(texts):
        return False
    labels = [text or _empty_label(child) for text, child in zip(texts, children, strict=True)]
    return all(labels) and len(set(labels)) == len(labels)


def _nested(element: Element, into: dict[str, list[str]]) -> None:
    """Leaf texts and attributes below ``element``, each named after its parent and itself."""
    for parent in element.iter():
        for key, value in parent.attrib.items():
            if value.strip():
                into.setdefault(f"{local_name(parent.tag)} {local_name(key)}", []).append(
                    _text(value)
                )
        for leaf in parent:
            if len(leaf) == 0 and leaf.text and leaf.text.strip():
                into.setdefault(f"{local_name(parent.tag)} {local_name(leaf.tag)}", []).append(
                    _text(leaf.text)
                )


def rows(cells: list[dict[str, str]], prefix: str) -> Table | None:
    """Rows of cells by name as a table (its header every name, in order of first use); None
    with fewer than two columns (a list of bare values is no table of records)."""
    header = list(dict.fromkeys(key for row in cells for key in row))
    if len(header) < 2:
        return None
    columns = [[row.get(key, "") for row in cells] for key in header]
    return Table(header=header, columns=columns, first_row=1, prefix=prefix)


def document(element: Element, tag: str) -> dict[str, str]:
    """One person's document as one row: what it holds outside its records of ``tag``, then
    its records' leaves by their own names as a table of them has them (``Test``, not ``Result
    Test``: the words of a header of tests), the values of all its records joined by "; "."""
    row = fields(outside(element, tag))
    listed: dict[str, list[str]] = {}
    for record in element.iter(tag):
        if record is not element:
            for key, value in _leaves(record):
                listed.setdefault(key, []).append(value)
    for key, values in listed.items():
        row.setdefault(key, "; ".join(dict.fromkeys(values)))
    return row


def _leaves(record: Element) -> Iterator[tuple[str, str]]:
    """A record's attributes by name (by "tag attribute" where the name alone says nothing:
    ``<Test name="HbA1c"/>`` gives "Test name", not a "name" taken for a person's), its leaves'
    texts by their tags and the attributes of the elements below it by "tag attribute",
    however deep (a result in a panel)."""
    for key, value in record.attrib.items():
        if value.strip():
            own = local_name(key)
            own = f"{local_name(record.tag)} {own}" if own.lower() in GENERIC_KEYS else own
            yield own, _text(value)
    for element in record.iter():
        if element is not record:
            for key, value in element.attrib.items():
                if value.strip():
                    yield f"{local_name(element.tag)} {local_name(key)}", _text(value)
        if len(element) == 0 and element.text and element.text.strip():
            yield local_name(element.tag), _text(element.text)


def outside(element: Element, tag: str) -> Element:
    """A copy of ``element`` without its descendants of ``tag`` (and what is below them)."""
    return copy_without(element, lambda child: str(child.tag) == tag)


def copy_without(element: Element, dropped: Callable[[Element], bool]) -> Element:
    """A copy of ``element`` without the descendants ``dropped`` says (and what is below them)."""
    top = Element(element.tag, element.attrib)
    top.text = element.text
    stack = [(element, top)]
    while stack:
        source, copy = stack.pop()
        for child in source:
            if not dropped(child):
                made = SubElement(copy, child.tag, child.attrib)
                made.text = child.text
                stack.append((child, made))
    return top
