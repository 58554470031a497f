"""HL7 CDA R2 clinical documents (a discharge summary, a clinic letter, an NHS NPfIT CDA): the
``ClinicalDocument`` in ``urn:hl7-org:v3``, alone or inside an envelope (an ITK distribution
envelope, a v3 message's control act).

A CDA document is about one patient, its ``recordTarget``: that patient is read from their
fields, as a FHIR Patient is (a ``fhir`` record, ``detect.fhir``), and every other person the
header names (author, custodian, legal authenticator, ``informationRecipient``, a
``participant`` such as the GP or next of kin, a ``performer``) is staff or someone else, never
read as a patient. The NHS number is the ``id`` under the NHS number's OID, verified or not; an
``id`` under any other root (a trust's local identifier, ``2.16.840.1.113883.2.1.3.<trust>
.18.24``) is a hospital number. The body's narrative (each section's title and ``text``) and
its coded entries (an ``observation``'s or ``organizer``'s ``code`` and ``value``) are that
patient's tests. A body that is a carried document (``nonXMLBody``: a PDF in base64) is read
as a file of its own, given to the patient as a report's unnamed part is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from xml.etree.ElementTree import Element

from breachdesk import nhs
from breachdesk.readers import embedded, narrative
from breachdesk.readers.base import Item, Record

NAMESPACE = "urn:hl7-org:v3"
_DOCUMENT = f"{{{NAMESPACE}}}ClinicalDocument"
# The NHS number's OIDs: traced and verified (PDS), and the NPfIT one for a number not yet
# verified (still the person's number).
NHS_ROOTS = frozenset({"2.16.840.1.113883.2.1.4.1", "2.16.840.1.113883.2.1.3.2.4.18.23"})
# ``administrativeGenderCode``: HL7's AdministrativeGender (M, F, UN) and the NHS Data
# Dictionary's person gender codes (1 male, 2 female, 9 not specified, 0 and X not known), as
# FHIR's words (``detect.fhir`` keeps the first letter).
_SEXES = {
    "m": "male",
    "1": "male",
    "f": "female",
    "2": "female",
    "u": "unknown",
    "un": "unknown",
    "9": "unknown",
    "0": "unknown",
    "x": "unknown",
}
# Which of a patient's names is theirs: legal, else official registry; never a pseudonym,
# alias, anonymised or search form where another is given.
_NAME_USES = ("L", "OR")
_NOT_THEIRS = frozenset({"P", "A", "ANON", "SRCH", "PHON", "SNDX"})
# A telecom's scheme (``tel:07700900781``): phones and e-mail addresses.
_PHONES = ("tel:", "fax:", "sms:")
_MAIL = "mailto:"
# Organisations the record is held by, in the header (``representedOrganization`` of the
# author, the custodian, the encounter's provider) and the patient's registered practice.
_HOLDERS = frozenset(
    {
        "representedOrganization",
        "representedCustodianOrganization",
        "serviceProviderOrganization",
        "providerOrganization",
    }
)
# Header parts whose organisations hold the record (not its recipients'; theirs is a copy).
_HOLDING_PARTS = frozenset({"author", "custodian", "componentOf", "recordTarget"})


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _first(element: Element | None, name: str) -> Element | None:
    if element is None:
        return None
    return next((child for child in element if _local(child.tag) == name), None)


def _text(element: Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _is_document(element: Element) -> bool:
    """A CDA document: ``ClinicalDocument`` in the v3 namespace (NPfIT's templated form
    prefixes it, ``POCD_MT000002UK01.ClinicalDocument``) or written without one, or a v3
    document of another name with a ``recordTarget``. Told by C lookups only: the root of a
    big export of another kind has a million children not to walk in Python."""
    tag = str(element.tag)
    if tag == "ClinicalDocument":
        return True
    if not tag.startswith(f"{{{NAMESPACE}}}"):
        return False
    return (
        tag.endswith("ClinicalDocument") or element.find(f"{{{NAMESPACE}}}recordTarget") is not None
    )


def documents(root: Element) -> list[Element]:
    """The CDA documents of a parsed XML file: the file itself, or those carried in it (an ITK
    envelope's payloads); [] when it holds none."""
    if _is_document(root):
        return [root]
    return list(root.iter(_DOCUMENT))


def read(found: list[Element]) -> Iterator[Item]:
    """The records of ``documents``' documents, each located ``document:N!`` when several."""
    for number, document in enumerate(found, start=1):
        yield from _document(document, f"document:{number}!" if len(found) > 1 else "")


def _document(document: Element, prefix: str) -> Iterator[Item]:
    people = [_patient(target) for target in _children(document, "recordTarget")]
    passages, tests, results, carried = _body(document, prefix)
    holders = _holders(document)
    named = [fields for fields in people if _identifies(fields)]
    if not named:
        # No patient the header identifies: the body is read as text, for whoever it names.
        if passages:
            yield Record(locator=f"{prefix}body", schema="text", text="\n".join(passages))
        yield from carried
        return
    for number, fields in enumerate(people, start=1):
        if fields is named[0]:
            # The document's tests are its first patient's (a second recordTarget is rare: a
            # baby beside a mother is a document of their own).
            fields.setdefault("test", []).extend(tests)
            fields.setdefault("result", []).extend(results)
            fields.setdefault("narrative", []).extend(passages)
            fields.setdefault("requester", []).extend(holders)
        if _identifies(fields):
            yield Record(locator=f"{prefix}recordTarget:{number}", schema="fhir", fields=fields)
    yield from carried


def _identifies(fields: dict[str, list[str]]) -> bool:
    """Whether a patient's fields make a person-record (``PersonRecord.identifies``): a valid
    NHS number, or a whole name with a date of birth or a hospital number. One that does not
    leaves the body to be read as text, not dropped with its patient."""
    numbers = map(nhs.normalise, fields.get("nhs_number", []) + fields.get("identifier", []))
    if any(nhs.is_valid(n) and nhs.region(n) not in (None, "test") for n in numbers):
        return True
    whole = (fields.get("family_name") and fields.get("given_name")) or fields.get("full_name")
    return bool(whole and (fields.get("date_of_birth") or fields.get("identifier")))


def _patient(target: Element) -> dict[str, list[str]]:
    """A ``recordTarget``'s patient as a FHIR Patient's fields (``readers.fhir``)."""
    fields: dict[str, list[str]] = {}

    def add(key: str, *values: str) -> None:
        fields.setdefault(key, []).extend(v for v in values if v)

    # ``patientRole``, or NPfIT's templated ``COCD_TP145201GB01.PatientRole``
    role = next((c for c in target if _local(c.tag).lower().endswith("patientrole")), None)
    if role is None:
        return fields
    for ident in _children(role, "id"):
        value = ident.get("extension", "").strip()
        if value and not ident.get("nullFlavor"):
            root = ident.get("root", "").strip()
            add("nhs_number" if root in NHS_ROOTS else "identifier", " ".join(value.split()))
    for addr in sorted(_children(role, "addr"), key=_home_first):
        add("postcode", *(_text(e) for e in _children(addr, "postalCode")))
        parts = [addr.text or ""] + [
            _text(e) for e in addr if _local(e.tag) not in ("postalCode", "useablePeriod")
        ]
        add("address", " ".join(" ".join(parts).split()))
    for telecom in _children(role, "telecom"):
        value = telecom.get("value", "").strip()
        if value.lower().startswith(_MAIL):
            add("email", value[len(_MAIL) :])
        elif value.lower().startswith(_PHONES):
            add("phone", value.split(":", 1)[1])
    # ``patient``, NPfIT's ``patientPatient`` or a templated ``....Patient``
    person = next((c for c in role if _local(c.tag).lower().endswith("patient") and len(c)), None)
    if person is not None:
        name = _chosen_name(_children(person, "name"))
        if name is not None:
            family = [_text(e) for e in _children(name, "family")]
            given = [_text(e) for e in _children(name, "given")]
            add("family_name", *family[:1])
            add("given_name", *[g for g in given if g][:1])
            if not any(family):
                add("full_name", " ".join((name.text or "").split()))
        born = _first(person, "birthTime")
        if born is not None:
            add("date_of_birth", _born(born.get("value", "")))
        gender = _first(person, "administrativeGenderCode")
        if gender is not None:
            code = gender.get("code", "").strip().lower()
            shown = gender.get("displayName", "").strip().lower()
            add("sex", _SEXES.get(code) or (shown if shown in ("male", "female") else ""))
    return fields


def _home_first(addr: Element) -> int:
    """Home addresses (``use="H"``, ``"HP"``) before any other (a temporary, a work one)."""
    return 0 if {"H", "HP"} & set(addr.get("use", "H").split()) else 1


def _chosen_name(names: list[Element]) -> Element | None:
    for use in _NAME_USES:
        for name in names:
            if use in name.get("use", "").split():
                return name
    for name in names:
        if not _NOT_THEIRS & set(name.get("use", "").split()):
            return name
    return names[0] if names else None


def _born(value: str) -> str:
    """``birthTime`` (YYYYMMDD, perhaps with a time and zone) as ISO; "" for a part date (a year
    and month say no day) or a date that does not exist. Other spellings are passed on, to be
    read as any date is (``detect.fhir``)."""
    value = value.strip()
    if not value[:1].isdigit() or "-" in value[:8]:
        return value
    if len(value) < 8 or not value[:8].isdigit():
        return ""
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8])).isoformat()
    except ValueError:
        return ""


def _body(document: Element, prefix: str) -> tuple[list[str], list[str], list[str], list[Item]]:
    """The body's narrative passages, its coded entries' test names ("^"-joined, as
    ``detect.fhir.test_codes`` reads them) and results, and its carried documents."""
    passages: list[str] = []
    tests: list[str] = []
    results: list[str] = []
    carried: list[Item] = []
    body = _first(document, "component")
    if body is None:
        return passages, tests, results, carried
    # The narrative's elements by their ID: an entry's ``originalText`` points at its words.
    anchors = {el.get("ID", ""): el for el in body.iter() if el.get("ID")}
    for element in body.iter():
        name = _local(element.tag)
        if name == "section":
            text = _first(element, "text")
            words = narrative.of_element(text) if text is not None else ""
            title = _text(_first(element, "title"))
            if words:
                passages.append(f"{title}\n{words}" if title else words)
        elif name in ("observation", "organizer") and element.get("negationInd") != "true":
            _entry(element, anchors, tests, results, passages)
        elif name == "nonXMLBody":
            _carried(_first(element, "text"), f"{prefix}nonXMLBody", passages, carried)
    return passages, tests, results, carried


def _entry(
    element: Element,
    anchors: dict[str, Element],
    tests: list[str],
    results: list[str],
    passages: list[str],
) -> None:
    """A coded entry's test names (its code's original text, display name and code, then its
    translations') and its value: a quantity with its unit, a coded or written result."""
    code = _first(element, "code")
    names = []
    if code is not None:
        original = _first(code, "originalText")
        if original is not None:
            pointer = _first(original, "reference")
            target = pointer.get("value", "").lstrip("#") if pointer is not None else ""
            names.append(_text(anchors.get(target)) if target else _text(original))
        names += [code.get("displayName", ""), code.get("code", "")]
        for other in _children(code, "translation"):
            names += [other.get("displayName", ""), other.get("code", "")]
    names = [" ".join(n.split()) for n in names if n and n.strip()]
    if names:
        tests.append("^".join(names))
    for value in _children(element, "value"):
        amount = " ".join(v for v in (value.get("value", ""), value.get("unit", "")) if v)
        shown = value.get("displayName", "") or _text(value)
        result = amount or shown
        if result:
            results.append(result)
        if shown and names:
            # A coded or written result ("HIV-1 infection", "Detected") in words, read with its
            # test's name as the narrative is.
            passages.append(f"{names[0]}\t{shown}")


def _carried(text: Element | None, locator: str, passages: list[str], out: list[Item]) -> None:
    """A ``nonXMLBody``: base64 (a PDF, a Word file) read as a file of its own; plain text a
    passage; a reference to a file elsewhere has nothing here to read."""
    if text is None:
        return
    content = "".join(text.itertext())
    if text.get("representation", "TXT").upper() == "B64":
        if content.strip():
            found = embedded.Document(locator, text.get("mediaType", ""), "base64")
            found.add(content)
            out.append(embedded.item(found))
    elif content.strip():
        passages.append(content.strip())


def _holders(document: Element) -> list[str]:
    """The ids of the organisations that hold the record (``_HOLDERS`` in ``_HOLDING_PARTS``):
    an ODS code among them names its controller (``detect.fhir``)."""
    out: list[str] = []
    for part in document:
        if _local(part.tag) not in _HOLDING_PARTS:
            continue
        for element in part.iter():
            if _local(element.tag) in _HOLDERS:
                for ident in _children(element, "id"):
                    value = ident.get("extension", "").strip()
                    if value and value not in out:
                        out.append(value)
    return out
