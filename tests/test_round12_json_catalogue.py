"""JSON lines read as the rows of an array, MongoDB's extended JSON read as its values; UK test
names the catalogue lacked; "Na 118" in a handover; a Birmingham postcode that is no B12."""

from __future__ import annotations

import io
import json

import pytest

from breachdesk import catalogue
from breachdesk.detect import lab_tests
from breachdesk.readers import json_doc, json_shapes
from breachdesk.readers.base import Record, Table
from test_generalise import people_in_file

N1, N2, N3, N4 = "4823043553", "4501050799", "4358541755", "4185944454"
WHO = ("nhs_number", "family_name", "given_name", "date_of_birth", "tests", "e_test_result")

# mongoexport's habit: a nested name, typed values wrapped as extended JSON.
MONGO = [
    {
        "_id": {"$oid": "65e5a1f0c2b9a3d1e4f01a11"},
        "nhs": N1,
        "name": {"last": "HEATHCOTE", "first": "Rosalind"},
        "dob": {"$date": "1974-09-02T00:00:00.000Z"},
        "orders": [{"test": "HbA1c", "value": "88"}, {"test": "Urine ACR", "value": "31.2"}],
    },
    {
        "_id": {"$oid": "65e5a1f0c2b9a3d1e4f01a13"},
        "nhs": N2,
        "name": {"last": "TEMPLETON", "first": "Iona"},
        "dob": {"$date": {"$numberLong": "-315619200000"}},
        "visits": {"$numberLong": "3"},
        "orders": [{"test": "Semen analysis", "value": "Azoospermia"}],
    },
]


def _ndjson(rows: list[dict[str, object]]) -> bytes:
    return "".join(json.dumps(row) + "\n" for row in rows).encode()


def test_json_lines_are_the_rows_an_array_of_them_is() -> None:
    expected = [
        (N2, "TEMPLETON", "Iona", "1960-01-01", "SEMEN", True),
        (N1, "HEATHCOTE", "Rosalind", "1974-09-02", "HBA1C;UACR", True),
    ]
    assert people_in_file("patients.json", _ndjson(MONGO), WHO) == ("json", expected)
    assert people_in_file("patients.json", json.dumps(MONGO).encode(), WHO) == ("json", expected)


def test_extended_json_wrappers_read_as_their_values() -> None:
    (table,) = json_doc.read(_ndjson(MONGO), "patients.json")
    assert isinstance(table, Table)
    cells = dict(zip(table.header, table.columns, strict=True))
    assert cells["id"] == ["65e5a1f0c2b9a3d1e4f01a11", "65e5a1f0c2b9a3d1e4f01a13"]
    assert cells["dob"] == ["1974-09-02T00:00:00.000Z", "1960-01-01T00:00:00.000Z"]
    assert cells["visits"] == ["", "3"]
    # Only an object of one known "$" key is a wrapper.
    assert json_shapes.extended({"$date": 1700000000000}) == "2023-11-14T22:13:20.000Z"
    assert json_shapes.extended({"$set": "x"}) == {"$set": "x"}
    assert json_shapes.extended({"$oid": "a", "n": 1}) == {"$oid": "a", "n": 1}


EVENTS = [
    {"ts": "2024-03-02T10:01:11Z", "event": "RESULT_AUTHORISED", "user_name": "Mohammed KHAN",
     "mrn": "M7712001", "surname": "BLACKWOOD", "forename": "Hannah", "dob": "1997-03-21",
     "test": "Chlamydia NAAT", "value": "Positive"},
    {"ts": "2024-03-02T10:05:02Z", "event": "LOGIN", "user_name": "Jane ROBERTS"},
    {"ts": "2024-03-02T10:06:19Z", "event": "RESULT_AMENDED", "user_name": "Jane ROBERTS",
     "mrn": "M7712044", "surname": "PIETERSEN", "forename": "Daan", "dob": "1991-08-08",
     "test": "Gonorrhoea NAAT", "value": "Positive", "previous": "Negative"},
]  # fmt: skip


def test_an_interface_log_of_json_lines_shows_each_result_at_its_line() -> None:
    lines = [json.dumps(event) for event in EVENTS]
    data = "\n".join([lines[0], "", lines[1], lines[2]]).encode() + b"\n"  # a blank line kept
    fields = ("locator", "family_name", "date_of_birth", "tests", "e_test_result")
    assert people_in_file("events.ndjson", data, fields) == (
        "json",
        [
            ("row:1", "BLACKWOOD", "1997-03-21", "CHLAM", True),
            ("row:4", "PIETERSEN", "1991-08-08", "GC", True),
        ],
    )


def _items(data: bytes) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for item in json_doc.read(data, "x.json"):
        if isinstance(item, Table):
            out.append((f"table@{item.first_row}", item.n_rows))
        elif isinstance(item, Record):
            out.append((item.locator, item.text))
    return out


def test_json_lines_stream_in_batches_with_their_line_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(json_doc, "BATCH_ROWS", 2)
    row = {"nhs": N3, "surname": "OKAFOR", "dob": "1962-01-12"}
    data = ("not json\n" + json.dumps(row) + "\n").encode() + _ndjson([row] * 4)
    expected = [("line:1", "not json"), ("table@2", 2), ("table@4", 2), ("table@6", 1)]
    assert _items(data) == expected
    streamed = json_doc.read_stream(io.BytesIO(data), "x.json")
    assert [
        (f"table@{i.first_row}", i.n_rows) if isinstance(i, Table) else (i.locator, i.text)
        for i in streamed
        if isinstance(i, Table | Record)
    ] == expected


def test_lines_that_share_no_keys_are_records_not_rows() -> None:
    # A map keyed by sample number, a line each: a column a line is no table.
    data = _ndjson([{"S001": {"nhs": N3}}, {"S002": {"nhs": N4}}])
    assert _items(data) == [("line:1", "S001: nhs: " + N3), ("line:2", "S002: nhs: " + N4)]


@pytest.mark.parametrize(
    ("term", "code"),
    [
        ("BK virus PCR", "BKV"),
        ("BK virus DNA", "BKV"),
        ("HER2 FISH", "HER2"),
        ("HER2 ISH", "HER2"),
        ("SBR", "BILI"),
        ("Combined test", "FTCT"),
        ("first trimester combined screening", "FTCT"),
        ("trop", "TROPT"),
        ("xmatch", "XM"),
        ("crossmatch", "XM"),
        ("Kleihauer", "KLEI"),
        ("sickle cell screen", "HBOP"),
        ("sickle cell", "HBOP"),
        ("MSU", "MSU"),
        ("HVS", "HVS"),
        ("Template biopsy", "HISTO"),
        ("Gleason score", "HISTO"),
        ("PROGESTERONE", "PROG"),
        ("Serum progesterone", "PROG"),
        ("Day 21 progesterone", "PROG21"),
    ],
)
def test_uk_test_names_in_cells(term: str, code: str) -> None:
    assert lab_tests.lookup(term) == [code]


def test_new_tests_carry_their_sensitive_kinds() -> None:
    kinds = catalogue.sensitive_by_code()
    codes = ("BKV", "HER2", "FTCT", "HBOP", "HISTO", "PROG", "PROG21")
    assert [kinds.get(c, "") for c in codes] == [
        "", "cancer", "pregnancy", "genetic", "cancer", "", "fertility"
    ]  # fmt: skip
    # "SBR" is serum bilirubin and nothing else in the catalogue.
    assert [t.code for t in catalogue.load() if "sbr" in map(catalogue.term_key, t.spellings)] == [
        "BILI"
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("pls can u chase trop on bed 9", [("test", "TROPT", "trop")]),
        ("TROP 212 ng/L", [("test", "TROPT", "TROP"), ("test_result", "TROPT", "212")]),
        ("HER2 FISH: amplified", [("test", "HER2", "HER2 FISH")]),
        ("SBR 245 at 36h", [("test", "BILI", "SBR"), ("test_result", "BILI", "245")]),
        ("Na 118, medics aware", [("test", "NA", "Na"), ("test_result", "NA", "118")]),
        ("Na: 128", [("test", "NA", "Na"), ("test_result", "NA", "128")]),
        # Only "Na" before a sodium's value and in no other unit; never in a word.
        ("Na 140 g/L", []),
        ("Na 1180", []),
        ("Name 140 Dana 130 na 120", []),
        ("Template biopsy: Gleason 3+4=7", [
            ("test", "HISTO", "Template biopsy"), ("test", "HISTO", "Gleason"),
            ("test_result", "HISTO", "3"),
        ]),
        ("seen by Mr Gleason 3 times", []),
        # A postcode's district is no B12; a B12 with its value is.
        ("14 Hall Road, Birmingham B12 9QL", []),
        ("Leeds LS2 9JT, B12 150 ng/L", [("test", "B12", "B12"), ("test_result", "B12", "150")]),
    ],
)  # fmt: skip
def test_shorthand_in_text(text: str, found: list[tuple[str, str, str]]) -> None:
    assert [(m.kind, m.value, text[m.start : m.end]) for m in lab_tests.detect(text)] == found


def test_a_birmingham_address_gives_no_b12() -> None:
    letter = (
        f"Patient: Amira HASSAN  DOB 03/04/1985  NHS No {N4}\n"
        "Address: 14 Hall Road, Birmingham B12 9QL\n"
        "Ferritin 8 ug/L, please start iron.\n"
    ).encode()
    assert people_in_file("letter.txt", letter, ("nhs_number", "tests")) == (
        "text",
        [(N4, "FERR")],
    )
