"""Documents carried inside messages: an HL7 v2 OBX of type ``ED`` (``^application^pdf^Base64^
JVBERi0x...``, also sent as ``TX`` or ``RP``, broken with ``\\.br\\`` or over several OBX
segments) and a FHIR ``Attachment``'s ``data`` (a DiagnosticReport's ``presentedForm``, a
DocumentReference's ``content``, a ``Binary``).

Each becomes a ``Nested`` item, read by the scan stage as a file of its sniffed type (a PDF, a
text, RTF, HTML...), located where it was carried (``message:3!OBX:7``,
``entry:2!presentedForm:0``). A part that cannot be read (bad base64, a damaged or encrypted
PDF, content no reader knows) is a ``PROBLEM`` record with a status and a reason instead, so
the message around it is still read. The base64 is decoded only when its item is taken, one
document at a time.
"""

from __future__ import annotations

import binascii
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from breachdesk.ingest.limits import Limits
from breachdesk.ingest.sniff import sniff_data
from breachdesk.readers.base import Nested, Record

# A record saying why an embedded document was not read: fields ``status`` and ``reason``.
PROBLEM = "embedded_problem"
# Fewer characters are no document (the least PDF is hundreds): an OBX value this short that is
# not typed ``ED`` is not looked at.
SHORTEST = 64
# The biggest document decoded: a file bigger than this is streamed or refused (``Limits``), and
# a message is read whole, so one it carries is held to the same.
MAX_BYTES = Limits().max_in_memory
_BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
_URL_SAFE = str.maketrans("-_", "+/")
# How the data of an ED value is written (HL7 table 0299), as senders spell it.
_ENCODINGS = {"base64": "base64", "b64": "base64", "base64binary": "base64", "hex": "hex"}
_ENCODINGS_ED = {**_ENCODINGS, "a": "text"}  # ASCII text only where the type says ED
# How the documents a lab sends start, in base64: PDF, RTF, a zip (DOCX, ODT), an OLE file
# (.doc), HTML and XML, images, gzip, a UTF-8 byte-order mark.
_OPENINGS = (
    "JVBERi",
    "e1xydGY",
    "UEsDB",
    "0M8R4KGxGuE",
    "PCFET0NUWVBF",
    "PCFkb2N0eXBl",
    "PGh0bWw",
    "PEhUTUw",
    "PD94bWw",
    "iVBORw0KGgo",
    "/9j/",
    "SUkqAA",
    "TU0AKg",
    "R0lGOD",
    "H4sI",
    "77u/",
)
# Extensions by what the declared type says: the document's name only (its type is sniffed).
_EXTENSIONS = (
    ("pdf", ".pdf"),
    ("rtf", ".rtf"),
    ("html", ".html"),
    ("xml", ".xml"),
    ("wordprocessingml", ".docx"),
    ("msword", ".doc"),
    ("plain", ".txt"),
    ("text", ".txt"),
    ("png", ".png"),
    ("jpeg", ".jpg"),
    ("tiff", ".tif"),
)
_ZIPPED = frozenset({"zip", "docx", "xlsx", "pptx", "odt", "ods", "odp", "odf"})


@dataclass
class Document:
    """One embedded document as it was found: where, its declared type, how it is written and
    its text in the pieces it came in (an HL7 value split over segments)."""

    locator: str
    media: str
    encoding: str  # "base64", "hex" or "text"
    pieces: list[str] = field(default_factory=list)
    code: str = ""  # the OBX-3 it was sent under: the segments that continue it repeat it
    size: int = 0
    too_big: bool = False

    def add(self, piece: str) -> None:
        if self.too_big:
            return
        self.size += len(piece)
        if self.size * 3 // 4 > MAX_BYTES:
            # Held no further: a hostile stream could send chunks for ever.
            self.too_big, self.pieces = True, []
            return
        self.pieces.append(piece)


class Unreadable(Exception):
    """Why a document's bytes cannot be had or read; ``status`` as a file's."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def item(document: Document) -> Nested | Record:
    """The document as a file to read, or the record of why it cannot be. Its pieces are let go
    here: from now on only the decoded bytes are held, and only as long as the item is."""
    try:
        data = _decoded(document)
        kind = sniff_data(data, "")
        _check(kind, data)
    except Unreadable as problem:
        return Record(
            locator=document.locator,
            schema=PROBLEM,
            fields={"status": [problem.status], "reason": [problem.reason]},
        )
    return Nested(locator=document.locator, name=_name(document), data=data)


def _decoded(document: Document) -> bytes:
    pieces, document.pieces = document.pieces, []
    if document.too_big:
        raise Unreadable("too_large", f"embedded document over {MAX_BYTES} bytes")
    text = "".join(pieces)
    del pieces
    if document.encoding == "text":
        from breachdesk.readers.hl7v2 import unescape

        data = unescape(text).encode("utf-8")
    else:
        text = clean(text)
        data = _hex(text) if document.encoding == "hex" else _base64(text)
    if not data:
        raise Unreadable("unreadable", "embedded document is empty")
    return data


def clean(text: str) -> str:
    """Encoded data without what senders wrap it in: HL7 escapes (``\\.br\\``, ``\\X0D0A\\``),
    line breaks and spaces; base64url's two letters as base64's."""
    if "\\" in text:
        text = "".join(text.split("\\")[::2])
    text = "".join(text.split())
    if "-" in text or "_" in text:
        text = text.translate(_URL_SAFE)
    return text


def _hex(text: str) -> bytes:
    try:
        return bytes.fromhex(text)
    except ValueError as exc:
        raise Unreadable("unreadable", "embedded document: bad hex data") from exc


def _base64(text: str) -> bytes:
    """Base64, also when each piece was encoded apart (padding inside) or the end's padding is
    missing."""
    try:
        return binascii.a2b_base64(text, strict_mode=True)
    except binascii.Error:
        pass
    if text.strip(_BASE64):
        raise Unreadable("unreadable", "embedded document: bad base64 (not base64 characters)")
    out = bytearray()
    for run in text.split("="):
        if not run:
            continue
        if len(run) % 4 == 1:
            raise Unreadable("unreadable", "embedded document: bad base64 (truncated data)")
        try:
            out += binascii.a2b_base64(run + "=" * (-len(run) % 4), strict_mode=True)
        except binascii.Error as exc:
            raise Unreadable("unreadable", f"embedded document: bad base64 ({exc})") from exc
    return bytes(out)


def _check(kind: str, data: bytes) -> None:
    """Refuse now what the file's reader would refuse later: a reader's failure on a nested
    part costs its whole file, here the message it came in."""
    from breachdesk.readers.registry import CONTAINERS, reader_for

    if kind == "office_encrypted":
        raise Unreadable("encrypted", "embedded document is a password-protected Office file")
    if kind == "pdf":
        _check_pdf(data)
    elif kind in _ZIPPED:
        try:
            zipfile.ZipFile(io.BytesIO(data)).close()
        except Exception as exc:  # zipfile raises a wide variety on a damaged directory
            raise Unreadable("unreadable", "embedded document: damaged zip container") from exc
    if reader_for(kind) is None and kind not in CONTAINERS:
        raise Unreadable("unreadable", f"embedded document of unknown content ({kind})")


def _check_pdf(data: bytes) -> None:
    import pypdfium2.raw as pdfium_c

    document = pdfium_c.FPDF_LoadMemDocument64(data, len(data), None)
    try:
        if document and pdfium_c.FPDF_GetPageCount(document) > 0:
            return
        code = pdfium_c.FPDF_GetLastError()
    finally:
        if document:
            pdfium_c.FPDF_CloseDocument(document)
    if code == pdfium_c.FPDF_ERR_PASSWORD:
        raise Unreadable("encrypted", "embedded document is a password-protected PDF")
    raise Unreadable("unreadable", "embedded document is a damaged or truncated PDF")


def _name(document: Document) -> str:
    media = document.media.lower()
    extension = next((ext for word, ext in _EXTENSIONS if word in media), "")
    return document.locator.replace("!", "-").replace(":", "-") + extension


def is_encoded(value: str) -> bool:
    """Whether ``value`` is only base64 (or hex) data, HL7 escapes and line breaks aside."""
    value = clean(value)
    return bool(value) and not value.strip(_BASE64)


def opens_document(data: str) -> bool:
    return data.lstrip().startswith(_OPENINGS)


class Hl7Documents:
    """The documents of an HL7 v2 message's OBX segments, gathered while it is read
    (``readers.hl7v2.messages``) and taken as items after its record (``drain``)."""

    def __init__(self) -> None:
        self.documents: list[Document] = []
        self.current: Document | None = None  # the one further segments may continue

    def obx(self, parts: list[str], locator: str, comp: str, rep: str) -> bool:
        """Take an OBX segment's document or piece of one (``parts`` cut at its fields; OBX-5
        is left with the value's header, not its data). Whether a document is still open."""
        value = parts[5].replace(rep, "") if rep in parts[5] else parts[5]
        kind = parts[2].strip().upper()
        code = parts[3]
        current = self.current
        found = _encapsulated(kind, value, comp)
        if found is None:
            # A segment carrying only the next piece of data, under the same code or none.
            if (
                current is not None
                and current.encoding != "text"
                and (not code or code == current.code)
                and is_encoded(value)
            ):
                current.add(value)
                parts[5] = ""
                return True
            self.current = None
            return False
        header, media, encoding, data = found
        if (
            current is not None
            and code == current.code
            and encoding == current.encoding
            and not opens_document(data)
        ):
            current.add(data)  # the header repeated on each piece
        else:
            current = self.current = Document(locator, media, encoding, code=code)
            current.add(data)
            self.documents.append(current)
        if encoding != "text":
            # (Text stays in the field, where its tests are read as the patient's.)
            parts[5] = header
        return True

    def line(self, line: str, field_sep: str) -> tuple[bool, bool]:
        """A line of data after an OBX whose base64 was broken with real line ends (the last
        one ending the field: ``...AAA==|||F``). Whether it was taken, and whether the document
        is still open."""
        if not line:
            return True, True
        current = self.current
        data, end, _ = line.partition(field_sep)
        if current is None or current.encoding == "text" or not is_encoded(data):
            self.current = None
            return False, False
        current.add(data)
        if end:
            self.current = None
            return True, False
        return True, True

    def close(self) -> bool:
        self.current = None
        return False

    def drain(self) -> Iterator[Nested | Record]:
        """The documents gathered since the last drain, decoded one at a time."""
        documents, self.documents, self.current = self.documents, [], None
        documents.reverse()
        while documents:
            yield item(documents.pop())


def _encapsulated(kind: str, value: str, comp: str) -> tuple[str, str, str, str] | None:
    """(header, declared type, encoding, data) of an OBX-5 carrying a document: an ED value
    (``source^type^subtype^encoding^data``, also without its source), or a value whose
    component is a document's base64 under another type (``TX``, ``RP``)."""
    if kind != "ED" and " " in value:
        return None
    parts = value.split(comp)
    encodings = _ENCODINGS_ED if kind == "ED" else _ENCODINGS
    for at in range(1, len(parts) - 1):
        encoding = encodings.get(parts[at].strip().lower())
        if encoding and parts[at + 1]:
            media = _media(parts[at - 2] if at > 1 else "", parts[at - 1])
            return comp.join(parts[: at + 1]) + comp, media, encoding, comp.join(parts[at + 1 :])
    for at, part in enumerate(parts):
        if len(part) >= SHORTEST and (kind == "ED" or opens_document(part)) and is_encoded(part):
            header = comp.join(parts[:at]) + comp if at else ""
            media = _media(parts[at - 2] if at > 1 else "", parts[at - 1] if at else "")
            return header, media, "base64", part
    return None


def _media(kind: str, subtype: str) -> str:
    kind, subtype = kind.strip().lower(), subtype.strip().lower()
    if "/" in subtype or not kind:
        return subtype
    return f"{kind}/{subtype}" if subtype else kind


# Keys under which FHIR carries an ``Attachment`` (R4 and earlier): a report's printed form, a
# document's content, an observation's or a message's attachment. A Patient's ``photo`` is a
# face, with nothing written in it.
_ATTACHMENT_KEYS = frozenset(
    {"presentedForm", "attachment", "content", "valueAttachment", "contentAttachment",
     "sourceAttachment"}
)  # fmt: skip
_DEEPEST = 12  # how far into a resource attachments are looked for


def fhir_documents(resources: list[dict[str, Any]]) -> Iterator[Nested | Record]:
    """The documents of FHIR resources (flattened as ``readers.fhir`` numbers its entries),
    each decoded when taken; its base64 is dropped from the resource then."""
    for index, resource in enumerate(resources, start=1):
        for path, holder, key, media in _attachments(resource):
            data = holder.get(key)
            if isinstance(data, list):  # (a repeated element of the XML form)
                data = next((d for d in data if isinstance(d, str)), None)
            if not isinstance(data, str):
                continue
            holder[key] = None
            found = Document(f"entry:{index}!{path}", media, "base64")
            found.add(data)
            del data
            yield item(found)


def _attachments(resource: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], str, str]]:
    """(path, the dict holding the data, its key, declared type) of each attachment."""
    if resource.get("resourceType") == "Binary":
        for key in ("data", "content"):  # (DSTU2 named it ``content``)
            if isinstance(resource.get(key), str | list):
                yield key, resource, key, _text(resource.get("contentType"))
                return
    stack: list[tuple[str, str, Any, int]] = [("", "", resource, 0)]
    while stack:
        path, key, value, depth = stack.pop()
        if depth > _DEEPEST or key == "photo":
            continue
        if isinstance(value, list):
            stack.extend(
                (f"{path}:{i}", key, v, depth + 1) for i, v in reversed(list(enumerate(value)))
            )
        elif isinstance(value, dict):
            if isinstance(value.get("data"), str) and _is_attachment(key, value):
                yield path, value, "data", _text(value.get("contentType"))
                continue
            children = [
                (f"{path}!{k}" if path else k, k, v, depth + 1)
                for k, v in value.items()
                if isinstance(v, dict | list) and k not in {"contained", "text"}
            ]
            stack.extend(reversed(children))


def _is_attachment(key: str, value: dict[str, Any]) -> bool:
    """An Attachment, not a signature's or sampled data's ``data`` (numbers, not base64)."""
    if "dimensions" in value or "sigFormat" in value or "who" in value:
        return False
    return "contentType" in value or key in _ATTACHMENT_KEYS or key.endswith("Attachment")


def _text(value: object) -> str:
    if isinstance(value, list):
        value = next(iter(value), "")
    return value if isinstance(value, str) else ""
