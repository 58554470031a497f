"""Reports carried inside messages: an HL7 v2 OBX of type ED (base64, hex or text; under TX or
RP too; broken with escapes or line ends; split over several OBX) and FHIR attachments
(DiagnosticReport.presentedForm, DocumentReference.content, Binary), read as files of their
own type, located where they were carried; a part that cannot be read says why, and its message
is still read."""

from __future__ import annotations

import base64
import contextlib
import io
import json
from typing import Any

import pytest
from fpdf import FPDF
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from breachdesk.ingest.limits import LimitExceeded, Limits
from breachdesk.ingest.walk import Entry
from breachdesk.readers import embedded, fhir, fhir_xml, hl7v2
from breachdesk.readers.base import Item, Nested, ReaderError, Record
from breachdesk.scan import stage

A, B = "4557660932", "4274295745"  # valid NHS numbers, invented
FIELDS = ("locator", "nhs_number", "family_name", "given_name", "date_of_birth", "tests")
NHS = "https://fhir.nhs.uk/Id/nhs-number"
MSH = "MSH|^~\\&|WINPATH|RJ1|GPSYS|G85001|20240601101500||ORU^R01|MSG1|P|2.4\r"
PID = f"PID|1||{A}^^^NHS^NH||OKAFOR^Grace||19620112|F\r"
OBR = "OBR|1||S1|VIRO^Virology report^L\r"
REPORT = (
    "Patient: OKAFOR, Grace",
    "DOB: 12/01/1962",
    f"NHS number: {A}",
    "HIV 1+2 antibody/antigen: Reactive",
)
UNNAMED = ("CUMULATIVE VIROLOGY REPORT", "Hepatitis C antibody: Reactive")


def _pdf(lines: tuple[str, ...] = REPORT) -> bytes:
    doc = FPDF()
    doc.add_page()
    doc.set_font("Helvetica", size=11)
    for line in lines:
        doc.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())


PDF = _pdf()  # (fpdf stamps the time: one copy, to compare bytes with)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _scan(data: bytes, kind: str, name: str = "message") -> list[tuple[Any, ...]]:
    """Person-records of one file through the scan stage's per-file call: ``FIELDS``, sorted."""
    entry = Entry(path=name, parent=None, depth=0, size=len(data), type=kind, data=data)
    rows: list[tuple[Any, ...]] = []
    for records, _ in stage._scan_file(entry, 1, Limits()):
        rows += [tuple(r[f] for f in FIELDS) for r in records.select(list(FIELDS)).to_pylist()]
    return sorted(rows, key=str)


def _nested(items: list[Item]) -> list[tuple[str, bytes]]:
    return [(i.locator, i.data) for i in items if isinstance(i, Nested)]


def _problems(items: list[Item]) -> list[tuple[str, str, str]]:
    return [
        (i.locator, i.fields["status"][0], i.fields["reason"][0])
        for i in items
        if isinstance(i, Record) and i.schema == embedded.PROBLEM
    ]


GRACE = ("message:1", A, "OKAFOR", "Grace", "1962-01-12", None)


def test_hl7_ed_pdf_is_read_as_a_file_of_its_own() -> None:
    pdf = PDF
    message = MSH + PID + OBR + f"OBX|1|ED|PDF^Report^L||^application^pdf^Base64^{_b64(pdf)}|\r"
    items = list(hl7v2.read(message.encode(), "m.hl7"))
    (record,) = [i for i in items if isinstance(i, Record)]
    assert record.locator == "message:1"
    # The OBX keeps its header, not a copy of the data.
    assert record.fields["OBX-5"] == ["^application^pdf^Base64^"]
    assert _nested(items) == [("message:1!OBX:1", pdf)]
    assert [i.name for i in items if isinstance(i, Nested)] == ["message-1-OBX-1.pdf"]
    assert _scan(message.encode(), "hl7") == [
        ("message:1!OBX:1!page:1!line:1", A, "OKAFOR", "Grace", "1962-01-12", "HIVAGAB"),
        GRACE,
    ]


TEXT = "\n".join(REPORT).encode()
BR, CRLF = "\\.br\\", "\\X0D0A\\"  # HL7's line break, and CR LF in hex escapes


def _chunks(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def _pieces_apart(data: bytes, size: int) -> list[str]:
    """Each piece of ``data`` encoded on its own (padding inside the joined text)."""
    return [_b64(data[i : i + size]) for i in range(0, len(data), size)]


@pytest.mark.parametrize(
    ("obx", "carried"),
    [
        # The standard form, plain text: source^type^subtype^encoding^data.
        ([f"OBX|1|ED|RPT^Report||LAB^TEXT^^Base64^{_b64(TEXT)}|"], TEXT),
        # No source component; the base64 broken every 76 characters with HL7's line break.
        (
            [f"OBX|1|ED|RPT^Report||AP^PDF^BASE64^{BR.join(_chunks(_b64(PDF), 76))}|"],
            PDF,
        ),
        # Broken with hex escapes of CR LF.
        (
            [f"OBX|1|ED|RPT||^TEXT^PLAIN^Base64^{CRLF.join(_chunks(_b64(TEXT), 60))}|"],
            TEXT,
        ),
        # Over three OBX: the header on the first, bare data after under the same code.
        (
            [
                f"OBX|{n}|ED|PDF^Report||{'^application^pdf^Base64^' if n == 1 else ''}{c}|"
                for n, c in enumerate(_chunks(_b64(PDF), 400), start=1)
            ],
            PDF,
        ),
        # The header repeated on each piece, each piece encoded apart.
        (
            [
                f"OBX|{n}|ED|PDF^Report|{n}|^application^pdf^Base64^{c}|"
                for n, c in enumerate(_pieces_apart(PDF, 301), start=1)
            ],
            PDF,
        ),
        # A PDF's base64 sent as text, with no header at all; and broken with line breaks.
        ([f"OBX|1|TX|PDF^Report||{_b64(PDF)}|"], PDF),
        ([f"OBX|1|TX|PDF^Report||{BR.join(_chunks(_b64(PDF), 64))}|"], PDF),
        # Under a reference pointer's type.
        ([f"OBX|1|RP|PDF^Report||^AP^PDF^Base64^{_b64(PDF)}|"], PDF),
        # Hex.
        ([f"OBX|1|ED|RPT||^TEXT^^Hex^{TEXT.hex().upper()}|"], TEXT),
        # ASCII text, with HL7's escapes read.
        (
            ["OBX|1|ED|RPT||^TEXT^HTML^A^<p>HIV 1+2 antibody/antigen\\F\\ Reactive</p>|"],
            b"<p>HIV 1+2 antibody/antigen| Reactive</p>",
        ),
    ],
    ids=[
        "text",
        "no-source-br",
        "hex-escaped-breaks",
        "three-obx",
        "header-repeated-apart",
        "tx-bare",
        "tx-br",
        "rp",
        "hex",
        "ascii",
    ],
)
def test_hl7_document_variants(obx: list[str], carried: bytes) -> None:
    message = MSH + PID + OBR + "\r".join(obx) + "\rNTE|1||Copy to GP\r"
    items = list(hl7v2.read(message.encode(), "m.hl7"))
    assert _nested(items) == [("message:1!OBX:1", carried)]
    assert _problems(items) == []
    (record,) = [i for i in items if isinstance(i, Record)]
    assert record.fields["PID-3"] == [f"{A}^^^NHS^NH"]
    assert record.text == " Copy to GP"


def test_hl7_base64_broken_by_real_line_ends_and_framed() -> None:
    """A sender that wrapped the base64 at 76 characters with CR LF inside the field, in an
    MLLP frame: the bare lines continue the OBX; the segments after are read as segments."""
    pdf = PDF
    wrapped = "\r\n".join(_chunks(_b64(pdf), 76))
    message = (
        "\x0b"
        + MSH
        + PID
        + OBR
        + f"OBX|1|ED|PDF^Report||^application^pdf^Base64^{wrapped}|||||F\r"
        + "OBX|2|ST|HIV^HIV 1+2 Ab/Ag^L||Reactive\r\x1c\r"
    )
    items = list(hl7v2.read(message.encode(), "m.hl7"))
    assert _nested(items) == [("message:1!OBX:1", pdf)]
    (record,) = [i for i in items if isinstance(i, Record)]
    assert record.fields["OBX-3"] == ["PDF^Report", "HIV^HIV 1+2 Ab/Ag^L"]
    assert record.fields["OBX-5"] == ["^application^pdf^Base64^", "Reactive"]


def test_hl7_custom_separators_and_second_patient() -> None:
    """Separators from MSH (``#`` and ``$``): the document's header is cut at them; a message of
    two patients locates each document under its patient's record, its OBX counted in the
    message."""
    one = _pdf(UNNAMED)
    two = _pdf(("HbA1c 48 mmol/mol",))
    message = (
        "MSH#$~\\&#LAB#RJ2#GP#Y00001#20240601##ORU$R01#1#P#2.3\r"
        f"PID#1##{A}$$$NHS$NH##OKAFOR$Grace##19620112\r"
        f"OBX#1#ED#PDF$Report##$application$pdf$Base64${_b64(one)}#\r"
        f"PID#2##{B}$$$NHS$NH##NOWAK$Tomasz##19751102\r"
        "OBX#1#ST#HBA1C$HbA1c##48#\r"
        f"OBX#2#ED#PDF$Report##$application$pdf$Base64${_b64(two)}#\r"
    )
    items = list(hl7v2.read(message.encode(), "m.hl7"))
    assert [(i.locator, type(i).__name__) for i in items] == [
        ("message:1", "Record"),
        ("message:1!OBX:1", "Nested"),
        ("message:1!patient:2", "Record"),
        ("message:1!patient:2!OBX:3", "Nested"),
    ]
    assert _nested(items) == [("message:1!OBX:1", one), ("message:1!patient:2!OBX:3", two)]
    second = items[2]
    assert isinstance(second, Record)
    assert second.fields["OBX-5"] == ["48", "^application^pdf^Base64^"]


def test_hl7_embedded_text_report_names_its_people() -> None:
    """A text report is read as a text file: the people it names, with its tests."""
    letter = "\n".join([*REPORT[:3], "Hepatitis B surface antigen: Detected"]).encode()
    message = MSH + PID + OBR + f"OBX|1|ED|RPT^Report||^TEXT^PLAIN^Base64^{_b64(letter)}|\r"
    assert _scan(message.encode(), "hl7") == [
        ("message:1!OBX:1!line:1", A, "OKAFOR", "Grace", "1962-01-12", "HBSAG"),
        GRACE,
    ]


@pytest.mark.parametrize(
    ("value", "status", "reason"),
    [
        (
            "^application^pdf^Base64^JVBERi0xLjQK!!not base64!!",
            "unreadable",
            "embedded document: bad base64 (not base64 characters)",
        ),
        ("^application^pdf^Base64^JVBERi0xL", "unreadable", "bad base64 (truncated data)"),
        (
            f"^application^pdf^Base64^{_b64(PDF[:400])}",
            "unreadable",
            "embedded document is a damaged or truncated PDF",
        ),
        (
            f"^application^octet-stream^Base64^{_b64(bytes(range(256)) * 4)}",
            "unreadable",
            "embedded document of unknown content (bin)",
        ),
        ("^TEXT^^Hex^4E4F5G", "unreadable", "embedded document: bad hex data"),
    ],
    ids=["bad-base64", "cut-base64", "truncated-pdf", "unknown-content", "bad-hex"],
)
def test_hl7_unreadable_document_says_why_and_its_message_is_read(
    value: str, status: str, reason: str
) -> None:
    message = MSH + PID + OBR + f"OBX|1|ED|PDF^Report||{value}|\r"
    items = list(hl7v2.read(message.encode(), "m.hl7"))
    (problem,) = _problems(items)
    assert problem[:2] == ("message:1!OBX:1", status)
    assert reason in problem[2]
    assert _nested(items) == []
    assert _scan(message.encode(), "hl7") == [GRACE]


def test_hl7_pdf_cut_anywhere_leaves_its_message_read() -> None:
    """A PDF cut short at any point (a dump's truncated copy) is read as far as PDFium can, or
    said to be damaged: the message's patient is found either way."""
    for cut in range(len(PDF) // 40, len(PDF), len(PDF) // 40):
        carried = _b64(PDF[:cut])
        message = MSH + PID + f"OBX|1|ED|PDF^Report||^application^pdf^Base64^{carried}|\r"
        items = list(hl7v2.read(message.encode(), "m.hl7"))
        assert len(_problems(items)) + len(_nested(items)) == 1
        assert GRACE in _scan(message.encode(), "hl7")


def test_hl7_document_over_the_limit_is_too_large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded, "MAX_BYTES", 1000)
    pieces = [f"OBX|{n}|ED|PDF||{c}|" for n, c in enumerate(_chunks(_b64(PDF), 200), start=1)]
    pieces[0] = pieces[0].replace("||JVB", "||^AP^PDF^Base64^JVB")
    items = list(hl7v2.read((MSH + PID + "\r".join(pieces)).encode(), "m.hl7"))
    assert _problems(items) == [
        ("message:1!OBX:1", "too_large", "embedded document over 1000 bytes")
    ]


def test_hl7_values_that_carry_no_document() -> None:
    """A long token, a file path under RP, a text report line: nothing to decode."""
    message = (
        MSH
        + PID
        + "OBX|1|RP|PDF^Report||\\\\lab-srv\\reports\\2024\\06\\S1.pdf^AP^PDF|\r"
        + f"OBX|2|ST|HASH||{'A1B2C3D4' * 10}|\r"
        + "OBX|3|TX|VIRO||Hepatitis C antibody: Reactive. Please repeat in 3 months.|\r"
    )
    items = list(hl7v2.read(message.encode(), "m.hl7"))
    assert [type(i).__name__ for i in items] == ["Record"]


def test_hl7_without_documents_pays_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A message with no ED value and no long unspaced one never reaches the collector, and
    reads exactly as the plain message reader reads it."""

    def refuse(*args: object) -> bool:
        raise AssertionError("looked for a document")

    monkeypatch.setattr(embedded.Hl7Documents, "obx", refuse)
    message = (
        MSH + PID + OBR + "OBX|1|ST|HIV^HIV 1+2 Ab/Ag^L||Reactive\r"
        "OBX|2|TX|VIRO||Hepatitis C antibody: Reactive, see comment\r"
    )
    assert list(hl7v2.read(message.encode(), "m.hl7")) == list(hl7v2.messages([message]))


# -- FHIR ---------------------------------------------------------------------------------


RTF = b"{\\rtf1\\ansi Patient: NOWAK, Tomasz\\par DOB: 02/11/1975\\par Hep C antibody: Reactive}"
HTML = (
    b"<html><body><p>Patient: NOWAK, Tomasz</p><p>DOB: 02/11/1975</p>"
    b"<p>HbA1c 48 mmol/mol</p></body></html>"
)


def _bundle() -> dict[str, Any]:
    patient = {
        "resourceType": "Patient",
        "id": "p1",
        "identifier": [{"system": NHS, "value": A}],
        "name": [{"family": "Okafor", "given": ["Grace"]}],
        "birthDate": "1962-01-12",
    }
    report = {
        "resourceType": "DiagnosticReport",
        "id": "r1",
        "subject": {"reference": "Patient/p1"},
        "code": {"text": "Virology report"},
        "presentedForm": [
            {"contentType": "application/pdf", "data": _b64(PDF)},
            {"contentType": "text/plain", "data": _b64(TEXT)},
        ],
    }
    document = {
        "resourceType": "DocumentReference",
        "id": "d1",
        "subject": {"reference": "Patient/p1"},
        "content": [
            {"attachment": {"contentType": "text/html", "data": _b64(HTML)}},
            {"attachment": {"contentType": "application/pdf", "url": "Binary/b1"}},
        ],
    }
    binary = {"resourceType": "Binary", "id": "b1", "contentType": "application/rtf"}
    binary["data"] = _b64(RTF)
    observation = {
        "resourceType": "Observation",
        "id": "o1",
        "subject": {"reference": "Patient/p1"},
        "code": {"text": "ECG trace"},
        "valueSampledData": {"origin": {"value": 0}, "dimensions": 1, "data": "1 2 3 E"},
    }
    entries: list[dict[str, Any]] = [patient, report, document, binary, observation]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in entries],
    }


CARRIED = [
    ("entry:2!presentedForm:0", PDF),
    ("entry:2!presentedForm:1", TEXT),
    ("entry:3!content:0!attachment", HTML),
    ("entry:4!data", RTF),
]
FOUND_IN_BUNDLE = [
    ("entry:1", A, "Okafor", "Grace", "1962-01-12", None),
    ("entry:2!presentedForm:0!page:1!line:1", A, "OKAFOR", "Grace", "1962-01-12", "HIVAGAB"),
    ("entry:2!presentedForm:1!line:1", A, "OKAFOR", "Grace", "1962-01-12", "HIVAGAB"),
    ("entry:3!content:0!attachment!line:2", None, "NOWAK", "Tomasz", "1975-11-02", "HBA1C"),
    ("entry:4!data!line:1", None, "NOWAK", "Tomasz", "1975-11-02", "HCVAB"),
]


def test_fhir_json_attachments_are_read_as_files() -> None:
    data = json.dumps(_bundle()).encode()
    items = list(fhir.read(data, "bundle.json"))
    assert _nested(items) == CARRIED
    assert [i.name for i in items if isinstance(i, Nested)] == [
        "entry-2-presentedForm-0.pdf",
        "entry-2-presentedForm-1.txt",
        "entry-3-content-0-attachment.html",
        "entry-4-data.rtf",
    ]
    assert _scan(data, "fhir_json") == FOUND_IN_BUNDLE


def _xml(value: Any, name: str) -> str:
    """FHIR JSON written in FHIR's XML form (primitives as ``value`` attributes)."""
    if isinstance(value, list):
        return "".join(_xml(v, name) for v in value)
    if isinstance(value, dict):
        if "resourceType" in value:
            kind = value["resourceType"]
            inner = "".join(_xml(v, k) for k, v in value.items() if k != "resourceType")
            body = f"<{kind}>{inner}</{kind}>"
            return f"<{name}>{body}</{name}>" if name else body
        return f"<{name}>{''.join(_xml(v, k) for k, v in value.items())}</{name}>"
    return f'<{name} value="{value}"/>'


def _fhir_xml(bundle: dict[str, Any]) -> str:
    body = _xml(bundle, "").replace("<Bundle>", '<Bundle xmlns="http://hl7.org/fhir">', 1)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body


def test_fhir_xml_attachments_are_read_as_files() -> None:
    data = _fhir_xml(_bundle()).encode()
    items = list(fhir_xml.read(data, "bundle.xml"))
    assert _nested(items) == CARRIED
    assert _scan(data, "fhir_xml") == FOUND_IN_BUNDLE


def test_fhir_ndjson_stream_and_a_bad_attachment() -> None:
    """A bulk export's Binary lines, read as a stream: the good one read, the bad one a
    problem at its entry, the Patient still a record."""
    lines = [
        {"resourceType": "Patient", "id": "p1", "identifier": [{"system": NHS, "value": B}]},
        {"resourceType": "Binary", "id": "b1", "contentType": "text/plain", "data": _b64(TEXT)},
        {"resourceType": "Binary", "id": "b2", "contentType": "application/pdf", "data": "%%%"},
    ]
    text = "\n".join(json.dumps(line) for line in lines).encode()
    items = list(fhir.read_stream(io.BytesIO(text), "Binary.ndjson"))
    assert [i.locator for i in items if isinstance(i, Record) and i.schema == "fhir"] == ["entry:1"]
    assert _nested(items) == [("entry:2!data", TEXT)]
    assert _problems(items) == [
        ("entry:3!data", "unreadable", "embedded document: bad base64 (not base64 characters)")
    ]


def test_fhir_without_attachments_is_not_walked(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(resources: object) -> Any:
        raise AssertionError("walked for attachments")

    monkeypatch.setattr(embedded, "fhir_documents", refuse)
    bundle = _bundle()
    bundle["entry"] = bundle["entry"][:1]
    items = list(fhir.read(json.dumps(bundle).encode(), "bundle.json"))
    assert [(i.locator, i.schema) for i in items if isinstance(i, Record)] == [
        ("entry:1", "fhir"),
        ("", fhir.LINKS),
    ]
    assert len(items) == 2


# -- whose an unnamed report is ------------------------------------------------------------


@pytest.mark.parametrize("kind", ["hl7", "fhir_json", "fhir_xml"])
def test_unnamed_report_is_the_messages_patients_with_the_stage_change(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A report naming no one, carried in a message of one patient: once the scan stage keeps a
    message's unnamed parts as it keeps a document's (the ``scan/stage.py`` change this round
    asks for, made here by the monkeypatch), its tests are that patient's, each with where it
    was found."""
    pdf = _pdf(UNNAMED)
    if kind == "hl7":
        data = (MSH + PID + f"OBX|1|ED|PDF^Report||^application^pdf^Base64^{_b64(pdf)}|\r").encode()
        where = "message:1!OBX:1!page:1!line:1"
    else:
        bundle = _bundle()
        bundle["entry"][1]["resource"]["presentedForm"] = [
            {"contentType": "application/pdf", "data": _b64(pdf)}
        ]
        bundle["entry"] = bundle["entry"][:2]
        text = json.dumps(bundle) if kind == "fhir_json" else _fhir_xml(bundle)
        data = text.encode()
        where = "entry:2!presentedForm:0!page:1!line:1"
    monkeypatch.setattr(stage, "DOCUMENTS", stage.DOCUMENTS | {kind})
    entry = Entry(path="m", parent=None, depth=0, size=len(data), type=kind, data=data)
    ((records, mentions),) = list(stage._scan_file(entry, 1, Limits()))
    (row,) = records.to_pylist()
    assert (row["locator"], row["nhs_number"], row["tests"], row["sensitive"]) == (
        "message:1" if kind == "hl7" else "entry:1",
        A,
        "HCVAB",
        "hepatitis",
    )
    tests = [m for m in mentions.to_pylist() if m["rule"] == "report_of_person"]
    assert [(m["kind"], m["field"]) for m in tests] == [("test", where)]


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.data())
def test_damaged_carriers_never_raise_more_than_a_reader_may(data: st.DataObject) -> None:
    """Messages and bundles with the carried document's bytes flipped, cut or padded with junk:
    the readers raise at most ``ReaderError``, and the scan of the file at most a reader's or a
    limit's verdict."""
    cut = data.draw(st.integers(0, len(PDF)))
    junk = data.draw(st.binary(max_size=24))
    flip = data.draw(st.integers(0, len(PDF) - 1))
    damaged = bytearray(PDF[:cut] + junk + PDF[cut:])
    damaged[flip % len(damaged)] ^= 0x5A
    carried = _b64(bytes(damaged))
    wrap = data.draw(st.sampled_from(["", BR, "\r\n", "=", "~"]))
    carried = wrap.join(_chunks(carried, data.draw(st.integers(1, 400))))
    hl7 = (MSH + PID + f"OBX|1|ED|PDF||^application^pdf^Base64^{carried}|\r").encode()
    bundle = _bundle()
    bundle["entry"][1]["resource"]["presentedForm"] = [{"data": carried}]
    for kind, file in (("hl7", hl7), ("fhir_json", json.dumps(bundle).encode())):
        with contextlib.suppress(ReaderError, LimitExceeded):
            assert _scan(file, kind)
