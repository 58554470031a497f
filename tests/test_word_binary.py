"""Word 97-2003 documents (.doc), written here as Word writes them ([MS-DOC]: a piece table over
the WordDocument stream, paragraph properties in FKP pages, in an OLE compound file): each must
give its people, their tests, its tables under their headers and its headers' text."""

from __future__ import annotations

import struct

import pytest

from breachdesk.readers import word_binary
from breachdesk.readers.base import ReaderError, Table
from test_generalise import FIELDS, A, B, people_in_file
from test_readers_samples import cfb

# A paragraph: its text, and how it ends: "p" a plain paragraph, "c" a table cell's last
# paragraph, "cp" a table cell's paragraph before its last, "r" a table row's end mark.
Paragraph = tuple[str, str]

_TEXT_AT = 0x400  # the text after the header (FIB), as Word lays the stream out


def _cells(*rows: list[str]) -> list[Paragraph]:
    return [para for row in rows for para in [*((cell, "c") for cell in row), ("", "r")]]


def _papx(kind: str) -> bytes:
    """A paragraph's properties in an FKP: its style (0) and sprms, with its size first."""
    sprms = b""
    if kind in {"c", "cp", "r"}:
        sprms += struct.pack("<HB", 0x2416, 1)  # in a table
    if kind == "r":
        sprms += struct.pack("<HB", 0x2417, 1)  # the row's end
    grpprl = b"\0\0" + sprms
    if len(grpprl) % 2:
        return bytes([(len(grpprl) + 1) // 2]) + grpprl
    return bytes([0, len(grpprl) // 2]) + grpprl


def doc_bytes(
    body: list[Paragraph],
    header: str = "",
    *,
    split: int | None = None,
    properties: bool = True,
    flags: int = 0x0200,
    version: int = 0x00C1,
) -> bytes:
    """A .doc of ``body`` and a page ``header``. The text is two pieces: the first ``split``
    characters one byte each (Windows-1252), the rest UTF-16, as Word stores a document
    edited after its first save. ``properties``: with the paragraphs' FKP page (Word always
    writes one), or without."""
    marks = []
    text = ""
    for line, kind in body:
        text += line + ("\x07" if kind in {"c", "r"} else "\r")
        marks.append((len(text), kind))
    main = len(text)
    if header:
        text += header + "\r"
        marks.append((len(text), "p"))
    split = len(text) // 2 if split is None else split
    first = text[:split].encode("cp1252")
    second = text[split:].encode("utf-16-le")
    second_at = _TEXT_AT + len(first) + (len(first) % 2)
    stream = bytearray(second_at + len(second))
    stream[_TEXT_AT : _TEXT_AT + len(first)] = first
    stream[second_at:] = second

    def byte_at(cp: int) -> int:
        return _TEXT_AT + cp if cp < split else second_at + 2 * (cp - split)

    page = (len(stream) + 511) // 512
    fkp = bytearray(512)
    ends = [_TEXT_AT] + [byte_at(end - 1) + (1 if end - 1 < split else 2) for end, _ in marks]
    fkp[: 4 * len(ends)] = struct.pack(f"<{len(ends)}I", *ends)
    free = 511
    for i, (_, kind) in enumerate(marks):
        offset = 0
        if kind != "p":
            papx = _papx(kind)
            free = (free - len(papx)) & ~1
            fkp[free : free + len(papx)] = papx
            offset = free // 2
        fkp[4 * len(ends) + 13 * i] = offset
    fkp[511] = len(marks)
    stream = stream.ljust(page * 512, b"\0") + fkp

    pieces = [(0, split, (_TEXT_AT * 2) | 0x40000000), (split, len(text), second_at)]
    plc = struct.pack("<3I", *(p[0] for p in pieces), len(text))
    plc += b"".join(struct.pack("<HIH", 0, fc, 0) for _, _, fc in pieces)
    table = b"\x02" + struct.pack("<I", len(plc)) + plc
    clx_at, clx_size = 0, len(table)
    papx_at = len(table)
    table += struct.pack("<2I", ends[0], ends[-1]) + struct.pack("<I", page)

    fib = bytearray(0x400)
    struct.pack_into("<HH", fib, 0, 0xA5EC, version)
    struct.pack_into("<H", fib, 0x0A, flags)
    struct.pack_into("<H", fib, 0x20, 14)
    struct.pack_into("<H", fib, 0x3E, 22)
    struct.pack_into("<3i", fib, 0x4C, main, 0, len(text) - main)  # text, footnotes, headers
    struct.pack_into("<H", fib, 0x98, 0x5D)
    struct.pack_into("<2I", fib, 0x102, papx_at, 12 if properties else 0)
    struct.pack_into("<2I", fib, 0x1A2, clx_at, clx_size)
    stream[: len(fib)] = fib
    return cfb({"WordDocument": bytes(stream), "1Table": table})


LETTER: list[Paragraph] = [
    ("Dear Dr Khan,", "p"),
    ("", "p"),
    (f"Re: Mrs Grace OKAFOR, DOB 12/01/1962, NHS No {A}", "p"),
    ("Her HIV 1+2 Ab/Ag was reactive.", "p"),
    ("Also on the worklist:", "p"),
    *_cells(["Patient Name", "DOB", "NHS Number", "Test"]),
    ("Tomasz NOWAK", "c"),
    ("02/11/1975", "c"),
    (B, "c"),
    ("Hep C antibody", "cp"),
    ("(repeat)", "c"),
    ("", "r"),
    *_cells(["Anna KOWALSKI", "30/03/1988", "", "FBC"]),
    ("Yours sincerely, Zoë Müller", "p"),
]


@pytest.mark.parametrize("split", [0, 40, 200, None])
def test_a_letter_with_a_table_of_patients(split: int | None) -> None:
    data = doc_bytes(LETTER, header="Pathology Department, St Elsewhere's", split=split)
    kind, people = people_in_file("letter.doc", data, ("locator", *FIELDS))
    assert kind == "doc"
    assert people == [
        ("document!line:3", "OKAFOR", "Grace", "1962-01-12", A, "HIVAGAB", "hiv"),  # her "Re:"
        ("document!table:1!row:1", "NOWAK", "Tomasz", "1975-11-02", B, "HCVAB", "hepatitis"),
        ("document!table:1!row:2", "KOWALSKI", "Anna", "1988-03-30", None, "FBC", None),
    ]


def test_cells_rows_and_stories_are_read_as_written() -> None:
    items = list(word_binary.read(doc_bytes(LETTER, header="Patient: OKAFOR, Grace"), "x.doc"))
    tables = [item for item in items if isinstance(item, Table)]
    assert [(t.prefix, t.header, t.columns) for t in tables] == [
        (
            "document!table:1!",
            ["Patient Name", "DOB", "NHS Number", "Test"],
            [
                ["Tomasz NOWAK", "Anna KOWALSKI"],
                ["02/11/1975", "30/03/1988"],
                [B, ""],
                ["Hep C antibody (repeat)", "FBC"],
            ],
        )
    ]
    texts = {item.locator: item.text for item in items if not isinstance(item, Table)}
    assert texts == {
        "document!line:1": (
            f"Dear Dr Khan,\n\nRe: Mrs Grace OKAFOR, DOB 12/01/1962, NHS No {A}\n"
            "Her HIV 1+2 Ab/Ag was reactive.\nAlso on the worklist:\n\n\n\n\n"
            "Yours sincerely, Zoë Müller"  # after the table's place, its three rows blank
        ),
        "headers!line:1": "Patient: OKAFOR, Grace",
    }


def test_without_paragraph_properties_rows_end_at_their_empty_end_marks() -> None:
    plain = list(word_binary.read(doc_bytes(LETTER, properties=False), "x.doc"))
    written = list(word_binary.read(doc_bytes(LETTER), "x.doc"))
    assert [t.columns for t in plain if isinstance(t, Table)] == [
        t.columns for t in written if isinstance(t, Table)
    ]


def test_field_codes_are_dropped_and_their_results_kept() -> None:
    body = [
        ("Patient: \x13 MERGEFIELD name \x14Grace OKAFOR\x15 DOB 12/01/1962", "p"),
        (f"NHS No \x13 HYPERLINK \x13 REF x \x14\x15\x14{A}\x15 page \x13 PAGE \x141\x15", "p"),
    ]
    items = list(word_binary.read(doc_bytes(body), "x.doc"))
    assert [item.text for item in items if not isinstance(item, Table)] == [
        f"Patient: Grace OKAFOR DOB 12/01/1962\nNHS No {A} page 1"
    ]


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"flags": 0x0300}, "encrypted Word document (a password is needed to read it)"),
        ({"version": 0x0068}, "a Word 6 or Word 95 document: not read in this version"),
    ],
)
def test_documents_it_cannot_read_say_why(options: dict[str, int], reason: str) -> None:
    with pytest.raises(ReaderError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        list(word_binary.read(doc_bytes(LETTER, **options), "x.doc"))  # type: ignore[arg-type]


def test_a_piece_table_pointing_past_its_stream_is_damage_not_a_huge_text() -> None:
    # A hostile piece table may claim four billion characters: refused before any are made.
    with pytest.raises(ReaderError, match="runs past the end of its stream"):
        word_binary._text(b"\0" * 2048, [(0, 4_000_000_000, 1024, True)])
