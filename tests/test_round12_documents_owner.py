"""A document's one person named only in a table (a Word header's one-row patient banner) owns
the tests of its unnamed parts, as a person named in its prose does; and a table naming no one
under a one-person preamble (a GP journal's "Entry" column) gives its free-text tests to that
person. Several people, a table of many rows or cells naming people: nothing is given."""

from __future__ import annotations

import io
import zipfile

from breachdesk.ingest.limits import Limits
from breachdesk.ingest.sniff import sniff_data
from breachdesk.ingest.walk import Entry
from breachdesk.scan.stage import _scan_file
from test_generalise import people_in_file

# Valid NHS numbers (Modulus 11, England range), invented.
A, B = "4402601630", "4386728120"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
FIELDS = (
    "locator",
    "family_name",
    "given_name",
    "date_of_birth",
    "nhs_number",
    "tests",
    "sensitive",
    "e_test_description",
    "e_test_result",
)
HEAD = ["Name", "DOB", "NHS Number", "Hosp No", "Ward"]
MAREK = ["KOWALCZYK, Marek (Mr)", "23-Aug-1959", "440 260 1630", "F1093384", "Ward 22"]
AMINA = ["HUSSAIN, Amina (Mrs)", "04-Feb-1971", "438 672 8120", "F2201187", "Ward 9"]
BODY = [
    "DISCHARGE SUMMARY",
    "Diagnosis: Adenocarcinoma of sigmoid colon, T3N1.",
    "Investigations: Hb 98 g/L, CRP 145, CEA 14.2 ug/L pre-op.",
    "Blood cultures x2 no growth. MRSA screen negative.",
]
BANNER = ("header1!table:1!row:1", "KOWALCZYK", "Marek", "1959-08-23", A)


def _para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def _table(rows: list[list[str]]) -> str:
    cells = ("".join(f"<w:tc>{_para(cell)}</w:tc>" for cell in row) for row in rows)
    return "<w:tbl>" + "".join(f"<w:tr>{row}</w:tr>" for row in cells) + "</w:tbl>"


def _docx(header_rows: list[list[str]], body: list[str], above: str = "", table: str = "") -> bytes:
    """A Word discharge summary: a table in the page header (after the paragraph ``above``),
    the body's paragraphs and ``table``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        paragraphs = "".join(map(_para, body)) + table
        zf.writestr(
            "word/document.xml", f"<w:document {W}><w:body>{paragraphs}</w:body></w:document>"
        )
        zf.writestr("word/header1.xml", f"<w:hdr {W}>{_para(above)}{_table(header_rows)}</w:hdr>")
    return buffer.getvalue()


def _mentions(name: str, data: bytes) -> list[tuple[str, str, str, str, str, str]]:
    entry = Entry(path=name, parent=None, depth=0, size=len(data), type=sniff_data(data, name))
    entry.data = data
    rows = []
    for _, mentions in _scan_file(entry, 1, Limits()):
        for m in mentions.to_pylist():
            if m["kind"] == "test":
                fields = ("record_id", "locator", "kind", "field", "detector", "rule")
                rows.append(tuple(m[f] for f in fields))
    return rows


def test_a_word_header_banner_table_owns_the_body_tests() -> None:
    data = _docx([HEAD, MAREK], BODY)
    assert people_in_file("discharge.docx", data, FIELDS) == (
        "docx",
        [(*BANNER, "HB;CRP;CEA;BCUL;MRSA", "cancer", True, True)],
    )
    # Each test says where it was found, at the banner's own record (its id kept).
    given = ("1:header1!table:1!row:1", "header1!table:1!row:1", "test", "document!line:1")
    assert _mentions("discharge.docx", data) == [(*given, "text", "report_of_person")] * 5


REPORT = """<html><body><h1>Cumulative report</h1>
<table><tr><th>Name</th><th>DOB</th><th>NHS Number</th><th>Hosp No</th></tr>
<tr><td>KOWALCZYK, Marek</td><td>23-Aug-1959</td><td>440 260 1630</td><td>F1093384</td></tr>
</table><p>Results</p>
<table><tr><th>Test</th><th>Result</th><th>Units</th><th>Date</th></tr>
<tr><td>HbA1c</td><td>48</td><td>mmol/mol</td><td>01/03/2024</td></tr>
<tr><td>PSA</td><td>3.1</td><td>ug/L</td><td>01/03/2024</td></tr>
<tr><td>Ferritin</td><td>30</td><td>ug/L</td><td>01/03/2024</td></tr>
</table></body></html>"""


def test_a_web_page_banner_table_owns_the_results_below_it() -> None:
    # (The results table names no one, so the page's reader gives it as the page's text.)
    assert people_in_file("report.html", REPORT.encode(), FIELDS) == (
        "html",
        [("table:1!row:1", *BANNER[1:], "HBA1C;PSA;FERR", "cancer", True, False)],
    )
    given = ("1:table:1!row:1", "table:1!row:1", "test", "line:2", "text", "report_of_person")
    assert _mentions("report.html", REPORT.encode()) == [given] * 3


def test_a_banner_table_of_more_than_one_row_owns_nothing() -> None:
    # One person in a table of two rows: its other row may be anyone's, so no one owns the body.
    ward = ["", "", "", "", "Ward 22"]
    found = people_in_file("discharge.docx", _docx([HEAD, MAREK, ward], BODY), FIELDS)[1]
    assert found == [(*BANNER, None, None, False, False)]


def test_the_banner_owns_the_tests_when_the_prose_names_the_same_patient() -> None:
    data = _docx([HEAD, MAREK], BODY, "Re: Marek Kowalczyk, DOB 23/08/1959")
    found = people_in_file("discharge.docx", data, FIELDS)[1]
    assert found == [
        ("header1!line:1", "Kowalczyk", "Marek", "1959-08-23", None, None, None, False, False),
        (*BANNER, "HB;CRP;CEA;BCUL;MRSA", "cancer", True, True),
    ]


def test_no_tests_given_where_the_prose_names_someone_else() -> None:
    data = _docx([HEAD, MAREK], BODY, "Re: Amina Hussain, DOB 04/02/1971")
    found = people_in_file("discharge.docx", data, FIELDS)[1]
    assert found == [
        ("header1!line:1", "Hussain", "Amina", "1971-02-04", None, None, None, False, False),
        (*BANNER, None, None, False, False),
    ]


def test_no_tests_given_to_a_table_of_several_people() -> None:
    found = people_in_file("ward.docx", _docx([HEAD, MAREK, AMINA], BODY), FIELDS)[1]
    assert [row[5:] for row in found] == [(None, None, False, False)] * 2
    assert [row[0] for row in found] == ["header1!table:1!row:1", "header1!table:1!row:2"]


JOURNAL = """SystmOne - Patient Record Print (Tabbed Journal)
Oakleigh Surgery (B86016)

Mr Marek Kowalczyk  (23 Aug 1959)   NHS No: 440 260 1630
Address: 3 Tinshill Road, Leeds, LS16 7DN

Date       | Time  | User                | Entry
23 Feb 2024| 11:02 | Dr Nikhil Bhatt     | Faecal immunochemical test (FIT) 187 ug/g - 2WW referral
23 Feb 2024| 11:04 | Dr Nikhil Bhatt     | Serum ferritin 11 ug/L [30.0 - 400.0] (low)
01 Mar 2024| 09:30 | Nurse Claire Hughes | Blood sample taken - CEA, LFT
08 Mar 2024| 16:20 | Dr Nikhil Bhatt     | Carcinoembryonic antigen level 14.2 ug/L
"""


JOURNAL_MAREK = ("Kowalczyk", "Marek", "1959-08-23", A)


def test_a_journal_table_under_its_patient_gives_its_entries_tests() -> None:
    assert people_in_file("journal.txt", JOURNAL.encode(), FIELDS) == (
        "psv",
        # (at his practice's line, the first of his record's)
        [("line:2", *JOURNAL_MAREK, "FIT;FERR;CEA;LFT", "cancer", True, True)],
    )
    given = ("1:line:2#0", "line:2", "test", "rows", "text", "table_of_person")
    assert _mentions("journal.txt", JOURNAL.encode()) == [given] * 4


def test_a_journal_entry_naming_another_patient_gives_nothing() -> None:
    other = "02 Mar 2024| 10:00 | Dr Nikhil Bhatt     | Mrs Amina Hussain DOB 04/02/1971 rang\n"
    found = people_in_file("journal.txt", (JOURNAL + other).encode(), FIELDS)[1]
    assert [row[:3] + row[5:] for row in found] == [
        ("line:2", "Kowalczyk", "Marek", None, None, False, False),
        ("row:5", "Hussain", "Amina", None, None, False, False),
    ]


def test_a_table_whose_rows_name_their_patients_gives_the_preamble_nothing() -> None:
    # Names without dates of birth make no record, yet say whose each row's entry is.
    table = (
        "Date       | Patient          | Entry\n"
        "23 Feb 2024| Amina HUSSAIN    | Serum ferritin 11 ug/L [30.0 - 400.0] (low)\n"
        "01 Mar 2024| Tomasz NOWAK     | Carcinoembryonic antigen level 14.2 ug/L\n"
        "08 Mar 2024| Li KHAN          | Faecal immunochemical test (FIT) 187 ug/g\n"
        "09 Mar 2024| Grace OKAFOR     | Haemoglobin concentration 92 g/L [130 - 180]\n"
    )
    found = people_in_file("list.txt", (JOURNAL.split("Date ")[0] + table).encode(), FIELDS)
    assert found == ("psv", [("line:2", *JOURNAL_MAREK, None, None, False, False)])


def test_a_journal_too_long_for_one_patient_gives_nothing() -> None:
    # Past UNOWNED_TEXT characters of distinct entries the table is no one person's journal,
    # and its text is not held (its first entries' tests with the rest).
    rows = "".join(
        f"23 Feb 2024| 11:02 | Dr Nikhil Bhatt     | Serum ferritin {n} ug/L, repeat in 3 months\n"
        for n in range(25_000)
    )
    found = people_in_file("journal.txt", (JOURNAL + rows).encode(), FIELDS)[1]
    assert found == [("line:2", *JOURNAL_MAREK, None, None, False, False)]
