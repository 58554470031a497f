"""One person's facts stay theirs in JSON Lines change events, API pages, YAML, a database
shell's printout and Postman collections; a UTC instant of UK midnight is that UK date.

Every file is invented here, with invented people; each test asserts whose each test is, and
that no test goes to a neighbour.
"""

from __future__ import annotations

import io
import json

import pytest
import yaml
from hypothesis import example, given

from breachdesk.ingest.sniff import sniff_data
from breachdesk.readers import instants, json_doc, json_shapes, relaxed_json, yaml_doc
from breachdesk.readers.base import ReaderError, Record, Table
from test_fuzz_readers import FUZZ, _read_all, mutated
from test_generalise import people_in_file

# Valid NHS numbers (Modulus 11, England range), invented.
N1, N2, N3, N4, N5, N6 = (
    "4198344418",
    "4747661433",
    "4554582280",
    "4420119500",
    "4119952177",
    "4834793745",
)
WHO = ("locator", "nhs_number", "family_name", "given_name", "date_of_birth", "tests", "sensitive")


def _people(name: str, data: bytes) -> tuple[str, list[tuple[str | None, ...]]]:
    return people_in_file(name, data, WHO)


def _owners(rows: list[tuple[str | None, ...]]) -> dict[str, tuple[set[str], set[str]]]:
    """Each NHS number's tests and sensitive kinds over all its records."""
    owned: dict[str, tuple[set[str], set[str]]] = {}
    for _, nhs, _, _, _, tests, sensitive in rows:
        assert nhs, rows  # every record here is someone's
        codes, kinds = owned.setdefault(nhs, (set(), set()))
        codes.update(filter(None, (tests or "").split(";")))
        kinds.update(filter(None, (sensitive or "").split(";")))
    return owned


def _lines(*objects: object) -> bytes:
    return "".join(json.dumps(o) + "\n" for o in objects).encode()


# -- Debezium and other change events ----------------------------------------------------------


def _debezium(table: str, after: dict[str, object] | None, op: str = "c", **more: object) -> dict:
    source = {"version": "2.5.0.Final", "connector": "mysql", "name": "lims", "db": "lab"}
    payload = {"before": more.pop("before", None), "after": after, "op": op, "ts_ms": 1}
    return {
        "schema": more.pop("schema", None),
        "payload": {**payload, "source": {**source, "table": table}},
    }


def test_a_change_event_result_goes_to_the_patient_its_key_names_not_the_line_above() -> None:
    data = _lines(
        _debezium("patients", {"patient_id": 801, "nhs_no": N1, "surname": "Pell",
                               "forenames": "Ruth", "dob": 7305, "sex": "F"}),
        _debezium("patients", {"patient_id": 802, "nhs_no": N2, "surname": "Quarry",
                               "forenames": "Dev", "dob": 2544, "sex": "M"},
                  op="u", before={"patient_id": 802, "nhs_no": N2, "surname": "Quarry",
                                  "forenames": "Dev", "dob": 2544, "sex": "M"}),
        _debezium("req_tests", {"req_id": 1, "patient_id": 801, "test_desc": "Serum beta-hCG",
                                "result_txt": "Positive"}),
        _debezium("req_tests", {"req_id": 2, "patient_id": 802, "test_desc": "PSA",
                                "result_txt": "4.1"}),
    )  # fmt: skip
    kind, rows = _people("cdc.jsonl", data)
    assert kind == "json"
    # A table of each table's rows, at their lines, read whole or streamed alike.
    whole = [
        (t.prefix, t.first_row, t.n_rows) for t in json_doc.read(data, "x") if isinstance(t, Table)
    ]
    streamed = json_doc.read_stream(io.BytesIO(data), "x")
    assert whole == [(t.prefix, t.first_row, t.n_rows) for t in streamed if isinstance(t, Table)]
    assert whole == [("table:patients!", 1, 2), ("table:req_tests!", 3, 2)]
    assert rows == [
        ("table:patients!row:1", N1, "Pell", "Ruth", "1990-01-01", None, None),
        ("table:patients!row:2", N2, "Quarry", "Dev", "1976-12-19", None, None),
        ("table:req_tests!row:3", N1, "Pell", "Ruth", "1990-01-01", "HCG", "pregnancy"),
        ("table:req_tests!row:4", N2, "Quarry", "Dev", "1976-12-19", "PSA", "cancer"),
    ]


# Nine more invented patients for a log of many.
MANY = ("4420119500", "4119952177", "4834793745", "4841114416", "4026189163", "4728674770",
        "4669147633", "4797192747", "4574548304")  # fmt: skip


def test_a_result_whose_patient_is_not_in_the_log_goes_to_no_one() -> None:
    events = [
        _debezium("patients", {"patient_id": 900 + i, "nhs_no": nhs, "surname": f"Surname{i}",
                               "forenames": "Sam", "sex": "U"})
        for i, nhs in enumerate(MANY)
    ]  # fmt: skip
    events += [
        _debezium("results", {"result_id": i, "patient_id": 900 + i, "test_desc": "PSA"})
        for i in range(len(MANY))
    ]
    # Its patient was created before the log began: the HIV test is no one's here.
    events.insert(-1, _debezium("results", {"result_id": 99, "patient_id": 999,
                                            "test_desc": "HIV antibody"}))  # fmt: skip
    owned = _owners(_people("cdc.jsonl", _lines(*events))[1])
    assert owned == {nhs: ({"PSA"}, {"cancer"}) for nhs in MANY}


def test_change_event_layouts_give_their_row_and_table() -> None:
    row = {"patient_id": 5, "nhs_no": N3}
    schema = {"type": "struct", "fields": [
        {"field": "after", "fields": [{"field": "born", "name": "io.debezium.time.Date"},
                                      {"field": "seen", "name": "io.debezium.time.Timestamp"}]},
    ]}  # fmt: skip
    with_schema = _debezium("pat", {**row, "born": 0, "seen": 1_000_000_000_000}, schema=schema)
    deleted = _debezium("pat", None, op="d", before=row)
    as_text = _debezium("pat", json.dumps(row))  # (the MongoDB connector's document as text)
    kcat = {"topic": "lims.lab.pat", "partition": 0, "payload": json.dumps(_debezium("pat", row))}
    maxwell = {"database": "lab", "table": "pat", "type": "insert", "ts": 1, "data": row}
    canal = {"data": [row], "database": "lab", "table": "pat", "type": "INSERT", "isDdl": False}
    dms = {"data": row, "metadata": {"table-name": "pat", "schema-name": "lab", "operation": "i"}}
    golden = {"table": "LAB.pat", "op_type": "I", "op_ts": "x", "after": row}
    unwrapped = {**row, "__table": "pat", "__op": "c", "__deleted": "false"}
    expected = {**row, "born": "1970-01-01", "seen": "2001-09-09T01:46:40.000Z"}
    assert json_shapes.change_event(with_schema) == ("pat", expected)
    for event in (deleted, as_text, kcat, maxwell, canal, dms, golden, unwrapped):
        assert json_shapes.change_event(event) == ("pat", row), event
    # An application's own object is no change event.
    assert json_shapes.change_event({"event": "RESULT", "nhs": N3, "data": {"test": "FBC"}}) is None


def test_an_array_of_change_events_is_read_as_their_tables() -> None:
    events = [
        _debezium("pat", {"pat_id": 1, "nhs_no": N1, "surname": "Pell", "forenames": "Ruth"}),
        _debezium("tests", {"test_id": 7, "pat_id": 1, "test_desc": "HIV antibody"}),
    ]
    prefixes = [t.prefix for t in json_doc.read(json.dumps(events).encode(), "x.json")]
    assert prefixes == ["table:pat!", "table:tests!"]
    assert _owners(_people("events.json", json.dumps(events).encode())[1]) == {
        N1: ({"HIVAB"}, {"hiv"})
    }


# -- JSON:API ----------------------------------------------------------------------------------


def _resource(kind: str, key: str, attributes: dict, **links: object) -> dict:
    relationships = {
        name: {"data": [{"type": t, "id": i} for t, i in target] if isinstance(target, list)
               else {"type": target[0], "id": target[1]}}
        for name, target in links.items()
    }  # fmt: skip
    return {"type": kind, "id": key, "attributes": attributes, "relationships": relationships}


def _patient(key: str, nhs: str, family: str, given: str, born: str) -> dict:
    attributes = {"nhsNumber": nhs, "surname": family, "forename": given, "dateOfBirth": born}
    return {"type": "patient", "id": key, "attributes": attributes}


def test_each_result_of_an_api_page_goes_to_the_patient_it_references() -> None:
    page = {
        "links": {"self": "https://lims.invalid/v2/results?page[number]=3"},
        "data": [
            _resource("result", "r1", {"testName": "Hepatitis C antibody", "value": "Positive",
                                       "authorisedBy": "Dr Ann Lowe"}, patient=("patient", "p1")),
            _resource("result", "r2", {"testName": "HbA1c", "value": "58"},
                      patient=("patient", "p2")),
            _resource("result", "r3", {"testName": "Serum hCG", "value": "1520"},
                      patient=("patient", "p3")),
            _resource("result", "r4", {"testName": "HIV antibody", "value": "Reactive"},
                      patient=("patient", "p9")),  # not included: no one's here
        ],
        "included": [
            _patient("p1", N1, "FARRANT", "Marco", "1976-08-14"),
            _patient("p2", N2, "HALLAM", "Bridget", "1949-02-27"),
            _patient("p3", N3, "NWACHUKWU", "Ada", "1994-05-09"),
            _patient("p4", N4, "OSEI", "Kofi", "1960-02-02"),  # no result on this page
        ],
        "meta": {"total": 1184},
    }  # fmt: skip
    kind, rows = _people("results_page_3.json", json.dumps(page).encode())
    assert kind == "json"
    assert rows == [
        ("data!row:1", N1, "FARRANT", "Marco", "1976-08-14", "HCVAB", "hepatitis"),
        ("data!row:2", N2, "HALLAM", "Bridget", "1949-02-27", "HBA1C", None),
        ("data!row:3", N3, "NWACHUKWU", "Ada", "1994-05-09", "HCG", "pregnancy"),
        ("data!row:4", N4, "OSEI", "Kofi", "1960-02-02", None, None),
    ]
    # The HIV result of a patient not on the page is a row apart, named no one's.
    tables = [t for t in json_doc.read(json.dumps(page).encode(), "x.json") if isinstance(t, Table)]
    assert [(t.prefix, t.n_rows) for t in tables] == [("data!", 4), ("unlinked!", 1)]


def test_patients_as_primary_data_hold_the_results_they_name() -> None:
    page = {
        "data": [
            {**_patient("p1", N1, "FARRANT", "Marco", "1976-08-14"),
             "relationships": {"results": {"data": [{"type": "result", "id": "r1"},
                                                    {"type": "result", "id": "r2"}]}}},
            {**_patient("p2", N2, "HALLAM", "Bridget", "1949-02-27"),
             "relationships": {"results": {"data": [{"type": "result", "id": "r3"}]}}},
        ],
        "included": [
            _resource("result", "r1", {"test": "PSA"}, subject=("patient", "p1")),
            _resource("result", "r2", {"test": "CA 125"}, subject=("patient", "p1")),
            _resource("result", "r3", {"test": "Chlamydia NAAT"}, subject=("patient", "p2")),
        ],
    }  # fmt: skip
    owned = _owners(_people("patients.json", json.dumps(page).encode())[1])
    assert owned == {N1: ({"PSA", "CA125"}, {"cancer"}), N2: ({"CHLAM"}, {"sexual_health"})}


# -- YAML --------------------------------------------------------------------------------------

FIXTURES = f"""\
# Fixtures for the order-comms tests (copied from LIVE)
environment: uat
patients:
  - id: 1
    nhs_number: "{N1}"
    family_name: Garner
    given_name: Philippa
    date_of_birth: 1964-10-03
    orders:
      - code: HIV
        description: HIV 1/2 Ab + p24 Ag
        expected_result: Reactive
  - id: 2
    nhs_number: "{N2}"
    family_name: Ibe
    given_name: Chidi
    date_of_birth: 1981-02-14
    orders:
      - code: FBC
        description: Full blood count
      - code: CRP
        description: C-reactive protein
  - id: 3
    nhs_number: {N3}
    family_name: "Thorley"
    given_name: "Rosalind"
    date_of_birth: "2003-05-22"
    orders:
      - {{code: BHCG, description: "Beta hCG quantitative", expected_result: "856 IU/L"}}
clinician:
  name: Dr Martin Ashby
"""


def test_yaml_patients_keep_their_own_nested_orders() -> None:
    kind, rows = _people("fixtures.yaml", FIXTURES.encode())
    assert kind == "yaml"
    assert [r[:5] for r in rows] == [
        ("patients!row:1", N1, "Garner", "Philippa", "1964-10-03"),
        ("patients!row:2", N2, "Ibe", "Chidi", "1981-02-14"),
        ("patients!row:3", N3, "Thorley", "Rosalind", "2003-05-22"),
    ]
    owned = _owners(rows)
    assert owned[N1][1] == {"hiv"} and "HIVAB" in owned[N1][0]
    assert owned[N2] == ({"FBC", "CRP"}, set())  # no HIV: that was the patient above
    assert owned[N3] == ({"HCG"}, {"pregnancy"})


def test_a_yaml_stream_of_documents_is_a_record_each() -> None:
    stream = (
        "---\n"
        f"patient: {{nhs: '{N4}', surname: Osei, forename: Kofi, dob: 1960-02-02}}\n"
        "tests:\n  - name: HIV antibody\n    result: Negative\n"
        "---\n"
        f"patient:\n  nhs: '{N5}'\n  surname: Pryor\n  forename: Jo\n  dob: 1990-03-04\n"
        "tests:\n  - name: Full blood count\n"
    )
    kind, rows = _people("seed.yml", stream.encode())
    assert kind == "yaml"
    assert rows == [
        ("doc:1!row:1", N4, "Osei", "Kofi", "1960-02-02", "HIVAB", "hiv"),
        ("doc:2!row:1", N5, "Pryor", "Jo", "1990-03-04", "FBC", None),
    ]


def test_yaml_scalars_are_read_as_written_and_merges_followed() -> None:
    text = "base: &b {ward: 7}\nnumbers:\n  hosp: 0123\n  time: 1:20\n  flag: no\n  <<: *b\n"
    (record,) = yaml_doc.read(text.encode(), "x.yaml")
    assert isinstance(record, Record)
    assert record.text == "base: ward: 7\nnumbers: ward: 7; hosp: 0123; time: 1:20; flag: no"


def test_a_yaml_alias_bomb_and_a_cycle_are_unreadable_not_expanded() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]\n"
        for p, c in zip("abcdefg", "bcdefgh", strict=True)
    )
    with pytest.raises(ReaderError, match="aliases expand"):
        list(yaml_doc.read(bomb.encode(), "bomb.yaml"))
    cycle = yaml.load("a: &a [1, *a]\n", Loader=yaml_doc._Loader)
    with pytest.raises(ReaderError, match="refers to itself"):
        yaml_doc.plain(cycle)


def test_text_that_is_no_yaml_after_all_is_read_as_text() -> None:
    # Looks like YAML to the sniff (nested keys) but a tab-indented key is no YAML.
    text = "patients:\n  name: SMITH, John\n\tdob: 01/02/1960\nnotes: x\n"
    items = list(yaml_doc.read(text.encode(), "x.yaml"))
    assert items and all(isinstance(i, Record) and "SMITH" in i.text for i in items[:1])


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (FIXTURES, "yaml"),
        ("---\nname: a\nkind: b\nlist:\n  - b\n  - c\n", "yaml"),
        ("Patient: SMITH, John\nDOB: 01/02/1960\nNHS: 455 766 0932\n", "text"),
        ("Dear Dr Barnes,\nPlease see: the results below.\nThanks,\nJo\n", "text"),
        ("NHS Number,Surname,Test\n4557660932,SMITH,HIV\n", "csv"),
        ("Results:\n  the patient was seen today and bloods were taken\n  more prose\n", "text"),
    ],
)
def test_yaml_is_told_from_labelled_text(text: str, kind: str) -> None:
    assert sniff_data(text.encode(), "x") == kind


# -- a database shell's printout ---------------------------------------------------------------

MONGOSH = f"""\
lims> db.patients.find({{ surname: /^Hask/i }}).limit(2)
[
  {{
    _id: ObjectId('6551f0a2c4e8b93a1d7e2201'),
    nhs: '{N1}',
    surname: 'Hasler',
    forenames: 'Dora Ann',
    dob: ISODate('1936-11-02T00:00:00.000Z'),
    alerts: [ 'HIGH RISK - Hep B carrier' ],
    lastTests: [ {{ code: 'HBVDNA', name: 'Hepatitis B DNA', value: '<10 IU/mL' }} ]
  }},
  {{
    _id: ObjectId('6551f0a2c4e8b93a1d7e2202'),
    nhs: '{N2}',
    surname: 'Haskett',
    forenames: 'Roger',
    dob: ISODate('1951-07-25T23:00:00.000Z'),
    visits: Long('3'),
    gp: {{ practice: [Object] }},
    lastTests: [ {{ code: 'PSA', name: 'PSA', value: '22.5 ug/L' }} ]
  }}
]
lims> db.results.countDocuments({{ 'patient.nhs': '{N3}' }})
3
lims> exit
"""


def test_a_mongosh_printout_gives_each_document_its_own_tests() -> None:
    kind, rows = _people("mongosh_session.txt", MONGOSH.encode())
    assert kind == "json"
    assert rows == [
        ("line:2!row:1", N1, "Hasler", "Dora Ann", "1936-11-02", "HBVDNA;HBSAG", "hepatitis"),
        ("line:2!row:2", N2, "Haskett", "Roger", "1951-07-26", "PSA", "cancer"),
        ("line:23", N3, None, None, None, None, None),
    ]


def test_the_legacy_shell_documents_a_line_each_are_rows() -> None:
    text = (
        "> db.patients.find()\n"
        f'{{ "_id" : ObjectId("65e5a1f0c2b9a3d1e4f01a11"), "nhs" : "{N4}", "surname" : "Osei",'
        ' "forename" : "Kofi", "dob" : ISODate("1960-02-02T00:00:00Z"), "test" : "HIV antibody" }\n'
        f'{{ "_id" : ObjectId("65e5a1f0c2b9a3d1e4f01a12"), "nhs" : "{N5}", "surname" : "Pryor",'
        ' "forename" : "Jo", "dob" : ISODate("1990-03-03T23:00:00Z"), "test" : "FBC" }\n'
        "> \n"
    )
    kind, rows = _people("mongo.txt", text.encode())
    assert kind == "json"
    assert rows == [
        ("row:2", N4, "Osei", "Kofi", "1960-02-02", "HIVAB", "hiv"),
        ("row:3", N5, "Pryor", "Jo", "1990-03-03", "FBC", None),
    ]


def test_shell_constructors_read_as_their_values() -> None:
    text = (
        "{ a: ObjectId('x1'), b: ISODate('2001-09-29T23:00:00Z'), c: NumberLong(42),"
        " d: new Date(1000), e: DBRef('pat', ObjectId('y2')), f: 'Hep B (HBV) DNA',"
        " g: Timestamp({ t: 1, i: 2 }), h: [Array] }"
    )
    assert relaxed_json.loads(text) == {
        "a": "x1",
        "b": "2001-09-30",
        "c": 42,
        "d": "1970-01-01T00:00:01.000Z",
        "e": "'pat', \"y2\"",
        "f": "Hep B (HBV) DNA",
        "g": "{ t: 1, i: 2 }",
        "h": None,
    }
    assert relaxed_json.loads("[2024-01-01 10:00] INFO started") is None


def test_an_unclosed_block_is_read_as_lines() -> None:
    lines = ["[", '  {"nhs": "x"},', "plain words"]
    assert list(relaxed_json.blocks(lines)) == [
        (1, "["),
        (2, '  {"nhs": "x"},'),
        (3, "plain words"),
    ]


# -- Postman -----------------------------------------------------------------------------------


def _postman_item(title: str, request: dict) -> dict:
    return {"name": title, "request": request}


def test_a_postman_title_is_no_person_and_each_body_its_own() -> None:
    body = {"nhsNumber": N1, "familyName": "Ashby", "givenName": "Penny",
            "birthDate": "1972-09-14", "requests": [{"test": "HIV antibody"}]}  # fmt: skip
    collection = {
        "info": {"_postman_id": "6b1c", "name": "LIMS Orders API - UAT",
                 "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [
            {"name": "Orders", "item": [
                _postman_item("Create order - PEP", {
                    "method": "POST", "header": [{"key": "Authorization", "value": "Bearer t"}],
                    "body": {"mode": "raw", "raw": json.dumps(body, indent=2)}}),
                _postman_item("Create order - bloods", {
                    "method": "POST", "body": {"mode": "urlencoded", "urlencoded": [
                        {"key": "nhs", "value": N2, "type": "text"},
                        {"key": "surname", "value": "Kuzmin", "type": "text"},
                        {"key": "forename", "value": "Misha", "type": "text"},
                        {"key": "test", "value": "Full blood count", "type": "text"}]}}),
            ]},
            _postman_item("Lookup Grace Hill", {"method": "GET", "url": {
                "raw": f"{{{{baseUrl}}}}/patients?nhs={N3}&dob=1999-12-01",
                "query": [{"key": "nhs", "value": N3}, {"key": "dob", "value": "1999-12-01"}]}}),
        ],
    }  # fmt: skip
    data = json.dumps(collection).encode()
    kind, rows = _people("orders.postman_collection.json", data)
    assert kind == "json"
    by_nhs = {r[1]: r for r in rows}
    assert set(by_nhs) == {N1, N2, N3}
    assert by_nhs[N1][2:] == ("Ashby", "Penny", "1972-09-14", "HIVAB", "hiv")
    assert by_nhs[N2][2:] == ("Kuzmin", "Misha", None, "FBC", None)
    assert all(r[2:4] == (None, None) for r in rows if r[1] == N3)  # the title named no one
    (table,) = [t for t in json_doc.read(data, "x.json") if isinstance(t, Table)]
    assert "authorization" not in table.header and "item name" in table.header


# -- dates stored as UTC instants --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2001-09-29T23:00:00Z", "2001-09-30"),  # British Summer Time: the next day
        ("2001-09-29T23:00:00.000+00:00", "2001-09-30"),
        ("1936-11-02T00:00:00.000Z", None),  # Greenwich Mean Time: that day, as written
        ("2001-09-29T00:00:00Z", None),  # 01:00 in London: a moment, not a date
        ("2001-09-29T23:00:00.120Z", None),
        ("2001-09-29T23:00:00+02:00", None),
        ("2001-02-30T23:00:00Z", None),
    ],
)
def test_a_utc_instant_of_uk_midnight_is_that_uk_date(text: str, date: str | None) -> None:
    assert instants.from_text(text) == date


def test_mongo_extended_dates_of_birth_are_uk_dates() -> None:
    doc = [
        {"nhsNo": N6, "lastName": "Rahim", "firstName": "Sadia",
         "dateOfBirth": {"$date": "2001-09-29T23:00:00.000Z"}, "test": "Rubella IgG"},
        {"nhsNo": N5, "lastName": "Pryor", "firstName": "Jo",
         "dateOfBirth": {"$date": {"$numberLong": "1000076400000"}}, "test": "FBC"},
    ]  # fmt: skip
    rows = _people("mongoexport.json", json.dumps(doc).encode())[1]
    assert {r[1]: r[4] for r in rows} == {N6: "2001-09-30", N5: "2001-09-10"}
    assert json_shapes.extended({"$date": "2023-10-02T08:11:41.093Z"}) == "2023-10-02T08:11:41.093Z"


# -- hostile input -----------------------------------------------------------------------------

HOSTILE = {
    "yaml fixtures": ("yaml", FIXTURES.encode()),
    "mongosh": ("json", MONGOSH.encode()),
    "change events": ("json", _lines(
        _debezium("pat", {"pat_id": 1, "nhs_no": N1, "surname": "Pell", "dob": 7305}),
        _debezium("tests", {"test_id": 7, "pat_id": 1, "test_desc": "HIV antibody"}),
    )),
    "api page": ("json", json.dumps({
        "data": [_resource("result", "r1", {"testName": "HbA1c"}, patient=("patient", "p1"))],
        "included": [_patient("p1", N1, "FARRANT", "Marco", "1976-08-14")],
    }).encode()),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_new_layouts_survive_mutations(name: str) -> None:
    """Only a ``ReaderError`` may leave a reader, and none may hang (``test_fuzz_readers``)."""
    kind, sample = HOSTILE[name]

    @FUZZ
    @given(data=mutated(sample))
    @example(data=sample[: len(sample) // 2])
    def run(data: bytes) -> None:
        _read_all(kind, data)

    run()
