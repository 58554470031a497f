"""Person-records from HL7 v2: PID identifies, OBR/OBX describe, MSH/ORC name the requester.

HL7 v2 field positions are stable across versions for what matters here; the identifier type code
(PID-3.5) says which identifier is the NHS number (``NH``) and which the hospital number (``MR``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache

from breachdesk import catalogue
from breachdesk.detect import dates, hospital, lab_tests, nhs_number, ods, passage_facts, postcode
from breachdesk.detect.records import PersonRecord
from breachdesk.readers.base import Record
from breachdesk.readers.hl7v2 import unescape

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


_HOSPITAL_KINDS = frozenset({"MR", "MRN", "PI", "PT", "HN", "LR", "PN"})


def _identifiers(rec: PersonRecord, values: list[str]) -> None:
    for field in values:
        for ident in field.split("~"):
            parts = ident.split("^")  # once, not once per component read
            count = len(parts)
            number = parts[0].strip()
            kind = parts[4].strip().upper() if count > 4 else ""
            digits = number.replace(" ", "").replace("-", "")
            authority = parts[3].strip().upper() if count > 3 else ""
            # (Ten digits typed as the hospital's own number, "4012345672^^^RGT^MR", are not
            # the NHS number, valid or not.)
            looks_nhs = (
                kind == "NH"
                or authority == "NHS"
                or (len(digits) == 10 and kind not in _HOSPITAL_KINDS)
            )
            if looks_nhs and nhs_number.classify(digits) == "valid":
                rec.set("nhs_number", digits, "nhs_number")
                continue
            if number and (
                kind in _HOSPITAL_KINDS or (not kind and hospital.SHAPE.fullmatch(number))
            ):
                # (An identifier with no type code is the hospital's when it has a hospital
                # number's shape: "K555111" in PID-3, a PAS number in PID-2.)
                rec.set("hospital_number", number, "hospital_number")


def _legal_name(xpn: str) -> list[str]:
    """The components of a PID-5's patient name: of its repetitions, the legal one (XPN-7 ``L``),
    else the first that is no alias, maiden or display name ("~WILLIAMS^GARETH^^^^^A~...",
    "BABY GIRL" before the registered name); else the first."""
    names = [n.split("^") for n in xpn.split("~")]
    if len(names) == 1:
        return names[0]
    typed = [(n[6].strip().upper() if len(n) > 6 else "", n) for n in names if n[0].strip()]
    for wanted in ("L", None):
        for kind, name in typed:
            if (kind == wanted) if wanted else kind not in _NOT_LEGAL:
                return name
    return names[0]


_NOT_LEGAL = frozenset({"A", "M", "D", "B", "N", "S", "T", "I", "P", "C"})


def _value(component: str) -> str:
    """A name component, HL7's explicit null (``""``) as no value, sub-components
    ("van der Berg&van der&Berg": the surname first) as the whole, escapes read
    ("ZO\\XC3AB\\": "ZOË")."""
    value = unescape(component.split("&")[0]).strip()
    return "" if value == '""' else value


def _tests(rec: PersonRecord, coded_fields: list[str]) -> None:
    """The catalogue tests of coded fields (OBR-4, OBX-3), as ``PersonRecord.add_test`` adds
    them, without a call per code."""
    tests = rec.tests
    found = False
    for coded in coded_fields:
        for code in _test_codes(coded):
            found = True
            if code not in tests:
                tests.append(code)
    if found:
        rec.exposed.add("test_description")


# Cached: a feed codes the same few hundred tests (``PTH^Parathyroid hormone^L``) again and again.
@lru_cache(maxsize=65536)
def _test_codes(coded: str) -> tuple[str, ...]:
    """Catalogue codes of a coded test: its text, else its code, else its alternate code. A
    lab's local code may be another test's catalogue code ("CA^CA 125", "HB^Hepatitis B surface
    antigen": calcium, haemoglobin); the text says which test it is. A code in LOINC (its coding
    system ``LN``: "2857-1^^LN", a feed that sends no text) is looked up among LOINC's."""
    text = _comp(coded, 2)
    for candidate in (text, _comp(coded, 1), _comp(coded, 5)):
        if candidate:
            codes = lab_tests.lookup(unescape(candidate))  # "HIV 1\T\2 antibody"
            if codes:
                if candidate is text and not lab_tests.is_test_list(unescape(text)):
                    # Text that only names a test among its words ("Carbohydrate def
                    # transferrin": transferrin) beside a code that is a catalogue test whole
                    # ("CDT"): the code's test first.
                    exact = lab_tests.term(_comp(coded, 1))
                    if exact is not None and exact not in codes:
                        return (exact, *codes)
                return tuple(codes)
    for code, system in ((1, 3), (4, 6)):
        if _comp(coded, system).upper() in _LOINC_SYSTEMS:
            test = catalogue.by_loinc().get(_comp(coded, code))
            if test is not None:
                return (test.code,)
    return ()


_LOINC_SYSTEMS = frozenset({"LN", "LOINC"})


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
    # (One cached call for the message's requester fields together: a feed's messages from one
    # practice repeat them all, and a call per field was a twentieth of an HL7 file's scan.)
    return list(_requesters_of(tuple(tuple(f.get(name) or ()) for name in _REQUESTER_COMPONENTS)))


@lru_cache(maxsize=16384)
def _requesters_of(fields: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    """The ODS codes of a message's requester fields (``_REQUESTER_COMPONENTS``' values, in
    its order), each once, in order of first sight."""
    found: dict[str, None] = {}
    for name, values in zip(_REQUESTER_COMPONENTS, fields, strict=True):
        for value in values:
            found.update(dict.fromkeys(_codes_in(name, value)))
    return tuple(found)


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
        rec,
        get("PID-3", _NO_VALUES)
        + get("PID-2", _NO_VALUES)
        + get("PID-4", _NO_VALUES)
        + get("PID-19", _NO_VALUES),  # (where some feeds put the NHS number)
    )
    xpns = get("PID-5")
    if xpns:
        name = _legal_name(xpns[0])
        family, given = _value(name[0]), _value(name[1]) if len(name) > 1 else ""
        if not given and "," in family:
            # A legacy sender's whole name in the family component: "COHEN, REBECCA"
            family, _, given = (part.strip() for part in family.partition(","))
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
        first = xads[0].split("~")[0]
        address = first.split("^")
        if address[0].strip():
            exposed.add("address")
        where = (address[4].strip() if len(address) > 4 else "") or first
        found = postcode.PATTERN.search(where)  # the first postcode, as postcode.detect finds it
        if found:
            rec.set("postcode", postcode.normalise(found.group(1)), "postcode")
    for xtn in get("PID-13", _NO_VALUES) + get("PID-14", _NO_VALUES):
        for phone in xtn.split("~"):
            if "@" in phone:
                exposed.add("email")
            elif any(map(str.isdigit, _comp(phone, 1) + _comp(phone, 7))):
                exposed.add("phone")
    obr = get("OBR-4")
    if obr:
        _tests(rec, obr)
    observed = get("OBX-3")
    if observed:
        _tests(rec, observed)
    observations = get("OBX-5")
    if observations:
        if rec.tests:
            exposed.add("test_result")
        _tests_in_results(rec, observations)
    rec.ods_codes = _requesters(f)
    # (The diagnoses of its text results, found above, after: a diagnosis alone is no OBR-4.)
    rec.evidence = [
        row
        for category, row in _EVIDENCE
        if category in exposed and (category != "test_description" or rec.tests)
    ] + rec.evidence
    # The patient's diagnoses: DG1-3 coded ("C50.9^Malignant neoplasm of breast^I10"), DG1-4
    # described; a diagnosis is health data whatever its kind.
    for coded in get("DG1-3", _NO_VALUES):
        for each in coded.split("~"):
            names = [unescape(_comp(each, 1)), unescape(_comp(each, 2))]
            passage_facts.add_coded(rec, [n for n in names if n], "DG1-3")
    for described in get("DG1-4", _NO_VALUES):
        passage_facts.add_coded(rec, [unescape(described)], "DG1-4")
    out = [rec] if rec.identifies() else []
    if message.text.strip():
        # NTE comments are free text about this message's patient: the tests and diagnoses
        # they name ("Patient known HIV positive", "Please repeat HbA1c") are theirs.
        passage_facts.add_facts_in(rec, unescape(message.text), "NTE-3")
    return out


def person_from_analyser(message: Record) -> list[PersonRecord]:
    """``person_from_message`` of an analyser's patient record translated into HL7
    (``readers.astm``), its people's source saying so."""
    people = person_from_message(message)
    for person in people:
        person.source = "astm"
    return people


def _tests_in_results(rec: PersonRecord, results: list[str]) -> None:
    """Tests named in results written as text: a report's lines under one generic code
    (``VIRO^Virology report`` with "Hepatitis C antibody: REACTIVE"). A number or a word
    ("Reactive", "5.2") names none, and is passed over without a call."""
    written = [value for value in results if len(value) >= _TEXT_RESULT and " " in value]
    if written:
        # (A formatted report breaks its lines with "\.br\": read as a break.)
        passage_facts.add_facts_in(rec, unescape("\n".join(written)), "OBX-5")


_TEXT_RESULT = 12


def sensitive_map() -> dict[str, str]:
    return catalogue.sensitive_by_code()
