"""Small sample files of every format, written by the tests themselves (no binary fixtures).

Each builder returns bytes holding one known patient (``PATIENT``), so reader tests can check
what is found and the fuzz tests have a real file of every format to mutate.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import sqlite3
import struct
import zipfile
from collections.abc import Callable
from email.message import EmailMessage

import pyarrow as pa
import pyarrow.parquet as pq
import pypdfium2 as pdfium
import xlsxwriter
import xlwt
from fpdf import FPDF
from PIL import Image
from pptx import Presentation
from pptx.util import Inches
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian

from breachdesk.ingest.sniff import sniff_data

NHS = "4010232137"
SURNAME, FORENAME, DOB = "SMITH", "John", "1980-02-01"
ROW = [NHS, SURNAME, FORENAME, "01/02/1980", "SE15 4AB", "HbA1c"]
HEADER = ["NHS Number", "Surname", "Forename", "DOB", "Postcode", "Test"]
LETTER = (
    "Dear Dr Khan,\n\nRe: Mr John SMITH, DOB 01/02/1980, NHS No 401 023 2137\n"
    "1 High Street, London SE15 4AB\n\nHbA1c 64 mmol/mol. Please repeat in 3 months.\n"
)


def csv_bytes(delim: str = ",", encoding: str = "utf-8") -> bytes:
    lines = ["Chemistry worklist - printed 01/06/2024", "", delim.join(HEADER), delim.join(ROW)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def hl7_bytes() -> bytes:
    return (
        "MSH|^~\\&|WINPATH|RJ1|GPSYS|G85001|20240601101500||ORU^R01|MSG1|P|2.4\r"
        f"PID|1||{NHS}^^^NHS^NH||{SURNAME}^{FORENAME}||19800201|M|||1 High St^^London^^SE15 4AB\r"
        "OBR|1||S123|HBA1C^HbA1c^L\r"
        "OBX|1|NM|HBA1C^HbA1c^L||64|mmol/mol|||||F\r"
    ).encode()


def _patient() -> dict[str, object]:
    return {
        "resourceType": "Patient",
        "id": "p1",
        "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": NHS}],
        "name": [{"family": SURNAME, "given": [FORENAME]}],
        "birthDate": DOB,
        "address": [{"line": ["1 High St"], "postalCode": "SE15 4AB"}],
    }


def _observation() -> dict[str, object]:
    return {
        "resourceType": "Observation",
        "subject": {"reference": "Patient/p1"},
        "code": {"text": "HbA1c"},
        "valueQuantity": {"value": 64, "unit": "mmol/mol"},
    }


def fhir_bytes() -> bytes:
    entries = [{"fullUrl": "urn:uuid:p1", "resource": _patient()}, {"resource": _observation()}]
    return json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries}).encode()


def ndjson_bytes() -> bytes:
    return (json.dumps(_patient()) + "\n" + json.dumps(_observation()) + "\n").encode()


def edifact_bytes() -> bytes:
    return (
        "UNA:+.? 'UNB+UNOA:2+TDL00001:80+G85001:80+240601:1015+00000001++MEDRPT'"
        "UNH+00000001+MEDRPT:0:2:UN:RPT001'BGM+++507'NAD+PO+G85001:900++Dr Khan'"
        f"S06+06'PNA+PAT+{NHS}:OPI+++SU:{SURNAME}+FO:{FORENAME.upper()}+TI:MR'"
        "DTM+329:19800201:102'PDI+1'NAD+PAT++1 HIGH ST:LONDON:::SE15 4AB'"
        "S16+16'INV+MQ+42W..:911::HbA1c'RSL+NV+64:7++:::mmol/mol'"
        "UNT+14+00000001'UNZ+1+00000001'"
    ).encode()


def sql_bytes() -> bytes:
    return (
        "-- MySQL dump\nCREATE TABLE `patients` (\n  `nhs_no` varchar(10),\n  `surname` text,\n"
        "  `forename` text,\n  `dob` date,\n  PRIMARY KEY (`nhs_no`)\n) ENGINE=InnoDB;\n"
        f"INSERT INTO `patients` VALUES ('{NHS}','{SURNAME}','{FORENAME}','{DOB}');\n"
        "CREATE TABLE results (nhs_number text, test text);\n"
        f"COPY results (nhs_number, test) FROM stdin;\n{NHS}\tHbA1c\n\\.\n"
    ).encode()


def sqlite_bytes() -> bytes:
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE patients (nhs_number TEXT, surname TEXT, forename TEXT, dob TEXT)")
    con.execute("INSERT INTO patients VALUES (?, ?, ?, ?)", (NHS, SURNAME, FORENAME, DOB))
    con.commit()
    data = con.serialize()
    con.close()
    return bytes(data)


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Results")
    sheet.write_row(0, 0, ["QA results June 2024"])
    sheet.write_row(2, 0, HEADER)
    sheet.write_row(3, 0, ROW)
    book.close()
    return buffer.getvalue()


def xls_bytes() -> bytes:
    book = xlwt.Workbook()
    sheet = book.add_sheet("Results")
    for col, value in enumerate(HEADER):
        sheet.write(0, col, value)
    for col, value in enumerate(ROW):
        sheet.write(1, col, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"'
)


def _odf(mime: str, body: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), mime)  # first and stored, as ODF requires
        content = f'<?xml version="1.0"?><office:document-content {_ODF_NS}><office:body>'
        zf.writestr("content.xml", content + body + "</office:body></office:document-content>")
        zf.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0"?><manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
        )
    return buffer.getvalue()


def ods_bytes() -> bytes:
    def row(values: list[str]) -> str:
        cells = "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
            for v in values
        )
        return f"<table:table-row>{cells}</table:table-row>"

    sheet = f'<table:table table:name="Results">{row(HEADER)}{row(ROW)}</table:table>'
    return _odf(
        "application/vnd.oasis.opendocument.spreadsheet",
        f"<office:spreadsheet>{sheet}</office:spreadsheet>",
    )


def odt_bytes() -> bytes:
    paras = "".join(f"<text:p>{line}</text:p>" for line in LETTER.splitlines())
    return _odf("application/vnd.oasis.opendocument.text", f"<office:text>{paras}</office:text>")


def docx_bytes() -> bytes:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    paras = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in LETTER.splitlines())
    cells = "".join(f"<w:tc><w:p><w:r><w:t>{v}</w:t></w:r></w:p></w:tc>" for v in ROW)
    table = f"<w:tbl><w:tr>{cells}</w:tr></w:tbl>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr(
            "word/document.xml", f"<w:document {w}><w:body>{paras}{table}</w:body></w:document>"
        )
    return buffer.getvalue()


def rtf_bytes() -> bytes:
    body = LETTER.replace("\n", "\\par\n")
    return ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}}\\f0\\fs22 " + body + "}").encode()


def html_bytes() -> bytes:
    rows = "".join(f"<td>{v}</td>" for v in ROW)
    return f"<html><body><p>{LETTER}</p><table><tr>{rows}</tr></table></body></html>".encode()


def xml_bytes() -> bytes:
    return (
        f'<?xml version="1.0"?><Patients><Patient nhsNumber="{NHS}"><Surname>{SURNAME}</Surname>'
        f"<Forename>{FORENAME}</Forename><DateOfBirth>{DOB}</DateOfBirth></Patient></Patients>"
    ).encode()


def eml_bytes(attachment: bytes | None = None, filename: str = "list.csv") -> bytes:
    msg = EmailMessage()
    msg["From"] = "lab@example.nhs.uk"
    msg["To"] = "gp@example.nhs.uk"
    msg["Subject"] = "Results"
    msg["Date"] = "Sat, 01 Jun 2024 10:15:00 +0100"
    msg.set_content(LETTER)
    msg.add_attachment(
        attachment if attachment is not None else csv_bytes(),
        maintype="application",
        subtype="octet-stream",
        filename=filename,
    )
    return msg.as_bytes()


def mbox_bytes() -> bytes:
    one = eml_bytes()
    two = eml_bytes(csv_bytes("|"), "list.txt")
    return (
        b"From lab@example.nhs.uk Sat Jun  1 10:15:00 2024\n"
        + one
        + (b"\n\nFrom lab@example.nhs.uk Sat Jun  1 11:15:00 2024\n" + two)
    )


def pdf_bytes(text: bool = True) -> bytes:
    doc = FPDF()
    doc.add_page()
    doc.set_font("Helvetica", size=11)
    if text:
        doc.multi_cell(0, 6, LETTER)
    else:
        doc.rect(10, 10, 50, 50)  # a drawing, no text: what a scan looks like to a reader
    return bytes(doc.output())


def scan_image(pdf: bytes, dpi: int = 200, page: int = 0) -> Image.Image:
    """A PDF page as a scanner would give it: grey pixels, no text layer."""
    document = pdfium.PdfDocument(pdf)
    try:
        return document[page].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        document.close()


def image_bytes() -> bytes:
    """The letter, scanned to a PNG."""
    out = io.BytesIO()
    scan_image(pdf_bytes()).save(out, "PNG", dpi=(200, 200))
    return out.getvalue()


def log_bytes() -> bytes:
    return (
        f"2024-06-01 10:00:01,123 INFO result sent for NHS {NHS} {SURNAME}, {FORENAME} "
        "DOB 01/02/1980\n"
        "2024-06-01 10:00:02,456 INFO heartbeat\n"
    ).encode()


def json_bytes() -> bytes:
    """An application's export: its people as a list of objects, camelCase keys."""
    return json.dumps(
        {
            "exportedAt": "2024-06-01T10:00:00Z",
            "results": [
                {
                    "patient": {
                        "nhsNumber": NHS,
                        "lastName": SURNAME,
                        "firstName": FORENAME,
                        "dateOfBirth": "01/02/1980",
                        "postcode": "SE15 4AB",
                    },
                    "test": "HbA1c",
                }
            ],
        }
    ).encode()


def json_lines_bytes() -> bytes:
    """A JSON-lines log: an event holding a patient, then one that does not."""
    event = {"level": "INFO", "msg": "result sent", "patient": {"surname": SURNAME, "nhs": NHS}}
    return (json.dumps(event) + "\n" + json.dumps({"level": "INFO", "msg": "heartbeat"})).encode()


def _arrow_table() -> pa.Table:
    """The sample row as a data-engineering extract types it: NHS number as a number, the date
    of birth a date, the patient's fields in a struct, the tests a list."""
    return pa.table(
        {
            "nhs_number": pa.array([int(NHS)], pa.int64()),
            "patient": pa.array([{"surname": SURNAME, "forename": FORENAME}]),
            "dob": pa.array([dt.date(1980, 2, 1)]),
            "postcode": ["SE15 4AB"],
            "tests": pa.array([["HbA1c"]]),
        }
    )


def parquet_bytes() -> bytes:
    sink = io.BytesIO()
    pq.write_table(_arrow_table(), sink)
    return sink.getvalue()


def arrow_bytes() -> bytes:
    sink = io.BytesIO()
    with pa.ipc.new_file(sink, _arrow_table().schema) as writer:
        writer.write_table(_arrow_table())
    return sink.getvalue()


def _readstat_bytes(write: str, suffix: str, **options: object) -> bytes:
    """The sample row as pyreadstat writes an SPSS or SAS dataset (to a path: its writers take
    no stream)."""
    import tempfile

    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame(
        {
            "nhsno": [float(NHS)],
            "sname": [SURNAME],
            "fname": [FORENAME],
            "dob": [dt.date(1980, 2, 1)],
            "hba1c": [48.0],
        }
    )
    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/sample.{suffix}"
        getattr(pyreadstat, write)(frame, path, **options)
        with open(path, "rb") as handle:
            return handle.read()


def dbase_bytes() -> bytes:
    """The sample row as the ``dbf`` library writes a dBase III table (to a path: it takes no
    stream)."""
    import tempfile

    import dbf

    spec = "SURNAME C(20); FORENAME C(20); DOB D; NHSNO C(10); POSTCODE C(8); TEST C(8)"
    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/SAMPLE.DBF"
        table = dbf.Table(path, spec, dbf_type="db3", codepage="cp1252")
        table.open(dbf.READ_WRITE)
        table.append((SURNAME, FORENAME, dt.date(1980, 2, 1), NHS, "SE15 4AB", "HbA1c"))
        table.close()
        with open(path, "rb") as handle:
            return handle.read()


def spss_bytes() -> bytes:
    labels = ["NHS number", "Surname", "Forename", "DOB", "HbA1c"]
    return _readstat_bytes("write_sav", "sav", column_labels=labels)


def sas_bytes() -> bytes:
    labels = ["NHS number", "Surname", "Forename", "DOB", "HbA1c"]
    return _readstat_bytes("write_sas7bdat", "sas7bdat", column_labels=labels)


def stata_bytes() -> bytes:
    """The sample row as ``pandas.to_stata`` writes it: short variable names, their labels."""
    import pandas as pd

    frame = pd.DataFrame(
        {
            "nhsno": [float(NHS)],
            "sname": [SURNAME],
            "fname": [FORENAME],
            "dob": pd.to_datetime(["1980-02-01"]),
            "hba1c": [48.0],
        }
    )
    labels = {"nhsno": "NHS number", "sname": "Surname", "fname": "Forename", "dob": "DOB"}
    sink = io.BytesIO()
    frame.to_stata(sink, write_index=False, convert_dates={"dob": "td"}, variable_labels=labels)
    return sink.getvalue()


def notebook_bytes() -> bytes:
    """A Jupyter notebook whose output shows the sample row as HTML and as text."""
    table = (
        "<table><tr><th></th><th>nhs_number</th><th>surname</th><th>forename</th><th>dob</th>"
        f"</tr><tr><th>0</th><td>{NHS}</td><td>{SURNAME}</td><td>{FORENAME}</td>"
        "<td>1980-02-01</td></tr></table>"
    )
    plain = f"   nhs_number surname forename        dob\n0  {NHS}   {SURNAME} {FORENAME} 1980-02-01"
    data = {"text/html": [table], "text/plain": [plain]}
    output = {"data": data, "metadata": {}, "output_type": "execute_result"}
    cell = {"cell_type": "code", "metadata": {}, "outputs": [output], "source": ["df"]}
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4}, indent=1).encode()


# -- Outlook .msg: an OLE compound file written by hand (no library writes one) -------------
_END, _FREE, _FATSECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
Tree = dict[str, "bytes | Tree"]


def cfb(tree: Tree) -> bytes:
    """A minimal compound file (v3, 512-byte sectors). Streams are padded to 4 KiB so none
    goes to the mini stream; siblings are chained rightwards (olefile accepts that)."""
    entries: list[dict[str, object]] = [{"name": "Root Entry", "type": 5, "data": b""}]

    def add(node: Tree) -> int:
        ids = []
        for name, value in node.items():
            entry: dict[str, object] = {"name": name}
            entries.append(entry)
            ids.append(len(entries) - 1)
            if isinstance(value, bytes):
                entry.update(type=2, data=value.ljust(4096, b"\0"))
            else:
                entry.update(type=1, data=b"")
                entry["child"] = add(value)
        for a, b in itertools.pairwise(ids):
            entries[a]["right"] = b
        return ids[0] if ids else _NOSTREAM

    entries[0]["child"] = add(tree)
    sectors: list[bytes] = []
    fat: list[int] = []
    for entry in entries:
        data = entry["data"]
        assert isinstance(data, bytes)
        if not data:
            entry["start"] = _END
            continue
        entry["start"] = len(sectors)
        chunks = [data[i : i + 512].ljust(512, b"\0") for i in range(0, len(data), 512)]
        for n, chunk in enumerate(chunks):
            sectors.append(chunk)
            fat.append(len(sectors) if n < len(chunks) - 1 else _END)
    directory = b""
    for entry in entries:
        name = str(entry["name"]).encode("utf-16-le") + b"\0\0"
        directory += struct.pack(
            "<64sHBBIII16sIQQIQ",
            name,
            len(name),
            int(entry["type"]),  # type: ignore[call-overload]
            1,
            _NOSTREAM,
            int(entry.get("right", _NOSTREAM)),  # type: ignore[call-overload]
            int(entry.get("child", _NOSTREAM)),  # type: ignore[call-overload]
            b"\0" * 16,
            0,
            0,
            0,
            int(entry["start"]),  # type: ignore[call-overload]
            len(entry["data"]),  # type: ignore[arg-type]
        )
    directory = directory.ljust(-(-len(directory) // 512) * 512, b"\0")
    dir_start = len(sectors)
    dir_sectors = len(directory) // 512
    for n in range(dir_sectors):
        sectors.append(directory[n * 512 : (n + 1) * 512])
        fat.append(dir_start + n + 1 if n < dir_sectors - 1 else _END)
    n_fat = 1
    while len(fat) + n_fat > n_fat * 128:
        n_fat += 1
    fat_start = len(sectors)
    fat += [_FATSECT] * n_fat
    fat += [_FREE] * (n_fat * 128 - len(fat))
    for n in range(n_fat):
        sectors.append(struct.pack("<128I", *fat[n * 128 : (n + 1) * 128]))
    difat = [fat_start + n for n in range(n_fat)] + [_FREE] * (109 - n_fat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\0" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,
        n_fat,
        dir_start,
        0,
        4096,
        _END,
        0,
        _END,
        0,
    ) + struct.pack("<109I", *difat)
    return header + b"".join(sectors)


def _prop(text: str) -> bytes:
    return text.encode("utf-16-le")


def msg_bytes() -> bytes:
    return cfb(
        {
            "__properties_version1.0": b"\0" * 32,
            "__substg1.0_0037001F": _prop("Results for your patient"),
            "__substg1.0_0C1A001F": _prop("Pathology Lab"),
            "__substg1.0_1000001F": _prop(LETTER),
            "__recip_version1.0_#00000000": {"__substg1.0_3001001F": _prop("Dr Khan")},
            "__attach_version1.0_#00000000": {
                "__substg1.0_3707001F": _prop("list.csv"),
                # Padded with blank lines: a short stream would belong in the mini stream.
                "__substg1.0_37010102": csv_bytes().ljust(4096, b"\n"),
            },
        }
    )


def pptx_bytes() -> bytes:
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    slide.shapes.add_textbox(Inches(1), Inches(1), Inches(8), Inches(2)).text_frame.text = LETTER
    table = slide.shapes.add_table(2, 6, Inches(1), Inches(4), Inches(8), Inches(1)).table
    for i, row in enumerate([HEADER, ROW]):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def odp_bytes() -> bytes:
    paras = "".join(f"<text:p>{line}</text:p>" for line in LETTER.splitlines())
    page = f"<draw:page><draw:frame><draw:text-box>{paras}</draw:text-box></draw:frame></draw:page>"
    return _odf(
        "application/vnd.oasis.opendocument.presentation",
        f"<office:presentation>{page}</office:presentation>",
    )


def doc_sample() -> bytes:
    from test_word_binary import doc_bytes  # its writer builds on ``cfb`` above

    cells = [(cell, "c") for row in (HEADER, ROW) for cell in row]
    rows = [*cells[: len(HEADER)], ("", "r"), *cells[len(HEADER) :], ("", "r")]
    return doc_bytes([*((line, "p") for line in LETTER.splitlines()), *rows])


def ppt_sample() -> bytes:
    from test_powerpoint_binary import drawing, ppt_bytes, table, text_box

    slide = drawing(text_box(LETTER.replace("\n", "\r")), table([HEADER, ROW]))
    return ppt_bytes([(256, slide, "")], shown=[256], notes={256: "Seen in clinic."})


def dicom_bytes(
    name: str = f"{SURNAME}^{FORENAME}",
    patient_id: str = NHS,
    others: tuple[tuple[str, str], ...] = (),
    study: str = "HbA1c",
) -> bytes:
    """A DICOM file's header as a slide scanner writes it (no pixel data)."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.77.1.6"  # whole-slide microscopy
    meta.MediaStorageSOPInstanceUID = "1.2.826.0.1.3680043.8.498.1"
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    dataset = Dataset()
    dataset.file_meta = meta
    dataset.PatientName = name
    dataset.PatientID = patient_id
    dataset.PatientBirthDate = "19800201"
    dataset.PatientSex = "M"
    dataset.StudyDescription = study
    dataset.ReferringPhysicianName = "KHAN^ADAM^^^DR"
    if others:
        items = []
        for number, issuer in others:
            item = Dataset()
            item.PatientID, item.IssuerOfPatientID = number, issuer
            items.append(item)
        dataset.OtherPatientIDsSequence = items
    dataset.SOPClassUID = meta.MediaStorageSOPClassUID
    dataset.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    buffer = io.BytesIO()
    dataset.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


# type -> builder: what the fuzz tests mutate and the reader tests read.
SAMPLES: dict[str, Callable[[], bytes]] = {
    "csv": csv_bytes,
    "tsv": lambda: csv_bytes("\t"),
    "psv": lambda: csv_bytes("|"),
    "hl7": hl7_bytes,
    "fhir_json": fhir_bytes,
    "json": json_bytes,
    "edifact": edifact_bytes,
    "sql": sql_bytes,
    "sqlite": sqlite_bytes,
    "parquet": parquet_bytes,
    "arrow": arrow_bytes,
    "stata": stata_bytes,
    "spss": spss_bytes,
    "dbase": dbase_bytes,
    "sas": sas_bytes,
    "notebook": notebook_bytes,
    "xlsx": xlsx_bytes,
    "xls": xls_bytes,
    "ods": ods_bytes,
    "odt": odt_bytes,
    "docx": docx_bytes,
    "doc": doc_sample,
    "ppt": ppt_sample,
    "dicom": dicom_bytes,
    "pptx": pptx_bytes,
    "odp": odp_bytes,
    "rtf": rtf_bytes,
    "html": html_bytes,
    "xml": xml_bytes,
    "eml": eml_bytes,
    "mbox": mbox_bytes,
    "msg": msg_bytes,
    "pdf": pdf_bytes,
    "image": image_bytes,
    "log": log_bytes,
    "text": LETTER.encode,
}


def test_every_sample_is_sniffed_as_its_type() -> None:
    wrong = {kind: sniff_data(build(), f"x.{kind}") for kind, build in SAMPLES.items()}
    assert {k: v for k, v in wrong.items() if v != k} == {}
