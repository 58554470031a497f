"""Presentations (PPTX written by python-pptx, as PowerPoint writes them; ODP): a case-review
or audit deck names patients on its slides, in its tables and in its speaker notes. Each slide
is read apart, in the order the deck shows them, with its notes; each person with their facts."""

from __future__ import annotations

import io
import zipfile

from lxml import etree
from pptx import Presentation
from pptx.util import Inches

from breachdesk.ingest.sniff import sniff_data
from test_generalise import A, B, C, people_in_file

FIELDS = ("locator", "family_name", "given_name", "date_of_birth", "nhs_number", "tests")


def _deck() -> bytes:
    deck = Presentation()
    case = deck.slides.add_slide(deck.slide_layouts[1])
    case.shapes.title.text = "Case 1: OKAFOR, Grace"
    body = case.placeholders[1].text_frame
    body.text = f"62F, DOB 12/01/1962, NHS {A[:3]} {A[3:6]} {A[6:]}"
    body.add_paragraph().text = "HIV-1 viral load 45 copies/mL"
    case.notes_slide.notes_text_frame.text = "Discussed at MDT; GP practice F84001 informed."
    audit = deck.slides.add_slide(deck.slide_layouts[5])
    audit.shapes.title.text = "Haemolysed samples, June"
    rows = [
        ["Rejected samples", "", "", ""],
        ["Patient name", "Date of birth", "NHS number", "Test"],
        ["Tomasz Nowak", "02/11/1975", B, "Hepatitis C antibody"],
        ["Amira Haddad", "21/07/1985", C, "HbA1c"],
    ]
    table = audit.shapes.add_table(4, 4, Inches(0.5), Inches(1.5), Inches(9), Inches(2)).table
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    table.cell(0, 0).merge(table.cell(0, 3))  # a title row merged across the table
    group = deck.slides.add_slide(deck.slide_layouts[6]).shapes.add_group_shape()
    box = group.shapes.add_textbox(Inches(1), Inches(1), Inches(6), Inches(1)).text_frame
    box.text = "Patient: Zofia KOWALSKA  DOB: 1978-02-14"
    box.add_paragraph().text = "Chlamydia NAAT positive"
    buffer = io.BytesIO()
    deck.save(buffer)
    return _shown_first(buffer.getvalue(), 2)


def _shown_first(data: bytes, slide: int) -> bytes:
    """The deck with its ``slide``-th slide moved to the front of the show (the file keeps
    ``slideN.xml`` names in the order the slides were made)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            raw = src.read(info)
            if info.filename == "ppt/presentation.xml":
                root = etree.fromstring(raw)
                listed = root.find("{*}sldIdLst")
                moved = listed[slide - 1]
                listed.remove(moved)
                listed.insert(0, moved)
                raw = etree.tostring(root, xml_declaration=True, standalone=True)
            dst.writestr(info, raw)
    return out.getvalue()


def test_a_deck_gives_each_slide_its_people_in_the_order_shown() -> None:
    kind, people = people_in_file("mdt.pptx", _deck(), FIELDS)
    assert kind == "pptx"
    assert people == sorted(
        [
            ("slide:1!table:1!row:1", "Nowak", "Tomasz", "1975-11-02", B, "HCVAB"),
            ("slide:1!table:1!row:2", "Haddad", "Amira", "1985-07-21", C, "HBA1C"),
            ("slide:2!line:1", "OKAFOR", "Grace", "1962-01-12", A, "HIVVL"),
            ("slide:3!line:1", "KOWALSKA", "Zofia", "1978-02-14", None, "CHLAM"),
        ],
        key=str,
    )


def test_speaker_notes_belong_to_their_slides_patient() -> None:
    _, people = people_in_file("mdt.pptx", _deck(), ("family_name", "ods_codes", "sensitive"))
    assert ("OKAFOR", "F84001", "hiv") in people
    assert ("KOWALSKA", None, "sexual_health") in people


_ODP_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"'
)


def _odp(*pages: tuple[list[str], str]) -> bytes:
    """An OpenDocument presentation of pages of text boxes, each with its speaker notes."""
    body = "".join(
        '<draw:page draw:name="p">'
        + "".join(
            f"<draw:frame><draw:text-box><text:p>{t}</text:p></draw:text-box></draw:frame>"
            for t in texts
        )
        + f"<presentation:notes><draw:frame><draw:text-box><text:p>{notes}</text:p>"
        "</draw:text-box></draw:frame></presentation:notes></draw:page>"
        for texts, notes in pages
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.presentation")
        zf.writestr(
            "content.xml",
            f"<office:document-content {_ODP_NS}><office:body><office:presentation>{body}"
            "</office:presentation></office:body></office:document-content>",
        )
    return buffer.getvalue()


def test_an_opendocument_presentation_is_read_slide_by_slide() -> None:
    data = _odp(
        (["Case 1", f"OKAFOR, Grace  DOB 12/01/1962  NHS {A}"], "HIV 1+2 Ab/Ag reactive."),
        (["Case 2", "Patient: Tomasz NOWAK DOB 02/11/1975"], "Hep C Ab negative"),
    )
    assert sniff_data(data, "cases.odp") == "odp"
    kind, people = people_in_file("cases.odp", data, FIELDS)
    assert kind == "odp"
    assert people == [
        ("slide:1!line:2", "OKAFOR", "Grace", "1962-01-12", A, "HIVAGAB"),  # under "Case 1"
        ("slide:2!line:2", "NOWAK", "Tomasz", "1975-11-02", None, "HCVAB"),
    ]
