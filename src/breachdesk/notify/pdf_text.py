"""Plain text with light markup to a PDF page: "# " headings, "- " bullets, blank-line paragraphs.

The PDF core font (Helvetica) when the text is Latin-1, which is fast; a Unicode TrueType font
(DejaVu Sans, shipped inside matplotlib) otherwise, so names such as Łukasz print as written.
Embedding a TrueType font costs ~50 ms a document, too slow for thousands of letters.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import matplotlib
from fpdf import FPDF


@cache
def _font_dir() -> Path:
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def new_document(text: str = "") -> tuple[FPDF, str]:
    """A document and the font family that can print ``text``."""
    pdf = FPDF(format="A4")
    family = "helvetica"
    if not _latin1(text.replace("•", "-")):
        family = "DejaVu"
        pdf.add_font("DejaVu", "", str(_font_dir() / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(_font_dir() / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    return pdf, family


def write(pdf: FPDF, text: str, family: str) -> None:
    """Add ``text`` on a new page of ``pdf``."""
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    blank = False
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip():
            if not blank:
                pdf.ln(3)
            blank = True
            continue
        blank = False
        if line.startswith("# "):
            pdf.ln(2)
            pdf.set_font(family, "B", 13)
            pdf.multi_cell(width, 7, line[2:].strip(), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif line.startswith("- "):
            pdf.set_font(family, "", 11)
            pdf.set_x(pdf.l_margin + 4)
            bullet = "- " if family == "helvetica" else "• "
            pdf.multi_cell(width - 4, 6, bullet + line[2:].strip(), new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font(family, "", 11)
            pdf.multi_cell(width, 6, line.strip(), new_x="LMARGIN", new_y="NEXT")


def save(text: str, path: Path) -> None:
    pdf, family = new_document(text)
    write(pdf, text, family)
    pdf.output(str(path))
