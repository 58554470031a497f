"""Every format's reader, end to end through the detectors: the sample's patient is found."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile

import pyarrow as pa
import pytest

from breachdesk.detect.hl7 import sensitive_map
from breachdesk.detect.records import rows_to_tables
from breachdesk.detect.tables import records_from_table
from breachdesk.ingest.limits import Limits, TooLarge
from breachdesk.readers import fhir, ocr, sqlite, xml
from breachdesk.readers.base import Encrypted, ReaderError, Record, Table
from breachdesk.readers.registry import READERS, STREAM_READERS
from breachdesk.scan.stage import _items
from test_readers_samples import (
    NHS,
    SAMPLES,
    eml_bytes,
    fhir_bytes,
    json_lines_bytes,
    ndjson_bytes,
    pdf_bytes,
)


def _records(data: bytes, kind: str) -> pa.Table:
    """What the scan stage would record from one file of ``kind``."""
    people, tables = [], []
    for item in _items(data, kind, f"sample.{kind}", "", 0, Limits()):
        if isinstance(item, Table):
            tables.append(records_from_table(item, 1)[0])
        elif not isinstance(item, Record):  # a FHIR file's ids (joined across files later)
            people.append(item)
    tables.append(rows_to_tables(1, people, sensitive_map())[0])
    return pa.concat_tables(tables)


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_patient_found_in_every_format(kind: str) -> None:
    records = _records(SAMPLES[kind](), kind)
    assert NHS in records["nhs_number"].to_pylist(), kind
    found = [r for r in records.to_pylist() if r["nhs_number"] == NHS]
    assert found[0]["family_name"] == "SMITH"


@pytest.mark.parametrize("kind", sorted(STREAM_READERS))
def test_streamed_reading_matches_whole_reading(kind: str) -> None:
    # a single JSON document too big to hold is read as lines (see json_doc.read_stream)
    lines = {"fhir_json": ndjson_bytes, "json": json_lines_bytes}
    data = lines.get(kind, SAMPLES[kind])()
    whole = list(READERS[kind](data, "x"))
    streamed = list(STREAM_READERS[kind](io.BytesIO(data), "x"))
    assert len(whole) == len(streamed)
    for a, b in zip(whole, streamed, strict=True):
        if isinstance(a, Table):
            # Cells compared as lists: a reader may give a table's columns as lists or Arrow.
            assert isinstance(b, Table)
            assert (a.header, _listed(a.columns)) == (b.header, _listed(b.columns))
        else:
            assert type(a) is type(b)
            assert getattr(a, "fields", None) == getattr(b, "fields", None)


def _listed(columns: list[list[str]] | list[pa.Array]) -> list[list[str]]:
    return [c if isinstance(c, list) else c.to_pylist() for c in columns]


def test_ndjson_patients_carry_their_observations() -> None:
    record, links = fhir.read(ndjson_bytes(), "bulk.ndjson")
    assert record.fields["nhs_number"] == [NHS]  # type: ignore[union-attr]
    assert record.fields["test"] == ["HbA1c"]  # type: ignore[union-attr]
    # Every Patient's id, for the tests of another file of the folder that point at it.
    assert links.schema == fhir.LINKS  # type: ignore[union-attr]
    assert sorted(links.fields) == ["patient_entry", "patient_id"]  # type: ignore[union-attr]


def test_huge_single_json_document_is_too_large_as_a_stream() -> None:
    pretty = json.dumps(json.loads(fhir_bytes()), indent=2).encode()
    with pytest.raises(TooLarge):
        list(fhir.read_stream(io.BytesIO(pretty), "bundle.json"))


def test_xml_entity_bomb_is_not_expanded() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b"<lolz>&lol3; SMITH</lolz>"
    )
    text = " ".join(r.text for r in xml.read(bomb, "bomb.xml"))  # type: ignore[union-attr]
    assert "SMITH" in text and text.count("lol") < 50


def test_xml_records_keep_what_their_nested_elements_hold() -> None:
    export = (
        b'<?xml version="1.0"?><Export><Patients>'
        b'<Patient id="1"><Demographics><Surname>Okafor</Surname><NHS>4557660932</NHS>'
        b"</Demographics><Request><RequestedBy><Name>Dr H Brooks</Name></RequestedBy>"
        b'<Test code="HCVAB">Hepatitis C antibody</Test><Test code="LFT">LFT</Test></Request>'
        b'</Patient><Patient id="2"><Demographics><Surname>Nowak</Surname></Demographics>'
        b'<Request><Test code="PSA">PSA</Test></Request></Patient>'
        b"</Patients></Export>"
    )
    (table,) = xml.read(export, "export.xml")
    assert isinstance(table, Table) and table.prefix == "Patient!"
    assert dict(zip(table.header, table.columns, strict=True)) == {
        "id": ["1", "2"],
        "Demographics Surname": ["Okafor", "Nowak"],
        "Demographics NHS": ["4557660932", ""],
        "Request Test": ["Hepatitis C antibody; LFT", "PSA"],
        "RequestedBy Name": ["Dr H Brooks", ""],
        "Test code": ["HCVAB; LFT", "PSA"],
    }
    records, _ = records_from_table(table, file_id=1)
    (row,) = records.select(["locator", "family_name", "nhs_number", "sensitive"]).to_pylist()
    assert row == {
        "locator": "Patient!row:1",
        "family_name": "Okafor",
        "nhs_number": "4557660932",
        "sensitive": "hepatitis",
    }


def test_docx_with_entity_declarations_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]><d>&e;</d>',
        )
    with pytest.raises(ReaderError, match="refused XML"):
        list(READERS["docx"](buffer.getvalue(), "x.docx"))


def test_email_with_zipped_and_tarred_attachments_is_read_recursively() -> None:
    inner = io.BytesIO()
    with tarfile.open(fileobj=inner, mode="w:gz") as tf:
        data = SAMPLES["csv"]()
        info = tarfile.TarInfo("exports/list.csv")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bundle.tgz", inner.getvalue())
    records = _records(eml_bytes(outer.getvalue(), "results.zip"), "eml")
    located = [r["locator"] for r in records.to_pylist() if r["nhs_number"] == NHS]
    assert any("bundle.tgz!/exports/list.csv!row:1" in loc for loc in located), located


def test_pdf_statuses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "unavailable", lambda: "OCR needs Tesseract's English model")
    with pytest.raises(ReaderError) as caught:
        list(READERS["pdf"](pdf_bytes(text=False), "scan.pdf"))
    assert caught.value.status == "needs_ocr"
    with pytest.raises(ReaderError) as caught:
        list(READERS["pdf"](pdf_bytes()[:400], "cut.pdf"))
    assert caught.value.status == "unreadable"


def test_sqlite_that_is_not_a_database() -> None:
    with pytest.raises(Encrypted):
        list(sqlite.read(b"SQLite format 3\x00" + b"\x93" * 4000, "enc.db"))
