"""Other XML (interface exports, config dumps), parsed with defusedxml.

Exports are usually records: many elements of one tag (``<Patient>``), each with fields as
attributes or leaf children. Those become a table whose header is the field names, so the table
detectors type them like any CSV. An export of several lists (patients beside their results,
a database's tables) gives a table per list, joined by their keys (``readers.xml_lists``).
Records that name nobody (the results of a report about one patient) are read with what
surrounds them: each document that holds a person and their list is a row, the list's values
joined in it, so a report's patient has its tests and a file of reports has a row per report.
An HL7 CDA document is read by its parts (``readers.cda``). Other XML (and records with nobody
in or around them) is read as ``Tag: text`` lines, the names kept as context. A schema written
inline (a .NET DataSet's ``xs:schema``, mysqldump's ``table_structure``) describes the rows and
is not read as rows.
A fragment of sibling records with no root (SQL Server's ``FOR XML RAW``) is read as if it had
one. An XML file that defusedxml refuses (entity declarations: the billion-laughs bomb) or
cannot parse is read as plain text instead, which expands nothing and still finds what it says.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from breachdesk.ingest.sniff import decode
from breachdesk.readers import (
    cda,
    doc_tables,
    docx,
    hl7v2_xml,
    odt,
    spreadsheet_xml,
    text,
    xml_lists,
)
from breachdesk.readers.base import Item, Table
from breachdesk.readers.json_doc import names_a_person, words
from breachdesk.readers.text import paragraphs
from breachdesk.readers.xml_fields import document, fields, local_name, rows
from breachdesk.readers.xml_lists import most_repeated


def _table(root: Element) -> Table | None:
    """The records: the children of the element with the most children of one tag, when there
    are several (one element is a document, not a list of records). When they name nobody,
    the documents around them that name a person (a report about one patient, its results the
    records), a row each; when nothing does, None: the file is read as labelled lines."""
    best = most_repeated([root])
    if best is None:
        return None
    parent, tag = best
    records = [child for child in parent if str(child.tag) == tag]
    table = rows([fields(record) for record in records], f"{local_name(tag)}!")
    if table is not None and names_a_person(table):
        inner = most_repeated(records)
        if (
            inner is None
            or rows([fields(c) for c in inner[0] if str(c.tag) == inner[1]], "") is None
        ):
            return table
        # Each record is a person's document with a list of records of its own (a file of
        # reports, each with its results): named as the single report's row is.
        return rows([document(record, inner[1]) for record in records], f"{local_name(tag)}!")
    documents = _about_one(root, parent, tag)
    if documents is None:
        return None
    return rows([document(each, tag) for each in documents], f"{local_name(documents[0].tag)}!")


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
    cells = fields(part)
    return names_a_person(Table(header=list(cells), columns=[[v] for v in cells.values()]))


def _lines(root: Element) -> Iterator[str]:
    """'tag: text' and 'tag attribute: value' lines, names as words (``birthTime`` -> "birth
    time"): the names are the context detectors use. A ``value`` attribute is its element's
    value (CDA's ``<birthTime value="19751102"/>``: "birth time: 19751102")."""
    for el in root.iter():
        tag = words(local_name(el.tag))
        for key, value in el.attrib.items():
            label = tag if local_name(key) == "value" else f"{tag} {words(local_name(key))}"
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


# Elements that describe the rows rather than hold them: an inline XML Schema (a .NET
# DataSet's, SQL Server's ``FOR XML ... XMLSCHEMA``), an XDR or ADO recordset schema, and
# mysqldump's column definitions beside each table's data.
_DESCRIPTIONS = (
    "{http://www.w3.org/2001/XMLSchema}schema",
    "{urn:schemas-microsoft-com:xml-data}Schema",
    "{uuid:BDC6E3F0-6DA3-11d1-A2A3-00AA00C14882}Schema",
    "table_structure",
)
_JUNK_AFTER_ROOT = 9  # expat's XML_ERROR_JUNK_AFTER_DOC_ELEMENT: a second top element


def _parse(data: bytes) -> Element | None:
    """The document's root, or a made one around a fragment's top elements; None when it
    cannot be parsed or is refused (entity declarations)."""
    try:
        return SafeET.fromstring(data)
    except (defusedxml.DefusedXmlException, ValueError):
        return None
    except ParseError as exc:
        if exc.code != _JUNK_AFTER_ROOT:
            return None
    try:
        return SafeET.fromstring(_fragment(data))
    except (defusedxml.DefusedXmlException, ParseError, ValueError):
        return None


def _fragment(data: bytes) -> bytes:
    """A fragment's text (in the encoding its declaration names, else as sniffed) inside one
    made root, its XML declarations dropped (a second one is an error anywhere but first)."""
    try:
        if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
            raise LookupError  # (a byte order mark says more than a declaration)
        content = data.decode(codecs.lookup(_declared(data[:256])).name, errors="replace")
    except LookupError:
        content, _ = decode(data)
    pieces, at = [], 0
    while (start := content.find("<?xml", at)) >= 0 and (end := content.find("?>", start)) >= 0:
        pieces.append(content[at:start])
        at = end + 2
    pieces.append(content[at:])
    return ("<fragment>" + "".join(pieces) + "</fragment>").encode("utf-8")


def _declared(head: bytes) -> str:
    """The encoding an XML declaration at the start names, or ""."""
    if not head.lstrip().startswith(b"<?xml"):
        return ""
    _, found, rest = head.partition(b"encoding=")
    quote = rest[:1]
    if not found or quote not in (b'"', b"'"):
        return ""
    return rest[1:].split(quote, 1)[0].decode("ascii", errors="replace")


def _prune(root: Element) -> None:
    """Takes out the schemas and column definitions (``_DESCRIPTIONS``) below the root."""
    for tag in _DESCRIPTIONS:
        if next(root.iter(tag), root) is root:
            continue  # (none: told by a scan in C, no walk in Python)
        for parent in [p for p in root.iter() if p.find(tag) is not None]:
            for child in parent.findall(tag):
                parent.remove(child)


def read(data: bytes, name: str) -> Iterator[Item]:
    root = _parse(data)
    if root is None:
        yield from text.read(data, name)
        return
    if clinical := cda.documents(root):
        # An HL7 CDA document (alone or in an envelope) is one patient's: read by its parts,
        # its staff and next of kin never its patients (``readers.cda``).
        yield from cda.read(clinical)
        return
    if hl7v2_xml.is_hl7_xml(root):
        yield from hl7v2_xml.messages(root)
        return
    if spreadsheet_xml.is_workbook(root):
        yield from spreadsheet_xml.read(root)
        return
    if pieces := _flat_document(root):
        # Word's XML (2003's WordprocessingML, 2007's flat package) and OpenDocument's flat
        # XML hold what their zipped forms do, under the same element names.
        yield from doc_tables.items(pieces(root))
        return
    _prune(root)
    several = xml_lists.tables(root)
    if several is not None:
        yield from several
        return
    table = _table(root)
    if table is not None:
        yield table
    else:
        yield from paragraphs("\n".join(_lines(root)))
