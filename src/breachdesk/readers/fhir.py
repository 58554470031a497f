"""FHIR JSON (a resource, a Bundle, or NDJSON): each Patient becomes one record, carrying the
Observations that point at it, so a test is never separated from whom it was for."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from breachdesk.ingest.sniff import decode
from breachdesk.readers.base import Item, ReaderError, Record

NHS_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"


def _resources(text: str) -> list[dict[str, Any]]:
    try:
        docs = [json.loads(text)]
    except json.JSONDecodeError:
        try:
            docs = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as exc:
            raise ReaderError(f"malformed JSON: {exc.msg} at line {exc.lineno}") from exc
    out: list[dict[str, Any]] = []
    stack = list(reversed(docs))
    while stack:
        doc = stack.pop()
        if isinstance(doc, list):
            stack.extend(reversed(doc))
        elif isinstance(doc, dict):
            if doc.get("resourceType") == "Bundle":
                for entry in doc.get("entry") or []:
                    if isinstance(entry, dict) and isinstance(entry.get("resource"), dict):
                        resource = dict(entry["resource"])
                        resource.setdefault("_fullUrl", entry.get("fullUrl", ""))
                        out.append(resource)
            elif "resourceType" in doc:
                out.append(doc)
    return out


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

    for ident in res.get("identifier") or []:
        if isinstance(ident, dict):
            key = "nhs_number" if ident.get("system") == NHS_SYSTEM else "identifier"
            add(key, *_strings(ident.get("value")))
    for name in (res.get("name") or [])[:1]:
        if isinstance(name, dict):
            add("family_name", *_strings(name.get("family")))
            add("given_name", *_strings(name.get("given"))[:1])
            if not name.get("family") and name.get("text"):
                add("full_name", *_strings(name.get("text")))
    add("date_of_birth", *_strings(res.get("birthDate")))
    add("sex", *_strings(res.get("gender")))
    for addr in res.get("address") or []:
        if isinstance(addr, dict):
            add("address", *_strings(addr.get("line")))
            add("postcode", *_strings(addr.get("postalCode")))
    for telecom in res.get("telecom") or []:
        if isinstance(telecom, dict):
            add(
                "email" if telecom.get("system") == "email" else "phone",
                *_strings(telecom.get("value")),
            )
    for gp in res.get("generalPractitioner") or []:
        if isinstance(gp, dict) and isinstance(gp.get("identifier"), dict):
            add("requester", *_strings(gp["identifier"].get("value")))
    return f


def _observation(res: dict[str, Any], fields: dict[str, list[str]]) -> None:
    code = _dict(res.get("code"))
    names = _strings(code.get("text"))
    for coding in code.get("coding") or []:
        if isinstance(coding, dict):
            names += _strings(coding.get("display")) + _strings(coding.get("code"))
    fields.setdefault("test", []).append("^".join(names))
    for key in ("valueQuantity", "valueString", "valueCodeableConcept", "valueBoolean"):
        if key in res:
            value = res[key]
            text = value.get("value", value.get("text", "")) if isinstance(value, dict) else value
            fields.setdefault("result", []).append(str(text))
    performer = res.get("performer") or []
    for who in performer if isinstance(performer, list) else []:
        if isinstance(who, dict) and isinstance(who.get("identifier"), dict):
            fields.setdefault("requester", []).extend(_strings(who["identifier"].get("value")))


def read(data: bytes, name: str) -> Iterator[Item]:
    text, _ = decode(data)
    resources = _resources(text)
    patients: dict[str, Record] = {}
    order: list[Record] = []
    for index, res in enumerate(resources, start=1):
        if res.get("resourceType") == "Patient":
            record = Record(locator=f"entry:{index}", schema="fhir", fields=_patient_fields(res))
            for key in (res.get("_fullUrl"), f"Patient/{res.get('id')}", res.get("id")):
                if key:
                    patients[str(key)] = record
            order.append(record)
    for res in resources:
        if res.get("resourceType") != "Observation":
            continue
        owner = patients.get(str(_dict(res.get("subject")).get("reference", "")))
        if owner is not None:
            _observation(res, owner.fields)
    yield from order
