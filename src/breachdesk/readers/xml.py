"""Other XML (interface exports, config dumps), parsed with defusedxml.

Exports are usually records: many elements of one tag (``<Patient>``), each with fields as
attributes or leaf children. Those become a table whose header is the field names, so the table
detectors type them like any CSV. Records that name nobody (the results of a report about one
patient) are read with what surrounds them: each document that holds a person and their list
is a row, the list's values joined in it, so a report's patient has its tests and a file of
reports has a row per report. Other XML (and records with nobody in or around them: a CDA's
entries) is read as ``Tag: text`` lines, the names kept as context. An XML file that
defusedxml refuses (entity declarations: the billion-laughs bomb) or cannot parse is read as
plain text instead, which expands nothing and still finds what it says.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from xml.etree.ElementTree import Element, ParseError, SubElement

import defusedxml
import defusedxml.ElementTree as SafeET

from breachdesk.readers import doc_tables, docx, hl7v2_xml, odt, spreadsheet_xml, text
from breachdesk.readers.base import Item, Table
from breachdesk.readers.json_doc import GENERIC_KEYS, names_a_person, words
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
        label = _label(child)
        if len(child) == 0 and child.text and child.text.strip():
            out.setdefault(label or _name(child.tag), " ".join(child.text.split()))
        if label:
            continue  # (its attribute is its name)
        for key, value in child.attrib.items():
            out.setdefault(f"{_name(child.tag)} {_name(key)}", " ".join(value.split()))
        if len(child):
            _nested(child, nested)
    for key, values in nested.items():
        out.setdefault(key, "; ".join(dict.fromkeys(values)))
    return out


# A field named by an attribute, as generic exports write them: ``<Field name="NHS Number">``.
_LABEL_KEYS = ("name", "key", "field", "label")


def _label(element: Element) -> str | None:
    """The name a leaf element's attribute gives its text (``_LABEL_KEYS``), if it has one
    (``<Test name="HbA1c" result="48"/>`` has no text: a record, its attributes its fields)."""
    if len(element) or not (element.text and element.text.strip()):
        return None
    for key in _LABEL_KEYS:
        value = element.attrib.get(key, "").strip()
        if value:
            return " ".join(value.split())
    return None


def _fields_of_one(parent: Element, tag: str) -> bool:
    """Whether ``parent``'s children of ``tag`` are the named fields of one record (each named
    by an attribute, no two alike), not a list of records."""
    labels = [_label(child) for child in parent if str(child.tag) == tag]
    return all(labels) and len(set(labels)) == len(labels)


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
    are several (one element is a document, not a list of records). When they name nobody,
    the documents around them that name a person (a report about one patient, its results the
    records), a row each; when nothing does, None: the file is read as labelled lines."""
    best = _most_repeated([root])
    if best is None:
        return None
    parent, tag = best
    records = [child for child in parent if str(child.tag) == tag]
    table = _rows([_fields(record) for record in records], tag)
    if table is not None and names_a_person(table):
        inner = _most_repeated(records)
        if (
            inner is None
            or _rows([_fields(c) for c in inner[0] if str(c.tag) == inner[1]], "") is None
        ):
            return table
        # Each record is a person's document with a list of records of its own (a file of
        # reports, each with its results): named as the single report's row is.
        return _rows([_document(record, inner[1]) for record in records], tag)
    documents = _about_one(root, parent, tag)
    if documents is None:
        return None
    return _rows([_document(document, tag) for document in documents], str(documents[0].tag))


def _most_repeated(tops: list[Element]) -> tuple[Element, str] | None:
    """The element (in or below ``tops``) with the most children of one tag, and the tag, when
    there are two or more; the first such element in document order on a tie."""
    best: tuple[int, Element, str] | None = None
    for top in tops:
        for parent in top.iter():
            if len(parent) > 1:
                tag, n = Counter(str(child.tag) for child in parent).most_common(1)[0]
                if _fields_of_one(parent, tag):
                    continue
                if best is None or n > best[0]:
                    best = (n, parent, tag)
    return None if best is None or best[0] < 2 else (best[1], best[2])


def _rows(rows: list[dict[str, str]], tag: str) -> Table | None:
    header = list(dict.fromkeys(key for row in rows for key in row))
    if len(header) < 2:
        return None
    columns = [[row.get(key, "") for row in rows] for key in header]
    return Table(header=header, columns=columns, first_row=1, prefix=f"{_name(tag)}!")


def _document(document: Element, tag: str) -> dict[str, str]:
    """One person's document as one row: what it holds outside its records of ``tag``, then
    its records' leaves by their own names as a table of them has them (``Test``, not ``Result
    Test``: the words of a header of tests), the values of all its records joined by "; "."""
    row = _fields(_outside(document, tag))
    listed: dict[str, list[str]] = {}
    for record in document.iter(tag):
        if record is not document:
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
            own = _name(key)
            own = f"{_name(record.tag)} {own}" if own.lower() in GENERIC_KEYS else own
            yield own, " ".join(value.split())
    for element in record.iter():
        if element is not record:
            for key, value in element.attrib.items():
                if value.strip():
                    yield f"{_name(element.tag)} {_name(key)}", " ".join(value.split())
        if len(element) == 0 and element.text and element.text.strip():
            yield _name(element.tag), " ".join(element.text.split())


def _outside(element: Element, tag: str) -> Element:
    """A copy of ``element`` without its descendants of ``tag`` (and what is below them)."""
    top = Element(element.tag, element.attrib)
    top.text = element.text
    stack = [(element, top)]
    while stack:
        source, copy = stack.pop()
        for child in source:
            if str(child.tag) != tag:
                made = SubElement(copy, child.tag, child.attrib)
                made.text = child.text
                stack.append((child, made))
    return top


def _about_one(root: Element, parent: Element, tag: str) -> list[Element] | None:
    """Where the records are one person's list (``<Report><Patient>...</Patient><Results>``),
    the documents that each hold a person and their list, one row each: the smallest element
    holding the records and a person outside them, grown to take in what surrounds it while
    that names nobody else (a letterhead), never past a repeated element (the next report of
    a file of reports). None when nothing around the records names a person."""
    path = _path(root, parent)
    tags = [str(node.tag) for node in path[1:]] + [tag]
    inner = next(
        (i for i in reversed(range(len(path))) if _names_a_person(path[i], tags[i])),
        None,
    )
    if inner is None:
        return None
    while inner and not _repeated(path[inner - 1], tags[inner - 1]):
        if _names_a_person(path[inner - 1], tags[inner - 1]):
            break
        inner -= 1
    if not inner:
        return [root]
    return [child for child in path[inner - 1] if str(child.tag) == tags[inner - 1]]


def _path(root: Element, target: Element) -> list[Element]:
    """The elements from ``root`` down to ``target``, found without a map of every parent."""
    path, children = [root], [iter(root)]
    if root is target:
        return path
    while children:
        child = next(children[-1], None)
        if child is None:
            path.pop()
            children.pop()
        elif child is target:
            return [*path, child]
        elif len(child):
            path.append(child)
            children.append(iter(child))
    return []


def _repeated(element: Element, tag: str) -> bool:
    return sum(str(child.tag) == tag for child in element) > 1


def _names_a_person(element: Element, tag: str) -> bool:
    """Whether the element names a person outside its children of ``tag``."""
    part = Element(element.tag, element.attrib)
    part.extend(child for child in element if str(child.tag) != tag)
    fields = _fields(part)
    return names_a_person(Table(header=list(fields), columns=[[v] for v in fields.values()]))


def _lines(root: Element) -> Iterator[str]:
    """'tag: text' and 'tag attribute: value' lines, names as words (``birthTime`` -> "birth
    time"): the names are the context detectors use. A ``value`` attribute is its element's
    value (CDA's ``<birthTime value="19751102"/>``: "birth time: 19751102")."""
    for el in root.iter():
        tag = words(_name(el.tag))
        for key, value in el.attrib.items():
            label = tag if _name(key) == "value" else f"{tag} {words(_name(key))}"
            yield f"{label}: {' '.join(value.split())}"
        if el.text and el.text.strip():
            yield f"{tag}: {' '.join(el.text.split())}"


_WORD_2003 = "{http://schemas.microsoft.com/office/word/2003/wordml}wordDocument"
_FLAT_OPC = "{http://schemas.microsoft.com/office/2006/xmlPackage}package"
_FLAT_ODF = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}document"


def _flat_document(root: Element) -> Callable[[Element], Iterator[doc_tables.Piece]] | None:
    """The pieces reader of a word processor's document saved as one XML file, or None."""
    if root.tag in (_WORD_2003, _FLAT_OPC):
        return docx.pieces
    return odt.pieces if root.tag == _FLAT_ODF else None


def read(data: bytes, name: str) -> Iterator[Item]:
    try:
        root = SafeET.fromstring(data)
    except (defusedxml.DefusedXmlException, ParseError, ValueError):
        yield from text.read(data, name)
        return
    if hl7v2_xml.is_hl7_xml(root):
        yield from hl7v2_xml.messages(root)
        return
    if spreadsheet_xml.is_workbook(root):
        yield from spreadsheet_xml.read(root)
        return
    if document := _flat_document(root):
        # Word's XML (2003's WordprocessingML, 2007's flat package) and OpenDocument's flat
        # XML hold what their zipped forms do, under the same element names.
        yield from doc_tables.items(document(root))
        return
    table = _table(root)
    if table is not None:
        yield table
    else:
        yield from paragraphs("\n".join(_lines(root)))
