"""The one place that says which reader reads which sniffed type."""

from __future__ import annotations

from breachdesk.readers import (
    astm,
    columnar,
    dbase,
    dbase_memo,
    delimited,
    dicom,
    docx,
    edifact,
    email_message,
    fhir,
    fhir_xml,
    fixed_width,
    hl7v2,
    html,
    image,
    json_doc,
    mbox,
    msg,
    notebook,
    odt,
    pdf,
    powerpoint_binary,
    pptx,
    rtf,
    spreadsheet,
    spss_sas,
    sql_dump,
    sqlite,
    stata,
    text,
    word_binary,
    xml,
    yaml_doc,
    zpl,
)
from breachdesk.readers.base import ReadFn, StreamFn

READERS: dict[str, ReadFn] = {
    "csv": delimited.read,
    "tsv": delimited.read,
    "psv": delimited.read,
    "hl7": hl7v2.read,
    "astm": astm.read,  # an analyser's records (LIS2-A2), framed or in its host log
    "zpl": zpl.read,  # a Zebra label printer's spool: a record per label
    "edifact": edifact.read,
    # Prose, with tables printed in spaces read as tables (a report printout).
    "text": fixed_width.read,
    "log": text.read_lines,
    "sql": sql_dump.read,
    "sqlite": sqlite.read,
    "dbase": dbase.read,
    # A table's memo file read alone: each memo a passage of text.
    "dbase_memo": dbase_memo.read,
    "parquet": columnar.read_parquet,
    "arrow": columnar.read_arrow,
    "stata": stata.read,  # Stata .dta, a chunk of rows at a time
    "spss": spss_sas.read,  # SPSS .sav, .zsav, .por
    "sas": spss_sas.read,  # SAS .sas7bdat, .xpt
    "json": json_doc.read,
    "notebook": notebook.read,  # Jupyter .ipynb: cells, and each output once
    "yaml": yaml_doc.read,  # read as data, each document as JSON is
    "fhir_json": fhir.read,
    "fhir_xml": fhir_xml.read,
    "html": html.read,
    "xml": xml.read,
    "eml": email_message.read,
    "mbox": mbox.read,
    "msg": msg.read,
    "xlsx": spreadsheet.read,
    "xls": spreadsheet.read,
    "ods": spreadsheet.read,
    "docx": docx.read,
    "doc": word_binary.read,
    "pptx": pptx.read,
    "ppt": powerpoint_binary.read,
    "odt": odt.read,
    "odp": odt.read,
    "rtf": rtf.read,
    "pdf": pdf.read,
    # Scans and photographs, OCR'd (``readers.ocr``).
    "image": image.read,
    "dicom": dicom.read,
}

# Formats read from a stream when a file is too big to hold (``Limits.max_in_memory``).
STREAM_READERS: dict[str, StreamFn] = {
    "csv": delimited.read_stream,
    "tsv": delimited.read_stream,
    "psv": delimited.read_stream,
    "hl7": hl7v2.read_stream,
    "text": fixed_width.read_stream,
    "log": text.read_lines_stream,
    "sql": sql_dump.read_stream,
    "json": json_doc.read_stream,
    "fhir_json": fhir.read_stream,
    "mbox": mbox.read_stream,
    "parquet": columnar.read_parquet_stream,
    "arrow": columnar.read_arrow_stream,
    "stata": stata.read_stream,
    "dbase": dbase.read_stream,  # a block of records at a time
    "spss": spss_sas.read_stream,
    "sas": spss_sas.read_stream,
}

# Types that are containers (walked by ingest) or legitimately hold nothing to read.
CONTAINERS = frozenset({"zip", "tar", "gzip", "bzip2", "xz", "7z", "empty"})


def reader_for(kind: str) -> ReadFn | None:
    return READERS.get(kind)


def stream_reader_for(kind: str) -> StreamFn | None:
    return STREAM_READERS.get(kind)
