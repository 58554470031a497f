"""JSON that is not FHIR (exports, JSON-lines logs): one record per object, fields as labels."""

from __future__ import annotations

import io
import json

from breachdesk.readers import json_doc
from breachdesk.readers.base import Record, Table
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


def _tables(data: bytes) -> list[tuple[str, dict[str, list[str]]]]:
    return [
        (t.prefix, dict(zip(t.header, t.columns, strict=True)))  # type: ignore[arg-type]
        for t in json_doc.read(data, "x.json")
        if isinstance(t, Table)
    ]


def test_the_outermost_list_of_objects_is_a_table() -> None:
    data = json.dumps(EXPORT).encode()
    assert _texts(data) == [("root", "exported: 2024-05-30")]
    assert _tables(data) == [
        (
            "results!",
            {
                "first name": ["Grace", ""],
                "last name": ["OKAFOR", ""],
                "date of birth": ["1962-01-12", ""],
                "tests code": ["PSA; CA-125", ""],
                "value": ["14.2", ""],
                "flags": ["H; urgent", ""],
                "requested by name": ["Dr Helen Brooks", ""],
                "NHS": ["", "4274295745"],
                "dob": ["", "02/11/1975"],
                "seen": ["", "true"],
            },
        )
    ]


def test_a_key_under_two_parents_is_named_with_its_parent() -> None:
    rows = [
        {"tests": [{"name": "HIV"}], "requestedBy": {"name": "Dr A"}},
        {"tests": [{"name": "PSA"}]},
    ]
    assert _tables(json.dumps(rows).encode()) == [
        ("", {"tests name": ["HIV", "PSA"], "requested by name": ["Dr A", ""]})
    ]


def test_a_lone_object_is_one_record() -> None:
    assert _texts(b'{"name": "SMITH, John", "tests": ["HIV", "HCV"]}') == [
        ("root", "name: SMITH, John; tests: HIV, HCV")
    ]
    assert _tables(b'{"name": "SMITH, John"}') == []


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
        ("root", "columns: Surname, Forename, DOB; index: 0, 1")
    ]
    assert _tables(json.dumps(data).encode()) == [
        (
            "data!",
            {
                "surname": ["SMITH", ""],
                "forename": ["John", ""],
                "DOB": ["1980-02-01", ""],
                "value": ["", "JONES; Mary"],  # a row of another length is read as its values
            },
        )
    ]


def test_a_huge_record_is_cut_into_records_of_bounded_size() -> None:
    data = {f"k{i}": {"n": i} for i in range(json_doc.MAX_RECORD_LINES + 5)}
    records = _texts(json.dumps(data).encode())
    assert [(loc, len(t.split("\n"))) for loc, t in records] == [
        ("root", json_doc.MAX_RECORD_LINES),
        ("root", 5),
    ]


def test_registered_for_json() -> None:
    assert reader_for("json") is json_doc.read
    assert stream_reader_for("json") is json_doc.read_stream


def test_rows_under_their_ids_and_pandas_columns_layout() -> None:
    from test_generalise import A, B, people_in_file

    fields = ("nhs_number", "family_name", "date_of_birth", "tests")
    keyed = {
        "patients": {
            "P001": {"nhs": A, "surname": "Smith", "forename": "John", "dob": "1962-01-12",
                     "tests": {"HbA1c": 48, "PSA": 3.2}},
            "P002": {"nhs": B, "surname": "Jones", "forename": "Mary", "dob": "1975-05-03",
                     "tests": {"HIV viral load": 12000}},
        }
    }  # fmt: skip
    expected = sorted(
        [(A, "Smith", "1962-01-12", "HBA1C;PSA"), (B, "Jones", "1975-05-03", "HIVVL")], key=str
    )
    assert people_in_file("export.json", json.dumps(keyed).encode(), fields)[1] == expected
    columns = {
        "nhs": {"0": A, "1": B},
        "surname": {"0": "Smith", "1": "Jones"},
        "forename": {"0": "John", "1": "Mary"},
        "dob": {"0": "1962-01-12", "1": "1975-05-03"},
        "test": {"0": "HbA1c", "1": "HIV viral load"},
    }
    assert people_in_file("frame.json", json.dumps(columns).encode(), fields)[1] == sorted(
        [(A, "Smith", "1962-01-12", "HBA1C"), (B, "Jones", "1975-05-03", "HIVVL")], key=str
    )
    # A patient's and a requester's details side by side are no rows
    one = {"patient": {"nhs": A, "surname": "Smith", "forename": "John"},
           "requester": {"name": "Dr Lee", "code": "G85001"}, "test": "HbA1c"}  # fmt: skip
    assert people_in_file("one.json", json.dumps(one).encode(), fields)[1] == [
        (A, "Smith", None, "HBA1C")
    ]
