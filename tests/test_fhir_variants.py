"""FHIR as other servers write it: contained resources, a Bundle inside a Bundle, versioned and
logical references, a panel's components, a report's conclusion and its result references,
a Patient's names in another order."""

from __future__ import annotations

import json
from typing import Any

from test_generalise import A, B, people_in_file

FIELDS = ("nhs_number", "family_name", "given_name", "tests")
NHS = "https://fhir.nhs.uk/Id/nhs-number"


def _patient(number: str, family: str, given: str, pid: str = "p1", **more: Any) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "id": pid,
        "identifier": [{"system": NHS, "value": number}],
        "name": [{"family": family, "given": [given]}],
        "birthDate": "1970-01-01",
        **more,
    }


def _observation(text: str, subject: dict[str, Any] | None, oid: str = "o1") -> dict[str, Any]:
    found: dict[str, Any] = {"resourceType": "Observation", "id": oid, "code": {"text": text}}
    if subject is not None:
        found["subject"] = subject
    return found


def _bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    entries = [
        {"fullUrl": f"urn:uuid:{r['resourceType']}-{r['id']}", "resource": r} for r in resources
    ]
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def _people(document: dict[str, Any]) -> list[tuple[str | None, ...]]:
    kind, found = people_in_file("fhir.json", json.dumps(document).encode(), FIELDS)
    assert kind == "fhir_json"
    return found


def test_a_report_that_contains_its_patient_and_observation() -> None:
    report = {
        "resourceType": "DiagnosticReport",
        "id": "r1",
        "contained": [
            _patient(A, "Jones", "Bethan", "pat"),
            _observation("Hepatitis C antibody", {"reference": "#pat"}, "obs"),
        ],
        "subject": {"reference": "#pat"},
        "code": {"text": "Virology"},
        "result": [{"reference": "#obs"}],
    }
    assert _people(report) == [(A, "Jones", "Bethan", "HCVAB")]


def test_a_message_bundle_inside_a_search_bundle() -> None:
    inner = _bundle(
        _patient(A, "Ford", "Fiona"), _observation("HBsAg", {"reference": "Patient/p1"})
    )
    outer = {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": inner}]}
    assert _people(outer) == [(A, "Ford", "Fiona", "HBSAG")]


def test_versioned_and_logical_references() -> None:
    assert _people(
        _bundle(
            _patient(A, "Dale", "Dora"),
            _observation("HbA1c", {"reference": "Patient/p1/_history/2"}),
            _patient(B, "Evans", "Eve", "p2"),
            _observation("HIV viral load", {"identifier": {"system": NHS, "value": B}}, "o2"),
        )
    ) == sorted([(A, "Dale", "Dora", "HBA1C"), (B, "Evans", "Eve", "HIVVL")], key=str)


def test_a_panels_components_and_a_reports_conclusion_and_results() -> None:
    panel = _observation("Sexual health screen", {"reference": "Patient/p1"})
    panel["component"] = [{"code": {"text": "Syphilis antibody"}}, {"code": {"text": "HIV"}}]
    report = {
        "resourceType": "DiagnosticReport",
        "id": "r1",
        "subject": {"reference": "Patient/p1"},
        "code": {"text": "Microbiology"},
        "conclusion": "Chlamydia trachomatis DETECTED",
        "result": [{"reference": "Observation/o2"}],
    }
    unowned = _observation("Hepatitis C RNA", None, "o2")  # whose, only through the report
    assert _people(_bundle(_patient(A, "Nash", "Nora"), panel, report, unowned)) == [
        (A, "Nash", "Nora", "SYPH;HIVAGAB;HCVRNA;CHLAM")
    ]


def test_the_official_name_over_a_nickname_or_a_maiden_name() -> None:
    names = [
        {"use": "nickname", "given": ["Gee"]},
        {"use": "maiden", "family": "Ivory", "given": ["Gwen"]},
        {"use": "official", "family": "Green", "given": ["Gwen"]},
    ]
    patient = _patient(A, "x", "y") | {"name": names}
    assert _people(_bundle(patient)) == [(A, "Green", "Gwen", None)]
