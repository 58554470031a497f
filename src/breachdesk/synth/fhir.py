"""FHIR R4 Bundles (UK Core style): Patient resources and the Observations that reference them.

A record is one Patient with its Observations; its locator is ``entry:N``, the 1-based position of
the Patient in ``Bundle.entry``. The requester is the Observation performer's ODS identifier.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Sequence

from breachdesk.synth import clinical, noise
from breachdesk.synth.context import App, Ctx, chunks, collected, moment
from breachdesk.synth.truth import ADDRESS, DOB, NAME, NHS, PHONE, POSTCODE, RESULT, Rec

NHS_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code"


def _uuid(rng: random.Random) -> str:
    return f"urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}"


def bundle(ctx: Ctx, rng: random.Random, apps: Sequence[App]) -> tuple[bytes, list[Rec]]:
    transaction = rng.random() < 0.5
    entries: list[dict[str, object]] = []
    recs: list[Rec] = []
    for idx, sensitive in apps:
        person = ctx.pop.persons[idx]
        w = noise.written(rng, person, caps=0.1, no_nhs=0.1)
        req = clinical.requester(rng, ctx.pop, person)
        patient_url = _uuid(rng)
        cats = NAME | DOB
        patient: dict[str, object] = {"resourceType": "Patient"}
        if w.nhs:
            patient["identifier"] = [{"system": NHS_SYSTEM, "value": w.nhs}]
            cats |= NHS
        name: dict[str, object] = {"use": "official", "family": w.family, "given": [w.given]}
        if rng.random() < 0.5:
            name["prefix"] = [w.title]
        patient["name"] = [name]
        patient["gender"] = "male" if person.sex == "M" else "female"
        patient["birthDate"] = w.dob.isoformat()
        if person.phone and rng.random() < 0.3:
            patient["telecom"] = [{"system": "phone", "value": person.phone, "use": "mobile"}]
            cats |= PHONE
        address: dict[str, object] = {"postalCode": person.postcode}
        cats |= POSTCODE
        if rng.random() < 0.6:
            address = {"line": [person.street], "city": person.city, **address}
            cats |= ADDRESS
        patient["address"] = [address]
        if req == person.gp:
            # Only when it is also the requester: a second ODS code would make the controller
            # of this record ambiguous, and truth must not be.
            patient["generalPractitioner"] = [
                {"identifier": {"system": ODS_SYSTEM, "value": person.gp}}
            ]
        entries.append(_entry(patient_url, patient, transaction))
        position = len(entries)
        tags = w.tags
        codes: list[str] = []
        when = moment(rng)
        taken = collected(rng, when)
        clinician = ctx.pop.clinician(rng, req)
        for test in clinical.order(rng, sensitive, sex=person.sex):
            for part in clinical.components(test)[:4]:
                res = clinical.result(rng, part)
                coding: dict[str, str] = {"display": clinical.term(rng, part, tags, code=False)}
                if part.snomed_ct:
                    coding = {"system": "http://snomed.info/sct", "code": part.snomed_ct, **coding}
                obs: dict[str, object] = {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": {"coding": [coding], "text": coding["display"]},
                    "subject": {"reference": patient_url},
                    "effectiveDateTime": taken.isoformat(),
                    "issued": when.isoformat() + "Z",
                    "performer": [
                        {"display": clinician.short},
                        {"identifier": {"system": ODS_SYSTEM, "value": req}},
                    ],
                }
                number = _float(res.value)
                if number is not None:
                    obs["valueQuantity"] = {"value": number, "unit": res.units}
                else:
                    obs["valueString"] = res.value
                entries.append(_entry(_uuid(rng), obs, transaction))
                codes.append(part.code)
        recs.append((f"entry:{position}", idx, cats | RESULT, tuple(codes), tuple(tags), req))
    doc = {
        "resourceType": "Bundle",
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "type": "transaction" if transaction else "collection",
        "entry": entries,
    }
    text = json.dumps(doc, indent=2 if rng.random() < 0.5 else None, ensure_ascii=False)
    return text.encode("utf-8"), recs


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _entry(url: str, resource: dict[str, object], transaction: bool) -> dict[str, object]:
    entry: dict[str, object] = {"fullUrl": url, "resource": resource}
    if transaction:
        entry["request"] = {"method": "POST", "url": str(resource["resourceType"])}
    return entry


def write(ctx: Ctx, apps: list[App]) -> None:
    rng = ctx.rng("fhir")
    for chunk in chunks(rng, apps, 10, 120):
        name = f"FHIR/Bundle_{ctx.next('fhir'):04d}.json"
        data, recs = bundle(ctx, rng, chunk)
        ctx.truth.add(ctx.dump.put(name, data, "fhir_json"), recs)
