"""Scanned paper request forms: what a lab scans as samples arrive, one image per form, with no
text layer. Each form is drawn as a PDF page, turned into pixels, slanted, blurred and flecked
as a feeder scanner leaves them, and saved as a scanner or fax server would: PNG, JPEG, a
bilevel Group 4 TIFF, or a PDF of the image. Three layouts: one line naming the patient;
surname and forenames after labels of their own; or rows of boxes, labels printed along each
box's top and the values written under them. A record's locator is ``page:1``."""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pypdfium2 as pdfium
from fpdf import FPDF
from PIL import Image, ImageFilter

from breachdesk.synth import clinical, names, noise
from breachdesk.synth.context import App, Ctx, moment
from breachdesk.synth.pdf import test_label
from breachdesk.synth.people import LAB_NAME
from breachdesk.synth.truth import ADDRESS, DOB, MRN, NAME, NHS, POSTCODE, Rec

# Forms per incident: scanning is slow to imitate and slower to read back (OCR), so few.
MOST = 120
PER_PATIENTS = 150
_DPI = 200
_SCANNED = datetime(2024, 6, 2, 18, 0, 0, tzinfo=UTC).timetuple()  # Pillow's PDF date type


def count(patients: int) -> int:
    return min(MOST, max(2, patients // PER_PATIENTS))


def form(ctx: Ctx, rng: random.Random, idx: int) -> tuple[bytes, Rec]:
    """One request form as a PDF page with text, and its truth."""
    person = ctx.pop.persons[idx]
    w = noise.written(
        rng, person, caps=0.7, no_nhs=0.15, nhs_styles=("spaced", "plain"), latin1=True
    )
    req = clinical.requester(rng, ctx.pop, person)
    clinician = ctx.pop.clinician(rng, req)
    tests = clinical.order(rng, False)
    labels = [test_label(rng, test, w.tags) for test in tests]
    taken = moment(rng) - timedelta(hours=rng.randint(2, 40))
    doc = FPDF(format="A4")
    doc.set_auto_page_break(False)
    doc.add_page()
    font = rng.choice((10, 11, 12))
    head = [f"{LAB_NAME} - Pathology Request Form", ""]
    head.append(f"Requesting practice: {ctx.pop.org_name(req)} ({req})")
    head.append(f"Clinician: {clinician.short}")
    head.append("")
    lines: list[str] = []
    layout = rng.random()
    if layout < 0.35:
        lines.append(f"Patient: {w.full_name(with_title=rng.random() < 0.5)}    Sex: {person.sex}")
        lines.append(f"Date of birth: {w.dob_text('dmy')}")
    elif layout < 0.7:
        lines.append(f"Surname: {w.family}        Forename(s): {w.given}")
        lines.append(f"DOB: {w.dob_text('dmy')}        Sex: {person.sex}")
    cats = NAME | DOB | MRN
    if layout < 0.7:
        lines.append(f"NHS No: {w.nhs}    Hospital No: {person.mrn}" if w.nhs else "NHS No:")
        if not w.nhs:
            lines.append(f"Hospital No: {person.mrn}")
    cats |= NHS if w.nhs else 0
    if rng.random() < 0.7:
        lines.append(f"Address: {person.street}, {person.city}, {person.postcode}")
        cats |= ADDRESS | POSTCODE
    lines += ["", f"Tests requested: {', '.join(labels)}", "Clinical details: routine review"]
    lines.append(f"Sample taken: {taken:%d/%m/%Y %H:%M}")
    for line in head:
        doc.set_font("Helvetica", "B" if line.endswith("Request Form") else "", font)
        doc.cell(0, 8, names.latin1_safe(line), new_x="LMARGIN", new_y="NEXT")
    if layout >= 0.7:
        # Boxes: each row of labels printed over a row of the values written into them.
        _boxes(doc, font, [("Surname", w.family), ("Forename(s)", w.given)])
        _boxes(doc, font, [("Date of birth", w.dob_text("dmy")), ("Sex", person.sex)])
        _boxes(doc, font, [("NHS number", w.nhs or ""), ("Hospital no", person.mrn)])
        doc.ln(4)
    for line in lines:
        doc.set_font("Helvetica", "", font)
        doc.cell(0, 8, names.latin1_safe(line), new_x="LMARGIN", new_y="NEXT")
    codes = tuple(test.code for test in tests)
    return bytes(doc.output()), ("page:1", idx, cats, codes, tuple(w.tags), req)


def _boxes(doc: FPDF, font: int, boxes: list[tuple[str, str]]) -> None:
    """A row of boxes, their labels in small print along the top and the values below."""
    width = (doc.w - doc.l_margin - doc.r_margin) / len(boxes)
    doc.set_font("Helvetica", "", font - 3)
    for label, _ in boxes:
        doc.cell(width, 5, label, border="LTR")
    doc.ln()
    doc.set_font("Helvetica", "", font)
    for _, value in boxes:
        doc.cell(width, 8, names.latin1_safe(value), border="LBR")
    doc.ln(10)


def scanned(rng: random.Random, page: bytes) -> tuple[bytes, str]:
    """The page's pixels as a scanner leaves them, saved in one of the forms scans come in;
    returns the bytes and the file name's extension."""
    document = pdfium.PdfDocument(page)
    try:
        grey = document[0].render(scale=_DPI / 72, grayscale=True).to_pil().convert("L")
    finally:
        document.close()
    grey = grey.rotate(
        rng.uniform(-2.0, 2.0), Image.Resampling.BILINEAR, expand=True, fillcolor=255
    )
    grey = grey.filter(ImageFilter.GaussianBlur(rng.uniform(0.0, 0.8)))
    width, height = grey.size
    flecks = grey.load()
    assert flecks is not None
    for _ in range(rng.randint(0, 400)):
        flecks[rng.randrange(width), rng.randrange(height)] = rng.randint(0, 120)
    out = io.BytesIO()
    kind = rng.choice(("png", "jpg", "tif", "pdf"))
    if kind == "png":
        grey.save(out, "PNG", dpi=(_DPI, _DPI))
    elif kind == "jpg":
        grey.save(out, "JPEG", quality=rng.randint(60, 90), dpi=(_DPI, _DPI))
    elif kind == "tif":
        grey.point(lambda v: 255 if v > 160 else 0).convert("1").save(
            out, "TIFF", compression="group4", dpi=(_DPI, _DPI)
        )
    else:
        # (Dated, or the same seed would not give the same bytes.)
        grey.convert("RGB").save(
            out, "PDF", resolution=float(_DPI), creationDate=_SCANNED, modDate=_SCANNED
        )
    return out.getvalue(), kind


def write(ctx: Ctx, people: Sequence[App]) -> None:
    rng = ctx.rng("scans")
    for n, (idx, _) in enumerate(people, start=1):
        page, rec = form(ctx, rng, idx)
        data, kind = scanned(rng, page)
        fmt = "pdf" if kind == "pdf" else "image"
        ctx.truth.add(ctx.dump.put(f"Scans/RequestForms/REQ_{n:06d}.{kind}", data, fmt), [rec])
