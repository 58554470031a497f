"""Scans: images and image-only PDF pages are OCR'd (``readers.ocr``), levelled, their words put
back at their columns, and read as any page. Each file must give exactly its people and facts
through the scan stage's own per-file call; a machine that cannot OCR says so per file."""

from __future__ import annotations

import io
import os
from email.message import EmailMessage
from pathlib import Path

import numpy as np
import pytest
from fpdf import FPDF
from PIL import Image, ImageFilter

from breachdesk.case import Case
from breachdesk.engine.local import LocalEngine
from breachdesk.ingest.limits import Bomb
from breachdesk.ingest.stage import run_ingest
from breachdesk.readers import image, ocr, pdf, rules
from breachdesk.readers.base import NeedsOcr, ReaderError, Record
from test_generalise import FIELDS, A, B, C, people_in_file
from test_readers_samples import pdf_bytes, scan_image

# CI installs the model (.ci/run), so there the tests always run; elsewhere they say what is
# missing.
pytestmark = pytest.mark.skipif(
    ocr.unavailable() is not None and not os.environ.get("CI"),
    reason=f"OCR is not set up here: {ocr.unavailable()}",
)

FORM = [
    "North London Pathology - Request Form",
    "",
    "Patient: Mrs Grace OKAFOR    Sex: F",
    "Date of birth: 12/01/1962",
    f"NHS No: {A[:3]} {A[3:6]} {A[6:]}    Hosp No: H1234567",
    "Address: 12 Elm Road, London, N4 2AB",
    "Requested by: Dr J Smith, Park Surgery (F83001)",
    "Tests: HIV 1/2 antibody, Full blood count",
    "Clinical details: routine screen",
]
GRACE = ("OKAFOR", "Grace", "1962-01-12", A, "HIVAB;FBC", "hiv")
WORKLIST = [
    ("Surname", "Forename", "DOB", "NHS No", "Test"),
    ("OKAFOR", "Grace", "12/01/1962", A, "HIV 1/2 Ab"),
    ("NOWAK", "Tomasz", "02/11/1975", B, "Hep C Ab"),
    ("SMITH", "John", "01/02/1980", C, "HbA1c"),
]
ROWS = [
    ("NOWAK", "Tomasz", "1975-11-02", B, "HCVAB", "hepatitis"),
    ("OKAFOR", "Grace", "1962-01-12", A, "HIVAB", "hiv"),  # the antibody test, "HIV 1/2 Ab"
    ("SMITH", "John", "1980-02-01", C, "HBA1C", None),
]


def _pdf(lines: list[str], rows: list[tuple[str, ...]] | None = None) -> bytes:
    doc = FPDF(format="A4")
    doc.add_page()
    doc.set_font("Helvetica", size=11)
    for line in lines:
        doc.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    for row in rows or []:
        for cell, width in zip(row, (35, 30, 30, 35, 40), strict=True):
            doc.cell(width, 7, cell)
        doc.ln(7)
    return bytes(doc.output())


def _saved(picture: Image.Image, kind: str, **options: object) -> bytes:
    out = io.BytesIO()
    picture.save(out, kind, **options)
    return out.getvalue()


def _tilted(picture: Image.Image, degrees: float) -> Image.Image:
    """A page fed into a scanner at a slant, a little out of focus."""
    slanted = picture.rotate(degrees, Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    return slanted.filter(ImageFilter.GaussianBlur(0.7))


def test_a_scanned_request_form_gives_its_patient_and_tests() -> None:
    data = _saved(scan_image(_pdf(FORM)), "PNG", dpi=(200, 200))
    assert people_in_file("form.png", data) == ("image", [GRACE])
    _, where = people_in_file("form.png", data, ("nhs_number", "locator"))
    assert where == [(A, "page:1!line:3")]  # below the form's title


@pytest.mark.parametrize("degrees", [1.4, -1.8])
def test_a_tilted_blurred_jpeg_scan_is_levelled(degrees: float) -> None:
    data = _saved(_tilted(scan_image(_pdf(FORM)), degrees), "JPEG", quality=70)
    assert people_in_file("form.jpg", data) == ("image", [GRACE])


@pytest.mark.parametrize(
    "quarter", [Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_180, Image.Transpose.ROTATE_270]
)
def test_a_page_scanned_sideways_or_upside_down_is_turned(quarter: Image.Transpose) -> None:
    # Before: upside down or a quarter anticlockwise, Tesseract read nonsense; a quarter
    # clockwise, the right words, but each line's words down the page, so no line named anyone.
    form = scan_image(_pdf(FORM)).transpose(quarter)
    assert people_in_file("form.png", _saved(form, "PNG", dpi=(200, 200))) == ("image", [GRACE])
    table = scan_image(_pdf(["Daily worklist - Chemistry", ""], WORKLIST)).transpose(quarter)
    assert people_in_file("worklist.png", _saved(table, "PNG")) == ("image", ROWS)


def test_a_tilted_scanned_worklist_reads_row_by_row() -> None:
    # Tesseract's own text reads a table's columns one after another (every surname, then
    # every forename...), which would part each patient from their number and test; before
    # levelling, a 1.5 degree slant ran one row's cells into the next row's.
    page = _tilted(scan_image(_pdf(["Daily worklist - Chemistry", ""], WORKLIST)), -1.5)
    assert people_in_file("worklist.jpg", _saved(page, "JPEG", quality=80)) == ("image", ROWS)


def test_a_sixteen_bit_grey_scan_is_not_read_as_white() -> None:
    # Pillow turns 16-bit grey into 8-bit by clipping: every pixel of ink above 255 was white.
    deep = Image.fromarray(np.asarray(scan_image(_pdf(FORM))).astype(np.uint16) * 257)
    assert deep.mode == "I;16"
    assert people_in_file("form.tif", _saved(deep, "TIFF")) == ("image", [GRACE])


def test_a_multipage_fax_tiff_is_read_page_by_page() -> None:
    # A fax server's file: bilevel, Group 4, 204 x 98 dpi (pixels twice as tall as wide).
    form = scan_image(_pdf(FORM), dpi=200).resize((1654, 1170)).convert("1")
    table = scan_image(_pdf(["Worklist"], WORKLIST), dpi=200).resize((1654, 1170)).convert("1")
    data = _saved(
        form, "TIFF", compression="group4", dpi=(204, 98), save_all=True, append_images=[table]
    )
    kind, rows = people_in_file("fax.tif", data, ("nhs_number", "tests", "locator"))
    assert kind == "image"
    assert {(nhs, page.split("!")[0]) for nhs, _, page in rows} == {
        (A, "page:1"),
        (A, "page:2"),
        (B, "page:2"),
        (C, "page:2"),
    }
    assert ("HBA1C", "page:2") in {(tests, page.split("!")[0]) for _, tests, page in rows}


def test_image_pages_of_a_pdf_are_ocrd_beside_its_text_pages() -> None:
    # A letter (text) with the scanned request form behind it (an image page).
    doc = FPDF(format="A4")
    doc.add_page()
    doc.set_font("Helvetica", size=11)
    doc.cell(0, 7, "Dear Dr Khan, please find the request form attached.")
    doc.add_page()
    form = _saved(_tilted(scan_image(_pdf(FORM)), 0.8).convert("RGB"), "PNG")
    doc.image(io.BytesIO(form), x=0, y=0, w=210)
    kind, rows = people_in_file("letter.pdf", bytes(doc.output()), ("nhs_number", "locator"))
    assert (kind, rows) == ("pdf", [(A, "page:2!line:3")])  # (the form title above)
    scanned = _saved(scan_image(_pdf(FORM)).convert("RGB"), "PDF", resolution=200)
    assert people_in_file("scan.pdf", scanned) == ("pdf", [GRACE])


def test_a_scan_attached_to_an_email_is_read_as_its_part() -> None:
    msg = EmailMessage()
    msg["From"] = "surgery@example.nhs.uk"
    msg["Subject"] = "Request form"
    msg.set_content("Please see the attached request form.")
    scan = _saved(_tilted(scan_image(_pdf(FORM)), -0.9), "JPEG", quality=75)
    msg.add_attachment(scan, maintype="image", subtype="jpeg", filename="scan0001.jpg")
    kind, rows = people_in_file("request.eml", msg.as_bytes(), (*FIELDS, "locator"))
    assert kind == "eml"
    assert rows == [(*GRACE, "part:2!page:1!line:3")]


def test_a_photo_with_no_writing_reads_as_nothing() -> None:
    noise = Image.effect_noise((800, 600), 40).filter(ImageFilter.GaussianBlur(3))
    assert people_in_file("photo.png", _saved(noise, "PNG")) == ("image", [])


def test_damaged_and_oversized_images_say_why() -> None:
    whole = _saved(scan_image(_pdf(FORM)), "PNG")
    with pytest.raises(ReaderError, match="damaged"):
        list(image.read(whole[: len(whole) // 3], "cut.png"))
    with pytest.raises(ReaderError, match="damaged or unknown image"):
        list(image.read(b"GIF89a" + bytes(40), "junk.gif"))
    huge = _saved(Image.new("1", (14_000, 11_000)), "PNG")  # 154 million pixels
    with pytest.raises(Bomb, match="an image of 14000 x 11000 pixels"):
        list(image.read(huge, "huge.png"))


def test_without_the_model_images_and_scans_say_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = f"OCR needs Tesseract's English model: {ocr.INSTALL}"
    monkeypatch.setattr(ocr, "unavailable", lambda: missing)
    png = _saved(scan_image(_pdf(FORM)), "PNG")
    with pytest.raises(NeedsOcr, match="apt-get install tesseract-ocr-eng"):
        list(image.read(png, "form.png"))
    scan = _saved(scan_image(_pdf(FORM)).convert("RGB"), "PDF")
    with pytest.raises(NeedsOcr, match="the pages are images; OCR needs"):
        list(pdf.read(scan, "scan.pdf"))
    # Ingest lists the images needs_ocr with the same reason; the scan stage never opens them.
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "form.png").write_bytes(png)
    (dump / "letter.pdf").write_bytes(pdf_bytes())
    case = Case.create(tmp_path / "case", dump)
    run_ingest(LocalEngine(workers=1), case)
    files = {r["path"]: (r["status"], r["reason"]) for r in case.read_table("files").to_pylist()}
    assert files == {"form.png": ("needs_ocr", f"an image; {missing}"), "letter.pdf": ("ok", "")}


def test_ocrs_slips_in_numbers_and_dates_are_mended() -> None:
    lines = [
        "Patient: Grace OKAFOR",
        f"NHS No: {A[:3]}.{A[3:6]} {A[6:]}",  # a gap read as a dot
        f"NHS No: {B[:9]}  {B[9]}   Hosp: 12 3",  # a narrow last digit placed apart
        "Date of birth: 12/0 1/1962",  # "01" read as "0 1"
        "DOB: 10/11/1 984",  # and a year's digits parted
        "Address: 215 Catford Crescent, Croydon, CRO 4RA",  # CR0's zero read as a letter
        "London SE1 OAB  W1A 1AA  SW4  3UH",
        "Next: Mr lan Cameron, lsla Brown; the last lead level",  # a capital I read as an l
        "Total 1.234.5678  item 3 12/05/2024  ratio 1/2/3",  # left as they are
        "Sumame: HORNE   Surmame: Mr M Hammond",  # "rn" or "n" read as "m" in a label
        "London, SES 4NB; Hospital No: Q1 852775",  # SE5's 5 read as S; a number in two parts
        "THE 4NB; Hosp No: L123456 2 tubes",  # left as they are
    ]
    (record,) = ocr.items(lines, "page:1!")
    assert isinstance(record, Record)
    assert record.text.splitlines() == [
        "Patient: Grace OKAFOR",
        f"NHS No: {A[:3]} {A[3:6]} {A[6:]}",
        f"NHS No: {B}   Hosp: 12 3",
        "Date of birth: 12/01/1962",
        "DOB: 10/11/1984",
        "Address: 215 Catford Crescent, Croydon, CR0 4RA",
        "London SE1 0AB  W1A 1AA  SW4 3UH",
        "Next: Mr Ian Cameron, Isla Brown; the last lead level",
        "Total 1.234.5678  item 3 12/05/2024  ratio 1/2/3",
        "Surname: HORNE   Surname: Mr M Hammond",
        "London, SE5 4NB; Hospital No: Q1852775",
        "THE 4NB; Hosp No: L123456 2 tubes",
    ]


def _boxed_form() -> bytes:
    """A request form printed in rows of boxes: each label small along its box's top, the value
    written under it."""
    doc = FPDF(format="A4")
    doc.add_page()
    doc.set_font("Helvetica", size=11)
    doc.cell(0, 8, "North London Pathology - Request Form", new_x="LMARGIN", new_y="NEXT")
    doc.ln(6)
    rows = [
        [("Surname", "OKAFOR"), ("Forename(s)", "Grace")],
        [("Date of birth", "12/01/1962"), ("Sex", "F")],
        [("NHS number", f"{A[:3]} {A[3:6]} {A[6:]}"), ("Hospital no", "H1234567")],
    ]
    for boxes in rows:
        doc.set_font("Helvetica", size=8)
        for label, _ in boxes:
            doc.cell(90, 5, label, border="LTR")
        doc.ln()
        doc.set_font("Helvetica", size=11)
        for _, value in boxes:
            doc.cell(90, 8, value, border="LBR")
        doc.ln(10)
    doc.cell(0, 8, "Tests: HIV 1/2 antibody, Full blood count", new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())


@pytest.mark.parametrize("degrees", [0.0, 1.2])
def test_a_form_scanned_in_rows_of_boxes_is_one_person(degrees: float) -> None:
    # Before: the box edges read as words ("[NHS number", "LL") and the NHS number boxed in
    # tightly as letters; each row of boxes was read apart, the name with no number.
    page = _tilted(scan_image(_boxed_form()), degrees) if degrees else scan_image(_boxed_form())
    data = _saved(page, "JPEG", quality=75)
    assert people_in_file("boxes.jpg", data) == ("image", [GRACE])


def test_rules_are_taken_off_a_page_and_its_letters_kept() -> None:
    doc = FPDF(format="A4")
    doc.add_page()
    doc.set_font("Helvetica", size=11)
    doc.cell(120, 10, "Surname OKAFOR", border=1)
    page = scan_image(bytes(doc.output()), dpi=300)
    before = np.asarray(page) < 128
    after = np.asarray(rules.unruled(page)) < 128
    box = np.argwhere(before)
    top, left = box.min(axis=0)
    bottom, right = box.max(axis=0)
    # The box's four edges are gone: nothing dark on its outermost rows and columns.
    assert not after[top : top + 3].any() and not after[bottom - 2 : bottom + 1].any()
    assert not after[:, left : left + 3].any() and not after[:, right - 2 : right + 1].any()
    # The words inside are untouched.
    inside = (slice(top + 6, bottom - 5), slice(left + 6, right - 5))
    assert before[inside].sum() > 500
    assert (after[inside] == before[inside]).all()
    # A page without rules is given back as it is.
    plain = scan_image(_pdf(FORM))
    assert rules.unruled(plain) is plain
