"""Relational records: rows of one table that point at a person row of another table.

A database dump, an SQLite file or a workbook often keeps people in one table and what was done
to them in another: ``results(patient_id, test_code, value)`` names nobody, ``patients(id,
surname, forename, dob)`` names everyone. Scanned one table at a time, the results are lost.

What the analyst gets: every row of an events table whose key points at a person row becomes a
person-record of its own, at the row's own locator (``table:results!row:7``), with

- the person's identifiers copied from the person row (NHS number, names, date of birth,
  postcode, sex, hospital number), so linkage puts it with that person exactly as the lookup a
  reader of the dump would do;
- the row's own facts: test codes, whether a result is given, sensitive kinds, and the
  requester's ODS code (else the person row's);
- exposure flags of the person row plus the row's test description and result: what the join
  exposes together;
- source ``joined``, and mentions (detector ``relations``, rule
  ``joined:results.patient_id->patients.id``) for the key and for the test and result columns.

Why a record per row rather than adding categories to the person row: the row is where the fact
sits (a reviewer opens it, a notification cites it), the person row's record has already been
written when its results arrive (tables stream in chunks), and one record per row aligns with
ground truth row by row.

A relation is proposed by names (``data/relation_keys.yaml``: ``patient_id``, ``pat_id``,
``subject_id`` ...; and ``<table>_id`` for ``<table>.id``; or the same key name on both sides,
listed or only named like a number, ``Clinic No``, ``pat_seq``, whose values must then look like
identifiers too: ``_identifies``) and kept only when the values agree: at least
``MIN_CONTAINED`` of the distinct key values of the events rows are found in the people table's
key column, and that column is unique over the person rows. Containment counts the keys of
every row of the people table, a person's or not: a baby's or a merged patient's row that
identifies no one is still a key of that table (and the events rows that point at it join no
one). One relation per events table, the best contained (a name naming the table first); where
there is none, through up to two tables between (``relation_chains``). A table of staff
(``staff_tables``) is never the people. Tables relate only within one source (one dump, one
database, one workbook).

Memory: for people tables, the key columns' values and identifiers of the person rows, and the
distinct key values of the other rows that name no test (``_State.spare``, from the first chunk
with a person row on: a patients table's first rows are its patients); for events tables,
only the rows that name a test, and for them the key values, row number, test codes and result
and requester flags; for tables with a pointer and another key, those columns of every row that
is not a person's (a step of a chain; these stand for ``spare`` too). Everything else of a chunk
is dropped with it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from breachdesk import catalogue
from breachdesk.detect import cellwise, lab_tests, ods, staff_tables
from breachdesk.detect.columns import type_columns
from breachdesk.detect.join_names import compact_name as _compact
from breachdesk.detect.join_names import is_key as _is_key
from breachdesk.detect.join_names import key_naming as _naming
from breachdesk.detect.join_names import numbered as _numbered
from breachdesk.detect.records import MENTION_SCHEMA, SCHEMA, VALUE_FIELDS
from breachdesk.detect.tables import runs
from breachdesk.readers.base import Table
from breachdesk.vocabulary import CATEGORIES

MIN_CONTAINED = 0.9  # share of an events table's distinct keys found among the people's keys
MIN_UNIQUE = 0.99  # a people key column must tell its person rows apart
OUT_ROWS = 50_000  # joined records are written in chunks this size
# What a joined record copies from its person row: every value but the row's own facts.
IDENTITY = tuple(name for name in VALUE_FIELDS if name not in ("tests", "sensitive"))
_FLAGS = tuple(f"e_{c}" for c in CATEGORIES)
_NULL = pa.scalar(None, pa.string())
# The source of a file that is one table (a CSV): named by the file, joined with the other such
# files of its folder after the scan (``detect.folder_relations``), never within the file.
WHOLE_FILE = "\x00file"


def strings(column: Any) -> pa.Array:
    """A reader's column as a string array, whether it came as a list or as Arrow."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if not isinstance(column, pa.Array):
        return pa.array(column, pa.string())
    return column if column.type == pa.string() else pc.cast(column, pa.string())


def _clean(values: pa.Array) -> pa.Array:
    trimmed = pc.utf8_trim_whitespace(values)
    return pc.if_else(pc.greater(pc.utf8_length(trimmed), 0), trimmed, _NULL)


def _keys(values: pa.Array) -> pa.Array:
    """Keys compared as text; a spreadsheet's ``12.0`` is the ``12`` of a dump."""
    cleaned = _clean(values)
    if not cellwise.may_contain(cleaned, (b".",)):
        return cleaned  # (no cell with a full stop: the replacing call would change none)
    return pc.replace_substring_regex(cleaned, r"^(\d+)\.0+$", r"\1")


def _map_unique(values: pa.Array, fn: Callable[[str], str | None]) -> pa.Array:
    uniques = pc.unique(values)
    mapped = pa.array([fn(u) if u is not None else None for u in uniques.to_pylist()], pa.string())
    return pc.take(mapped, pc.index_in(values, uniques))


def _codes(value: str) -> str | None:
    return ";".join(lab_tests.lookup(value)) or None


def _distinct(codes: str) -> str | None:
    return ";".join(dict.fromkeys(c for c in codes.split(";") if c)) or None


def _sensitive(codes: str) -> str | None:
    by_code = catalogue.sensitive_by_code()
    return ";".join(sorted({by_code[c] for c in codes.split(";") if c in by_code})) or None


@dataclass
class Facts:
    """What the rows of a table say besides who they are: per row, and which columns said it."""

    tests: pa.Array  # catalogue codes joined by ";", null where the row names no test
    result: pa.Array  # bool: a result is given for a named test
    requester: pa.Array  # ODS code or null
    test_field: str
    result_field: str


def row_facts(
    header: Sequence[str],
    columns: Sequence[pa.Array],
    types: Sequence[str | None] | None = None,
) -> Facts:
    """Tests, results and requester of every row, person or not (``records_from_table`` keeps
    only the person rows; an events table has none). ``types``: the columns' types where
    they are known already (``Table.types``), else they are typed here."""
    n = len(columns[0]) if columns else 0
    codes: list[pa.Array] = []
    results: list[pa.Array] = []
    requesters: list[pa.Array] = []
    test_fields: list[str] = []
    result_fields: list[str] = []
    if types is None:
        types = type_columns(list(header), list(columns))
    for name, kind, values in zip(header, types, columns, strict=True):
        if kind is None or _is_key(_compact(name)):
            continue  # ``result_id`` is typed a result by its words; a key is no fact
        clean = _clean(values)
        if kind == "test":
            codes.append(_map_unique(clean, _codes))
            test_fields.append(name)
        elif kind.startswith("analyte:"):
            codes.append(pc.if_else(pc.is_valid(clean), pa.scalar(kind.split(":", 1)[1]), _NULL))
            results.append(pc.is_valid(clean))
            test_fields.append(name)
            result_fields.append(name)
        elif kind == "result":
            results.append(pc.is_valid(clean))
            result_fields.append(name)
        elif kind == "requester":
            requesters.append(_map_unique(clean, ods.code_of))
    if not codes:
        tests = pa.nulls(n, pa.string())
    elif len(codes) == 1:
        tests = codes[0]
    else:
        # Nulls made empty first: pyarrow 26 drops the rows where every input is null from
        # binary_join_element_wise(..., null_handling="skip"), shortening the column.
        joined = pc.binary_join_element_wise(*[pc.fill_null(c, "") for c in codes], ";")
        tests = _map_unique(joined, _distinct)
    any_result = pa.array([False] * n)
    for given in results:
        any_result = pc.or_(any_result, given)
    requester = pc.coalesce(*requesters) if requesters else pa.nulls(n, pa.string())
    return Facts(
        tests,
        pc.fill_null(pc.and_(pc.is_valid(tests), any_result), False),
        requester,
        ";".join(test_fields),
        ";".join(result_fields),
    )


@dataclass
class _State:
    """One table of one source, as much of it as a join needs."""

    name: str
    prefix: str
    headers: dict[str, str] = field(default_factory=dict)  # compact -> as written
    keys: dict[str, list[pa.Array]] = field(default_factory=dict)  # per person row
    people: list[pa.Table] = field(default_factory=list)  # identity + flags per person row
    person_rows: list[pa.Array] = field(default_factory=list)  # each person row's number
    pointers: dict[str, list[pa.Array]] = field(default_factory=dict)  # per events row
    # Every key column of every row not a person's, where a table has a pointer and another
    # key: a step between events and people (``relation_chains``).
    links: dict[str, list[pa.Array]] = field(default_factory=dict)
    # The distinct key values of the rows that are neither a person's nor an events row, where
    # ``links`` does not hold them: what else the table's keys are, for containment only.
    spare: dict[str, list[pa.Array]] = field(default_factory=dict)
    rows: list[pa.Array] = field(default_factory=list)
    tests: list[pa.Array] = field(default_factory=list)
    result: list[pa.Array] = field(default_factory=list)
    requester: list[pa.Array] = field(default_factory=list)
    test_field: str = ""
    result_field: str = ""
    file_id: int = 0  # the file the table is in, where tables of several files are joined
    stem: str = "row:"  # a row's locator after the prefix: a table's rows, a FHIR file's entries
    staff: bool = False  # a table of staff (``staff_tables``): never the people of a join
    # What the pairings of ``best_relation`` found of a column (unique, distinct values), made
    # once: a table is paired with every other, and a chain's steps with each other again.
    memo: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class Relation:
    child: str
    pointer: str  # compact column name in the child
    parent: str
    key: str  # compact column name in the parent
    contained: float  # share of the child's distinct pointer values found among the keys
    rule: str  # joined:results.patient_id->patients.id


class Relations:
    """Collects a file's tables chunk by chunk; ``joined`` yields the related rows at the end."""

    def __init__(self) -> None:
        self._tables: dict[tuple[str, str], _State] = {}

    def add(self, table: Table, records: pa.Table, whole: str | None = None) -> None:
        """Keep what a join could need from one chunk and the person-records made of it.
        ``whole``: the name of a file that is this one table (its tables have no name)."""
        found = staff_tables.TABLE_NAME.search(table.prefix)
        n = table.n_rows
        if n == 0:
            return
        if found is not None:  # (a sheet's later section is a table of its own)
            source, name = table.prefix[: found.start()], found.group("name") + table.section
        elif whole is not None:
            source, name = WHOLE_FILE, whole
        else:
            return
        compact = [_compact(h) for h in table.header]
        kinds = table.types or [None] * len(compact)
        wanted = [i for i, c in enumerate(compact) if _is_key(c) or _numbered(c, kinds[i])]
        if not wanted:
            return
        state = self._tables.setdefault((source, name), _State(name, table.prefix))
        state.staff = state.staff or staff_tables.is_staff(name, table.header)
        state.memo.clear()
        for i in wanted:
            state.headers.setdefault(compact[i], table.header[i])
        pointers = [i for i in wanted if compact[i] != "id"]
        given = table.columns if table.arrow is None else table.arrow
        keyed = {i: strings(given[i]) for i in wanted}
        values = {i: _keys(keyed[i]) for i in wanted}
        offset = len(table.prefix) + len("row:")
        locators = records["locator"].combine_chunks()
        numbers = pc.cast(pc.utf8_slice_codeunits(locators, offset), pa.int64())
        at = pc.subtract(numbers, table.first_row)
        if records.num_rows:
            for i in wanted:
                state.keys.setdefault(compact[i], []).append(pc.take(values[i], at))
            state.people.append(records.select([*IDENTITY, *_FLAGS]))
            state.person_rows.append(numbers)
        chained = len(wanted) > 1 and source != WHOLE_FILE  # (a folder's files are not chained)
        # Only a table with people can be pointed at: an audit log's or a lookup's own ids, or
        # an events table's, are not kept.
        spare = not chained and bool(state.people)
        if records.num_rows >= n or not (pointers or spare):
            return  # every row a person's, or no events rows and no other keys to keep
        others = pc.invert(pc.is_in(pa.array(range(n), pa.int64()), value_set=at))
        if chained:
            for i in wanted:
                state.links.setdefault(compact[i], []).append(pc.filter(values[i], others))
        if not pointers:
            if spare:
                _keep_spare(state, compact, wanted, values, others)
            return  # no pointer: no events rows to join
        # Every column may say an events row's tests; a people table's are not converted again.
        columns = [keyed[i] if i in keyed else strings(c) for i, c in enumerate(given)]
        facts = row_facts(table.header, columns, table.types)
        keep = pc.and_(pc.is_valid(facts.tests), others)
        if spare:  # (not an events row's own serial: no pointer means it)
            _keep_spare(state, compact, wanted, values, pc.and_(others, pc.is_null(facts.tests)))
        if not pc.any(keep).as_py():
            return
        for i in pointers:
            state.pointers.setdefault(compact[i], []).append(pc.filter(values[i], keep))
        rows = pa.array(range(table.first_row, table.first_row + n), pa.int64())
        state.rows.append(pc.filter(rows, keep))
        state.tests.append(pc.filter(facts.tests, keep))
        state.result.append(pc.filter(facts.result, keep))
        state.requester.append(pc.filter(facts.requester, keep))
        state.test_field = state.test_field or facts.test_field
        state.result_field = state.result_field or facts.result_field

    def relations(self) -> list[tuple[tuple[str, str], tuple[str, str], Relation]]:
        """(child table, parent table, relation) for every events table that points at people."""
        _settle(self._tables)
        found = []
        for child_key, child in self._tables.items():
            chosen = best_relation(
                self._tables, child_key, child.pointers, _naming, "keys", _people
            )
            if chosen:
                found.append((child_key, *chosen))
        return found

    def take_whole_files(self) -> list[_State]:
        """The tables kept under ``add``'s ``whole`` name, taken out (to be joined with the
        tables of other files)."""
        taken = [state for (source, _), state in self._tables.items() if source == WHOLE_FILE]
        self._tables = {k: v for k, v in self._tables.items() if k[0] != WHOLE_FILE}
        return taken  # (``add`` kept no unlisted numbers of these)

    def take_only(self, name: str | None = None) -> list[_State]:
        """A file's one table, taken out (to be joined with other files' tables) and renamed
        ``name`` where given; none where the file holds several (joined among themselves)."""
        # Tables kept only for an unlisted number (``_NUMBERED``) count if they join here, or
        # where the file has no other ("Sample No" of a sample register beside its results).
        listed = [k for k, t in self._tables.items() if any(map(_is_key, [*t.keys, *t.pointers]))]
        listed = listed or [k for k, t in self._tables.items() if t.keys or t.pointers]
        if len(listed) != 1 or (len(self._tables) > 1 and (self.relations() or self._chained())):
            return []
        state = self._tables[listed[0]]
        self._tables.clear()
        state.name = name or state.name
        state.keys = {k: v for k, v in state.keys.items() if _kept(k)}
        state.pointers = {k: v for k, v in state.pointers.items() if _kept(k)}
        state.spare = {k: v for k, v in state.spare.items() if _kept(k)}
        if not state.pointers:
            state.rows, state.tests, state.result, state.requester = [], [], [], []
        return [state]

    def _chained(self) -> bool:
        """Whether events reach people here through steps (``relation_chains``): a workbook's
        Results sheet by "Lab No" through Requests to Patients, joined among themselves."""
        from breachdesk.detect import relation_chains  # (it builds on this module)

        return bool(relation_chains.chains(self._tables, set()))

    def put(self, source: str, state: _State) -> None:
        """A table kept elsewhere (``take_whole_files`` of another file), under ``source``; a
        second table of the same name (two files named alike) is told apart by its file."""
        if (source, state.name) in self._tables:
            state.name = f"{state.name}#{state.file_id}"
        self._tables[(source, state.name)] = state

    def joined(self, file_id: int | None = None) -> Iterator[tuple[pa.Table, pa.Table]]:
        """Records and mentions of the rows that point at people, ``OUT_ROWS`` at a time, in
        file ``file_id`` (None: the file each events table is in)."""
        from breachdesk.detect import relation_chains  # (it builds on this module)

        found: list[tuple[tuple[str, str], tuple[str, str], Relation, pa.Array | None]]
        found = [(*relation, None) for relation in self.relations()]
        found += relation_chains.chains(self._tables, {child for child, *_ in found})
        for child_key, parent_key, relation, where in found:
            child, parent = self._tables[child_key], self._tables[parent_key]
            in_file = child.file_id if file_id is None else file_id
            people = pa.concat_tables(parent.people)
            if where is None:
                keys = pa.concat_arrays(parent.keys[relation.key])
                where = pc.index_in(pa.concat_arrays(child.pointers[relation.pointer]), keys)
            hit = pc.is_valid(where)
            picks = {
                "person": pc.filter(where, hit),
                "row": pc.filter(pa.concat_arrays(child.rows), hit),
                "tests": pc.filter(pa.concat_arrays(child.tests), hit),
                "result": pc.filter(pa.concat_arrays(child.result), hit),
                "requester": pc.filter(pa.concat_arrays(child.requester), hit),
            }
            total = len(picks["row"])
            for start in range(0, total, OUT_ROWS):
                part = {k: v.slice(start, OUT_ROWS) for k, v in picks.items()}
                yield _records(in_file, child, relation, people.take(part["person"]), part)
        self._tables.clear()


Naming = Callable[[str, str, str], int]


def _kept(key: str) -> bool:
    """Whether a key goes with its table to another file's (``take_only``): as a whole file's
    table keeps them (``add``), listed keys and unlisted numbers."""
    return _is_key(key) or _numbered(key)


def _people(state: _State) -> bool:
    return bool(state.people) and not state.staff


def best_relation(
    tables: dict[tuple[str, str], _State],
    child_key: tuple[str, str],
    pointers: dict[str, list[pa.Array]],
    naming_of: Naming,
    keys_of: str,
    eligible: Callable[[_State], bool],
) -> tuple[tuple[str, str], Relation] | None:
    """The table of ``child_key``'s source that ``pointers`` (a child's columns, of its
    ``pointers`` or ``links``) point at, by one of its ``keys_of`` columns (``keys`` or
    ``links``), best named then best contained; ``eligible``: which tables may be pointed at."""
    source, child_name = child_key
    child = tables[child_key]
    best: tuple[int, float] | None = None
    chosen = None
    for (other, parent_name), parent in tables.items():
        if other != source or parent_name == child_name or not eligible(parent):
            continue
        for pointer, chunks in pointers.items():
            for key, key_chunks in getattr(parent, keys_of).items():
                naming = naming_of(pointer, key, parent_name)
                if not naming or not _memo(parent, (keys_of, key), _unique, key_chunks):
                    continue
                if not _is_key(pointer) and not _identifies(chunks, key_chunks, pointer):
                    continue
                values = _memo(child, ("values", str(id(chunks[0]))), _values, chunks)
                every = _memo(parent, (f"every {keys_of}", key), _every_key(parent, keys_of), key)
                share = _contained(values, every)
                if share < MIN_CONTAINED or (best and (naming, share) <= best):
                    continue
                best = (naming, share)
                headers = tables[child_key].headers
                rule = f"{child_name}.{headers[pointer]}->{parent_name}.{parent.headers[key]}"
                relation = Relation(child_name, pointer, parent_name, key, share, f"joined:{rule}")
                chosen = ((source, parent_name), relation)
    return chosen


def _keep_spare(
    state: _State, compact: list[str], wanted: list[int], values: dict[int, pa.Array], rows: Any
) -> None:
    """The distinct values of the ``wanted`` key columns over ``rows`` (a mask), in ``spare``."""
    if not pc.any(rows).as_py():
        return
    for i in wanted:
        state.spare.setdefault(compact[i], []).append(
            pc.unique(pc.drop_null(pc.filter(values[i], rows)))
        )


def _every_key(state: _State, keys_of: str) -> Callable[[str], pa.Array]:
    """A key column's values over every row of its table, whichever ``keys_of`` was asked: the
    person rows' (``keys``) with the other rows' (``links``, else ``spare``)."""

    def every(key: str) -> pa.Array:
        if keys_of == "keys":
            chunks = [*state.keys[key], *state.links.get(key, []), *state.spare.get(key, [])]
        else:  # a step of a chain: its rows that are a person's too
            chunks = [*state.links[key], *state.keys.get(key, [])]
        return pa.concat_arrays(chunks)

    return every


def _settle(tables: dict[tuple[str, str], _State]) -> None:
    """Each column kept in chunks made one array, so the many pairings of ``relations`` and
    ``relation_chains`` do not concatenate it again each time."""
    for state in tables.values():
        for columns in (state.keys, state.pointers, state.links, state.spare):
            for name, chunks in columns.items():
                if len(chunks) > 1:
                    columns[name] = [pa.concat_arrays(chunks)]
        for name in ("rows", "tests", "result", "requester", "person_rows"):
            chunks = getattr(state, name)
            if len(chunks) > 1:
                setattr(state, name, [pa.concat_arrays(chunks)])
        if len(state.people) > 1:
            state.people = [pa.concat_tables(state.people).combine_chunks()]


def _unique(chunks: list[pa.Array]) -> bool:
    values = pc.drop_null(pa.concat_arrays(chunks))
    return len(values) > 0 and pc.count_distinct(values).as_py() >= MIN_UNIQUE * len(values)


# An unlisted number named as a person's ("pat_seq", "PatientNo", "client_ref"): a database's
# auto-increment key from 1, where another number with values under 1000 is a row count.
_PERSON_NUMBER = re.compile(r"(?:pat|patient|pt|person|client|subject|member)")


def _identifies(pointers: list[pa.Array], keys: list[pa.Array], name: str = "") -> bool:
    """Whether an unlisted number's values look like people's keys, not like what else a
    column so named may hold: a row count (1..n in each table, unless the name is a person's),
    one batch or run for every row, or an events table's own serial (distinct and all
    digits)."""
    values = pc.drop_null(pa.concat_arrays(keys))
    if not len(values) or not pc.all(pc.match_substring_regex(values, r"\d")).as_py():
        return False
    if _PERSON_NUMBER.match(name) is None and (
        pc.any(pc.match_substring_regex(values, r"^0*\d{1,3}$")).as_py()
    ):
        return False
    pointed = pc.drop_null(pa.concat_arrays(pointers))
    distinct = pc.count_distinct(pointed).as_py()
    if distinct < 2:
        return False
    if distinct == len(pointed):
        return not pc.all(pc.match_substring_regex(pointed, r"^\d+$")).as_py()
    return True


def _memo(state: _State, key: tuple[str, str], make: Callable[..., Any], given: Any) -> Any:
    if key not in state.memo:
        state.memo[key] = make(given)
    return state.memo[key]


def _values(pointers: list[pa.Array]) -> pa.Array:
    """A pointer column's distinct values."""
    return pc.unique(pc.drop_null(pa.concat_arrays(pointers)))


def _contained(distinct: pa.Array, keys: pa.Array) -> float:
    if not len(distinct):
        return 0.0
    inside = pc.is_in(distinct, value_set=keys)
    return (pc.sum(pc.cast(inside, pa.int64())).as_py() or 0) / len(distinct)


def _records(
    file_id: int, child: _State, relation: Relation, people: pa.Table, part: dict[str, pa.Array]
) -> tuple[pa.Table, pa.Table]:
    n = len(part["row"])
    locator = pc.binary_join_element_wise(
        pa.scalar(f"{child.prefix}{child.stem}"), pc.cast(part["row"], pa.string()), ""
    )
    record_id = pc.binary_join_element_wise(pa.scalar(f"{file_id}:"), locator, "")
    values: dict[str, pa.Array] = {
        "record_id": record_id,
        "file_id": pa.array(np.full(n, file_id, dtype=np.int64)),
        "locator": locator,
        "source": runs(["joined"], [n]),
    }
    for name in IDENTITY:
        values[name] = people[name].combine_chunks()
    values["tests"] = part["tests"]
    values["sensitive"] = _map_unique(part["tests"], _sensitive)
    values["ods_codes"] = pc.coalesce(part["requester"], values["ods_codes"])
    for flag in _FLAGS:
        values[flag] = people[flag].combine_chunks()
    values["e_test_description"] = pa.array(np.ones(n, dtype=bool))
    values["e_test_result"] = pc.or_(values["e_test_result"], part["result"])
    records = pa.Table.from_pydict(values, schema=SCHEMA)
    pointer_field = child.headers[relation.pointer]
    parts = [
        _mentions(record_id, locator, file_id, "join_key", pointer_field, relation.rule, None),
        _mentions(record_id, locator, file_id, "test", child.test_field, relation.rule, None),
    ]
    if child.result_field:
        parts.append(
            _mentions(
                record_id,
                locator,
                file_id,
                "result",
                child.result_field,
                relation.rule,
                part["result"],
            )
        )
    return records, pa.concat_tables(parts)


def _mentions(
    record_id: pa.Array,
    locator: pa.Array,
    file_id: int,
    kind: str,
    where: str,
    rule: str,
    keep: pa.Array | None,
) -> pa.Table:
    if keep is not None:
        record_id, locator = pc.filter(record_id, keep), pc.filter(locator, keep)
    n = len(record_id)
    # Columns of one value made from buffers, not Python lists of ``n`` items: a join writes
    # tens of thousands of mentions.
    return pa.table(
        {
            "record_id": record_id,
            "file_id": pa.array(np.full(n, file_id, dtype=np.int64)),
            "locator": locator,
            "kind": runs([kind], [n]),
            "field": runs([where], [n]),
            "detector": runs(["relations"], [n]),
            "rule": runs([rule], [n]),
            "score": pa.array(np.ones(n), pa.float64()),
            "checksum": runs([""], [n]),
        },
        schema=MENTION_SCHEMA,
    )
