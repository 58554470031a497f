"""Documents as reviewers wrote them in the twelfth round: a Word text box holding the
addressograph label (saved twice, as a shape and as its VML fallback), a form table inside a
layout table's cell, a banner row of three label/value pairs, a cell stacking only fields."""

from __future__ import annotations

from breachdesk.readers import doc_tables, docx, html, odt
from breachdesk.readers.base import Record, Table
from test_doc_tables import _docx as doc_tables_docx
from test_generalise import people_in_file
from test_readers_samples import _odf

N1, N2, N3 = "4823043553", "4501050799", "4358541755"
FIELDS = ("family_name", "given_name", "date_of_birth", "nhs_number", "hospital_number", "tests")
W = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def _docx(body: str) -> bytes:
    return doc_tables_docx(body, W)


def _p(*texts: str) -> str:
    return "<w:p>" + "".join(f"<w:r><w:t>{t}</w:t></w:r>" for t in texts) + "</w:p>"


def _text(items: list[Record | Table]) -> str:
    (record,) = [item for item in items if isinstance(item, Record)]
    return record.text


LABEL = ["SHARMA, Priya", "DOB: 07/05/1988", f"NHS: {N1}", "MRN: K2287411"]


def test_a_word_text_box_is_read_once_a_line_a_paragraph() -> None:
    # Before: the box's paragraphs ran into the heading and each other ("CELLULAR PATHOLOGY
    # REPORTSHARMA, Priya07...") and came again from the VML copy: the name was "PATHOLOGY
    # REPORTSHARMA" and the histology a second person with no name.
    box = "<w:txbxContent>" + "".join(_p(line) for line in LABEL) + "</w:txbxContent>"
    anchored = (
        "<mc:AlternateContent><mc:Choice Requires='wps'><w:drawing><wps:wsp><wps:txbx>"
        f"{box}</wps:txbx></wps:wsp></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape>"
        f"<v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent>"
    )
    body = (
        f"<w:p><w:r><w:t>CELLULAR PATHOLOGY REPORT</w:t></w:r><w:r>{anchored}</w:r>"
        "<w:r><w:t> (copy)</w:t></w:r></w:p>"
        + _p("Specimen received: Cervical punch biopsy")
        + _p("Diagnosis: CIN 3 (HSIL). HPV 16 positive.")
    )
    data = _docx(body)
    assert _text(list(docx.read(data, "report.docx"))) == "\n".join(
        [
            "CELLULAR PATHOLOGY REPORT (copy)",
            *LABEL,
            "Specimen received: Cervical punch biopsy",
            "Diagnosis: CIN 3 (HSIL). HPV 16 positive.",
        ]
    )
    assert people_in_file("report.docx", data, FIELDS) == (
        "docx",
        # (A cellular pathology report is a histology test: the report's own heading says so.)
        [("SHARMA", "Priya", "1988-05-07", N1, "K2287411", "HISTO;HRHPV")],
    )
    # A VML text box of an older Word, with no DrawingML shape: read once too.
    vml = f"<w:p><w:r><w:t>REPORT</w:t></w:r><w:r><w:pict><v:shape><v:textbox>{box}"
    vml += "</v:textbox></v:shape></w:pict></w:r></w:p>"
    assert _text(list(docx.read(_docx(vml), "old.docx"))) == "\n".join(["REPORT", *LABEL])


def _w_table(rows: list[list[str]]) -> str:
    return (
        "<w:tbl>"
        + "".join(
            "<w:tr>" + "".join(f"<w:tc>{_p(cell)}</w:tc>" for cell in row) + "</w:tr>"
            for row in rows
        )
        + "</w:tbl>"
    )


PATIENT = [
    ["Surname", "OKAFOR"],
    ["Forename(s)", "Grace"],
    ["Date of birth", "12/01/1962"],
    ["NHS number", N2],
]
REFERRER = [["Referrer", "Dr S. Chaudhry"], ["Date of referral", "11/01/2024"]]


def test_a_word_table_inside_a_layout_tables_cell_is_read_once() -> None:
    # A referral's two columns, a form table in each: the inner tables' rows were taken as
    # the layout table's own too, and every cell read again as a line: a second record.
    layout = (
        f"<w:tbl><w:tr><w:tc>{_w_table(PATIENT)}</w:tc><w:tc>{_w_table(REFERRER)}</w:tc></w:tr>"
        f"<w:tr><w:tc>{_p('Clinical information')}</w:tc>"
        f"<w:tc>{_p('FIT 187 ug Hb/g faeces')}</w:tc></w:tr></w:tbl>"
    )
    data = _docx(_p("2WW REFERRAL - SUSPECTED LOWER GI CANCER") + layout)
    assert _text(list(docx.read(data, "referral.docx"))) == "\n".join(
        [
            "2WW REFERRAL - SUSPECTED LOWER GI CANCER",
            "Surname: OKAFOR",
            "Forename(s): Grace",
            "Date of birth: 12/01/1962",
            f"NHS number: {N2}",
            "",
            "Referrer | Dr S. Chaudhry",  # (no label names a referrer: lines of text)
            "Date of referral | 11/01/2024",
            "",
            "Clinical information",
            "FIT 187 ug Hb/g faeces",
        ]
    )
    assert people_in_file("referral.docx", data, FIELDS) == (
        "docx",
        [("OKAFOR", "Grace", "1962-01-12", N2, None, "FIT")],
    )


def test_an_opendocument_nested_table_and_text_box_are_read_once() -> None:
    def row(cells: list[str]) -> str:
        tds = "".join(f"<table:table-cell><text:p>{c}</text:p></table:table-cell>" for c in cells)
        return f"<table:table-row>{tds}</table:table-row>"

    inner = "<table:table>" + "".join(map(row, PATIENT)) + "</table:table>"
    outer = (
        f"<table:table><table:table-row><table:table-cell>{inner}</table:table-cell>"
        "<table:table-cell><text:p>Hb 92 g/L</text:p></table:table-cell></table:table-row>"
        "</table:table>"
    )
    box = "".join(f"<text:p>{line}</text:p>" for line in LABEL)
    heading = (
        f"<text:p>REPORT<draw:frame><draw:text-box>{box}</draw:text-box></draw:frame></text:p>"
    )
    data = _odf(
        "application/vnd.oasis.opendocument.text", f"<office:text>{heading}{outer}</office:text>"
    )
    assert _text(list(odt.read(data, "letter.odt"))) == "\n".join(
        [
            "REPORT",
            *LABEL,
            "Surname: OKAFOR",
            "Forename(s): Grace",
            "Date of birth: 12/01/1962",
            f"NHS number: {N2}",
            "",
            "Hb 92 g/L",
        ]
    )


BANNER = [
    ["Patient", "ASHBY, Winifred (Mrs)", "DOB", "02/02/1933", "Hosp No", "M0044871"],
    ["Test", "Haemoglobin", "Result", "79 g/L", "Range", "115-165"],
]


def _html_table(rows: list[list[str]]) -> str:
    trs = "".join("<tr>" + "".join(f"<td><b>{c}</b></td>" for c in row) + "</tr>" for row in rows)
    return f"<table border=1>{trs}</table>"


def test_a_banner_row_of_three_label_value_pairs_is_a_form() -> None:
    # Before: only one or two pairs a row made a form; three were read as " | " text, in
    # which no one was found and the Hb result was lost.
    page = f"<html><body><p>Result Notification</p>{_html_table(BANNER)}</body></html>"
    assert _text(list(html.read(page.encode(), "result.html"))) == "\n".join(
        [
            "Result Notification",
            "",
            "Patient: ASHBY, Winifred (Mrs)",
            "DOB: 02/02/1933",
            "Hosp No: M0044871",
            "Test: Haemoglobin",
            "Result: 79 g/L",
            "Range: 115-165",
        ]
    )
    want = [("ASHBY", "Winifred", "1933-02-02", None, "M0044871", "HB")]
    assert people_in_file("result.html", page.encode(), FIELDS) == ("html", want)
    data = _docx(_p("Result Notification") + _w_table(BANNER))
    assert people_in_file("result.docx", data, FIELDS) == ("docx", want)


def test_wide_rows_are_a_form_only_when_their_labels_are_labels() -> None:
    # One unnamed label in three pairs is a form's; two are not, nor is a table whose first
    # row's odd cells are labels (its header).
    assert doc_tables._is_form(BANNER)
    loose = [BANNER[0], ["Sample", "Blood", "Range", "115-165", "Result", "79 g/L"]]
    assert not doc_tables._is_form(loose)
    header = [["Name", "DOB", "NHS", "Test", "Result", "Date"], ["OKAFOR, Grace"] * 6]
    assert not doc_tables._is_form(header)
    assert not doc_tables._is_form([["Patient", "ASHBY", "DOB", "02/02/1933", "12", "x"]])


def test_a_cell_stacking_only_fields_moves_them_all_to_their_columns() -> None:
    # "NHS 441 862 7170<br>MRN RWE3301289" under "Identifiers": the MRN moved to a column of
    # its own but the NHS number stayed, no column's, and was read as a second person.
    rows = [
        ("OKONKWO, Chidi (Mr)<br>M 45y", f"NHS {N1}<br>MRN RWE3301289", "CMV PCR 2,310 IU/mL"),
        ("HARGREAVES, Polly (Mrs)<br>F 61y", f"NHS {N3}<br>MRN RWE0098123", "EBV PCR 540"),
    ]
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    page = (
        "<html><body><table><tr><th>Patient</th><th>Identifiers</th><th>Last result</th></tr>"
        f"{body}</table></body></html>"
    )
    assert people_in_file("virology.html", page.encode(), (*FIELDS, "locator")) == (
        "html",
        [
            ("HARGREAVES", "Polly", None, N3, "RWE0098123", "EBV", "table:1!row:2"),
            ("OKONKWO", "Chidi", None, N1, "RWE3301289", "CMV", "table:1!row:1"),
        ],
    )
    # A cell's first line is its own value when any line is not a field; a colon ends a label.
    grid = [
        ["Patient", "Details"],
        ["Name: OKAFOR, Grace\nDOB: 12/01/1962", "OKAFOR, Grace\nDOB 12/01/1962"],
        ["DOB 02/11/1975\n", "x"],
    ]
    assert doc_tables._unstack(grid) == [
        ["Patient", "Name", "DOB", "Details", "DOB"],
        ["", "OKAFOR, Grace", "12/01/1962", "OKAFOR, Grace", "12/01/1962"],
        ["DOB 02/11/1975\n", "", "", "x", ""],
    ]
