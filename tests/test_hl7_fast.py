"""The fast HL7 v2 path gives what the plain one gave: the reader keeps, for every field the
detector reads, the values a full parse of every segment finds; the detector reads no field the
reader drops; ``rows_to_tables`` writes the values of each record exactly."""

from __future__ import annotations

import re

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from breachdesk.detect import dates, hl7
from breachdesk.detect.records import MENTION_SCHEMA, SCHEMA, PersonRecord, rows_to_tables
from breachdesk.readers import hl7v2
from breachdesk.readers.base import ReaderError, Record

NHS = "4010232137"


def _segment(kind: str, fields: dict[int, str], sep: str = "|") -> str:
    return sep.join([kind, *(fields.get(i, "") for i in range(1, max(fields) + 1))]) + "\r"


MESSAGE = (
    "MSH|^~\\&|WINPATH|RJ1|GPSYS|G85001|20240601101500||ORU^R01|MSG1|P|2.4\r"
    + _segment(
        "PID",
        {
            1: "1",
            2: "P123^^^RJ1^PI",
            3: f"{NHS}^^^NHS^NH~H1234567^^^RJ1^MR",
            4: "X9^^^RJ1^HN",
            5: "SMITH^John^^^MR",
            7: "19800201",
            8: "M",
            11: "1 High St^^London^^SE15 4AB",
            13: "020 7946 0000",
            14: "a@b.example",
        },
    )
    + _segment("PV1", {1: "1", 2: "O", 3: "G85001^^^RJ1"})
    + _segment(
        "ORC", {1: "RE", 12: "C1234567^KHAN^AMIR^^^DR^^^RJ1", 17: "RJ1", 21: "Lab^^^^^^^^^G85001"}
    )
    + _segment("OBR", {1: "1", 3: "S123", 4: "HIVAGAB^HIV 1+2 Ag/Ab^L", 16: "C1^KHAN^^^^^^^RJ2"})
    + _segment("OBX", {1: "1", 2: "ST", 3: "HIVAGAB^HIV 1+2 Ag/Ab^L", 5: "Not detected"})
    + "NTE|1||Repeat FBC in 3 months\r"
    + "MSH#$%\\&#LAB#RJ2#GP#Y00001#20240601\r"
    + "PID#1##4010232137$$$NHS$NH##JONES$Ann%Jo~|^##19700101\r"
)
_SEGMENT = re.compile(r"^[A-Z][A-Z0-9]{2}$")
_BREAKS = re.compile(r"[\r\n\x0b\x1c]+")


def _full_parse(text: str) -> list[tuple[str, str, dict[str, list[str]]]]:
    """Every field of every segment, as the reader built them before it kept only ``FIELDS``:
    (locator, text, fields) per message."""
    out: list[tuple[str, str, dict[str, list[str]]]] = []
    sep, comp, rep = "|", "^", "~"
    messages = pids = 0
    header: list[str] | None = None

    def norm(value: str) -> str:
        # Character by character, the plainest reading of the encoding rules.
        out = []
        for char in value:
            if char == comp:
                out.append("^")
            elif char == rep:
                out.append("~")
            elif char == "^":
                out.append("\\S\\")
            elif char == "~":
                out.append("\\R\\")
            else:
                out.append(char)
        return "".join(out)

    for seg in _BREAKS.split(text):
        seg = seg.strip("\x0b\x1c ")
        if len(seg) < 4 or not _SEGMENT.match(seg[:3]):
            continue
        kind = seg[:3]
        if kind == "MSH":
            sep, enc = seg[3], seg[4:8]
            comp = enc[0] if enc else "^"
            rep = enc[1] if len(enc) > 1 else "~"
            fields: dict[str, list[str]] = {"MSH-1": [sep]}
            for i, value in enumerate(seg.split(sep)[1:], start=2):
                if value:
                    fields.setdefault(f"MSH-{i}", []).append(value if i == 2 else norm(value))
            messages += 1
            pids = 0
            header = fields.get("MSH-6")
            out.append((f"message:{messages}", "", fields))
            continue
        if not out or kind in {"FHS", "BHS", "BTS", "FTS"}:
            continue
        if kind == "PID":  # each patient of a message is a record of its own
            pids += 1
            if pids > 1:
                out.append(
                    (f"message:{messages}!patient:{pids}", "", {"MSH-6": header} if header else {})
                )
        locator, note, fields = out[-1]
        parts = seg.split(sep)
        for i in range(1, len(parts)):
            if parts[i]:
                fields.setdefault(f"{kind}-{i}", []).append(norm(parts[i]))
        if kind == "NTE" and len(parts) > 3:
            out[-1] = (locator, note + " " + parts[3], fields)
        if kind == "OBR" and len(parts) > 13 and parts[13]:  # the clinical details
            out[-1] = (locator, note + " " + parts[13], fields)
    return out


def _kept(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    wanted = {f"{kind}-{i}" for kind, places in hl7v2.FIELDS.items() for i in places}
    return {name: values for name, values in fields.items() if name in wanted}


def _read(text: str) -> list[tuple[str, str, dict[str, list[str]]]] | None:
    try:
        return [(r.locator, r.text, r.fields) for r in hl7v2.read(text.encode(), "x.hl7")]  # type: ignore[union-attr]
    except ReaderError:
        return None


def test_reader_keeps_exactly_the_detector_fields() -> None:
    (first, second) = _read(MESSAGE) or []
    assert first[:2] == ("message:1", " Repeat FBC in 3 months")
    assert first[2] == {
        "MSH-6": ["G85001"],
        "PID-2": ["P123^^^RJ1^PI"],
        "PID-3": [f"{NHS}^^^NHS^NH~H1234567^^^RJ1^MR"],
        "PID-4": ["X9^^^RJ1^HN"],
        "PID-5": ["SMITH^John^^^MR"],
        "PID-7": ["19800201"],
        "PID-8": ["M"],
        "PID-11": ["1 High St^^London^^SE15 4AB"],
        "PID-13": ["020 7946 0000"],
        "PID-14": ["a@b.example"],
        "PV1-3": ["G85001^^^RJ1"],
        "ORC-12": ["C1234567^KHAN^AMIR^^^DR^^^RJ1"],
        "ORC-17": ["RJ1"],
        "ORC-21": ["Lab^^^^^^^^^G85001"],
        "OBR-4": ["HIVAGAB^HIV 1+2 Ag/Ab^L"],
        "OBR-16": ["C1^KHAN^^^^^^^RJ2"],
        "OBX-3": ["HIVAGAB^HIV 1+2 Ag/Ab^L"],
        "OBX-5": ["Not detected"],
    }
    # Its own separators (# $), normalised; a literal ^ or ~ escaped as HL7 writes them.
    assert second == (
        "message:2",
        "",
        {
            "MSH-6": ["Y00001"],
            "PID-3": ["4010232137^^^NHS^NH"],
            "PID-5": ["JONES^Ann~Jo\\R\\|\\S\\"],
            "PID-7": ["19700101"],
        },
    )
    assert [(loc, note, _kept(f)) for loc, note, f in _full_parse(MESSAGE)] == [first, second]


@pytest.mark.parametrize(
    ("encoding", "name", "expected"),
    [
        # A custom component separator with the standard repetition separator: repetitions
        # stay repetitions (they came out escaped as \R\ before).
        ("$~\\&", "SMITH$John~SMYTH$Jon^X", "SMITH^John~SMYTH^Jon\\S\\X"),
        # The standard component separator with a custom repetition separator.
        ("^%\\&", "SMITH^John%SMYTH^Jon~X", "SMITH^John~SMYTH^Jon\\R\\X"),
        # The two swapped.
        ("~^\\&", "SMITH~John^SMYTH~Jon", "SMITH^John~SMYTH^Jon"),
    ],
)
def test_separators_normalised_in_one_mapping(encoding: str, name: str, expected: str) -> None:
    message = f"MSH|{encoding}|LAB|RJ1|GP|Y00001|20240601\rPID|1||4010232137||{name}\r"
    (record,) = hl7v2.read(message.encode(), "x.hl7")
    assert isinstance(record, Record)
    assert record.fields["PID-5"] == [expected]


_JUNK = ["\r", "\n", "\x0b", "\x1c", " ", "|", "^", "~", "#", "$", "MSH|^~\\&|", "PID|", "NTE|1||x"]


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.data())
def test_reader_matches_a_full_parse_on_mangled_messages(data: st.DataObject) -> None:
    text = MESSAGE
    for _ in range(data.draw(st.integers(0, 8))):
        at = data.draw(st.integers(0, len(text)))
        if data.draw(st.booleans()):
            text = text[:at] + data.draw(st.sampled_from(_JUNK)) + text[at:]
        else:
            text = text[:at] + text[at + data.draw(st.integers(1, 30)) :]
    full = _full_parse(text)
    assert _read(text) == ([(loc, note, _kept(f)) for loc, note, f in full] if full else None)


class _Watched(dict[str, list[str]]):
    """Fields that note every name the detector asks for."""

    asked: set[str]

    def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> list[str]:
        self.asked.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.asked.add(str(key))
        return super().__contains__(key)


def test_detector_reads_only_fields_the_reader_keeps() -> None:
    (_, note, fields), _ = _full_parse(MESSAGE)
    watched = _Watched(fields)
    watched.asked = set()
    record = Record(locator="message:1", schema="hl7v2", text=note)
    record.fields = watched
    (person,) = hl7.person_from_message(record)
    kept = {f"{kind}-{i}" for kind, places in hl7v2.FIELDS.items() for i in places}
    assert watched.asked == kept
    # The full parse and the reader's fields give the same person.
    (message, _) = hl7v2.read(MESSAGE.encode(), "x.hl7")
    assert hl7.person_from_message(message) == [person]  # type: ignore[arg-type]
    assert person.values == {
        "nhs_number": NHS,
        "hospital_number": "H1234567",  # PID-3 before PID-2
        "family_name": "SMITH",
        "given_name": "John",
        "date_of_birth": "1980-02-01",
        "sex": "M",
        "postcode": "SE15 4AB",
    }
    assert person.tests == ["HIVAGAB", "FBC"]  # the NTE's "Repeat FBC": this patient's
    assert person.ods_codes == ["G85001", "RJ1", "RJ2"]
    assert person.exposed == {
        "name",
        "date_of_birth",
        "nhs_number",
        "hospital_number",
        "address",
        "postcode",
        "phone",
        "email",
        "test_description",
        "test_result",
    }
    assert [row[:2] for row in person.evidence] == [
        ("nhs_number", "PID-3"),
        ("name", "PID-5"),
        ("date_of_birth", "PID-7"),
        ("postcode", "PID-11"),
        ("test", "OBR-4"),
        ("test_result", "OBX-5"),
    ]


def test_birth_dates_read_as_the_general_parser_reads_them() -> None:
    assert hl7._birth("19800201") == "1980-02-01"
    assert hl7._birth("198002011230+0100") == "1980-02-01"
    assert hl7._birth("19800230") is None  # no 30 February, in either reading
    assert hl7._birth("") is None
    for raw in ["19800201", "20240229", "00000101", "1980-02-01", "01/02/1980", "19800231", "x"]:
        born = dates.parse(raw[:8])
        assert hl7._birth(raw) == (born.isoformat() if born else None)


def _person(locator: str, **values: str) -> PersonRecord:
    rec = PersonRecord(locator=locator, source="hl7v2")
    for name, value in values.items():
        rec.set(name, value, "name")
    return rec


def _flags(*exposed: str) -> dict[str, bool]:
    return {name: name[2:] in exposed for name in SCHEMA.names if name.startswith("e_")}


def test_rows_to_tables_writes_each_record_exactly() -> None:
    first = _person("message:1", family_name="SMITH", given_name="John", nhs_number=NHS)
    first.exposed = {"name", "nhs_number", "test_description"}
    first.tests = ["HIVAGAB", "FBC"]
    first.ods_codes = ["RJ1", "G85001"]
    first.evidence = [
        ("nhs_number", "PID-3", "hl7v2", "field", "pass"),
        ("name", "PID-5", "hl7v2", "field", ""),
    ]
    second = _person("line:4", postcode="SE15 4AB", sex="")
    second.source = "text"
    second.tests = ["FBC"]
    second.evidence = [("postcode", "chars:3-11", "text", "format", "")]
    records, mentions = rows_to_tables(9, [first, second], {"HIVAGAB": "hiv", "FBC": ""})
    assert records.schema == SCHEMA and mentions.schema == MENTION_SCHEMA
    empty = dict.fromkeys(SCHEMA.names[4:])
    assert records.to_pylist() == [
        {
            **empty,
            "record_id": "9:message:1#0",
            "file_id": 9,
            "locator": "message:1",
            "source": "hl7v2",
            "nhs_number": NHS,
            "family_name": "SMITH",
            "given_name": "John",
            "tests": "HIVAGAB;FBC",
            "sensitive": "hiv",
            "ods_codes": "RJ1;G85001",
            **_flags("name", "nhs_number", "test_description"),
        },
        {
            **empty,
            "record_id": "9:line:4#1",
            "file_id": 9,
            "locator": "line:4",
            "source": "text",
            "postcode": "SE15 4AB",
            "tests": "FBC",
            **_flags("name"),
        },
    ]
    assert mentions.to_pylist() == [
        {
            "record_id": "9:message:1#0",
            "file_id": 9,
            "locator": "message:1",
            "kind": "nhs_number",
            "field": "PID-3",
            "detector": "hl7v2",
            "rule": "field",
            "score": 1.0,
            "checksum": "pass",
        },
        {
            "record_id": "9:message:1#0",
            "file_id": 9,
            "locator": "message:1",
            "kind": "name",
            "field": "PID-5",
            "detector": "hl7v2",
            "rule": "field",
            "score": 1.0,
            "checksum": "",
        },
        {
            "record_id": "9:line:4#1",
            "file_id": 9,
            "locator": "line:4",
            "kind": "postcode",
            "field": "chars:3-11",
            "detector": "text",
            "rule": "format",
            "score": 1.0,
            "checksum": "",
        },
    ]


def test_rows_to_tables_without_records_or_evidence() -> None:
    records, mentions = rows_to_tables(3, [], {})
    assert records.equals(SCHEMA.empty_table())
    assert mentions.equals(MENTION_SCHEMA.empty_table())
    records, mentions = rows_to_tables(3, [_person("page:1", nhs_number=NHS)], {})
    assert records.column("nhs_number").to_pylist() == [NHS]
    assert mentions.num_rows == 0 and mentions.schema == MENTION_SCHEMA
    # No column carries a validity bitmap it does not need (the IPC bytes scan writes stay as
    # they were when every column came from a Python list).
    for table in (records, mentions):
        for column in table.columns:
            for chunk in column.chunks:
                assert chunk.null_count > 0 or chunk.buffers()[0] is None
    assert pa.Table.from_pylist(records.to_pylist(), schema=SCHEMA).equals(records)


def test_a_mangled_msh_naming_one_character_for_two_separators() -> None:
    # "MSH5001|...": the field separator "5", the component and repetition separators both "0"
    # (found by the mangling test above): the reader took the "0"s for repetitions, the
    # character-by-character reading for components.
    text = MESSAGE[:3] + MESSAGE[29:]
    assert text.startswith("MSH5001|")
    full = _full_parse(text)
    assert _read(text) == [(loc, note, _kept(f)) for loc, note, f in full]
