"""Person-records from FHIR Patient resources and the Observations that point at them."""

from __future__ import annotations

from breachdesk.detect import dates, lab_tests, names, nhs_number, ods, passage_facts, postcode
from breachdesk.detect.records import PersonRecord
from breachdesk.readers.base import Record


def test_codes(coded: str) -> list[str]:
    """Catalogue codes of a test resource's names ("^"-joined: its text, then each coding's
    display and code): those of the first name the catalogue knows."""
    for candidate in coded.split("^"):
        codes = lab_tests.lookup(candidate) if candidate else []
        if codes:
            return list(codes)
    return []


def person_from_patient(record: Record) -> list[PersonRecord]:
    f = record.fields
    rec = PersonRecord(locator=record.locator, source="fhir")
    for value in f.get("nhs_number", []) + f.get("identifier", []):
        digits = nhs_number.nhs.normalise(value)
        if nhs_number.classify(digits) == "valid":
            rec.set("nhs_number", digits, "nhs_number")
            break
    for value in f.get("identifier", []):
        if nhs_number.nhs.normalise(value) != rec.values.get("nhs_number"):
            rec.set("hospital_number", value, "hospital_number")
    rec.set("family_name", next(iter(f.get("family_name", [])), None), "name")
    rec.set("given_name", next(iter(f.get("given_name", [])), None), "name")
    for full in f.get("full_name", [])[:1]:
        found = next(names.detect(f"Name: {full}"), None)
        if found:
            rec.set("family_name", found.value, "name")
            rec.set("given_name", found.extra, "name")
    for value in f.get("date_of_birth", [])[:1]:
        born = dates.parse(value[:10])
        if born:
            rec.set("date_of_birth", born.isoformat(), "date_of_birth")
    rec.set("sex", next(iter(f.get("sex", [])), "")[:1].upper() or None)
    if f.get("address"):
        rec.exposed.add("address")
    # An address given only as text ("Flat 2, 60 Montpelier Road, Brighton, BN1 3BL") holds its
    # postcode at its end.
    for value in f.get("postcode", []) or f.get("address", []):
        found = next(postcode.detect(value), None)
        if found:
            rec.set("postcode", found.value, "postcode")
    for kind in ("phone", "email"):
        if f.get(kind):
            rec.exposed.add(kind)
    for coded in f.get("test", []):
        for code in test_codes(coded):
            rec.add_test(code)
    for narrative in f.get("narrative", []):  # a report's conclusion in words
        passage_facts.add_facts_in(rec, narrative, "fhir:narrative")
    # A Condition's code ("^"-joined: its text, then each coding's display and code, as a
    # test's): the patient's diagnosis, its kinds from its codes and its words.
    for coded in f.get("condition", []):
        passage_facts.add_coded(rec, coded.split("^"), "fhir:condition")
    if f.get("result") and rec.tests:
        rec.exposed.add("test_result")
    for value in f.get("requester", []):
        org = ods.code_of(value)
        if org and org not in rec.ods_codes:
            rec.ods_codes.append(org)
    rec.evidence.extend(
        (kind, f"fhir:{kind}", "fhir", "resource", "pass" if kind == "nhs_number" else "")
        for kind in ("nhs_number", "date_of_birth", "postcode")
        if rec.values.get(kind)
    )
    # A test's reference that names its subject in full ("subject": {"display": "Kamal
    # Haddad"}) says whose the test is as a Patient would: the name and the test are a record.
    named = bool(
        f.get("referenced") and rec.values.get("family_name") and rec.values.get("given_name")
    )
    return [rec] if rec.identifies() or (named and rec.tests) else []
