"""Tables of one folder joined across files: a LIMS export of ``patients.csv`` beside
``results.csv``, whose rows name nobody and point at a patient by ``patient_id``.

A scan worker reads one file at a time, so a file that is one table (CSV, TSV, pipe-separated)
keeps what a join could need under the file's name (``relations.Relations.add``'s ``whole``):
its person rows' key columns and row numbers, the distinct keys of its other rows (a
``patients.csv``'s unidentified rows are still its keys, for containment), its events rows'
pointers, tests, results and requesters. ``export`` turns that into rows of the case's
``keyed`` table; a person row's identity is not copied there, as the records table holds it
already. After the scan, ``join`` relates the tables of each folder (or folder inside an
archive) exactly as the tables of one database dump are related (names, then containment), and
every events row that points at a person becomes a joined record in its own file, with the
mentions that say which key joined it. Folders with no events table are passed over without
building anything.

A FHIR bulk export is such a folder too: ``Observation.ndjson`` names nobody and points at
``Patient.ndjson`` by ``Patient/<id>``. Its files keep their Patients' ids and their dangling
tests the same way (``fhir_states``), the rows numbered by entry (locators ``entry:N``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from breachdesk.detect import ods
from breachdesk.detect.fhir import test_codes
from breachdesk.detect.relations import _FLAGS, IDENTITY, Relations, _State
from breachdesk.readers.base import Record

KEYED_SCHEMA = pa.schema(
    [
        ("folder", pa.string()),
        ("file_id", pa.int64()),
        ("table", pa.string()),
        ("prefix", pa.string()),
        # "person": a person row's key; "event": an events row's pointer; "spare": a key of the
        # table's other rows (``_State.spare``), its row null
        ("role", pa.string()),
        ("column", pa.string()),  # the key column's compact name
        ("header", pa.string()),  # as written
        ("key", pa.string()),
        ("row", pa.int64()),  # the row's number in its table (a FHIR file's: its entry)
        ("stem", pa.string()),  # the locator's word before the number: "row:", "entry:"
        ("tests", pa.string()),
        ("result", pa.bool_()),
        ("requester", pa.string()),
        ("test_field", pa.string()),
        ("result_field", pa.string()),
    ]
)
# What a joined record copies from its person's record (file_id and locator find it).
PERSON_COLUMNS = ("file_id", "locator", *IDENTITY, *_FLAGS)
# The person records of some files: file ids -> a table of ``PERSON_COLUMNS``.
People = Callable[[list[int]], pa.Table]


def folder_of(path: str) -> str:
    """The folder a file is in (an archive member's: inside its archive)."""
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _same(value: str, n: int) -> pa.Array:
    """``value`` n times (not ``tables.runs``: its cache of a few labels is the tables'; a
    file's name each time would push theirs out)."""
    return pa.repeat(pa.scalar(value, pa.string()), n)


def export(states: list[_State], folder: str, file_id: int) -> pa.Table | None:
    """A file's whole-file tables (``Relations.take_whole_files``) as ``keyed`` rows."""
    parts: list[pa.Table] = []
    for state in states:
        if state.keys and state.person_rows:
            rows = pa.concat_arrays(state.person_rows)
            for column, chunks in state.keys.items():
                parts.append(_part(folder, file_id, state, "person", column, chunks, rows, {}))
            for column, chunks in state.spare.items():
                n = sum(map(len, chunks))
                nulls = pa.nulls(n, pa.int64())
                parts.append(_part(folder, file_id, state, "spare", column, chunks, nulls, {}))
        if state.pointers:
            rows = pa.concat_arrays(state.rows)
            n = len(rows)
            facts = {
                "tests": pa.concat_arrays(state.tests),
                "result": pa.concat_arrays(state.result),
                "requester": pa.concat_arrays(state.requester),
                "test_field": _same(state.test_field, n),
                "result_field": _same(state.result_field, n),
            }
            for column, chunks in state.pointers.items():
                parts.append(_part(folder, file_id, state, "event", column, chunks, rows, facts))
    return pa.concat_tables(parts) if parts else None


def _part(
    folder: str,
    file_id: int,
    state: _State,
    role: str,
    column: str,
    chunks: list[pa.Array],
    rows: pa.Array,
    given: dict[str, pa.Array],
) -> pa.Table:
    keys = pa.concat_arrays(chunks)
    n = len(keys)
    columns: dict[str, pa.Array] = {
        "folder": _same(folder, n),
        "file_id": pa.array(np.full(n, file_id, dtype=np.int64)),
        "table": _same(state.name, n),
        "prefix": _same(state.prefix, n),
        "role": _same(role, n),
        "column": _same(column, n),
        "header": _same(state.headers[column], n),
        "key": keys,
        "row": rows,
        "stem": _same(state.stem, n),
    }
    for name in KEYED_SCHEMA.names[len(columns) :]:
        columns[name] = given.get(name, pa.nulls(n, KEYED_SCHEMA.field(name).type))
    return pa.table(columns, schema=KEYED_SCHEMA)


def join(keyed: pa.Table, people: People) -> Iterator[tuple[pa.Table, pa.Table]]:
    """Joined records and mentions of every folder whose tables point at people in another;
    ``people`` gives the person records of the folder's tables. An events file that joins
    nothing in its own folder is tried again beside the tables of its sibling folders (an
    export's ``Results/`` beside its ``Patients/``, ``scope``)."""
    if not keyed.num_rows:
        return
    events = events_of(keyed)
    unjoined: dict[str, set[int]] = {}
    for folder in pc.unique(pc.filter(keyed["folder"], events)).to_pylist():
        here = keyed.filter(pc.equal(keyed["folder"], folder))
        joined: set[int] = set()
        for records, mentions in _related(folder, here, people):
            joined.update(pc.unique(records["file_id"]).to_pylist())
            yield records, mentions
        waiting = set(pc.filter(here["file_id"], events_of(here)).unique().to_pylist()) - joined
        if waiting and folder:
            unjoined.setdefault(folder_of(folder), set()).update(waiting)
    for parent, waiting in unjoined.items():
        near = scope(keyed["folder"].unique().to_pylist(), parent)
        wide = keyed.filter(pc.is_in(keyed["folder"], pa.array(near, pa.string())))
        # Of the events files, only the waiting: the others joined in their own folders.
        wide = wide.filter(
            pc.or_(
                pc.invert(pc.equal(wide["role"], "event")),
                pc.is_in(wide["file_id"], pa.array(sorted(waiting), pa.int64())),
            )
        )
        wide = wide.filter(pc.invert(_serial(wide)))
        roles = set(wide["role"].unique().to_pylist())
        if {"person", "event"} <= roles:
            yield from _related(parent, wide, people)


def _serial(keyed: pa.Table) -> pa.ChunkedArray:
    """The events rows whose pointer column is all short serial numbers (``1``, ``2044``): any
    table's row numbers hold those, so beyond a folder they identify no one's table."""
    events = keyed.filter(events_of(keyed))
    short = pc.match_substring_regex(events["key"], r"^\d{1,5}$")
    pairs = pc.binary_join_element_wise(
        pc.cast(events["file_id"], pa.string()), events["column"], "\t"
    )
    whole = pa.table({"pair": pairs, "short": short}).group_by("pair").aggregate([("short", "all")])
    serial = pc.filter(whole["pair"], whole["short_all"])
    every = pc.binary_join_element_wise(
        pc.cast(keyed["file_id"], pa.string()), keyed["column"], "\t"
    )
    return pc.and_(events_of(keyed), pc.is_in(every, serial))


def events_of(keyed: pa.Table) -> pa.ChunkedArray:
    return pc.equal(keyed["role"], "event")


def scope(folders: list[str], parent: str) -> list[str]:
    """``parent`` and the folders directly inside it, among ``folders``."""
    return [f for f in folders if f == parent or folder_of(f) == parent]


def _related(source: str, here: pa.Table, people: People) -> Iterator[tuple[pa.Table, pa.Table]]:
    """The joined records of the tables in ``here`` (``keyed`` rows of one scope)."""
    relations = Relations()
    persons = pc.filter(here["file_id"], pc.equal(here["role"], "person"))
    records = people(pc.unique(persons).to_pylist())
    for file_id in pc.unique(here["file_id"]).to_pylist():
        of_file = here.filter(pc.equal(here["file_id"], file_id))
        own = records.filter(pc.equal(records["file_id"], file_id))
        for name in pc.unique(of_file["table"]).to_pylist():
            rows = of_file.filter(pc.equal(of_file["table"], name))
            relations.put(source, _state(rows, file_id, own))
    yield from relations.joined()


def _state(rows: pa.Table, file_id: int, records: pa.Table) -> _State:
    """A whole-file table as ``Relations.add`` kept it, from its ``keyed`` rows (in order) and
    its file's person records."""
    first = rows.slice(0, 1).to_pylist()[0]
    state = _State(first["table"], first["prefix"], file_id=file_id, stem=first["stem"])
    spare = rows.filter(pc.equal(rows["role"], "spare"))
    for column in pc.unique(spare["column"]).to_pylist():
        part = spare.filter(pc.equal(spare["column"], column))
        state.spare[column] = [part["key"].combine_chunks()]
    for role in ("person", "event"):
        of_role = rows.filter(pc.equal(rows["role"], role))
        columns = pc.unique(of_role["column"]).to_pylist()
        for number, column in enumerate(columns):
            part = of_role.filter(pc.equal(of_role["column"], column))
            state.headers[column] = part["header"][0].as_py()
            keys = part["key"].combine_chunks()
            if role == "person":
                state.keys[column] = [keys]
                if number == 0:
                    # Each person row's record, found by its locator ("{prefix}row:N").
                    locators = pc.binary_join_element_wise(
                        pa.scalar(f"{state.prefix}{state.stem}"),
                        pc.cast(part["row"], pa.string()),
                        "",
                    )
                    found = pc.index_in(locators, value_set=records["locator"].combine_chunks())
                    state.people = [records.select(list(PERSON_COLUMNS[2:])).take(found)]
                continue
            state.pointers[column] = [keys]
            if number == 0:
                state.rows = [part["row"].combine_chunks()]
                state.tests = [part["tests"].combine_chunks()]
                state.result = [part["result"].combine_chunks()]
                state.requester = [part["requester"].combine_chunks()]
                state.test_field = part["test_field"][0].as_py() or ""
                state.result_field = part["result_field"][0].as_py() or ""
    return state


def fhir_states(links: Record, people: set[str]) -> list[_State]:
    """A FHIR file's Patients (those that are ``people``, by locator) and its tests that point
    at a Patient of another file (``readers.fhir.LINKS``), as the tables of a folder: a
    ``Patient`` table keyed by ``id`` and an events table whose ``patient_id`` (the reference's
    id) points at it, joined with the folder's other files after the scan."""
    fields, prefix = links.fields, links.locator
    states: list[_State] = []
    kept: list[tuple[int, str]] = []
    spare: list[str] = []  # the Patients that identify no one: still ids a test may point at
    for entry, key in zip(
        fields.get("patient_entry", []), fields.get("patient_id", []), strict=True
    ):
        if f"{prefix}entry:{entry}" in people:
            kept.append((int(entry), key))
        else:
            spare.append(key)
    if kept:
        state = _State("Patient", prefix, stem="entry:")
        state.headers["id"] = "id"
        state.keys["id"] = [pa.array([key for _, key in kept], pa.string())]
        state.person_rows = [pa.array([entry for entry, _ in kept], pa.int64())]
        if spare:
            state.spare["id"] = [pa.array(sorted(set(spare)), pa.string())]
        states.append(state)
    tests = [";".join(test_codes(value)) for value in fields.get("event_test", [])]
    wanted = [i for i, codes in enumerate(tests) if codes]
    if wanted:
        kinds = fields["event_type"]
        state = _State(kinds[wanted[0]], prefix, stem="entry:")
        state.headers["patientid"] = "subject"
        state.pointers["patientid"] = [pa.array([fields["event_id"][i] for i in wanted])]
        state.rows = [pa.array([int(fields["event_entry"][i]) for i in wanted], pa.int64())]
        state.tests = [pa.array([tests[i] for i in wanted], pa.string())]
        state.result = [pa.array([bool(fields["event_result"][i]) for i in wanted])]
        state.requester = [
            pa.array([ods.code_of(fields["event_requester"][i]) for i in wanted], pa.string())
        ]
        state.test_field, state.result_field = "code", "value"
        states.append(state)
    return states
