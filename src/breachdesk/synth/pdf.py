"""PDF reports: one-page cumulative reports per patient and multi-patient daily summaries.

Core fonts only (Latin-1), so names outside Latin-1 are folded and tagged ``translit``. A record's
locator is ``page:N``. PDFs are slow to make, which is why the plan keeps them few.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from fpdf import FPDF

from breachdesk.catalogue import Test
from breachdesk.synth import clinical, names, noise
from breachdesk.synth.context import App, Ctx, moment
from breachdesk.synth.people import LAB_NAME
from breachdesk.synth.truth import ADDRESS, DOB, MRN, NAME, NHS, POSTCODE, RESULT, Rec

_CREATED = datetime(2024, 6, 2, 18, 0, 0, tzinfo=UTC)
_PER_PAGE = 24


def _pdf() -> FPDF:
    doc = FPDF(format="A4")
    doc.set_creation_date(_CREATED)
    doc.set_author(LAB_NAME)
    doc.set_auto_page_break(False)
    doc.set_font("Helvetica", size=9)
    return doc


def _line(doc: FPDF, text: str, size: int = 9, bold: bool = False) -> None:
    doc.set_font("Helvetica", "B" if bold else "", size)
    doc.cell(0, 5, names.latin1_safe(text), new_x="LMARGIN", new_y="NEXT")


def _row(doc: FPDF, cells: Sequence[str], widths: Sequence[int]) -> None:
    doc.set_font("Helvetica", "", 8)
    for text, width in zip(cells, widths, strict=True):
        doc.cell(width, 5, names.latin1_safe(text)[:48])
    doc.ln(5)


def test_label(rng: random.Random, test: Test, tags: list[str]) -> str:
    """How the PDF writes a test; a synonym the core fonts cannot print ("Free β-hCG") is
    written as the test's name instead, so the page still names the test truth records."""
    label = clinical.term(rng, test, tags, code=False)
    return label if max(map(ord, names.latin1_safe(label)), default=0) < 256 else test.name


def _report_page(ctx: Ctx, rng: random.Random, doc: FPDF, app: App) -> Rec:
    idx, sensitive = app
    person = ctx.pop.persons[idx]
    w = noise.written(rng, person, caps=1.0, no_nhs=0.1, nhs_styles=("spaced",), latin1=True)
    req = clinical.requester(rng, ctx.pop, person)
    clinician = ctx.pop.clinician(rng, req)
    tags = w.tags
    doc.add_page()
    _line(doc, f"{LAB_NAME} - Cumulative Report", 13, bold=True)
    _line(doc, "")
    _line(doc, f"Patient: {w.full_name(with_title=True)}    Sex: {person.sex}")
    _line(doc, f"Date of birth: {w.dob_text('dmy')}")
    cats = NAME | DOB | RESULT
    if w.nhs:
        _line(doc, f"NHS No: {w.nhs}    Hosp No: {person.mrn}")
        cats |= NHS | MRN
    else:
        _line(doc, f"Hosp No: {person.mrn}")
        cats |= MRN
    if rng.random() < 0.6:
        _line(doc, f"Address: {person.street}, {person.city}, {person.postcode}")
        cats |= ADDRESS | POSTCODE
    _line(doc, f"Requested by: {clinician.short}, {ctx.pop.org_name(req)} ({req})")
    _line(doc, "")
    widths = (28, 70, 30, 28, 30)
    _row(doc, ("Date", "Test", "Result", "Units", "Range"), widths)
    codes: list[str] = []
    when = moment(rng)
    for visit in range(rng.randint(1, 3)):
        day = when - timedelta(days=90 * visit + rng.randint(0, 20))
        for test in clinical.order(rng, sensitive and visit == 0, sex=person.sex):
            for part in clinical.components(test)[:5]:
                if len(codes) >= 36 and not (sensitive and visit == 0):
                    break  # one page is all a cumulative report gets here
                res = clinical.result(rng, part)
                label = test_label(rng, part, tags)
                _row(doc, (f"{day:%d/%m/%Y}", label, res.value, res.units, res.ref), widths)
                codes.append(part.code)
    _line(doc, "")
    _line(doc, f"Authorised by: {rng.choice(ctx.pop.lab_staff).short}")
    return (f"page:{doc.page}", idx, cats, tuple(codes), tuple(tags), req)


def report(ctx: Ctx, rng: random.Random, app: App) -> tuple[bytes, Rec]:
    doc = _pdf()
    rec = _report_page(ctx, rng, doc, app)
    return bytes(doc.output()), rec


def summary(ctx: Ctx, rng: random.Random, apps: Sequence[App]) -> tuple[bytes, list[Rec]]:
    """A daily critical-results list; a person appears at most once per page."""
    doc = _pdf()
    recs: list[Rec] = []
    pending = list(apps)
    day = moment(rng)
    widths = (24, 48, 22, 50, 22, 20)
    while pending:
        doc.add_page()
        _line(doc, f"{LAB_NAME} - Critical results telephoned {day:%d/%m/%Y}", 12, bold=True)
        _row(doc, ("NHS No", "Patient", "DOB", "Test", "Result", "Source"), widths)
        on_page: set[int] = set()
        deferred: list[App] = []
        while pending and len(on_page) < _PER_PAGE:
            app = pending.pop()
            idx = app[0]
            if idx in on_page:
                deferred.append(app)
                continue
            on_page.add(idx)
            person = ctx.pop.persons[idx]
            w = noise.written(rng, person, caps=1.0, nhs_styles=("spaced", "plain"), latin1=True)
            req = clinical.requester(rng, ctx.pop, person)
            tags = w.tags
            test = clinical.order(rng, app[1], most=1, sex=person.sex)[0]
            res = clinical.result(rng, test)
            label = test_label(rng, test, tags)
            cells = (w.nhs, w.comma_name(), w.dob_text("dmy"), label, res.value, req)
            _row(doc, cells, widths)
            cats = NAME | DOB | RESULT | (NHS if w.nhs else 0)
            recs.append((f"page:{doc.page}", idx, cats, (test.code,), tuple(tags), req))
        pending.extend(deferred)
    return bytes(doc.output()), recs


def write(ctx: Ctx, reports: list[App], summaries: list[App], summary_count: int) -> None:
    rng = ctx.rng("pdf")
    for n, app in enumerate(reports, start=1):
        data, rec = report(ctx, rng, app)
        ctx.truth.add(ctx.dump.put(f"Reports/Patient/report_{n:06d}.pdf", data, "pdf"), [rec])
    size = max(1, -(-len(summaries) // max(summary_count, 1)))
    for n, start in enumerate(range(0, len(summaries), size), start=1):
        data, recs = summary(ctx, rng, summaries[start : start + size])
        name = f"Reports/Summaries/critical_results_{n:03d}.pdf"
        ctx.truth.add(ctx.dump.put(name, data, "pdf"), recs)
