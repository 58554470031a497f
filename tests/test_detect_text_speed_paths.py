"""The free-text fast paths say exactly what the plain ones do: the nearest anchor by bisection,
records tables a column at a time, PDF page text through PDFium's raw calls."""

from __future__ import annotations

import io
import random

import pyarrow as pa
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from fpdf import FPDF

from breachdesk.detect import grouping, records, text
from breachdesk.detect.base import Mention
from breachdesk.detect.hl7 import sensitive_map
from breachdesk.detect.records import PersonRecord
from breachdesk.readers import pdf
from breachdesk.readers.base import Encrypted, ReaderError
from test_readers_samples import pdf_bytes


def _mention(start: int, end: int) -> Mention:
    return Mention("name", start, end, "X", "names", "title")


@pytest.mark.parametrize("seed", range(40))
def test_nearest_of_apart_anchors_by_bisection_is_the_nearest_of_all(seed: int) -> None:
    rng = random.Random(seed)
    anchors, position = [], rng.randint(0, 5)
    for _ in range(rng.randint(3, 9)):
        start = position + rng.randint(0, 6)  # touching anchors too: end == next start
        anchors.append(_mention(start, start + rng.randint(1, 5)))
        position = anchors[-1].end
    assert grouping._apart(anchors)
    ends = [a.end for a in anchors]
    everywhere = list(range(len(anchors)))
    for start in range(-1, position + 8):
        for length in (0, 1, 3, 12):  # ties between the anchors either side come up often
            mention = _mention(max(start, 0), max(start, 0) + length)
            expected = grouping._nearest_of(anchors, everywhere, mention)
            assert grouping._nearest_apart(anchors, ends, mention) == expected, (anchors, mention)


def test_overlapping_or_empty_anchors_are_not_apart() -> None:
    assert not grouping._apart([_mention(0, 5), _mention(4, 8), _mention(9, 10)])
    assert not grouping._apart([_mention(0, 5), _mention(6, 6), _mention(9, 10)])
    assert grouping._apart([_mention(0, 5), _mention(5, 8), _mention(9, 10)])


def _lists(count: int) -> list[str]:
    """Printed lists: several people a line or a row a line, facts on lines of their own."""
    rng = random.Random(11)
    rows = [
        "Mr John SMITH 01/02/1950",
        "WALKER^Geoffrey 19700101",
        "NHS 450 557 7104",
        "Patient: JONES, Ann DOB: 03/04/1961",
        "FBC",
        "HbA1c was 48",
        "SE15 4AB",
        "tel 020 7946 0000",
    ]
    return ["".join(rng.choice(rows) + rng.choice([" ", "\n", "; "]) for _ in range(12))
            for _ in range(count)]  # fmt: skip


@pytest.mark.parametrize("paragraph", _lists(60))
def test_people_with_anchors_found_by_bisection_are_those_of_the_plain_pass(
    paragraph: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = text.people_in_text(paragraph, "line:1")
    monkeypatch.setattr(grouping, "_apart", lambda anchors: False)
    assert fast == text.people_in_text(paragraph, "line:1")


def test_a_list_takes_each_fact_to_the_nearest_person() -> None:
    paragraph = "Mr John SMITH 01/02/1950 Mr Tom JONES 02/03/1960 Mr Ed BROWN 03/04/1970\nFBC"
    people = text.people_in_text(paragraph, "line:1")
    assert [p.values["family_name"] for p in people] == ["SMITH", "JONES", "BROWN"]
    assert [p.tests for p in people] == [[], [], ["FBC"]]


def _ipc(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def test_records_a_column_at_a_time_are_the_rows_as_structs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(7)
    people = []
    for number in range(records._COLUMNAR_ROWS + 5):
        person = PersonRecord(locator=f"line:{number}", source="text")
        if rng.random() < 0.7:
            person.set("nhs_number", f"{rng.randrange(10**9, 10**10)}", "nhs_number")
        if rng.random() < 0.5:
            person.set("family_name", "LEE", "name")
        for code in rng.sample(["FBC", "HIV", "UE"], rng.randint(0, 2)):
            person.add_test(code)
        person.evidence.append(("name", f"chars:0-{number}", "names", "title", ""))
        people.append(person)
    columnar = records.rows_to_tables(3, people, sensitive_map())
    assert columnar[0].num_rows == len(people)
    monkeypatch.setattr(records, "_COLUMNAR_ROWS", 10**9)
    as_structs = records.rows_to_tables(3, people, sensitive_map())
    for left, right in zip(columnar, as_structs, strict=True):
        assert left.schema == right.schema
        assert left.column("record_id").num_chunks == 1
        assert _ipc(left) == _ipc(right)


def page_texts_by_helpers(data: bytes) -> list[str]:
    """Each page's text as pypdfium2's own helper objects read it (the reference)."""
    document = pdfium.PdfDocument(data)
    pages = []
    for index in range(len(document)):
        page = document[index]
        textpage = page.get_textpage()
        pages.append(textpage.get_text_range())
        textpage.close()
        page.close()
    document.close()
    return pages


def _several_pages() -> bytes:
    doc = FPDF()
    for words in ("  ", "Patient: SMITH, John\nDOB 01/02/1980", "Zoë  O’BRIEN\tNHS 943 476 5919"):
        doc.add_page()
        doc.set_font("Helvetica", size=11)
        doc.multi_cell(0, 6, words.replace("’", "'").replace("ë", "e"))
    doc.add_page()  # no text at all
    return bytes(doc.output())


@pytest.mark.parametrize(
    ("data", "has_text"),
    [(pdf_bytes(), True), (pdf_bytes(text=False), False), (_several_pages(), True)],
)
def test_raw_page_text_is_pypdfium2s(data: bytes, has_text: bool) -> None:
    document = pdfium.PdfDocument(data)
    raw = [pdf._page_text(document, index)[0] for index in range(len(document))]
    document.close()
    assert raw == page_texts_by_helpers(data)
    assert any(raw) == has_text


def test_a_page_that_cannot_load_raises_pypdfiums_error() -> None:
    document = pdfium.PdfDocument(pdf_bytes())
    with pytest.raises(pdfium.PdfiumError, match="Failed to load page"):
        pdf._page_text(document, 5)
    document.close()


def _encrypted() -> bytes:
    doc = FPDF()
    doc.add_page()
    doc.set_font("Helvetica", size=11)
    doc.cell(0, 6, "Patient: SMITH, John")
    doc.set_encryption(owner_password="owner", user_password="secret")
    return bytes(doc.output())


def _wrapper_verdict(data: bytes) -> tuple[type[Exception], str] | int:
    """What ``read`` made of ``pdfium.PdfDocument(data)``: its page count, or its error."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            return Encrypted, "password-protected PDF"
        return ReaderError, f"damaged PDF: {exc}"
    pages = len(document)
    document.close()
    return pages


@pytest.mark.parametrize(
    "data",
    [
        pdf_bytes(),
        _several_pages(),
        pdf_bytes()[:400],
        b"",
        b"%PDF-1.4\n",
        b"garbage",
        _encrypted(),
    ],
)
def test_raw_open_is_pypdfium2s(data: bytes) -> None:
    expected = _wrapper_verdict(data)
    if isinstance(expected, int):
        document = pdf._open(data)
        assert pdfium_c.FPDF_GetPageCount(document) == expected
        pdfium_c.FPDF_CloseDocument(document)
        return
    kind, message = expected
    with pytest.raises(kind) as caught:
        pdf._open(data)
    assert type(caught.value) is kind
    assert str(caught.value) == message
