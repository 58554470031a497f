"""Person-records from a table, column-wise: one typed column is validated in one call."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from breachdesk import catalogue
from breachdesk.detect import (
    cell_tests,
    composite,
    dates,
    diagnoses,
    diagnosis_cells,
    grouped_rows,
    lab_tests,
    name_columns,
    nhs_number,
    ods,
    postcode,
)
from breachdesk.detect.columns import fold, type_columns
from breachdesk.detect.records import MENTION_SCHEMA, SCHEMA, person_mask, test_patients
from breachdesk.readers.base import Table
from breachdesk.readers.table_edges import without_header_rows
from breachdesk.vocabulary import CATEGORIES

_NULL = pa.scalar(None, pa.string())
# Made once: a Python literal in a compute call is converted to a scalar on every call.
_ZERO = pa.scalar(0, pa.int32())
_FALSE = pa.scalar(False)
# Typed for the record, but no mention of their own: they say nothing about who a row is (a
# relative is another person).
_OTHER_DATES = ("collected_at", "received_at", "other_date")
# (A diagnosis column's cells are its codes' mentions, ``diagnoses.Coded.mentions``.)
_NOT_MENTIONED = frozenset(
    {"clinician", "relative", "other_date", "units", "received_at", diagnoses.KIND}
)


def _clean(values: pa.Array) -> pa.Array:
    if values.type != pa.string():
        values = pc.cast(values, pa.string())
    trimmed = pc.utf8_trim_whitespace(values)
    if isinstance(trimmed, pa.ChunkedArray) or trimmed.offset:
        return pc.if_else(pc.greater(pc.utf8_length(trimmed), _ZERO), trimmed, _NULL)
    # Empty cells made null by a validity bitmap read off the offsets: three compute calls fewer
    # a typed column, which is most of the cost of a column of a small table.
    _validity, offsets, data = trimmed.buffers()
    filled = np.diff(np.frombuffer(offsets, dtype=np.int32)[: len(trimmed) + 1]) > 0
    if trimmed.null_count:
        filled &= trimmed.is_valid().to_numpy(zero_copy_only=False)
    if filled.all():
        return trimmed
    bitmap = pa.py_buffer(np.packbits(filled, bitorder="little"))
    return pa.Array.from_buffers(pa.string(), len(trimmed), [bitmap, offsets, data])


# Below this many bytes of typed cells a table's typed columns are trimmed in one pass.
_BATCH_BYTES = 1 << 24


def _clean_typed(
    types: list[str | None], raw: list[pa.Array]
) -> tuple[list[pa.Array | None], list[np.ndarray | None]]:
    """``_clean`` of each typed column (None for the others), and where already at hand each
    one's ``_mask(valid=True)``. The typed columns of a small table are laid end to end and
    cleaned in one pass, then sliced apart: the same cells for a few calls in all instead of a
    few per column, which were most of ``_clean``'s cost (and one mask read for all)."""
    typed = [values for kind, values in zip(types, raw, strict=True) if kind is not None]
    if (
        len(typed) < 2
        or not all(isinstance(v, pa.Array) and v.type == pa.string() for v in typed)
        or sum(v.nbytes for v in typed) >= _BATCH_BYTES
    ):
        clean = [None if kind is None else _clean(v) for kind, v in zip(types, raw, strict=True)]
        return clean, [None] * len(types)
    cleaned = _clean(pa.concat_arrays(typed))
    filled = _mask(cleaned, valid=True)
    out: list[pa.Array | None] = []
    masks: list[np.ndarray | None] = []
    start = 0
    for kind, values in zip(types, raw, strict=True):
        if kind is None:
            out.append(None)
            masks.append(None)
        else:
            out.append(cleaned.slice(start, len(values)))
            masks.append(filled[start : start + len(values)])
            start += len(values)
    return out, masks


def _stripped(values: pa.Array) -> pa.Array:
    """``_clean(name_columns.strip_title(values))``."""
    filled = name_columns.strip_title_filled(values)
    return _clean(name_columns.strip_title(values)) if filled is None else filled


def _split(values: pa.Array, header: str = "") -> tuple[pa.Array, pa.Array]:
    """``_clean`` of each part of ``name_columns.split_column(values)``, in the order the
    column's header names them where it does (a name found in another column's cells, "Name /
    DOB", comes after the columns typed whole names, with no header: "")."""
    family_first = name_columns.header_order(fold(header).split())
    filled = name_columns.split_column_filled(values, family_first)
    if filled is not None:
        return filled
    family, given = name_columns.split_column(values, family_first)
    return _clean(family), _clean(given)


@lru_cache(maxsize=64)
def _nulls(n: int) -> pa.Array:
    """``n`` null strings, made once per length: a table asks for a dozen (one per kind of
    column it lacks), and Arrow arrays are immutable, so one serves them all."""
    return pa.nulls(n, pa.string())


def _coalesce(arrays: list[pa.Array], n: int) -> pa.Array:
    if not arrays:
        return _nulls(n)
    return pc.coalesce(*arrays) if len(arrays) > 1 else arrays[0]


def _map_unique(values: pa.Array, fn: Callable[[str], str | None]) -> pa.Array:
    """Apply a Python function once per distinct value, then map back column-wise."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    encoded = pc.dictionary_encode(values)  # distinct values and each cell's index, in one call
    uniques = encoded.dictionary.to_pylist()
    mapped = pa.array([fn(u) if u is not None else None for u in uniques], pa.string())
    return pc.take(mapped, encoded.indices)


def _tests_and_sensitive(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """``_map_unique(values, _test_codes)`` and the sensitive kinds of its codes, both from one
    pass over the column's distinct cells (a table's only test column, its codes the table's)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    encoded = pc.dictionary_encode(values)
    facts = [(None, None) if u is None else _test_facts(u) for u in encoded.dictionary.to_pylist()]
    codes, kinds = zip(*facts, strict=True) if facts else ((), ())
    return (
        pc.take(pa.array(codes, pa.string()), encoded.indices),
        pc.take(pa.array(kinds, pa.string()), encoded.indices),
    )


# Memoised a cell at a time: a dump repeats the same test names and test lists across thousands
# of tables, and one dictionary look-up is cheaper than the catalogue's and the join. (As many
# entries as ``lab_tests``' own cache, which holds the same cells.)
@lru_cache(maxsize=65536)
def _test_codes(cell: str) -> str | None:
    return ";".join(lab_tests.lookup(cell)) or None


@lru_cache(maxsize=65536)
def _test_facts(cell: str) -> tuple[str | None, str | None]:
    """``_test_codes(cell)`` and ``_sensitive_of`` its codes, in one cached call: a dump's test
    lists are mostly seen once, so their kinds are read off the codes as found, not split back
    out of the joined text (the same codes when none holds a ";", as no catalogue code does)."""
    # (``lookup``'s own cache is passed by for a list without "/" or "+": this one holds it.)
    codes: Sequence[str] = (
        lab_tests.lookup(cell) if "/" in cell or "+" in cell else lab_tests.lookup_pieces(cell)
    )
    joined = ";".join(codes)
    if not joined:
        return None, None
    # (No code holds a ";" exactly when the joined text has one between each two codes.)
    if joined.count(";") != len(codes) - 1:
        return joined, _sensitive_of(joined)
    by_code = catalogue.sensitive_by_code()
    if len(codes) == 1:
        return joined, by_code.get(codes[0]) or None
    return joined, ";".join(sorted({by_code[c] for c in codes if c in by_code})) or None


def _once_each(codes: str) -> str:
    return ";".join(dict.fromkeys(codes.split(";")))


@lru_cache(maxsize=16384)
def _sensitive_of(codes: str) -> str | None:
    by_code = catalogue.sensitive_by_code()  # cached: this runs once per distinct test list
    kinds = sorted({by_code[c] for c in codes.split(";") if c in by_code})
    return ";".join(kinds) or None


def _join(arrays: list[pa.Array], n: int) -> pa.Array:
    if not arrays:
        return _nulls(n)
    if len(arrays) == 1:
        return arrays[0]
    # Nulls made empty first: pyarrow 26's null_handling="skip" drops the rows where every input
    # is null, shortening the column; the empty pieces' separators are then taken out.
    joined = pc.binary_join_element_wise(*[pc.fill_null(a, "") for a in arrays], ";")
    joined = pc.utf8_trim(pc.replace_substring_regex(joined, ";{2,}", ";"), ";")
    return pc.if_else(pc.greater(pc.utf8_length(joined), _ZERO), joined, _NULL)


def records_from_table(table: Table, file_id: int) -> tuple[pa.Table, pa.Table]:
    n = table.n_rows
    raw = without_header_rows(table.header, table.columns)
    types = type_columns(table.header, raw)
    table.arrow, table.types = raw, types
    # Trimmed, empty as null: made once per typed column, shared by values, flags and mentions.
    clean, filled = _clean_typed(types, raw)
    cols: dict[str, list[pa.Array]] = {}
    tidy: dict[str, list[pa.Array]] = {}
    analytes: list[tuple[str, pa.Array]] = []
    for at, (kind, values, trimmed) in enumerate(zip(types, raw, clean, strict=True)):
        if kind is None or trimmed is None:
            continue
        if kind.startswith("analyte:"):
            if (done := cell_tests.done(trimmed)) is not trimmed:
                trimmed = clean[at] = done  # ("-", "Not tested", "N": no test, no mention)
                filled[at] = None
            analytes.append((kind.split(":", 1)[1], trimmed))
        else:
            cols.setdefault(kind, []).append(values)
            tidy.setdefault(kind, []).append(trimmed)

    def cleaned(kind: str) -> pa.Array:
        return _coalesce(tidy.get(kind, []), n)

    # The table's other dates: a date of birth no cell of which says whether it is written day
    # or month first follows them where they are month first (a US system's export).
    others = [v for kind in _OTHER_DATES for v in cols.get(kind, [])]
    own = {
        "nhs_number": [nhs_number.validate_column(v) for v in cols.get("nhs_number", [])],
        "date_of_birth": [dates.parse_column(v, others) for v in cols.get("date_of_birth", [])],
    }
    if "dob_year" in cols:  # a date of birth in three columns: day, month and year
        day, month, year = (tidy[k][0] for k in ("dob_day", "dob_month", "dob_year"))
        own["date_of_birth"].append(
            dates.parse_column(pc.binary_join_element_wise(day, month, year, "-"))
        )
    inner = _composites(table.header, types, clean, own, cols)
    nhs = _coalesce(own["nhs_number"], n)
    family = _coalesce([_stripped(v) for v in cols.get("family_name", [])], n)
    given = _coalesce([_stripped(v) for v in cols.get("given_name", [])], n)
    whole = [at for at, kind in enumerate(types) if kind == "full_name" and clean[at] is not None]
    for at, full in enumerate(cols.get("full_name", [])):
        fam, giv = _split(full, table.header[whole[at]] if at < len(whole) else "")
        # (With no column of its own, a part is the shared null column: the parts themselves.)
        family = fam if family is _nulls(n) else pc.coalesce(family, fam)
        given = giv if given is _nulls(n) else pc.coalesce(given, giv)
    dob = _coalesce(own["date_of_birth"], n)
    owner = grouped_rows.owners(tidy, analytes, n)
    if owner is not None:  # rows left blank under their patient's first row
        nhs, family, given, dob = (column.take(owner) for column in (nhs, family, given, dob))
    address = cleaned("address")
    post = _coalesce(
        [postcode.extract_column(v) for v in cols.get("postcode", []) + cols.get("address", [])], n
    )
    sensitive: pa.Array | None = None
    if len(tidy.get("test", [])) == 1 and not analytes:
        tests, sensitive = _tests_and_sensitive(tidy["test"][0])
    else:
        test_codes = [_map_unique(v, _test_codes) for v in tidy.get("test", [])]
        test_codes += [pc.if_else(pc.is_valid(v), pa.scalar(code), _NULL) for code, v in analytes]
        tests = _join(test_codes, n)
        if len(test_codes) > 1 and tests.null_count < n:
            # A code column and a name column ("Test Code", "Test Name") name the same test.
            tests = _map_unique(tests, _once_each)
    results = [pc.is_valid(v) for v in tidy.get("result", [])]
    results += [pc.is_valid(v) for _, v in analytes]
    named = _named_tests(table.header, types, raw, inner)
    if named:
        tests = _map_unique(_join([tests, *(codes for codes, _ in named)], n), _once_each)
        results += [gives for _, gives in named]
        sensitive = None
    if sensitive is None:
        sensitive = tests if tests.null_count == n else _map_unique(tests, _sensitive_of)
    # (With the diagnoses' kinds, in codes or in words; a man's hCG no pregnancy's.)
    sensitive, coded = diagnosis_cells.row_kinds(table.header, types, clean, raw, tests, sensitive)
    has_result = pc.and_(
        pc.is_valid(tests),
        _coalesce_bool(results, n),
    )
    requester = _coalesce([_map_unique(v, ods.code_of) for v in tidy.get("requester", [])], n)
    # Who a row is about: as ``PersonRecord.identifies`` says; a 999-range NHS number's no one.
    hospital = cleaned("hospital_number")
    if owner is not None:  # (and their hospital number and postcode, where a row has none)
        hospital, post = (pc.coalesce(c, c.take(owner)) for c in (hospital, post))
    person = person_mask(nhs, family, given, dob, hospital)
    if (tested := test_patients(cols.get("nhs_number", []), family, given)) is not None:
        # (The rows under a test patient's first row are theirs: ``grouped_rows``.)
        tested = tested if owner is None else tested.take(owner)
        person = pc.and_(person, pc.invert(tested))
    locator, record_id = _locators(table, file_id)
    values = {
        "record_id": record_id,
        "file_id": pa.array(np.full(n, file_id, dtype=np.int64)),
        "locator": locator,
        "source": runs(["table"], [n]),
        "nhs_number": nhs,
        "family_name": family,
        "given_name": given,
        "date_of_birth": dob,
        "postcode": post,
        "sex": cleaned("sex"),
        "hospital_number": hospital,
        "tests": tests,
        "sensitive": sensitive,
        "ods_codes": requester,
    }
    flags = {
        "name": pc.or_(pc.is_valid(family), pc.is_valid(given)),
        "date_of_birth": pc.is_valid(dob),
        "nhs_number": pc.is_valid(nhs),
        "hospital_number": pc.is_valid(values["hospital_number"]),
        "address": pc.is_valid(address),
        "postcode": pc.is_valid(post),
        "phone": pc.is_valid(cleaned("phone")),
        "email": pc.is_valid(cleaned("email")),
        "test_description": pc.is_valid(tests)
        if coded is None
        else pc.or_(pc.is_valid(tests), coded.found),
        "test_result": pc.fill_null(has_result, _FALSE),
    }
    for cat in CATEGORIES:
        flag = flags[cat]
        values[f"e_{cat}"] = pc.fill_null(flag, _FALSE) if flag.null_count else flag
    records = pa.Table.from_pydict(values, schema=SCHEMA)
    if person.false_count:
        records = records.filter(person)
    mentions = _mentions(
        table.header + inner.headers,
        types + inner.kinds,
        clean + inner.values,
        filled + [None] * len(inner.kinds),
        record_id,
        locator,
        person,
        file_id,
        len(table.header),
        inner.rules,
    )
    if owner is not None:
        grouped = grouped_rows.evidence(owner, record_id, locator, _mask(person), file_id)
        mentions = pa.concat_tables([mentions, grouped])
    if coded is not None:
        found = coded.mentions(record_id, locator, person, file_id)
        mentions = pa.concat_tables([mentions, found]) if found.num_rows else mentions
    return records, mentions


@dataclass
class _Inner:
    """What composite cells held (``detect.composite``), as extra typed columns for the
    mentions: each under its cell's header, of the kind found in it."""

    headers: list[str] = field(default_factory=list)
    kinds: list[str | None] = field(default_factory=list)
    values: list[pa.Array | None] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)

    def add(self, header: str, kind: str | None, values: pa.Array | None, rule: str) -> None:
        self.headers.append(header)
        self.kinds.append(kind)
        self.values.append(values)
        self.rules.append(rule)


def _composites(
    header: list[str],
    types: list[str | None],
    clean: list[pa.Array | None],
    own: dict[str, list[pa.Array]],
    cols: dict[str, list[pa.Array]],
) -> _Inner:
    """Cells that hold a date of birth or an NHS number beside what their column is typed as
    ("OKAFOR, Grace (DOB 12/01/1962)" under "Patient"): what they hold is added to ``own``'s
    columns, and a name column's cells replaced in ``cols`` by the name left in them."""
    inner = _Inner()
    seen: dict[str, int] = {}
    for head, kind, trimmed in zip(header, types, clean, strict=True):
        if kind not in composite.KINDS or trimmed is None:
            continue
        at = seen[kind] = seen.get(kind, -1) + 1
        parsed = own[kind][at] if kind in own else None
        named = "full_name" in cols or "family_name" in cols
        found = composite.split(trimmed, kind, parsed, with_name=not named)
        if found is None:
            continue
        for what, values in found.items():
            if what == "full_name" and kind == "full_name":
                cols["full_name"][at] = values
                continue
            # ("HALLORAN Bridget 14/02/1951" under "Name / DOB": the name a column of its own)
            (cols if what == "full_name" else own).setdefault(what, []).append(values)
            # (A date of birth in a date-of-birth column's cells is that column's mention.)
            if what != kind:
                inner.add(head, what, values, "composite_cell")
    return inner


def _named_tests(
    header: list[str], types: list[str | None], raw: list[pa.Array], inner: _Inner
) -> list[tuple[pa.Array, pa.Array]]:
    """Tests named in result and untyped cells (``detect.cell_tests``): each column's codes and
    whether its cells give the result; each also a test column of ``inner`` for the mentions."""
    results = [i for i, kind in enumerate(types) if kind == "result"]
    # (A diagnosis column is also read as text: "Known HIV positive" names a test.)
    untyped = [i for i, kind in enumerate(types) if kind is None or kind == diagnoses.KIND]
    columns = results + untyped
    found = cell_tests.named([raw[i] for i in results], [raw[i] for i in untyped])
    for at, codes, _ in found:
        inner.add(header[columns[at]], "test", codes, "test_in_text")
    return [(codes, gives) for _, codes, gives in found]


# Columns that say who a row is about: a table with none of them is about no one in its rows.
_WHO = frozenset(
    {"nhs_number", "family_name", "given_name", "full_name", "date_of_birth", "hospital_number"}
)


def unowned_tests(table: Table) -> tuple[list[str], bool]:
    """The tests (catalogue codes, in order of first sight) of a table no column of which says
    who its rows are about, and whether it holds results: a per-patient export's results, whose
    patient is named above them (``records_from_table`` must have typed it)."""
    types = table.types or []
    if not table.arrow or any(kind in _WHO for kind in types):
        return [], False
    codes: dict[str, None] = {}
    has_result = False
    for kind, values in zip(types, table.arrow, strict=True):
        if kind == "test":
            for cell in pc.unique(values).to_pylist():
                if cell and cell.strip():
                    codes.update(dict.fromkeys(lab_tests.lookup(cell)))
        elif kind is not None and kind.startswith("analyte:"):
            done = cell_tests.done(_clean(values))
            if done.null_count < len(done):
                codes[kind.split(":", 1)[1]] = None
                has_result = True
        elif kind == "result" and values.null_count < len(values):
            has_result = True
    return list(codes), has_result and bool(codes)


# Up to this many rows a table's locators are sliced from a longer column made before for the
# same prefix and first row (every CSV's is "row:1", "row:2", ...): a slice, not a column built.
_LOCATOR_ROWS = 8192
_locator_columns: dict[tuple[str, int], pa.Array] = {}


def _locators(table: Table, file_id: int) -> tuple[pa.Array, pa.Array]:
    """``{prefix}row:N`` and ``{file_id}:{prefix}row:N`` for each row."""
    n, first, prefix = table.n_rows, table.first_row, table.prefix
    if n <= _LOCATOR_ROWS and len(prefix) <= 64:
        made = _locator_columns.get((prefix, first))
        if made is None or len(made) < n:
            if len(_locator_columns) >= 32:  # a bound: most tables share a few prefixes
                _locator_columns.clear()
            made = _locator_columns[prefix, first] = _locator_column(prefix, first, max(n, 1024))
        locator = made.slice(0, n)
    else:
        locator = _locator_column(prefix, first, n)
    return locator, pc.binary_join_element_wise(pa.scalar(f"{file_id}:"), locator, "")


def _locator_column(prefix: str, first: int, n: int) -> pa.Array:
    rows = pa.array(range(first, first + n), pa.int64())
    return pc.binary_join_element_wise(pa.scalar(f"{prefix}row:"), pc.cast(rows, pa.string()), "")


def _coalesce_bool(arrays: list[pa.Array], n: int) -> pa.Array:
    if not arrays:
        return pa.array(np.zeros(n, dtype=bool))
    out = arrays[0]
    for arr in arrays[1:]:
        out = pc.or_(out, arr)
    return out


def _mentions(
    header: list[str],
    types: list[str | None],
    clean: list[pa.Array | None],
    filled: list[np.ndarray | None],
    record_id: pa.Array,
    locator: pa.Array,
    person: pa.Array,
    file_id: int,
    own: int,
    inner_rules: list[str],
) -> pa.Table:
    """One mention per filled cell of a typed column in a person's row, column after column;
    the columns from ``own`` on are what cells held beside their column's type, each with its
    rule in ``inner_rules`` ("composite_cell", "test_in_text").

    Built as row indices with NumPy and taken once, not one small table per column, and the
    text columns (a few strings, each repeated over a run of rows) straight from their bytes: a
    table of a few dozen rows would otherwise spend its time in per-column Arrow calls.
    """
    is_person = _mask(person)
    rows: list[np.ndarray] = []
    kinds: list[str] = []
    fields: list[str] = []
    counts: list[int] = []
    rules: list[str] = []
    columns = zip(header, types, clean, filled, strict=True)
    for at, (head, kind, trimmed, mask) in enumerate(columns):
        if kind is None or trimmed is None or kind in _NOT_MENTIONED:
            continue
        if mask is None:
            mask = _mask(trimmed, valid=True)
        found = np.flatnonzero(is_person & mask)
        if len(found):
            rows.append(found)
            kinds.append(kind)
            fields.append(head)
            counts.append(len(found))
            rules.append("header_or_values" if at < own else inner_rules[at - own])
    if not rows:
        return MENTION_SCHEMA.empty_table()
    take = pa.array(np.concatenate(rows))
    total = sum(counts)
    return pa.table(
        {
            "record_id": record_id.take(take),
            "file_id": pa.array(np.full(total, file_id, dtype=np.int64)),
            "locator": locator.take(take),
            "kind": runs(kinds, counts),
            "field": runs(fields, counts),
            "detector": runs(["columns"], [total]),
            # (The cells' own columns come last: a table without them has one rule.)
            "rule": runs(rules, counts)
            if rules[-1] != "header_or_values"
            else runs(["header_or_values"], [total]),
            "score": pa.array(np.ones(total), pa.float64()),
            "checksum": runs(["pass" if k == "nhs_number" else "" for k in kinds], counts),
        },
        schema=MENTION_SCHEMA,
    )


def _mask(values: pa.Array, valid: bool = False) -> np.ndarray:
    """A boolean column (null as false), or with ``valid`` each cell's validity, as a NumPy
    mask read off the Arrow buffers: no compute call."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    n, offset = len(values), values.offset
    if not n:
        return np.zeros(0, dtype=bool)
    if valid:
        if not values.null_count:
            return np.ones(n, dtype=bool)
        bitmap = values.buffers()[0]
    else:
        bitmap = values.buffers()[1]
    bits = np.unpackbits(np.frombuffer(bitmap, dtype=np.uint8), bitorder="little")
    out = bits[offset : offset + n].astype(bool)
    if not valid and values.null_count:
        out &= _mask(values, valid=True)
    return out


# A column of one repeated short text is sliced from a longer one made before, up to this many
# rows: every table's records and mentions have a few ("table", "columns", "header_or_values").
_REPEATED_ROWS = 1 << 16
_repeated: dict[str, pa.Array] = {}


def runs(pieces: list[str], counts: list[int]) -> pa.Array:
    """A string column of ``pieces[i]`` repeated ``counts[i]`` times, from offsets and bytes."""
    if len(pieces) == 1 and counts[0] <= _REPEATED_ROWS and len(pieces[0]) <= 64:
        made = _repeated.get(pieces[0])
        if made is None or len(made) < counts[0]:
            if len(_repeated) >= 64:  # the texts are a handful of labels: a bound all the same
                _repeated.clear()
            made = _repeated[pieces[0]] = _runs(pieces, [max(counts[0], 1024)])
        return made.slice(0, counts[0])
    return _runs(pieces, counts)


def _runs(pieces: list[str], counts: list[int]) -> pa.Array:
    encoded = [p.encode("utf-8") for p in pieces]
    total = sum(counts)
    data = b"".join(e * c for e, c in zip(encoded, counts, strict=True))
    if len(data) >= 2**31:  # past a string column's 32-bit offsets: let Arrow chunk it
        return pa.array(np.repeat(np.array(pieces, dtype=object), counts), pa.string())
    offsets = np.empty(total + 1, dtype=np.int32)
    offsets[0] = 0
    if len(encoded) == 1:
        offsets[1:] = np.arange(1, total + 1, dtype=np.int32) * len(encoded[0])
    else:
        sizes = np.array([len(e) for e in encoded], dtype=np.int32)
        np.cumsum(np.repeat(sizes, counts), out=offsets[1:])
    return pa.Array.from_buffers(
        pa.string(), total, [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )
