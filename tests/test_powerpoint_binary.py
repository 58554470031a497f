"""PowerPoint 97-2003 presentations (.ppt), written here as PowerPoint writes them ([MS-PPT]:
records in the "PowerPoint Document" stream of an OLE compound file): slides in the order the
deck shows them, text in shapes or (PowerPoint 97's placeholders) in the list of slides, tables
as groups of cell shapes, speaker notes with their slide."""

from __future__ import annotations

import struct

import pytest

from breachdesk.readers import powerpoint_binary
from breachdesk.readers.base import ReaderError
from test_generalise import A, B, people_in_file
from test_readers_samples import cfb


def atom(kind: int, body: bytes, instance: int = 0) -> bytes:
    return struct.pack("<HHI", instance << 4, kind, len(body)) + body


def container(kind: int, *children: bytes, instance: int = 0) -> bytes:
    body = b"".join(children)
    return struct.pack("<HHI", (instance << 4) | 0xF, kind, len(body)) + body


def text_box(text: str, anchor: tuple[int, int] | None = None, *, wide: bool = True) -> bytes:
    """A shape with its text (UTF-16, or one byte a character), placed at (left, top) in its
    group."""
    chars = atom(0x0FA0, text.encode("utf-16-le")) if wide else atom(0x0FA8, text.encode("latin-1"))
    box = container(0xF00D, atom(0x0F9F, struct.pack("<I", 4)), chars)
    placed = (
        atom(0xF00F, struct.pack("<4i", anchor[0], anchor[1], anchor[0] + 90, anchor[1] + 20))
        if anchor
        else b""
    )
    return container(0xF004, placed, box)


def drawing(*shapes: bytes) -> bytes:
    return container(0x040C, container(0xF002, container(0xF003, *shapes)))


def table(rows: list[list[str]], title: str | None = None) -> bytes:
    """A table as PowerPoint keeps one: a group of shapes, a cell each, on a grid; a title row
    merged across the table is one shape at the first column's left edge."""
    cells = [text_box(title, (0, 0))] if title else []
    cells += [
        text_box(value, (100 * column, 30 * (row + 1)))
        for row, values in enumerate(rows)
        for column, value in enumerate(values)
    ]
    return container(0xF003, *cells)


def ppt_bytes(
    slides: list[tuple[int, bytes, str]], shown: list[int], notes: dict[int, str]
) -> bytes:
    """A deck of slides (id, drawing, text kept in the list of slides after its entry) in file
    order, shown in the order of the ``shown`` ids, with notes pages by slide id."""
    placed: list[tuple[int, bytes]] = []  # persist id -> record, laid out after the document
    for slide_id, draw, _ in slides:
        placed.append((slide_id, container(0x03EE, draw)))
    for slide_id, text in notes.items():
        about = atom(0x03F1, struct.pack("<iHH", slide_id, 0, 0))
        placed.append((1000 + slide_id, container(0x03F0, about, drawing(text_box(text)))))
    entries = b""
    for slide_id in shown:
        listed = next(text for i, _, text in slides if i == slide_id)
        entries += atom(0x03F3, struct.pack("<5I", slide_id, 0, 1 if listed else 0, slide_id, 0))
        if listed:  # PowerPoint 97's placeholder text: here, not in the slide's shapes
            entries += atom(0x0F9F, struct.pack("<I", 1)) + atom(0x0FA8, listed.encode("latin-1"))
    stream = container(0x03E8, container(0x0FF0, entries, instance=0))
    directory = b""
    for persist, record in placed:
        directory += struct.pack("<II", persist | (1 << 20), len(stream))
        stream += record
    stream += atom(0x1772, directory)
    return cfb({"PowerPoint Document": stream, "Current User": b"\0" * 32})


def _deck() -> bytes:
    grace = drawing(
        text_box("Case 1: OKAFOR, Grace"),
        text_box(f"62F, DOB 12/01/1962, NHS {A}\rHIV-1 viral load 45 copies/mL", wide=False),
    )
    audit = drawing(
        text_box("Haemolysed samples, June"),
        table(
            [
                ["Patient name", "Date of birth", "NHS number", "Test"],
                ["Tomasz Nowak", "02/11/1975", B, "Hepatitis C antibody"],
                ["Amira Haddad", "21/07/1985", "", "HbA1c"],
            ],
            title="Rejected samples",
        ),
    )
    zofia = "Case 2\rPatient: Zofia KOWALSKA  DOB: 1978-02-14\rChlamydia NAAT positive"
    slides = [(256, grace, ""), (257, audit, ""), (258, drawing(), zofia)]
    return ppt_bytes(slides, shown=[257, 256, 258], notes={256: "GP practice F84001 informed."})


def test_a_deck_gives_each_slide_its_people_in_the_order_shown() -> None:
    fields = (
        "locator",
        "family_name",
        "given_name",
        "date_of_birth",
        "nhs_number",
        "tests",
        "ods_codes",
    )
    kind, people = people_in_file("mdt.ppt", _deck(), fields)
    assert kind == "ppt"
    assert people == [
        ("slide:1!table:1!row:1", "Nowak", "Tomasz", "1975-11-02", B, "HCVAB", None),
        ("slide:1!table:1!row:2", "Haddad", "Amira", "1985-07-21", None, "HBA1C", None),
        ("slide:2!line:1", "OKAFOR", "Grace", "1962-01-12", A, "HIVVL", "F84001"),
        ("slide:3!line:2", "KOWALSKA", "Zofia", "1978-02-14", None, "CHLAM", None),
    ]


def test_records_nested_without_end_are_damage() -> None:
    deep = atom(0x0FA0, "x".encode("utf-16-le"))
    for _ in range(powerpoint_binary.MAX_DEPTH + 2):
        deep = container(0x03EE, deep)
    with pytest.raises(ReaderError, match="nested deeper than"):
        list(powerpoint_binary.read(cfb({"PowerPoint Document": deep}), "x.ppt"))
