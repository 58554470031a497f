"""FHIR JSON (a resource, a Bundle, or NDJSON): each Patient becomes one record, carrying the
Observations, DiagnosticReports and ServiceRequests that point at it, so a test is never
separated from whom it was for. A Composition's narrative (a Transfer of Care discharge
summary's sections) is its subject's text, read for the tests it names.

A test resource sent without its Patient (a lone DiagnosticReport, an Observation export) may
still say whom it is about in its reference: ``"subject": {"identifier": {NHS number},
"display": "MCALLISTER, Fergus (Mr)"}``. That person is a record of their own, carrying the
tests that point at them the same way; a ``Patient/<id>`` reference is also kept for the
folder's other files (``LINKS``), where the Patient may be.

A document carried as an ``Attachment``'s base64 (a DiagnosticReport's ``presentedForm``, a
DocumentReference's ``content``, a ``Binary``) is read after the resources as a file of its own
(``readers.embedded``), located ``entry:N!presentedForm:K``.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from breachdesk.ingest.limits import TooLarge
from breachdesk.ingest.sniff import decode, text_stream
from breachdesk.readers import embedded, narrative
from breachdesk.readers.base import Item, ReaderError, Record

NHS_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
# Older messages and CDA-derived FHIR name the NHS number by its OID.
NHS_SYSTEMS = frozenset({NHS_SYSTEM, "urn:oid:2.16.840.1.113883.2.1.4.1"})
# Resources that say which test a patient had: the result, the report (whose code names the test
# or panel and whose conclusion is its result) and the request.
TEST_RESOURCES = frozenset(
    {"Observation", "DiagnosticReport", "ServiceRequest", "ProcedureRequest"}
)


def _loads(text: str, line: int = 1) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReaderError(f"malformed JSON: {exc.msg} at line {line + exc.lineno - 1}") from exc
    except RecursionError as exc:  # "[[[[...": nesting deeper than the parser's stack
        raise ReaderError("JSON nested too deeply") from exc


def _ndjson(lines: Iterable[str]) -> Iterator[Any]:
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield _loads(line, number)


def _resources(text: str) -> list[dict[str, Any]]:
    try:
        docs = [_loads(text)]
    except ReaderError:
        docs = list(_ndjson(text.splitlines()))
    return flatten(docs)


def flatten(docs: Iterable[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    stack = list(docs)
    stack.reverse()
    while stack:
        doc = stack.pop()
        if isinstance(doc, list):
            stack.extend(reversed(doc))
        elif isinstance(doc, dict):
            if doc.get("resourceType") == "Bundle":
                inner = []
                for entry in _list(doc.get("entry")):
                    if isinstance(entry, dict) and isinstance(entry.get("resource"), dict):
                        resource = dict(entry["resource"])
                        if resource.get("resourceType") == "Bundle":
                            inner.append(resource)  # a message Bundle in a search's Bundle
                            continue
                        resource.setdefault("_fullUrl", entry.get("fullUrl", ""))
                        out.extend(_with_contained(resource, len(out)))
                stack.extend(reversed(inner))
            elif "resourceType" in doc:
                out.extend(_with_contained(doc, len(out)))
    return out


def _with_contained(resource: dict[str, Any], number: int) -> list[dict[str, Any]]:
    """A resource and the resources it contains (a DiagnosticReport holding its Patient and
    Observations, pointed at as ``#pat``), each contained one given a reference of its own
    and the container's ``#`` references rewritten to it."""
    contained = [c for c in _list(resource.get("contained")) if isinstance(c, dict)]
    if not contained:
        return [resource]
    local = {f"#{c['id']}": f"urn:contained:{number}:{c['id']}" for c in contained if c.get("id")}
    out = []
    for res in (resource, *contained):
        res = dict(res)
        if res is not resource and res.get("id"):
            res["_fullUrl"] = local.get(f"#{res['id']}", "")
        for key in ("subject", "patient"):
            reference = _dict(res.get(key)).get("reference")
            if reference in local:
                res[key] = {"reference": local[reference]}
        if "result" in res:
            res["result"] = [
                {"reference": local.get(str(r.get("reference")), r.get("reference"))}
                if isinstance(r, dict)
                else r
                for r in _list(res.get("result"))
            ]
        out.append(res)
    return out


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str | int | float)]
    return [str(value)] if isinstance(value, str | int | float) else []


def _patient_fields(res: dict[str, Any]) -> dict[str, list[str]]:
    f: dict[str, list[str]] = {}

    def add(key: str, *values: str) -> None:
        f.setdefault(key, []).extend(v for v in values if v)

    for ident in _list(res.get("identifier")):
        if isinstance(ident, dict):
            key = "nhs_number" if ident.get("system") in NHS_SYSTEMS else "identifier"
            add(key, *_strings(ident.get("value")))
    for name in _chosen_name(_list(res.get("name"))):
        add("family_name", *_strings(name.get("family")))
        add("given_name", *_strings(name.get("given"))[:1])
        if not name.get("family") and name.get("text"):
            add("full_name", *_strings(name.get("text")))
    add("date_of_birth", *_strings(res.get("birthDate")))
    add("sex", *_strings(res.get("gender")))
    for addr in _list(res.get("address")):
        if isinstance(addr, dict):
            # ``text`` is the whole address as written, often the only part a system fills
            add("address", *_strings(addr.get("line")), *_strings(addr.get("text")))
            add("postcode", *_strings(addr.get("postalCode")))
    for telecom in _list(res.get("telecom")):
        if isinstance(telecom, dict):
            add(
                "email" if telecom.get("system") == "email" else "phone",
                *_strings(telecom.get("value")),
            )
    for gp in _list(res.get("generalPractitioner")):
        if isinstance(gp, dict) and isinstance(gp.get("identifier"), dict):
            add("requester", *_strings(gp["identifier"].get("value")))
    return f


# Which of a Patient's names is theirs: the official one, else the usual, else the first that
# is not an old, maiden, nickname or anonymous one ("name": [{"use": "nickname", ...}, ...]).
_NAME_USES = ("official", "usual", None)
_NOT_THEIRS = frozenset({"old", "maiden", "nickname", "anonymous", "temp"})


def _chosen_name(names: list[Any]) -> list[dict[str, Any]]:
    names = [n for n in names if isinstance(n, dict)]
    for use in _NAME_USES:
        for name in names:
            if (name.get("use") == use) if use else (name.get("use") not in _NOT_THEIRS):
                return [name]
    return names[:1]


def _coded_names(code: dict[str, Any]) -> str:
    names = _strings(code.get("text"))
    for coding in _list(code.get("coding")):
        if isinstance(coding, dict):
            names += _strings(coding.get("display")) + _strings(coding.get("code"))
    return "^".join(names)


def _observation(res: dict[str, Any], fields: dict[str, list[str]]) -> None:
    fields.setdefault("test", []).append(_coded_names(_dict(res.get("code"))))
    for component in _list(res.get("component")):  # a panel's tests ("Sexual health screen")
        if isinstance(component, dict):
            fields["test"].append(_coded_names(_dict(component.get("code"))))
    for key in ("valueQuantity", "valueString", "valueCodeableConcept", "valueBoolean"):
        if key in res:
            value = res[key]
            text = value.get("value", value.get("text", "")) if isinstance(value, dict) else value
            fields.setdefault("result", []).append(str(text))
            if key == "valueString" and isinstance(text, str) and " " in text.strip():
                # A result in words names its test and findings ("HIV-1 RNA 45,000 copies/mL",
                # "Mycoplasma genitalium DETECTED"): read as a conclusion is.
                fields.setdefault("narrative", []).append(text)
    if isinstance(res.get("conclusion"), str):  # a DiagnosticReport's result in words
        fields.setdefault("result", []).append(res["conclusion"])
        fields.setdefault("narrative", []).append(res["conclusion"])
    for who in _list(res.get("performer")):
        if isinstance(who, dict) and isinstance(who.get("identifier"), dict):
            fields.setdefault("requester", []).extend(_strings(who["identifier"].get("value")))


def read(data: bytes, name: str) -> Iterator[Item]:
    text, _ = decode(data)
    carrying = may_carry_documents(text)
    resources = _resources(text)
    del text
    yield from records_of(resources)
    if carrying:
        yield from embedded.fhir_documents(resources)


def may_carry_documents(text: str | bytes) -> bool:
    """Whether FHIR text may hold an attachment's data (a Binary's is ``content`` in DSTU2):
    resources of text without the word are not walked."""
    if isinstance(text, bytes):
        return b"data" in text or b"Binary" in text
    return '"data"' in text or '"Binary"' in text


def read_stream(stream: BinaryIO, name: str) -> Iterator[Item]:
    """NDJSON (FHIR bulk export) of any size, a line at a time. A single JSON document this big
    cannot be parsed without holding it, so it is refused as too large."""
    handle = text_stream(stream)
    first = handle.readline(1 << 20)
    try:
        head = _loads(first)
    except ReaderError as exc:
        raise TooLarge("a FHIR JSON document too big to hold; only NDJSON is streamed") from exc
    carrying = [may_carry_documents(first)]

    def lines() -> Iterator[str]:
        yield ""  # keep line numbers: the first line was line 1
        for line in handle:
            if not carrying[0] and may_carry_documents(line):
                carrying[0] = True
            yield line

    docs = itertools.chain([head], (doc for doc in _ndjson(lines())))
    # Resources are kept (not bytes): Observations must meet the Patient they point at.
    resources = flatten(docs)
    yield from records_of(resources)
    if carrying[0]:
        yield from embedded.fhir_documents(resources)


def records_of(resources: list[dict[str, Any]]) -> Iterator[Item]:
    patients: dict[str, Record] = {}
    order: list[Record] = []
    ids: list[tuple[int, str]] = []  # (entry, id) of each Patient with an id
    for index, res in enumerate(resources, start=1):
        if res.get("resourceType") == "Patient":
            record = Record(locator=f"entry:{index}", schema="fhir", fields=_patient_fields(res))
            for key in (res.get("_fullUrl"), f"Patient/{res.get('id')}", res.get("id")):
                if key:
                    patients[str(key)] = record
            if res.get("id"):
                ids.append((index, str(res["id"])))
            order.append(record)
    by_nhs = {n: r for r in order for n in r.fields.get("nhs_number", [])}
    by_reference = {
        key: res
        for res in resources
        for key in (res.get("_fullUrl"), f"{res.get('resourceType')}/{res.get('id')}")
        if key and res.get("resourceType") in TEST_RESOURCES
    }
    orphans = Record(locator="", schema=LINKS)
    referenced: dict[str, Record] = {}  # people named only in references, by what names them
    for index, res in enumerate(resources, start=1):
        kind = res.get("resourceType")
        if kind not in TEST_RESOURCES and kind != "Condition":
            continue
        # ``subject`` since STU3; DSTU2 requests and some reports said ``patient``.
        subject = _dict(res.get("subject")) or _dict(res.get("patient"))
        # ("Patient/456/_history/2": a version of the Patient, who is the same)
        reference = str(subject.get("reference", "")).split("/_history/")[0]
        owner = patients.get(reference)
        if owner is None:
            # A logical reference: the Patient by their NHS number
            identifier = _dict(subject.get("identifier"))
            if identifier.get("system") in NHS_SYSTEMS:
                owner = by_nhs.get(str(identifier.get("value", "")))
        if owner is None:
            owner = _referenced_person(subject, reference, index, referenced)
            if owner is not None and owner.locator == f"entry:{index}":
                order.append(owner)
            if reference.startswith("Patient/") and kind != "Condition":
                _orphan(orphans.fields, index, reference.removeprefix("Patient/"), res)
        if owner is not None and kind == "Condition":
            # A diagnosis: its sensitive kinds (``detect.fhir``), never a test of the person's.
            owner.fields.setdefault("condition", []).append(_coded_names(_dict(res.get("code"))))
        elif owner is not None:
            _observation(res, owner.fields)
            # A report's results that say whose they are only through the report
            for pointer in _list(res.get("result")):
                found = by_reference.get(str(_dict(pointer).get("reference", "")))
                if found is not None and not (found.get("subject") or found.get("patient")):
                    _observation(found, owner.fields)
    # (before the people are yielded: a record is read as soon as it is)
    unowned = list(_compositions(resources, patients, by_nhs))
    yield from order
    yield from unowned
    if ids or orphans.fields:
        for index, key in ids:
            orphans.fields.setdefault("patient_entry", []).append(str(index))
            orphans.fields.setdefault("patient_id", []).append(key)
        yield orphans


def _compositions(
    resources: list[dict[str, Any]], patients: dict[str, Record], by_nhs: dict[str, Record]
) -> Iterator[Record]:
    """A Composition's narrative (a discharge summary's sections, ``text.div``) given to its
    subject Patient (the file's one Patient when the subject says no other), read for tests;
    a text record of its own, for whoever it names, when no Patient of the file is its
    subject."""
    people = {id(record): record for record in patients.values()}
    for index, res in enumerate(resources, start=1):
        if res.get("resourceType") != "Composition":
            continue
        passages = _narratives(res)
        if not passages:
            continue
        subject = _dict(res.get("subject"))
        reference = str(subject.get("reference", "")).split("/_history/")[0]
        owner = patients.get(reference)
        identifier = _dict(subject.get("identifier"))
        if owner is None and identifier.get("system") in NHS_SYSTEMS:
            owner = by_nhs.get(str(identifier.get("value", "")))
        if owner is None and not reference and not identifier and len(people) == 1:
            owner = next(iter(people.values()))
        if owner is None:
            yield Record(locator=f"entry:{index}", schema="text", text="\n".join(passages))
        else:
            owner.fields.setdefault("narrative", []).extend(passages)


def _narratives(res: dict[str, Any]) -> list[str]:
    """A Composition's narrative: its own ``text.div``, then each section's title and
    ``text.div`` (sections within sections too), as lines of text."""
    out = []
    whole = narrative.of_value(_dict(res.get("text")).get("div"))
    if whole:
        out.append(whole)
    stack = list(reversed(_sections(res)))
    while stack:
        section = stack.pop()
        words = narrative.of_value(_dict(section.get("text")).get("div"))
        if words:
            title = _strings(section.get("title"))[:1]
            out.append("\n".join([*title, words]))
        stack.extend(reversed(_sections(section)))
    return out


def _sections(res: dict[str, Any]) -> list[dict[str, Any]]:
    sections = res.get("section")
    sections = [sections] if isinstance(sections, dict) else _list(sections)
    return [section for section in sections if isinstance(section, dict)]


def _referenced_person(
    subject: dict[str, Any], reference: str, index: int, seen: dict[str, Record]
) -> Record | None:
    """The person a test's reference names when no Patient of the file is theirs: its
    identifier and display, found again by the reference, NHS number or display that first
    named them. None for a reference to something else (a Group, a Location, a Device)."""
    # "Patient/123", "https://host/fhir/Patient/123": the type before the id; a "urn:uuid:"
    # reference says none.
    identifier = _dict(subject.get("identifier"))
    if "?" in reference:
        # A conditional reference names the patient by an identifier, not an id:
        # "Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919".
        kind, _, query = reference.partition("?")
        query = query.replace("%7C", "|").replace("%7c", "|")  # (URL-encoded, as sent)
        system, _, wanted = query.removeprefix("identifier=").rpartition("|")
        if not identifier and query.startswith("identifier=") and wanted:
            identifier = {"system": system, "value": wanted}
        parts = [kind.rsplit("/", 1)[-1], ""]
    else:
        parts = reference.split("/") if not reference.startswith(("urn:", "#")) else []
    kind = str(subject.get("type") or (parts[-2] if len(parts) > 1 else "Patient"))
    if kind != "Patient":
        return None
    fields: dict[str, list[str]] = {}
    value = _strings(identifier.get("value"))
    if value:
        key = "nhs_number" if identifier.get("system") in NHS_SYSTEMS else "identifier"
        fields[key] = value[:1]
    display = _strings(subject.get("display"))
    if display:
        fields["full_name"] = display[:1]
    if not fields or (not value and len(parts) > 1):
        # A display alone beside a Patient's id ("Patient/z9"): a bulk export's Observations
        # beside its Patient.ndjson, joined to that Patient after the scan (an orphan, below);
        # a record of the name too would count the person twice.
        return None
    fields["referenced"] = ["subject"]  # named by a reference, not by a Patient resource
    keys = [k for k in (reference, *value[:1], *display[:1]) if k]
    record = next((seen[k] for k in keys if k in seen), None)
    if record is None:
        record = Record(locator=f"entry:{index}", schema="fhir", fields=fields)
    for k in keys:
        seen.setdefault(k, record)
    return record


# A file's FHIR ids and the tests that point at a Patient of another file (a bulk export writes
# ``Patient.ndjson`` beside ``Observation.ndjson``): joined with the other files of the folder
# after the scan (``detect.folder_relations.fhir_states``), one list entry per resource.
LINKS = "fhir_links"


def _orphan(fields: dict[str, list[str]], index: int, patient: str, res: dict[str, Any]) -> None:
    own: dict[str, list[str]] = {}
    _observation(res, own)
    fields.setdefault("event_entry", []).append(str(index))
    fields.setdefault("event_id", []).append(patient)
    fields.setdefault("event_type", []).append(str(res.get("resourceType")))
    fields.setdefault("event_test", []).append("^".join(own.get("test", [])))
    fields.setdefault("event_result", []).append("1" if own.get("result") else "")
    fields.setdefault("event_requester", []).append(next(iter(own.get("requester", [])), ""))
