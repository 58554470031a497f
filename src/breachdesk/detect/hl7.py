"""Person-records from HL7 v2: PID identifies, OBR/OBX describe, MSH/ORC name the requester.

HL7 v2 field positions are stable across versions for what matters here; the identifier type code
(PID-3.5) says which identifier is the NHS number (``NH``) and which the hospital number (``MR``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from breachdesk import catalogue
from breachdesk.detect import dates, lab_tests, nhs_number, ods, postcode, text
from breachdesk.detect.records import PersonRecord
from breachdesk.readers.base import Record

_CATEGORY_OF = {
    "nhs_number": "nhs_number",
    "name": "name",
    "date_of_birth": "date_of_birth",
    "postcode": "postcode",
    "test": "test_description",
    "test_result": "test_result",
}


def _comp(value: str, index: int) -> str:
    parts = value.split("^")
    return parts[index - 1].strip() if len(parts) >= index else ""


def _identifiers(rec: PersonRecord, values: list[str]) -> None:
    for field in values:
        for ident in field.split("~"):
            number, kind = _comp(ident, 1), _comp(ident, 5).upper()
            authority = _comp(ident, 4).upper()
            digits = number.replace(" ", "").replace("-", "")
            looks_nhs = kind == "NH" or authority == "NHS" or len(digits) == 10
            if looks_nhs and nhs_number.classify(digits) == "valid":
                rec.set("nhs_number", digits, "nhs_number")
                continue
            if kind in {"MR", "PI", "PT", "HN"} and number:
                rec.set("hospital_number", number, "hospital_number")


def _test(rec: PersonRecord, coded: str) -> str | None:
    codes = _test_codes(coded)
    for code in codes:
        rec.add_test(code)
    return codes[0] if codes else None


# Cached: a feed codes the same few hundred tests (``PTH^Parathyroid hormone^L``) again and again.
@lru_cache(maxsize=65536)
def _test_codes(coded: str) -> tuple[str, ...]:
    """Catalogue codes of a coded test: its code, else its text, else its alternate code."""
    for candidate in (_comp(coded, 1), _comp(coded, 2), _comp(coded, 5)):
        if candidate:
            codes = lab_tests.lookup(candidate)
            if codes:
                return tuple(codes)
    return ()


# Where an HL7 v2 message names the requesting organisation, by field and component: the
# receiving facility, the ordering facility (XON id), the entering organisation, the assigning
# authority of the ordering provider (XCN), the point of care's facility. A provider's own
# name components are never read as codes ("MISTRY^RICKY" is a person, not a trust site).
_REQUESTER_COMPONENTS = {
    "MSH-6": (1, 2),
    "ORC-21": (10, 3, 1),
    "ORC-17": (1,),
    "ORC-12": (9, 14),
    "OBR-16": (9, 14),
    "PV1-3": (4,),
}


def _requesters(f: Mapping[str, list[str]]) -> list[str]:
    found: list[str] = []
    for name in _REQUESTER_COMPONENTS:
        for value in f.get(name, []):
            for code in _codes_in(name, value):
                if code not in found:
                    found.append(code)
    return found


# Cached: every OBR and ORC of a feed repeats the same requester and practice fields.
@lru_cache(maxsize=65536)
def _codes_in(name: str, value: str) -> tuple[str, ...]:
    """The ODS codes in the components of field ``name`` that name an organisation."""
    first = value.split("~")[0]
    codes = (ods.code_of(_comp(first, index)) for index in _REQUESTER_COMPONENTS[name])
    return tuple(code for code in codes if code)


def person_from_message(message: Record) -> list[PersonRecord]:
    f = message.fields
    rec = PersonRecord(locator=message.locator, source="hl7v2")
    _identifiers(rec, f.get("PID-3", []) + f.get("PID-2", []) + f.get("PID-4", []))
    for xpn in f.get("PID-5", [])[:1]:
        first = xpn.split("~")[0]
        rec.set("family_name", _comp(first, 1), "name")
        rec.set("given_name", _comp(first, 2), "name")
    for raw in f.get("PID-7", [])[:1]:
        born = dates.parse(raw[:8])
        if born:
            rec.set("date_of_birth", born.isoformat(), "date_of_birth")
    for raw in f.get("PID-8", [])[:1]:
        rec.set("sex", raw[:1].upper())
    for xad in f.get("PID-11", [])[:1]:
        first = xad.split("~")[0]
        if _comp(first, 1):
            rec.exposed.add("address")
        found = next(postcode.detect(_comp(first, 5) or first), None)
        if found:
            rec.set("postcode", found.value, "postcode")
    for xtn in f.get("PID-13", []) + f.get("PID-14", []):
        for phone in xtn.split("~"):
            if "@" in phone:
                rec.exposed.add("email")
            elif any(ch.isdigit() for ch in _comp(phone, 1) + _comp(phone, 7)):
                rec.exposed.add("phone")
    for coded in f.get("OBR-4", []):
        _test(rec, coded)
    observed = f.get("OBX-3", [])
    values = f.get("OBX-5", [])
    for coded in observed:
        _test(rec, coded)
    if values and rec.tests:
        rec.exposed.add("test_result")
    for code in _requesters(f):
        if code not in rec.ods_codes:
            rec.ods_codes.append(code)
    rec.evidence.extend(
        (kind, where, "hl7v2", "field", "pass" if kind == "nhs_number" else "")
        for kind, where in (
            ("nhs_number", "PID-3"),
            ("name", "PID-5"),
            ("date_of_birth", "PID-7"),
            ("postcode", "PID-11"),
            ("test", "OBR-4"),
            ("test_result", "OBX-5"),
        )
        if _CATEGORY_OF[kind] in rec.exposed
    )
    out = [rec] if rec.identifies() else []
    if message.text.strip():
        # NTE comments are free text; they may name tests for this patient.
        for extra in text.people_in_text(message.text, message.locator, "hl7v2"):
            for code in extra.tests:
                rec.add_test(code)
    return out


def sensitive_map() -> dict[str, str]:
    return catalogue.sensitive_by_code()
