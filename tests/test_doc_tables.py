"""Tables inside documents (HTML pages and e-mail bodies, Word and OpenDocument files): a table
of people is read as a table, a form as labelled lines, any other table as text."""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage

from breachdesk.ingest.limits import Limits
from breachdesk.ingest.sniff import sniff_data
from breachdesk.ingest.walk import Entry
from breachdesk.readers import doc_tables, html
from breachdesk.readers.base import Record, Table
from breachdesk.scan.stage import _scan_file
from test_generalise import A, B, C, people_in_file
from test_readers_samples import _odf

HEAD = ["NHS Number", "Patient Name", "Date of Birth", "Sample Date", "Investigation", "Result"]
ROWS = [
    [A, "OKAFOR, Grace", "12/01/1962", "03/05/2024", "HIV 1+2 antibody", "Reactive"],
    [B, "NOWAK, Tomasz", "02/11/1975", "04/05/2024", "Hepatitis C antibody", "Negative"],
    [C, "Smith, John", "23/07/1980", "04/05/2024", "Full blood count", "See report"],
]
# Mixed-case "Smith, John" is a name only by its column; each date of birth only by its column.
PEOPLE = [
    ("NOWAK", "Tomasz", "1975-11-02", B, "HCVAB", "hepatitis"),
    ("OKAFOR", "Grace", "1962-01-12", A, "HIVAGAB", "hiv"),
    ("Smith", "John", "1980-07-23", C, "FBC", None),
]
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _html_table(rows: list[list[str]], head: list[str] = HEAD) -> str:
    th = "".join(f"<th>{h}</th>" for h in head)
    trs = "".join("<tr>" + "".join(f"<td>\n  {v}\n</td>" for v in r) + "</tr>" for r in rows)
    return f"<table>\n<thead><tr>{th}</tr></thead>\n<tbody>{trs}</tbody></table>"


def _html() -> bytes:
    return (
        "<html><body><h1>Results report</h1><p>Printed 05/05/2024 by Dr Adams</p>"
        + _html_table(ROWS)
        + "</body></html>"
    ).encode()


def _docx(body: str, namespaces: str = W) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr(
            "word/document.xml", f"<w:document {namespaces}><w:body>{body}</w:body></w:document>"
        )
    return buffer.getvalue()


def _w_para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def _w_table(rows: list[list[str]]) -> str:
    def cell(v: str) -> str:
        return f"<w:tc>{_w_para(v)}</w:tc>"

    return (
        "<w:tbl>" + "".join("<w:tr>" + "".join(map(cell, r)) + "</w:tr>" for r in rows) + "</w:tbl>"
    )


def _odt() -> bytes:
    def row(values: list[str]) -> str:
        cells = "".join(
            f"<table:table-cell><text:p>{v}</text:p></table:table-cell>" for v in values
        )
        return f"<table:table-row>{cells}</table:table-row>"

    table = (
        f"<table:table><table:table-header-rows>{row(HEAD)}</table:table-header-rows>"
        + "".join(map(row, ROWS))
        + "</table:table>"
    )
    return _odf(
        "application/vnd.oasis.opendocument.text",
        f"<office:text><text:p>Results report</text:p>{table}</office:text>",
    )


def _eml() -> bytes:
    msg = EmailMessage()
    msg["From"] = "lab@example.nhs.uk"
    msg["To"] = "gp@example.nhs.uk"
    msg["Subject"] = "Results for your practice"
    msg.set_content("Results attached below.")
    msg.add_alternative(_html().decode(), subtype="html")
    return msg.as_bytes()


def test_a_table_of_people_is_read_as_a_table_in_each_kind_of_document() -> None:
    files = {
        "report.html": _html(),
        "report.docx": _docx(
            _w_para("Results report printed 05/05/2024") + _w_table([HEAD, *ROWS])
        ),
        "report.odt": _odt(),
        "results.eml": _eml(),
    }
    for name, data in files.items():
        assert people_in_file(name, data)[1] == PEOPLE, name


def test_a_table_of_people_is_located_by_table_and_row() -> None:
    tables = [i for i in doc_tables.items(html.pieces(_html().decode())) if isinstance(i, Table)]
    assert [(t.prefix, t.header, t.n_rows) for t in tables] == [("table:1!", HEAD, 3)]
    assert tables[0].columns[1] == ["OKAFOR, Grace", "NOWAK, Tomasz", "Smith, John"]


def test_a_form_of_labels_and_values_is_read_as_labelled_lines() -> None:
    # The patient's details as a two-column form, their results below in a table naming nobody:
    # one person, with the tests.
    form = [
        ["Patient name", "OKAFOR, Grace"],
        ["NHS number:", "455 766 0932"],
        ["Date of birth", "12/01/1962"],
    ]
    results = [["Test", "Result"], ["HIV 1+2 antibody", "Reactive"], ["Ferritin", "35 ug/L"]]
    data = _docx(_w_para("Cumulative report") + _w_table(form) + _w_table(results))
    assert people_in_file("cumulative.docx", data)[1] == [
        ("OKAFOR", "Grace", "1962-01-12", A, "HIVAGAB;FERR", "hiv")
    ]
    lines = [r.text for r in doc_tables.items(["Cumulative report", form]) if isinstance(r, Record)]
    assert lines == [
        "Cumulative report\nPatient name: OKAFOR, Grace\nNHS number: 455 766 0932\n"
        "Date of birth: 12/01/1962"
    ]


def test_a_form_of_two_pairs_a_row() -> None:
    form = [["Surname", "NOWAK", "Forename", "Tomasz"], ["DOB", "02/11/1975", "NHS No", B]]
    lines = [r.text for r in doc_tables.items([form]) if isinstance(r, Record)]
    assert lines == ["Surname: NOWAK\nForename: Tomasz\nDOB: 02/11/1975\nNHS No: " + B]


def test_a_two_column_table_of_people_is_no_form() -> None:
    grid = [["Name", "DOB"], ["OKAFOR, Grace", "12/01/1962"], ["NOWAK, Tomasz", "02/11/1975"]]
    (table,) = doc_tables.items([grid])
    assert isinstance(table, Table) and table.header == ["Name", "DOB"] and table.n_rows == 2


def test_a_table_naming_nobody_stays_text_in_its_place() -> None:
    pieces = ["Re: OKAFOR, Grace", [["Test", "Result"], ["HIV 1+2 antibody", "Reactive"]], "end"]
    assert [(r.locator, r.text) for r in doc_tables.items(pieces)] == [  # type: ignore[union-attr]
        ("line:1", "Re: OKAFOR, Grace\nTest | Result\nHIV 1+2 antibody | Reactive\n\nend")
    ]


def test_a_layout_table_keeps_its_letter_and_its_inner_table() -> None:
    # An e-mail laid out in a table: the letter in one cell, paragraph by paragraph, and a
    # table of people inside another.
    letter = "<p>Dear Dr Adams,</p><p>Patient: NOWAK, Tomasz<br>DOB: 02/11/1975</p><p>HCV Ab</p>"
    page = (
        f"<table><tr><td>{letter}</td></tr>"
        f"<tr><td>{_html_table(ROWS[:1])}</td></tr><tr><td>Kind regards</td></tr></table>"
    )
    items = list(doc_tables.items(html.pieces(page)))
    # The letter keeps its lines and paragraphs; the inner table's place is blank lines.
    assert [(i.locator, i.text) for i in items if isinstance(i, Record)] == [
        (
            "line:2",
            # (as many blank lines as the document has: a line of it is a line of the file)
            "Dear Dr Adams,\n\nPatient: NOWAK, Tomasz\nDOB: 02/11/1975\n\nHCV Ab\n\n\n\n\nKind "
            "regards",
        )
    ]
    tables = [i for i in items if isinstance(i, Table)]
    assert [t.columns[1] for t in tables] == [["OKAFOR, Grace"]]
    assert people_in_file("page.html", page.encode())[1] == [
        ("NOWAK", "Tomasz", "1975-11-02", None, "HCVAB", "hepatitis"),
        ("OKAFOR", "Grace", "1962-01-12", A, "HIVAGAB", "hiv"),
    ]


def test_a_merged_title_row_above_the_header_is_no_header() -> None:
    page = _html_table(ROWS[:2]).replace(
        "<thead>", '<thead><tr><th colspan="6">Virology results, week 18</th></tr>'
    )
    (table,) = [i for i in doc_tables.items(html.pieces(page)) if isinstance(i, Table)]
    assert table.header == HEAD and table.columns[0] == [A, B]


def test_hostile_tables_are_bounded() -> None:
    wide = '<table><tr><td colspan="1000000000">x</td><td>Name</td></tr></table>'
    (grid,) = html.pieces(wide)
    assert isinstance(grid, list) and len(grid[0]) == doc_tables.MAX_SPAN + 1
    deep = "<table><tr><td>" * 5000 + f"OKAFOR, Grace NHS {A}" + "</td></tr></table>" * 5000
    texts = [i.text for i in doc_tables.items(html.pieces(deep)) if isinstance(i, Record)]
    assert texts == [f"OKAFOR, Grace NHS {A}"]
    data = deep.encode()
    entry = Entry(path="deep.html", parent=None, depth=0, size=len(data), type="html", data=data)
    assert sniff_data(data, "deep.html") == "html"
    assert [r.num_rows for r, _ in _scan_file(entry, 1, Limits())] == [1]


def _rtf() -> bytes:
    def row(cells: list[str]) -> str:
        edges = "".join(f"\\cellx{2000 * (i + 1)}" for i in range(len(cells)))
        return f"\\trowd{edges} " + "".join(f"{c}\\cell " for c in cells) + "\\row\n"

    table = "".join(row(r) for r in [HEAD, *ROWS])
    return (
        "{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}\\f0 Results report\\par\n" + table + "}"
    ).encode()


def test_an_rtf_table_of_people_is_read_as_a_table() -> None:
    assert people_in_file("report.rtf", _rtf()) == ("rtf", PEOPLE)


BOXES = [
    ["Surname", "Forename(s)", "Date of birth"],
    ["OKAFOR", "Grace", "12/01/1962"],
    ["NHS number", "Hospital no", "Clinical details"],
    [A, "H1234567", "tired"],
]


def test_a_form_of_rows_of_boxes_is_one_person() -> None:
    # A request form typed as boxes: labels over values, row after row. Read as a table (its
    # first row the header), the second row of labels was a person's "surname" and the NHS
    # number another's: the form is one person with every field and the requested tests.
    data = _docx(
        _w_para("PATHOLOGY REQUEST FORM")
        + _w_table(BOXES)
        + _w_para("Tests requested: HIV, Ferritin")
    )
    assert people_in_file("request.docx", data)[1] == [
        ("OKAFOR", "Grace", "1962-01-12", A, "HIVAGAB;FERR", "hiv")
    ]
    lines = [r.text for r in doc_tables.items([BOXES]) if isinstance(r, Record)]
    assert lines == [
        "Surname: OKAFOR   Forename(s): Grace   Date of birth: 12/01/1962\n"
        f"NHS number: {A}   Hospital no: H1234567   Clinical details: tired"
    ]


def test_rows_of_boxes_naming_nobody_or_a_table_are_no_form() -> None:
    # Labels naming nobody stay text; two rows under one header are a table of two people.
    unnamed = [["Ward", "Bed"], ["AMU", "12"], ["Consultant", "Ward"], ["Dr Adams", "AMU"]]
    assert [r.text for r in doc_tables.items([unnamed])] == [  # type: ignore[union-attr]
        "Ward | Bed\nAMU | 12\nConsultant | Ward\nDr Adams | AMU"
    ]
    table = [["Surname", "DOB"], ["OKAFOR", "12/01/1962"], ["NOWAK", "02/11/1975"], ["X", "Y"]]
    assert isinstance(next(iter(doc_tables.items([table]))), Table)
