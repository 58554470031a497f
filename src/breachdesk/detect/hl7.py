"""Person-records from HL7 v2: PID identifies, OBR/OBX describe, MSH/ORC name the requester.

HL7 v2 field positions are stable across versions for what matters here; the identifier type code
(PID-3.5) says which identifier is the NHS number (``NH``) and which the hospital number (``MR``).
"""

from __future__ import annotations

import datetime as dt
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


_HOSPITAL_KINDS = frozenset({"MR", "PI", "PT", "HN"})


# Cached, like the rules below: each is a function of one field value, so the whole-file path
# (``detect.hl7_columns``) runs it once per distinct value and the message path shares it.
@lru_cache(maxsize=65536)
def identifiers(field: str) -> tuple[str | None, str | None]:
    """The first valid NHS number and the first hospital number among a CX field's
    repetitions; an identifier that is a valid NHS number is never also a hospital number."""
    nhs: str | None = None
    hospital: str | None = None
    for ident in field.split("~"):
        parts = ident.split("^")  # once, not once per component read
        count = len(parts)
        number = parts[0].strip()
        kind = parts[4].strip().upper() if count > 4 else ""
        digits = number.replace(" ", "").replace("-", "")
        looks_nhs = (
            kind == "NH" or (count > 3 and parts[3].strip().upper() == "NHS") or len(digits) == 10
        )
        if looks_nhs and nhs_number.classify(digits) == "valid":
            nhs = nhs or digits
        elif kind in _HOSPITAL_KINDS and number:
            hospital = hospital or number
    return nhs, hospital


def _identifiers(rec: PersonRecord, values: list[str]) -> None:
    for field in values:
        nhs, hospital = identifiers(field)
        rec.set("nhs_number", nhs, "nhs_number")
        rec.set("hospital_number", hospital, "hospital_number")


# Cached: a feed sends the same panels (the same OBR-4 and OBX-3 codes) again and again.
@lru_cache(maxsize=65536)
def _panel(coded_fields: tuple[str, ...]) -> tuple[str, ...]:
    """The catalogue tests of a message's coded fields (OBR-4, then OBX-3), each once, in the
    order found."""
    return tuple(dict.fromkeys(code for coded in coded_fields for code in _test_codes(coded)))


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


def _birth(raw: str) -> str | None:
    """PID-7's date of birth as ISO text; ``YYYYMMDD``, nearly every feed's form, without the
    general parser (which reads it the same way after a regex substitution and three matches)."""
    head = raw[:8]
    if len(head) == 8 and head.isascii() and head.isdigit():
        try:
            return dt.date(int(head[:4]), int(head[4:6]), int(head[6:])).isoformat()
        except ValueError:
            pass  # not a calendar date: the general parser decides
    born = dates.parse(head)
    return born.isoformat() if born else None


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
    # One cached call a message: its orders repeat the same requester fields.
    return list(_requester_codes(tuple(tuple(f.get(name, ())) for name in _REQUESTER_COMPONENTS)))


@lru_cache(maxsize=65536)
def _requester_codes(values: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    """The ODS codes of a message's requester fields (values in ``_REQUESTER_COMPONENTS``'s
    order), each once, in the order found."""
    return tuple(
        dict.fromkeys(
            code
            for name, held in zip(_REQUESTER_COMPONENTS, values, strict=True)
            for value in held
            for code in _codes_in(name, value)
        )
    )


# Cached: every OBR and ORC of a feed repeats the same requester and practice fields.
@lru_cache(maxsize=65536)
def _codes_in(name: str, value: str) -> tuple[str, ...]:
    """The ODS codes in the components of field ``name`` that name an organisation."""
    first = value.split("~")[0]
    codes = (ods.code_of(_comp(first, index)) for index in _REQUESTER_COMPONENTS[name])
    return tuple(code for code in codes if code)


# Evidence rows by the category that must be exposed for each: made once, shared by every record.
_EVIDENCE = tuple(
    (_CATEGORY_OF[kind], (kind, where, "hl7v2", "field", "pass" if kind == "nhs_number" else ""))
    for kind, where in (
        ("nhs_number", "PID-3"),
        ("name", "PID-5"),
        ("date_of_birth", "PID-7"),
        ("postcode", "PID-11"),
        ("test", "OBR-4"),
        ("test_result", "OBX-5"),
    )
)
_NO_VALUES: list[str] = []


def person_from_message(message: Record) -> list[PersonRecord]:
    f = message.fields
    get = f.get
    rec = PersonRecord(locator=message.locator, source="hl7v2")
    exposed = rec.exposed
    _identifiers(
        rec, get("PID-3", _NO_VALUES) + get("PID-2", _NO_VALUES) + get("PID-4", _NO_VALUES)
    )
    xpns = get("PID-5")
    if xpns:
        family, given = name(xpns[0])
        rec.set("family_name", family, "name")
        rec.set("given_name", given, "name")
    births = get("PID-7")
    if births:
        rec.set("date_of_birth", _birth(births[0]), "date_of_birth")
    sexes = get("PID-8")
    if sexes:
        rec.set("sex", sexes[0][:1].upper())
    xads = get("PID-11")
    if xads:
        has_address, code = address(xads[0])
        if has_address:
            exposed.add("address")
        rec.set("postcode", code, "postcode")
    for xtn in get("PID-13", _NO_VALUES) + get("PID-14", _NO_VALUES):
        exposed.update(contacts(xtn))
    coded = get("OBR-4", _NO_VALUES) + get("OBX-3", _NO_VALUES)
    if coded:
        tests = _panel(tuple(coded))
        if tests:
            rec.tests = list(tests)
            exposed.add("test_description")
    if get("OBX-5") and rec.tests:
        exposed.add("test_result")
    rec.ods_codes = _requesters(f)
    rec.evidence = [row for category, row in _EVIDENCE if category in exposed]
    out = [rec] if rec.identifies() else []
    if message.text.strip():
        for code in comment_tests(message.text):
            rec.add_test(code)
    return out


def name(xpn: str) -> tuple[str, str]:
    """Family and given name of an XPN field's first repetition."""
    parts = xpn.split("~")[0].split("^")
    return parts[0].strip(), parts[1].strip() if len(parts) > 1 else ""


@lru_cache(maxsize=65536)
def address(xad: str) -> tuple[bool, str | None]:
    """Whether an XAD field's first repetition has a street line, and its first postcode (the
    zip component, else anywhere in it, as ``postcode.detect`` finds it)."""
    first = xad.split("~")[0]
    parts = first.split("^")
    where = (parts[4].strip() if len(parts) > 4 else "") or first
    found = postcode.PATTERN.search(where)
    return bool(parts[0].strip()), postcode.normalise(found.group(1)) if found else None


@lru_cache(maxsize=65536)
def contacts(xtn: str) -> tuple[str, ...]:
    """The exposure categories of an XTN field's repetitions: an e-mail address or a number."""
    found: list[str] = []
    for phone in xtn.split("~"):
        if "@" in phone:
            found.append("email")
        elif any(map(str.isdigit, _comp(phone, 1) + _comp(phone, 7))):
            found.append("phone")
    return tuple(found)


@lru_cache(maxsize=4096)
def comment_tests(comment: str) -> tuple[str, ...]:
    """Catalogue tests named in NTE comments (free text, read by the text detectors); a feed
    repeats the same few comments."""
    return tuple(
        code for extra in text.people_in_text(comment, "", "hl7v2") for code in extra.tests
    )


def sensitive_map() -> dict[str, str]:
    return catalogue.sensitive_by_code()
