"""JSON that is not FHIR (exports, JSON-lines logs): one record per object, fields as labels."""

from __future__ import annotations

import io
import json

from breachdesk.readers import json_doc
from breachdesk.readers.base import Record
from breachdesk.readers.registry import reader_for, stream_reader_for

EXPORT = {
    "exported": "2024-05-30",
    "results": [
        {
            "patient": {"firstName": "Grace", "lastName": "OKAFOR", "dateOfBirth": "1962-01-12"},
            "tests": [{"code": "PSA", "value": 14.2}, {"code": "CA-125", "value": None}],
            "flags": ["H", "urgent"],
            "requested_by": {"name": "Dr Helen Brooks"},
        },
        {"patient": {"NHS": "4274295745", "dob": "02/11/1975"}, "seen": True},
    ],
}


def _texts(data: bytes) -> list[tuple[str, str]]:
    return [(r.locator, r.text) for r in json_doc.read(data, "x.json") if isinstance(r, Record)]


def test_each_object_of_the_outermost_list_is_a_record() -> None:
    assert _texts(json.dumps(EXPORT).encode()) == [
        ("root", "exported: 2024-05-30"),
        (
            "item:1",
            "flags: H, urgent\n"
            "patient: first name: Grace; last name: OKAFOR; date of birth: 1962-01-12\n"
            "tests: code: PSA; value: 14.2\n"
            "tests: code: CA-125\n"
            "requested by: name: Dr Helen Brooks",
        ),
        ("item:2", "seen: true\npatient: NHS: 4274295745; dob: 02/11/1975"),
    ]


def test_a_top_level_list_and_a_lone_object() -> None:
    assert _texts(b'[{"a": 1}, {"b": "x"}]') == [("item:1", "a: 1"), ("item:2", "b: x")]
    assert _texts(b'{"name": "SMITH, John", "tests": ["HIV", "HCV"]}') == [
        ("root", "name: SMITH, John; tests: HIV, HCV")
    ]


def test_json_lines_with_other_lines_between() -> None:
    data = (
        b'{"level": "INFO", "patient": {"name": "SMITH, John"}}\n'
        b"plain text line\n"
        b"more text\n"
        b"\n"
        b'{"msg": "heartbeat"}\n'
        b"[1, 2]\n"
    )
    expected = [
        ("line:1", "level: INFO\npatient: name: SMITH, John"),
        ("line:2", "plain text line\nmore text"),
        ("line:5", "msg: heartbeat"),
        ("line:6", "1, 2"),
    ]
    assert _texts(data) == expected
    streamed = json_doc.read_stream(io.BytesIO(data), "x.json")
    assert [(r.locator, r.text) for r in streamed if isinstance(r, Record)] == expected


def test_truncated_export_is_read_as_text() -> None:
    data = b'{"results": [\n  {"name": "SMITH, John", "dob": "1980-02-01"},\n  {"name": "JO'
    assert _texts(data) == [("line:1", data.decode())]


def test_rows_written_as_lists_take_their_column_names() -> None:
    data = {
        "columns": ["Surname", "Forename", "DOB"],
        "index": [0, 1],
        "data": [["SMITH", "John", "1980-02-01"], ["JONES", "Mary"]],
    }
    assert _texts(json.dumps(data).encode()) == [
        ("root", "columns: Surname, Forename, DOB; index: 0, 1"),
        ("item:1", "surname: SMITH; forename: John; DOB: 1980-02-01"),
        ("item:2", "JONES, Mary"),  # a row of another length is read as its values
    ]


def test_a_huge_object_is_cut_into_records_of_bounded_size() -> None:
    data = json.dumps({"run": {"steps": [{"n": i} for i in range(json_doc.MAX_RECORD_LINES + 5)]}})
    records = _texts(data.encode())
    assert [(loc, len(t.split("\n"))) for loc, t in records][:2] == [("item:1", 1), ("item:2", 1)]
    one = json.dumps([{"tests": [{"n": i} for i in range(json_doc.MAX_RECORD_LINES + 5)]}])
    records = _texts(one.encode())
    assert [(loc, len(t.split("\n"))) for loc, t in records] == [
        ("item:1", json_doc.MAX_RECORD_LINES),
        ("item:1", 5),
    ]


def test_registered_for_json() -> None:
    assert reader_for("json") is json_doc.read
    assert stream_reader_for("json") is json_doc.read_stream
