"""The one place that says which reader reads which sniffed type."""

from __future__ import annotations

from breachdesk.readers import (
    delimited,
    email_message,
    fhir,
    hl7v2,
    pdf,
    spreadsheet,
    sql_dump,
    text,
)
from breachdesk.readers.base import ReadFn

READERS: dict[str, ReadFn] = {
    "csv": delimited.read,
    "tsv": delimited.read,
    "psv": delimited.read,
    "hl7": hl7v2.read,
    "text": text.read,
    "log": text.read_lines,
    "sql": sql_dump.read,
    "json": text.read,
    "fhir_json": fhir.read,
    "html": text.read,
    "xml": text.read,
    "eml": email_message.read,
    "xlsx": spreadsheet.read,
    "pdf": pdf.read,
}

# Types that are containers (handled by ingest) or legitimately hold nothing to read.
CONTAINERS = frozenset({"zip", "empty"})


def reader_for(kind: str) -> ReadFn | None:
    return READERS.get(kind)
