"""The person-record: the facts about one identifiable person in one place, as scan writes them.

A record is kept only when it identifies someone: a valid NHS number, or a family name, given
name and date of birth together (what a caller or a controller would recognise as "me"), or a
family name with both a date of birth and a hospital number (a lab links its samples on exactly
those). A row whose NHS number is in the 999 test range is a test patient, no one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from breachdesk.detect import male_markers, nhs_number
from breachdesk.vocabulary import CATEGORIES

VALUE_FIELDS = (
    "nhs_number",
    "family_name",
    "given_name",
    "date_of_birth",
    "postcode",
    "sex",
    "hospital_number",
    "tests",
    "sensitive",
    "ods_codes",
)
_JOINED = ("tests", "sensitive", "ods_codes")  # lists, written joined with ";"
_PLAIN = tuple(name for name in VALUE_FIELDS if name not in _JOINED)
SCHEMA = pa.schema(
    [
        ("record_id", pa.string()),
        ("file_id", pa.int64()),
        ("locator", pa.string()),
        ("source", pa.string()),
        *[(name, pa.string()) for name in VALUE_FIELDS],
        *[(f"e_{name}", pa.bool_()) for name in CATEGORIES],
    ]
)
MENTION_SCHEMA = pa.schema(
    [
        ("record_id", pa.string()),
        ("file_id", pa.int64()),
        ("locator", pa.string()),
        ("kind", pa.string()),
        ("field", pa.string()),
        ("detector", pa.string()),
        ("rule", pa.string()),
        ("score", pa.float64()),
        ("checksum", pa.string()),
    ]
)


@dataclass
class PersonRecord:
    locator: str
    source: str
    values: dict[str, str] = field(default_factory=dict)
    exposed: set[str] = field(default_factory=set)
    tests: list[str] = field(default_factory=list)
    ods_codes: list[str] = field(default_factory=list)
    # Sensitive kinds of no test's: a diagnosis's, coded or in words (``detect.diagnoses``,
    # ``detect.diagnosis_words``).
    sensitive: set[str] = field(default_factory=set)
    # (kind, where: field name or "chars:a-b", detector, rule, checksum) for the mentions table
    evidence: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    # Named in prose as someone's relative and alone in their passage ("her niece Ms Ana Da
    # Silva (DOB ...)"): the passage's other facts are the file's patient's (``scan.owner``).
    relative: bool = False

    def set(self, name: str, value: str | None, category: str | None = None) -> None:
        if value and not self.values.get(name):
            self.values[name] = value
        if value and category:
            self.exposed.add(category)

    def add_test(self, code: str) -> None:
        if code not in self.tests:
            self.tests.append(code)
        self.exposed.add("test_description")

    def identifies(self) -> bool:
        """A valid NHS number, or a full name with a date of birth or a hospital number (a
        LIMS worksheet's "Hosp No | Surname | Forename | Test" names its patients so), or a
        family name with both (a freezer's or archive's "Hosp No | Surname | DOB" inventory: a
        lab matches a sample to its patient on those three; a staff list's surname and date
        have no hospital number beside them)."""
        v = self.values
        if is_test_name(v.get("family_name"), v.get("given_name")):
            return False  # a system's test patient, whatever number it was given
        if v.get("nhs_number"):
            return True
        if not v.get("family_name"):
            return False
        dob, number = v.get("date_of_birth"), v.get("hospital_number")
        return bool((v.get("given_name") and (dob or number)) or (dob and number))

    def addressed(self) -> bool:
        """A full name with a postcode: how a letter's address block names its patient
        (``detect.address_blocks``), where nothing else in the letter does."""
        v = self.values
        return bool(v.get("family_name") and v.get("given_name") and v.get("postcode"))


def person_mask(
    nhs: pa.Array, family: pa.Array, given: pa.Array, dob: pa.Array, hospital: pa.Array
) -> pa.Array:
    """``PersonRecord.identifies`` over a table's columns (null where a row has no value): a
    boolean array, no nulls."""
    valid = pc.is_valid
    named = pc.and_(valid(family), pc.or_(valid(dob), valid(hospital)))
    full = pc.or_(valid(given), pc.and_(valid(dob), valid(hospital)))
    return pc.fill_null(pc.or_(valid(nhs), pc.and_(named, full)), False)


# A cell of an NHS number column holding a 999-range number: a system's test patient.
_TEST_CELL = r"^\s*'?999[ -]?\d{3}[ -]?\d{4}\s*$"


# A LIMS's, an interface's or a trainer's made-up patients ("ZZTEST, Labsys", "TEST, Patient",
# "XXTESTPATIENT"), and the cartoon names trainers give them: no one.
# "ZZTEST", "ZZZTEST", "XXXTEST": systems pad a test patient's name with Zs or Xs so it sorts last
_TEST_FAMILY = re.compile(
    r"(?:z{2,4}|x{2,4})?test(?:[\s_-]?(?:patient|pt|\d{1,4}))?", re.IGNORECASE
)
_CARTOONS = frozenset({("mouse", "mickey"), ("mouse", "minnie"), ("duck", "donald"),
                       ("duck", "daisy"), ("bunny", "bugs"), ("flintstone", "fred")})  # fmt: skip


def is_test_name(family: str | None, given: str | None) -> bool:
    """Whether a family and given name are a test patient's (``_TEST_FAMILY``, ``_CARTOONS``)."""
    if not family:
        return False
    if _TEST_FAMILY.fullmatch(family.strip()) is not None:
        return True
    return (family.strip().casefold(), (given or "").strip().casefold()) in _CARTOONS


def _test_named(family: pa.Array, given: pa.Array) -> pa.Array | None:
    """``is_test_name`` over two columns (a boolean array, no nulls), or None where no row is a
    test patient's: one vectorised look at the family names, the few that may be read one by
    one."""
    maybe = pc.fill_null(pc.match_substring_regex(family, _MAYBE_TEST), False)
    if not pc.any(maybe).as_py():
        return None
    rows = pc.indices_nonzero(maybe).to_pylist()
    families, givens = family.take(rows).to_pylist(), given.take(rows).to_pylist()
    flags = [False] * len(family)
    for row, one, other in zip(rows, families, givens, strict=True):
        flags[row] = is_test_name(one, other)
    return pa.array(flags, pa.bool_())


_MAYBE_TEST = (
    r"(?i)^\s*(?:(?:z{2,4}|x{2,4})?test|" + "|".join(sorted({f for f, _ in _CARTOONS})) + r")"
)


def test_patients(numbers: list[pa.Array], family: pa.Array, given: pa.Array) -> pa.Array | None:
    """Rows whose NHS number column holds a 999-range number passing the check (``nhs.RANGES``'
    test range), or whose name is a test patient's (``is_test_name``); None where none is: an
    interface's or analyser's test patient ("TEST PATIENT", "XXTESTPATIENT") filed among real
    ones, no one whatever else the row holds."""
    found = _test_named(family, given) if family.null_count < len(family) else None
    for column in numbers:
        text = pc.cast(column, pa.string())
        shaped = pc.fill_null(pc.match_substring_regex(text, _TEST_CELL), False)
        if not pc.any(shaped).as_py():
            continue  # (most tables: one vectorised look, nothing more)
        # The few 999 cells checked one by one, as a text's numbers are.
        cells = text.to_pylist()
        flags = [
            bool(on)
            and nhs_number.classify("".join(ch for ch in cells[i] if ch.isdigit())) == "test"
            for i, on in enumerate(shaped.to_pylist())
        ]
        here = pa.array(flags, pa.bool_())
        found = here if found is None else pc.or_(found, here)
    return found


_ROW = pa.struct(list(SCHEMA))
_MENTION_ROW = pa.struct(list(MENTION_SCHEMA))


# From this many rows a column at a time is quicker (its ~3 us a column is paid once, while
# the struct's rows are converted a value at a time through a tuple each): 3,000 rows took
# 3.9 ms so, 6.9 ms as structs; 16 rows 118 us so, 68 us as structs.
_COLUMNAR_ROWS = 128


def _table(columns: list[Sequence[object]], row: pa.StructType) -> pa.Table:
    """A one-chunk table from Python columns, converted in one call: ``from_pydict`` converts a
    column at a time, ~3 us each, so a file with one person spent 150 us on its 33 columns."""
    if columns and len(columns[0]) >= _COLUMNAR_ROWS:
        fields = list(row)
        arrays = [pa.array(column, type=f.type) for column, f in zip(columns, fields, strict=True)]
        return pa.Table.from_batches([pa.RecordBatch.from_arrays(arrays, schema=pa.schema(fields))])
    rows = pa.array(list(zip(*columns, strict=True)), type=row)
    return pa.Table.from_batches([pa.RecordBatch.from_struct_array(rows)])


def rows_to_tables(
    file_id: int, records: list[PersonRecord], sensitive_of: dict[str, str]
) -> tuple[pa.Table, pa.Table]:
    """The records and mentions tables for person-records built one at a time (HL7, text).

    Built a column at a time with comprehensions, not a row at a time with an append per cell:
    a feed of small messages spent a fifth of its scan time here.
    """
    count = len(records)
    ids = [f"{file_id}:{rec.locator}#{number}" for number, rec in enumerate(records)]
    values = [rec.values for rec in records]
    exposed = [rec.exposed for rec in records]
    columns: list[Sequence[object]] = [
        ids,
        [file_id] * count,
        [rec.locator for rec in records],
        [rec.source for rec in records],
    ]
    columns += ([v.get(name) or None for v in values] for name in _PLAIN)
    # A feed repeats the same few test lists; their joins and sensitive kinds are made once.
    joined: dict[tuple[tuple[str, ...], bool], tuple[str | None, str | None]] = {}
    tests: list[object] = []
    sensitive: list[object] = []
    for rec in records:
        key = tuple(rec.tests)
        male = _male(key, rec.values.get("sex"))
        pair = joined.get((key, male))
        if pair is None:
            kinds = male_markers.kinds_of(key, sensitive_of, male)
            pair = joined[key, male] = (";".join(key) or None, ";".join(kinds) or None)
        tests.append(pair[0])
        sensitive.append(_with(pair[1], rec.sensitive) if rec.sensitive else pair[1])
    columns += [tests, sensitive, [";".join(rec.ods_codes) or None for rec in records]]
    columns += ([cat in e for e in exposed] for cat in CATEGORIES)
    return _table(columns, _ROW), _mentions(file_id, ids, records)


def _male(codes: Sequence[str], sex: str | None) -> bool:
    """Whether a man's tests are read as a man's: only where one is a marker that tells
    another thing in him (hCG, ``male_markers``)."""
    return (
        bool(sex) and any(c in male_markers.NOT_IN_MEN for c in codes) and male_markers.is_male(sex)
    )


def _with(kinds: str | None, more: set[str]) -> str:
    """Kinds joined by ";" with ``more`` added, sorted."""
    return ";".join(sorted(more.union((kinds or "").split(";")) - {""}))


def _mentions(file_id: int, ids: list[str], records: list[PersonRecord]) -> pa.Table:
    record_ids: list[str] = []
    locators: list[str] = []
    evidence: list[tuple[str, str, str, str, str]] = []
    for record_id, rec in zip(ids, records, strict=True):
        if rec.evidence:
            many = len(rec.evidence)
            record_ids += [record_id] * many
            locators += [rec.locator] * many
            evidence += rec.evidence
    count = len(evidence)
    kind, where, detector, rule, checksum = zip(*evidence, strict=True) if evidence else [()] * 5
    columns: list[Sequence[object]] = [record_ids, [file_id] * count, locators, kind, where]
    columns += [detector, rule, [1.0] * count, checksum]
    return _table(columns, _MENTION_ROW)


def add_to_row(
    records: pa.Table, mentions: pa.Table, found: PersonRecord, sensitive_of: dict[str, str]
) -> tuple[pa.Table, pa.Table]:
    """A one-row records table (a table's record, its id kept) and its mentions with what
    ``found`` adds: its tests after the row's own, their sensitive kinds and its own, its
    exposed categories and its evidence, as ``rows_to_tables`` would write them at the row."""
    row = records.to_pylist()[0]
    tests = list(dict.fromkeys([*(row["tests"] or "").split(";"), *found.tests]))
    tests = [code for code in tests if code]
    kinds = {kind for kind in (row["sensitive"] or "").split(";") if kind}
    # (A man's row was read as a man's: his hCG's pregnancy is not added back.)
    kinds |= set(male_markers.kinds_of(tests, sensitive_of, _male(tests, row["sex"])))
    kinds |= found.sensitive
    row["tests"] = ";".join(tests) or None
    row["sensitive"] = ";".join(sorted(kinds)) or None
    for category in found.exposed:
        row[f"e_{category}"] = True
    at = {"record_id": row["record_id"], "file_id": row["file_id"], "locator": row["locator"]}
    added = [
        {**at, "kind": kind, "field": where, "detector": detector, "rule": rule, "score": 1.0}
        | {"checksum": checksum}
        for kind, where, detector, rule, checksum in found.evidence
    ]
    return (
        pa.Table.from_pylist([row], schema=records.schema),
        pa.concat_tables([mentions, pa.Table.from_pylist(added, schema=mentions.schema)]),
    )
