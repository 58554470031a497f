"""The PDF reader's text buffer: sized to a power of two so ctypes reuses a few array classes,
with the text it returns the same as pypdfium2's helpers' and an exact-size buffer's."""

from __future__ import annotations

import ctypes
import random
import string

import pypdfium2 as pdfium
import pytest
from fpdf import FPDF

from breachdesk.readers import layout, pdf
from breachdesk.readers.base import Record
from test_detect_text_speed_paths import page_texts_by_helpers


def _exact_buffer(count: int) -> ctypes.Array[ctypes.c_ushort]:
    """The buffer pypdfium2's ``get_text_range`` allocates: exactly ``count`` units."""
    return (ctypes.c_ushort * count)()


def _pages_of_many_lengths() -> bytes:
    """Pages whose text runs from one character to past 2,048, many a unit either side of a
    power of two, in lines of random words, so the text holds the line breaks PDFium makes."""
    rng = random.Random(11)
    lengths = list(range(1, 40)) + [
        n + d for n in (63, 127, 255, 511, 1023, 2047) for d in (-1, 0, 1)
    ]
    doc = FPDF()
    doc.set_auto_page_break(False)
    for length in lengths:
        doc.add_page()
        doc.set_font("Helvetica", size=7)
        words = []
        while sum(len(word) + 1 for word in words) < length:
            words.append(
                "".join(
                    rng.choices(string.ascii_letters + string.digits + "/:,.", k=rng.randint(1, 9))
                )
            )
        text = " ".join(words)[:length]
        lines = [text[start : start + 90] for start in range(0, len(text), 90)]
        doc.multi_cell(0, 3, "\n".join(lines))
    return bytes(doc.output())


PAGES = _pages_of_many_lengths()


def test_buffer_is_the_smallest_power_of_two_that_holds_count() -> None:
    for count in [*range(0, 4100), 65535, 65536, 65537, 10**6 + 3]:
        buffer = pdf._buffer(count)
        size = len(buffer)
        assert size >= max(count, 1), count
        assert size & (size - 1) == 0, count
        assert size == 1 or size // 2 < count, count
        assert ctypes.sizeof(buffer) == 2 * size, count
        assert not any(buffer), count


def test_page_lengths_up_to_64k_units_use_17_buffer_classes() -> None:
    assert {len(pdf._buffer(count)) for count in range(1, 2**16 + 1)} == {
        2**power for power in range(17)
    }


def test_page_text_is_pypdfium2s_on_pages_of_many_lengths() -> None:
    document = pdfium.PdfDocument(PAGES)
    texts = [pdf._page_text(document, index)[0] for index in range(len(document))]
    document.close()
    expected = page_texts_by_helpers(PAGES)
    assert texts == expected
    # the pages' texts (and their NUL) fill every buffer size from 2 to 4,096 units
    assert {len(pdf._buffer(len(text) + 1)) for text in texts} == {
        2**power for power in range(1, 13)
    }


def test_read_gives_the_items_an_exact_size_buffer_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    items = list(pdf.read(PAGES, "lengths.pdf"))
    monkeypatch.setattr(pdf, "_buffer", _exact_buffer)
    assert items == list(pdf.read(PAGES, "lengths.pdf"))
    records = [item for item in items if isinstance(item, Record)]
    assert len(records) == len(items)
    assert {record.locator.split("!")[0] for record in records} == {
        f"page:{number}" for number in range(1, len(page_texts_by_helpers(PAGES)) + 1)
    }


def test_laying_out_a_page_places_words_at_their_columns_and_bounds_the_gaps() -> None:
    words = [
        (0.0, 30.0, 0.0, 10.0, "OKAFOR"),  # 5 units a character
        (50.0, 75.0, 0.0, 10.0, "Grace"),
        (1e12, 1e12 + 10.0, 0.0, 10.0, "far"),  # a hostile page's word a world away
        (0.0, 25.0, -12.0, -2.0, "NOWAK"),  # the next line down
        (20.0, 40.0, -12.0, -2.0, "Tom"),  # drawn over the name's end: kept apart
    ]
    assert layout.place(words, 5.0) == [
        "OKAFOR    Grace" + " " * layout.WIDEST_GAP + "far",
        "NOWAK  Tom",
    ]
