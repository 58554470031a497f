"""A report or letter names its patient in one part and gives the results in another (a Word
header's patient banner, the first page of a PDF, an e-mail's subject): the results are that
patient's when the rest of the file names no one else. Lines of logs and rows of tables are
each about someone else, so their unnamed tests stay unowned."""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage

import pytest
from fpdf import FPDF

from breachdesk.ingest.limits import Limits
from breachdesk.ingest.sniff import sniff_data
from breachdesk.ingest.walk import Entry
from breachdesk.scan import owner
from breachdesk.scan.stage import _scan_file
from test_folder_relations import workbook
from test_generalise import A, B, people_in_file

GRACE = ("OKAFOR", "Grace", "1962-01-12", A)
TOMASZ = ("NOWAK", "Tomasz", "1975-11-02", B)
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
RESULTS = [
    "Dear Dr Adams,",
    "Thank you for referring this patient. The results are below.",
    "HIV 1+2 antibody/antigen: Reactive",
    "Hepatitis C antibody: Negative",
    "Yours sincerely, Dr P Singh, Consultant Virologist",
]


def _para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def _letter(banner: str) -> bytes:
    """A Word letter whose patient banner is in the page header (header1.xml)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        body = "".join(map(_para, RESULTS))
        zf.writestr("word/document.xml", f"<w:document {W}><w:body>{body}</w:body></w:document>")
        zf.writestr("word/header1.xml", f"<w:hdr {W}>{_para(banner)}</w:hdr>")
    return buffer.getvalue()


def _pdf(pages: list[list[str]]) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _mentions(name: str, data: bytes) -> list[tuple[str, str, str, str]]:
    entry = Entry(path=name, parent=None, depth=0, size=len(data), type=sniff_data(data, name))
    entry.data = data
    rows: list[tuple[str, str, str, str]] = []
    for _, mentions in _scan_file(entry, 1, Limits()):
        for m in mentions.to_pylist():
            rows.append((m["kind"], m["field"], m["detector"], m["rule"]))
    return rows


def test_a_word_letter_with_its_patient_in_the_page_header() -> None:
    banner = "Patient: Grace OKAFOR    DOB: 12/01/1962    NHS No: 455 766 0932"
    assert people_in_file("letter.docx", _letter(banner)) == (
        "docx",
        [(*GRACE, "HIVAGAB;HCVAB", "hepatitis;hiv")],
    )
    # Without an NHS number too: a name and a date of birth say who the letter is about.
    assert people_in_file("letter.docx", _letter("Re: Grace OKAFOR, DOB 12/01/1962")) == (
        "docx",
        [("OKAFOR", "Grace", "1962-01-12", None, "HIVAGAB;HCVAB", "hepatitis;hiv")],
    )
    # Each test says where it was found (the body's text) and why it is the patient's.
    found = _mentions("letter.docx", _letter(banner))
    given = [m for m in found if m[3] == "report_of_person"]
    assert given == [("test", "document!line:1", "text", "report_of_person")] * 2


def test_results_on_the_second_page_of_a_report() -> None:
    report = _pdf(
        [
            ["Patient: OKAFOR, Grace   DOB: 12/01/1962", f"NHS Number: {A}"],
            ["Results continued", "HIV 1+2 antibody: Reactive", "PSA: 0.8 ug/L"],
        ]
    )
    assert people_in_file("report.pdf", report) == (
        "pdf",
        [(*GRACE, "HIVAGAB;PSA", "cancer;hiv")],
    )


def test_unnamed_results_stay_unowned_where_the_file_names_two_people() -> None:
    report = _pdf(
        [
            ["Patient: OKAFOR, Grace   DOB: 12/01/1962", f"NHS Number: {A}"],
            ["Patient: NOWAK, Tomasz   DOB: 02/11/1975", f"NHS Number: {B}"],
            ["Addendum", "HIV 1+2 antibody: Reactive"],
        ]
    )
    assert people_in_file("two.pdf", report) == (
        "pdf",
        [(*TOMASZ, None, None), (*GRACE, None, None)],
    )


def test_an_e_mail_naming_its_patient_in_the_subject() -> None:
    message = EmailMessage()
    message["From"] = "lab@example.nhs.uk"
    message["To"] = "surgery@example.nhs.uk"
    message["Subject"] = "RE: Grace OKAFOR DOB 12/01/1962"
    message.set_content("Hi,\n\nChlamydia NAAT: detected.\n\nPlease recall the patient.\n")
    assert people_in_file("results.eml", message.as_bytes()) == (
        "eml",
        [("OKAFOR", "Grace", "1962-01-12", None, "CHLAM", "sexual_health")],
    )


def test_a_log_line_naming_no_one_is_not_the_named_patients() -> None:
    log = (
        f"2024-05-30 10:00:01 INFO result filed patient OKAFOR, Grace 12/01/1962 NHS {A}\n"
        "2024-05-30 10:00:02 INFO sample 24H0001 HIV 1+2 antibody: Reactive\n"
    ).encode()
    kind, people = people_in_file("interface.log", log)
    assert kind == "log"
    assert people == [(*GRACE, None, None)]


ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
)
BANNER = "Patient: Grace OKAFOR  DOB: 12/01/1962  NHS No: 455 766 0932"


def test_an_opendocument_letter_with_its_patient_in_the_page_header() -> None:
    """The header of an ODT's master page lives in styles.xml, not content.xml."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        body = "".join(f"<text:p>{line}</text:p>" for line in RESULTS)
        zf.writestr(
            "content.xml",
            f"<office:document-content {ODF_NS}><office:body><office:text>{body}"
            "</office:text></office:body></office:document-content>",
        )
        zf.writestr(
            "styles.xml",
            f"<office:document-styles {ODF_NS}><office:master-styles>"
            f'<style:master-page style:name="Standard"><style:header><text:p>{BANNER}</text:p>'
            "</style:header></style:master-page></office:master-styles></office:document-styles>",
        )
    assert people_in_file("letter.odt", buffer.getvalue()) == (
        "odt",
        [(*GRACE, "HIVAGAB;HCVAB", "hepatitis;hiv")],
    )


def test_a_rich_text_letter_with_its_patient_in_the_page_header() -> None:
    body = "".join(f"{line}\\par " for line in RESULTS)
    rtf = f"{{\\rtf1\\ansi{{\\headerr\\pard {BANNER}\\par}}\\pard {body}}}"
    assert people_in_file("letter.rtf", rtf.encode()) == (
        "rtf",
        [(*GRACE, "HIVAGAB;HCVAB", "hepatitis;hiv")],
    )


FORM = [
    ["Patient Name:", "Grace OKAFOR"],
    ["Date of Birth:", "12/01/1962"],
    ["NHS Number:", "455 766 0932"],
    [],
    ["Test", "Result", "Units"],
    ["HIV 1+2 Ag/Ab", "Reactive", ""],
    ["HbA1c", "48", "mmol/mol"],
]


def test_a_per_patient_sheet_with_a_form_above_its_results() -> None:
    """The form's "label:" | value rows are no header: the table's header is below them, and
    the form names the patient whose results the table holds."""
    assert people_in_file("cumulative.xlsx", workbook(list(FORM), "Report")) == (
        "xlsx",
        [(*GRACE, "HIVAGAB;HBA1C", "hiv")],
    )


def test_a_form_saved_as_csv_reads_each_label_with_its_value() -> None:
    """ "Patient Name:,Grace OKAFOR": the comma stood for the space between label and value."""
    text = "\n".join(",".join(row) for row in FORM) + "\n"
    assert people_in_file("cumulative.csv", text.encode()) == (
        "text",
        [(*GRACE, "HIVAGAB;HBA1C", "hiv")],
    )
    assert people_in_file("cumulative.csv", text.replace(",", ";").encode())[1] == [
        (*GRACE, "HIVAGAB;HBA1C", "hiv")
    ]


def test_a_long_document_keeps_no_unnamed_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past ``UNOWNED_TEXT`` characters of parts naming no one, a document is no one person's
    letter (and a stream's parts must not all stay in memory): those parts give nothing."""
    report = _pdf(
        [
            ["Patient: OKAFOR, Grace   DOB: 12/01/1962", f"NHS Number: {A}"],
            ["Results continued", "HIV 1+2 antibody: Reactive", "PSA: 0.8 ug/L"],
        ]
    )
    monkeypatch.setattr(owner, "UNOWNED_TEXT", 20)
    assert people_in_file("report.pdf", report) == ("pdf", [(*GRACE, None, None)])
