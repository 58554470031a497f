"""HL7 v2 in its XML encoding (``urn:hl7-org:v2xml``), as some interface engines log and
archive messages: turned back into the pipe-delimited form the standard maps it from, and read
exactly as HL7 v2 is (``readers.hl7v2``), so PID-5 is a name and OBR-4 a test either way.

A segment is an element named by its three-character id (``<PID>``), a field one named
``PID.5``, a component ``XPN.2`` and a subcomponent ``FN.1`` under it; group elements
(``ORU_R01.PATIENT_RESULT``) are only walked through. A field that repeats is its element
written again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.etree.ElementTree import Element

from breachdesk.readers import hl7v2
from breachdesk.readers.base import Record

NAMESPACE = "urn:hl7-org:v2xml"
_SEGMENT = re.compile(r"[A-Z][A-Z0-9]{2}")
# Separators inside a value, as the pipe form escapes them.
_ESCAPES = str.maketrans({"\\": "\\E\\", "|": "\\F\\", "^": "\\S\\", "~": "\\R\\", "&": "\\T\\"})


def is_hl7_xml(root: Element) -> bool:
    return str(root.tag).startswith(f"{{{NAMESPACE}}}")


def messages(root: Element) -> Iterator[Record]:
    """The messages of a parsed v2.xml document (one message, or a batch of them)."""
    lines = [_segment(element) for element in root.iter() if _is_segment(element)]
    if not lines or not lines[0].startswith("MSH|"):
        lines.insert(0, "MSH|^~\\&|")  # a message's body without its header
    yield from hl7v2.messages(["\r".join(lines)])


def _local(element: Element) -> str:
    return str(element.tag).rpartition("}")[2]


def _is_segment(element: Element) -> bool:
    return _SEGMENT.fullmatch(_local(element)) is not None


def _segment(element: Element) -> str:
    name = _local(element)
    fields: dict[int, list[str]] = {}
    for child in element:
        number = _local(child).rpartition(".")[2]
        if number.isdigit():
            fields.setdefault(int(number), []).append(_value(child, "^"))
    last = max(fields, default=0)
    if name == "MSH":  # MSH-1 and MSH-2 are the separators themselves
        return "|".join(
            ["MSH", "^~\\&", *("~".join(fields.get(i, [])) for i in range(3, last + 1))]
        )
    return "|".join([name, *("~".join(fields.get(i, [])) for i in range(1, last + 1))])


def _value(element: Element, separator: str) -> str:
    """A field's components joined by "^", a component's subcomponents by "&"."""
    parts: dict[int, str] = {}
    for child in element:
        number = _local(child).rpartition(".")[2]
        if number.isdigit():
            parts[int(number)] = _value(child, "&")
    if not parts:
        return (element.text or "").strip().translate(_ESCAPES)
    return separator.join(parts.get(i, "") for i in range(1, max(parts) + 1))
