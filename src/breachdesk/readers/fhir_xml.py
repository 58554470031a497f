"""FHIR XML (a resource or a Bundle in the ``http://hl7.org/fhir`` namespace), as NHS systems
exchange it: turned into the JSON form of the same resources (the FHIR specification maps one
onto the other) and read exactly as FHIR JSON is (``readers.fhir``), so a Patient carries the
tests that point at it whichever way it was written.

The XML form says a primitive's value in a ``value`` attribute (``<birthDate value="..."/>``),
a resource's type by its element name, and never says which elements are lists: those the
readers look at are lists here whether they appear once or several times, as in JSON.
Parsed with defusedxml; a document it refuses (entity declarations) or cannot parse is read as
other XML is (``readers.xml``: as plain text when it cannot be parsed), never expanded.
Attachments' base64 (``<presentedForm><data value="JVBERi0x..."/>``) is read as FHIR JSON's is.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from breachdesk.readers import embedded, fhir, narrative, xml
from breachdesk.readers.base import Item

NAMESPACE = "http://hl7.org/fhir"
# Elements that are arrays in FHIR JSON (cardinality 0..*) among those a reader of people and
# tests meets; any other element seen more than once under one parent is a list too.
_ARRAYS = frozenset(
    {
        "entry",
        "identifier",
        "name",
        "given",
        "prefix",
        "suffix",
        "line",
        "address",
        "telecom",
        "generalPractitioner",
        "coding",
        "performer",
        "contained",
        "extension",
        "modifierExtension",
        "category",
        "result",
        "basedOn",
        "interpretation",
        "note",
        "referenceRange",
        "component",
        "specimen",
        "contact",
        "link",
        "hasMember",
        "derivedFrom",
        "partOf",
        "reasonCode",
        "reasonReference",
        "conclusionCode",
        "presentedForm",
        "content",  # a DocumentReference's attachments
        "payload",  # a Communication's
        "orderDetail",
        "supportingInfo",
        "section",  # a Composition's (and a section's sections)
    }
)
# Elements whose one child is a resource (its element name is the resource's type): a Bundle
# entry's resource, a contained one, a Bundle response's outcome.
_HOLDS_RESOURCE = frozenset({"resource", "contained", "outcome"})


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _resource(element: Element) -> dict[str, Any]:
    """A resource element as FHIR JSON writes it: its type as ``resourceType``."""
    out = _object(element)
    out["resourceType"] = _local(element.tag)
    return out


def _object(element: Element) -> dict[str, Any]:
    out: dict[str, Any] = {k: v for k, v in element.attrib.items() if k != "value"}
    for child in element:
        name = _local(child.tag)
        if not name:
            continue  # a comment or processing instruction
        if name in _HOLDS_RESOURCE and len(child) and _local(child[0].tag) != "":
            inner = [c for c in child if _local(c.tag)]
            value: Any = _resource(inner[0]) if len(inner) == 1 else _object(child)
        else:
            value = _value(child)
        if value is None:
            continue
        if name in _ARRAYS:
            out.setdefault(name, []).append(value)
        elif name in out:
            if not isinstance(out[name], list):
                out[name] = [out[name]]
            out[name].append(value)
        else:
            out[name] = value
    return out


def _value(element: Element) -> Any:
    """A primitive's value (its ``value`` attribute; any extension on it is dropped, as JSON
    keeps it apart), the narrative's text, or a complex element as an object."""
    if "value" in element.attrib:
        return element.attrib["value"]
    if _local(element.tag) == "div":  # the XHTML narrative: its lines (``readers.narrative``)
        return narrative.of_element(element) or None
    return _object(element) or None


def is_fhir(root_tag: object) -> bool:
    return isinstance(root_tag, str) and root_tag.startswith("{" + NAMESPACE + "}")


def read(data: bytes, name: str) -> Iterator[Item]:
    try:
        root = SafeET.fromstring(data)
    except (ParseError, defusedxml.DefusedXmlException, ValueError):
        # Read as other XML is, which refuses to expand entities and falls back to the text.
        yield from xml.read(data, name)
        return
    if not is_fhir(root.tag):
        yield from xml.read(data, name)
        return
    resources = fhir.flatten([_resource(root)])
    del root
    yield from fhir.records_of(resources)
    if fhir.may_carry_documents(data):
        yield from embedded.fhir_documents(resources)
