from __future__ import annotations

import io
from email.message import EmailMessage

import pytest
import xlsxwriter
from fpdf import FPDF

from breachdesk.detect.hl7 import person_from_message
from breachdesk.detect.tables import records_from_table
from breachdesk.readers import delimited, email_message, hl7v2, ocr, pdf, spreadsheet
from breachdesk.readers.base import Nested, ReaderError, Record, Table

NHS = "4010232137"
MESSAGE = (
    "MSH|^~\\&|WINPATH|RJ1|GPSYS|G85001|20240601101500||ORU^R01|MSG1|P|2.4\r"
    f"PID|1||{NHS}^^^NHS^NH~H1234567^^^RJ1^MR||SMITH^John^^^MR||19800201|M|||"
    "1 High St^^London^^SE15 4AB||020 7946 0000\r"
    "ORC|RE||||||||||C1234567^KHAN^AMIR^^^DR\r"
    "OBR|1||S123|HIVAGAB^HIV 1+2 Ag/Ab^L|||202406010900||||||||C1234567^KHAN^AMIR\r"
    "OBX|1|ST|HIVAGAB^HIV 1+2 Ag/Ab^L||Not detected||||||F\r"
)


def test_hl7_batch_with_mllp_and_custom_separators() -> None:
    other = MESSAGE.replace("|", "#").replace("^", "$").replace("MSH#$~\\&", "MSH#$~\\&")
    batch = "FHS|^~\\&\rBHS|^~\\&\r" + MESSAGE + "BTS|1\rFTS|1\r"
    framed = "\x0b" + other + "\x1c\r"
    for data in (batch, framed):
        records = list(hl7v2.read(data.encode(), "x.hl7"))
        assert len(records) == 1
        rec = records[0]
        assert isinstance(rec, Record)
        assert rec.locator == "message:1"
        assert rec.fields["PID-5"] == ["SMITH^John^^^MR"]
        assert rec.fields["MSH-6"] == ["G85001"]


def test_hl7_person_record() -> None:
    (message,) = hl7v2.read(MESSAGE.encode(), "x.hl7")
    (person,) = person_from_message(message)  # type: ignore[arg-type]
    assert person.values["nhs_number"] == NHS
    assert person.values["family_name"] == "SMITH"
    assert person.values["given_name"] == "John"
    assert person.values["date_of_birth"] == "1980-02-01"
    assert person.values["postcode"] == "SE15 4AB"
    assert person.values["hospital_number"] == "H1234567"
    assert person.tests == ["HIVAGAB"]
    assert person.ods_codes == ["G85001"]
    assert person.exposed == {
        "name",
        "date_of_birth",
        "nhs_number",
        "hospital_number",
        "address",
        "postcode",
        "phone",
        "test_description",
        "test_result",
    }


def test_hl7_without_msh_is_unreadable() -> None:
    with pytest.raises(ReaderError):
        list(hl7v2.read(b"PID|1||x\r", "x.hl7"))


def test_csv_with_title_rows_and_cp1252() -> None:
    text = (
        "Chemistry worklist - printed 01/06/2024\n\n"
        "NHS No;Patient Name;D.O.B;Tests Requested;Result;Practice Code;Invoice No\n"
        f"{NHS[:3]} {NHS[3:6]} {NHS[6:]};SMITH, Zoë;01/02/1980;U&E;4.2;G85001;4000000001\n"
        ";DOE, Jane;13/02/1975;FBC;;G85002;\n"
        ";NOBODY, Known;;FBC;;G85002;\n"
    )
    (table,) = delimited.read(text.encode("cp1252"), "w.csv")
    assert isinstance(table, Table)
    assert table.header[0] == "NHS No"
    assert table.n_rows == 3
    records, mentions = records_from_table(table, file_id=3)
    rows = records.to_pylist()
    assert [
        (r["locator"], r["nhs_number"], r["family_name"], r["given_name"], r["date_of_birth"])
        for r in rows
    ] == [
        ("row:1", NHS, "SMITH", "Zoë", "1980-02-01"),
        ("row:2", None, "DOE", "Jane", "1975-02-13"),
    ]
    assert rows[0]["ods_codes"] == "G85001"
    assert rows[0]["e_test_result"] and not rows[1]["e_test_result"]
    assert rows[1]["tests"] == "FBC"
    assert "nhs_number" in mentions["kind"].to_pylist()


def test_utf16_tsv() -> None:
    text = f"Surname\tForename\tDOB\tNHS Number\nO'BRIEN\tSean\t1990-05-06\t{NHS}\n"
    (table,) = delimited.read(text.encode("utf-16"), "w.tsv")
    records, _ = records_from_table(table, file_id=1)  # type: ignore[arg-type]
    assert records["family_name"].to_pylist() == ["O'BRIEN"]


def test_xlsx_every_sheet_with_title_rows() -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name in ("May", "June"):
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, [f"QA results {name} 2024"])
        sheet.write_row(2, 0, ["Surname", "Forename", "DOB", "Test"])
        sheet.write_row(3, 0, ["SMITH", "John", "01/02/1980", "HbA1c"])
    book.close()
    tables = list(spreadsheet.read(buffer.getvalue(), "q.xlsx"))
    assert [t.prefix for t in tables] == ["sheet:May!", "sheet:June!"]  # type: ignore[union-attr]
    records, _ = records_from_table(tables[1], file_id=1)  # type: ignore[arg-type]
    assert records["locator"].to_pylist() == ["sheet:June!row:1"]
    assert records["tests"].to_pylist() == ["HBA1C"]


def test_pdf_round_trip() -> None:
    doc = FPDF()
    doc.add_page()
    doc.set_font("Helvetica", size=11)
    doc.multi_cell(0, 6, f"Patient: SMITH, John\nDOB: 01/02/1980\nNHS: {NHS}\nHbA1c 64 mmol/mol")
    items = list(pdf.read(bytes(doc.output()), "r.pdf"))
    text = "\n".join(i.text for i in items if isinstance(i, Record))
    assert NHS in text and "SMITH" in text
    assert all(i.locator.startswith("page:1!") for i in items)  # type: ignore[union-attr]


def test_pdf_without_text_is_ocrd_or_needs_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = FPDF()
    doc.add_page()
    doc.rect(10, 10, 50, 50)
    drawing = bytes(doc.output())
    assert list(pdf.read(drawing, "scan.pdf")) == []  # OCR'd: nothing written on it
    monkeypatch.setattr(ocr, "unavailable", lambda: "OCR needs Tesseract's English model")
    with pytest.raises(pdf.NeedsOcr, match="the pages are images; OCR needs Tesseract"):
        list(pdf.read(drawing, "scan.pdf"))


def test_email_body_and_attachment() -> None:
    msg = EmailMessage()
    msg["From"] = "lab@example.nhs.uk"
    msg["To"] = "gp@example.nhs.uk"
    msg["Subject"] = "Results"
    msg.set_content(f"Dear Dr Khan,\nre Mr John SMITH, DOB 01/02/1980, NHS {NHS}\n")
    msg.add_attachment(
        b"Surname,DOB\nSMITH,01/02/1980\n", maintype="text", subtype="csv", filename="list.csv"
    )
    items = list(email_message.read(msg.as_bytes(), "m.eml"))
    nested = [i for i in items if isinstance(i, Nested)]
    assert [(n.name, n.locator) for n in nested] == [("list.csv", "part:2")]
    bodies = [i for i in items if isinstance(i, Record) and NHS in i.text]
    assert [b.locator for b in bodies] == ["part:1!line:1"]


def test_email_parts_numbered_as_leaves_in_nested_multiparts() -> None:
    """Body text and HTML alternative, then two attachments: containers are not counted."""
    msg = EmailMessage()
    msg["Subject"] = "Results"
    msg.set_content("Plain body\n")
    msg.add_alternative("<p>HTML body</p>", subtype="html")
    msg.add_attachment(b"a,b\n1,2\n", maintype="text", subtype="csv", filename="one.csv")
    msg.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="two.pdf")
    items = list(email_message.read(msg.as_bytes(), "m.eml"))
    assert [(i.locator, i.name) for i in items if isinstance(i, Nested)] == [
        ("part:3", "one.csv"),
        ("part:4", "two.pdf"),
    ]
    texts = [(i.locator, i.text) for i in items if isinstance(i, Record) and i.locator != "header"]
    assert texts == [("part:1!line:1", "Plain body"), ("part:2!line:2", "HTML body")]


def test_headerless_csv_is_typed_by_its_values() -> None:
    rows = [
        f"{NHS},SMITH, John,01/02/1980,HbA1c",
        "4010232145,JONES, Mary,13/12/1955,FBC",
        "4010232153,AHMED, Omar,05/06/2001,U&E",
    ]
    text = "\n".join(
        f'{r.split(",")[0]},"{r.split(",")[1]},{r.split(",")[2]}",'
        f"{r.split(',')[3]},{r.split(',')[4]}"
        for r in rows
    )
    (table,) = delimited.read(text.encode(), "noheader.csv")
    assert table.header == ["column_1", "column_2", "column_3", "column_4"]  # type: ignore[union-attr]
    records, _ = records_from_table(table, file_id=1)  # type: ignore[arg-type]
    assert records["locator"].to_pylist() == ["row:1", "row:2", "row:3"]
    assert records["family_name"].to_pylist() == ["SMITH", "JONES", "AHMED"]
    assert records["date_of_birth"].to_pylist() == ["1980-02-01", "1955-12-13", "2001-06-05"]
    assert records["tests"].to_pylist() == ["HBA1C", "FBC", "UE"]
