"""Tabular patient rows shared by delimited files and spreadsheets.

A *layout* is a set of column kinds; each file picks a subset, an order and header wording, so no
two exports look quite alike (that is the point: header synonyms are how readers find columns).
A record is one data row, so its locator is ``row:N`` (1-based, counted after the header).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from breachdesk import nhs
from breachdesk.synth import clinical, noise, variants
from breachdesk.synth.context import App, moment
from breachdesk.synth.people import Population
from breachdesk.synth.truth import ADDRESS, DOB, EMAIL, MRN, NAME, NHS, PHONE, POSTCODE, RESULT

HEADERS: dict[str, tuple[str, ...]] = {
    "nhs": ("NHS No", "NHS Number", "NHSNumber", "NHS_NO", "nhs_number", "NHS No."),
    "family": ("Surname", "Family Name", "Last Name", "SURNAME", "PatientSurname"),
    "given": ("Forename", "First Name", "Given Name", "Forenames", "FIRSTNAME"),
    "name_comma": ("Patient Name", "Name", "Patient"),
    "name_plain": ("Patient Name", "Name", "Patient"),
    "dob": ("DOB", "D.O.B", "Date of Birth", "DateOfBirth", "Birth Date"),
    "sex": ("Sex", "Gender"),
    "mrn": ("Hosp No", "MRN", "Hospital Number", "Hosp No."),
    "postcode": ("Postcode", "Post Code", "PostCode"),
    "address": ("Address", "Address Line 1", "Street"),
    "phone": ("Phone", "Telephone", "Contact No", "Mobile"),
    "email": ("Email", "E-mail", "Email Address"),
    "test": ("Test", "Test Name", "Investigation", "Analyte", "TestCode"),
    "tests": ("Tests Requested", "Tests", "Requested Tests", "Investigations"),
    "result": ("Result", "Value", "ResultValue"),
    "units": ("Units", "Unit"),
    "range": ("Ref Range", "Reference Range", "Normal Range"),
    "flag": ("Flag", "Abn"),
    "practice": ("Practice Code", "GP Code", "Requesting GP", "Source", "Location"),
    "clinician": ("Requesting Clinician", "Requested By", "Clinician"),
    "authoriser": ("Authorised By", "Validated By"),
    "phlebotomist": ("Phlebotomist", "Taken By"),
    "sample": ("Sample ID", "Lab No", "Specimen No", "Accession"),
    "collected": ("Collected", "Collection Date", "Date Collected"),
    "received": ("Received", "Date Received"),
    "invoice": ("Invoice No", "Order No", "Order Number", "Invoice Number"),
    "comment": ("Comments", "Notes"),
    "priority": ("Priority", "Urgency"),
}
_COMMENTS = (
    "", "", "", "", "Haemolysed", "Add-on requested", "Phoned to GP", "Repeat sample required",
    "Insufficient sample", "Query label", "Fasting", "Non-fasting",
)  # fmt: skip


@dataclass(frozen=True)
class Layout:
    key: str
    title: str
    required: tuple[str, ...]
    optional: tuple[str, ...]


LAYOUTS: dict[str, Layout] = {
    "chem": Layout(
        "chem",
        "Chemistry worklist",
        ("sample", "nhs", "family", "given", "dob", "test", "result"),
        ("units", "flag", "practice", "authoriser", "collected", "mrn", "sex", "invoice"),
    ),
    "haem": Layout(
        "haem",
        "Haematology worklist",
        ("sample", "mrn", "nhs", "name_comma", "dob", "test", "result"),
        ("units", "range", "practice", "authoriser", "received"),
    ),
    "phleb": Layout(
        "phleb",
        "Phlebotomy clinic list",
        ("collected", "name_comma", "dob", "tests"),
        ("nhs", "mrn", "clinician", "phlebotomist", "practice", "phone", "comment"),
    ),
    "export": Layout(
        "export",
        "Results export",
        ("nhs", "family", "given", "dob", "test", "result"),
        ("sex", "postcode", "address", "practice", "invoice", "units", "received", "email"),
    ),
    "gp": Layout(
        "gp",
        "Results for practice",
        ("family", "given", "dob", "nhs", "test", "result"),
        ("phone", "flag", "range", "clinician", "postcode"),
    ),
    "outstanding": Layout(
        "outstanding",
        "Outstanding samples",
        ("sample", "name_plain", "dob", "tests"),
        ("postcode", "received", "priority", "practice", "comment", "nhs"),
    ),
}


@dataclass
class Sheet:
    """Per-file choices: columns, headers and formats."""

    kinds: list[str]
    headers: list[str]
    date_style: str
    caps: float
    nhs_styles: tuple[str, ...]
    latin1: bool
    fixed_requester: str = ""

    @property
    def no_nhs(self) -> float:
        names = {"name_comma", "name_plain"}.intersection(self.kinds) or (
            {"family", "given"} <= set(self.kinds)
        )
        return 0.15 if names and "dob" in self.kinds else 0.0


def sheet(
    rng: random.Random, layout: Layout, *, latin1: bool = False, variant: str = variants.STANDARD
) -> Sheet:
    kinds = list(layout.required)
    # The requester column is what maps a row to its controller; most exports keep it.
    kinds += [k for k in layout.optional if rng.random() < (0.75 if k == "practice" else 0.45)]
    if rng.random() < 0.3:
        rng.shuffle(kinds)
    wording = HEADERS if variant == variants.STANDARD else variants.OTHER_HEADERS
    headers = [rng.choice(wording[k]) for k in kinds]
    styles = rng.choice((("plain",), ("plain", "spaced"), ("spaced",), ("plain", "dashed")))
    style = noise.date_style(rng) if variant == variants.STANDARD else variants.date_style(rng)
    return Sheet(kinds, headers, style, rng.choice((0.0, 0.3, 1.0)), styles, latin1)


def rows_for(
    rng: random.Random, pop: Population, sh: Sheet, app: App
) -> list[tuple[list[str], tuple[int, int, tuple[str, ...], tuple[str, ...], str]]]:
    """Cells of the rows one appearance produces, each with (person, categories, tests, tags,
    requester) for its record."""
    idx, sensitive = app
    person = pop.persons[idx]
    w = noise.written(
        rng, person, caps=sh.caps, no_nhs=sh.no_nhs, nhs_styles=sh.nhs_styles, latin1=sh.latin1
    )
    req = sh.fixed_requester or clinical.requester(rng, pop, person)
    clinician = pop.clinician(rng, req)
    when = moment(rng)
    sample = f"{when:%y}{rng.choice('HBCM')}{rng.randint(1000000, 9999999)}"
    tests = clinical.order(rng, sensitive, sex=person.sex)
    if "test" in sh.kinds:
        # Worklists list analytes, one per row; a panel becomes its components.
        lines = [[part] for t in tests for part in clinical.components(t)][:5]
    else:
        lines = [tests]
    base: dict[str, str] = {}
    cats = 0
    for kind in sh.kinds:
        value = ""
        if kind == "nhs":
            value = w.nhs
            cats |= NHS if value else 0
        elif kind == "family":
            value, cats = w.family, cats | NAME
        elif kind == "given":
            value, cats = w.given, cats | NAME
        elif kind == "name_comma":
            value, cats = w.comma_name(), cats | NAME
        elif kind == "name_plain":
            value, cats = w.full_name(with_title=rng.random() < 0.6), cats | NAME
        elif kind == "dob":
            value, cats = w.dob_text(sh.date_style), cats | DOB
        elif kind == "sex":
            value = person.sex
        elif kind == "mrn" and rng.random() < 0.9:
            value, cats = person.mrn, cats | MRN
        elif kind == "postcode":
            value, cats = person.postcode, cats | POSTCODE
        elif kind == "address":
            value, cats = f"{person.street}, {person.city}", cats | ADDRESS
        elif kind == "phone" and person.phone:
            value, cats = person.phone, cats | PHONE
        elif kind == "email" and person.email:
            value, cats = person.email, cats | EMAIL
        elif kind == "practice":
            value = req
            header = sh.headers[sh.kinds.index(kind)]
            if header == "Requesting GP":
                value = f"{clinician.short} ({req})"
        elif kind == "clinician":
            value = clinician.short
        elif kind in ("authoriser", "phlebotomist"):
            value = rng.choice(pop.lab_staff).short
        elif kind == "sample":
            value = sample
        elif kind == "collected":
            value = noise.fmt_datetime(when - timedelta(hours=rng.randint(2, 30)), sh.date_style)
        elif kind == "received":
            value = noise.fmt_datetime(when, sh.date_style)
        elif kind == "comment":
            value = rng.choice(_COMMENTS)
        elif kind == "priority":
            value = rng.choices(("Routine", "Urgent", "Critical"), weights=(80, 15, 5))[0]
        base[kind] = value
    has_requester = "practice" in sh.kinds or bool(sh.fixed_requester)
    out = []
    for line in lines:
        tags = list(w.tags)
        row_cats = cats
        cells = dict(base)
        if "tests" in sh.kinds:
            cells["tests"] = ", ".join(clinical.term(rng, t, tags) for t in line)
        else:
            test = line[0]
            res = clinical.result(rng, test)
            cells["test"] = clinical.term(rng, test, tags, plain=False)
            if "result" in sh.kinds and rng.random() < 0.93:
                cells["result"] = res.value
                row_cats |= RESULT
            else:
                cells["result"] = ""
            cells["units"], cells["range"], cells["flag"] = res.units, res.ref, res.flag
        if "invoice" in sh.kinds:
            cells["invoice"] = nhs.generate_invalid(rng)
        codes = tuple(t.code for t in line)
        rec = (idx, row_cats, codes, tuple(tags), req if has_requester else "")
        out.append(([cells.get(k, "") for k in sh.kinds], rec))
    return out
