"""What a table's cells say of each row's diagnoses, beside its tests: coded ones in its
diagnosis columns (``diagnoses.in_table``), ones written in words in any column that holds no
identifier of a person (``diagnosis_words``: "Adenocarcinoma sigmoid colon" under "Diagnosis",
"G2P1 - currently 14/40 pregnant" under "Background / PMH", "booking bloods + HCV Ab (previous
IVDU)" under a test column), and a gestation or a gravida/para under an obstetric header
("Gest at booking": "11+4", "G/P": "G3P1"). And a man's hCG, which tells of no pregnancy
(``male_markers``).

A table's columns are read together over their distinct cells: one scan of their bytes; only
the terms found are looked at in Python (a cell without two letters passed over: numbers, codes
and flags name no diagnosis).
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from breachdesk import catalogue
from breachdesk.detect import diagnoses, diagnosis_words, male_markers
from breachdesk.detect.columns import fold

# Columns that say who a row is, or about another person or a member of staff: never read for
# the row's diagnoses (a clinician's "Dr Vass (Oncology)", a relative's column).
_NOT_READ = frozenset(
    {"nhs_number", "family_name", "given_name", "full_name", "date_of_birth", "dob_day",
     "dob_month", "dob_year", "postcode", "address", "phone", "email", "clinician", "relative",
     "hospital_number", "sample_id", "collected_at", "received_at", "other_date", "age", "sex",
     "units", "value_dob"}
)  # fmt: skip
# An obstetric header: its filled cells say the row's person is, or was, pregnant.
_OBSTETRIC = ("gest", "gestation", "gestational age", "weeks pregnant", "g p", "gravida",
              "gravida parity", "gravidity", "parity")  # fmt: skip
_GESTATION_RE2 = (
    r"^\s*(?:[4-9]|[1-3][0-9]|4[0-2])(?:\s?\+\s?[0-6])?(?:\s?(?:/40|w|wk|wks|weeks?))?\s*$"
)
_GRAVIDA_RE2 = r"^\s*(?i:g)\s?[0-9]{1,2}\s?(?i:p)\s?[0-9]{1,2}(?:\s?\+\s?[0-9]{1,2})?\s*$"
_LETTERS_RE2 = "[A-Za-z]{2}"
_LETTERS = re.compile(_LETTERS_RE2)
# A table's columns read at once, in one scan, up to this many bytes of cells (an Arrow string
# array's offsets end at 2 GiB); more, a column at a time.
_AT_ONCE = 1 << 28
# ... and up to this many matches: each column's own budget (``diagnosis_words.in_cells``) is
# at least this, so a scan of them all that none cut finds what each column's scan would.
_AT_ONCE_MATCHES = 4096


@lru_cache(maxsize=4096)
def _obstetric(header: str) -> str | None:
    """What an obstetric column holds by its header: "due" (a delivery date), "gestation" (a
    gestation or a gravida/para), or None where it is no such column."""
    words = fold(header)
    if words in _DUE:
        return "due"
    return "gestation" if any(words == h or words.startswith(h + " ") for h in _OBSTETRIC) else None


# A pregnancy's due date, where the header can mean nothing else: a date under it says
# pregnancy. (Not a bare "EDD", a ward's expected date of discharge as often, nor "Due date",
# a result's or a recall's.)
_DUE = frozenset({"edc", "estimated delivery date", "est delivery date", "expected delivery date",
                  "estimated date of delivery", "expected date of delivery",
                  "estimated date of confinement", "edd delivery", "edd obstetric"})  # fmt: skip
_DATED_RE2 = r"\d{1,4}[/.\- ]\s?(?:\d{1,2}|[A-Za-z]{3,9})[/.\- ]\s?\d{2,4}"


def _as_strings(values: pa.Array) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values if values.type == pa.string() else pc.cast(values, pa.string())


def _words(values: pa.Array) -> tuple[pa.Array, pa.Array] | None:
    """Per cell of a column: the kinds of the diagnoses written in it (";"-joined, sorted) and
    their rules ("term carcinoma; term mets"), None where it has none; None for a column
    without any."""
    encoded = pc.dictionary_encode(_as_strings(values))
    cells = encoded.dictionary
    lettered = pc.fill_null(pc.match_substring_regex(cells, _LETTERS_RE2), False)
    if not lettered.true_count:
        return None  # numbers, codes and flags name no diagnosis
    chosen = pc.indices_nonzero(lettered)
    found = diagnosis_words.in_cells(cells.take(chosen))
    if not found:
        return None
    at = chosen.to_numpy()
    kinds: dict[int, set[str]] = {}
    rules: dict[int, dict[str, None]] = {}
    for cell, kind, rule in found:
        kinds.setdefault(int(at[cell]), set()).add(kind)
        rules.setdefault(int(at[cell]), {})[rule] = None
    order = pa.array(list(kinds), pa.int64())
    by_cell = pc.index_in(pa.array(np.arange(len(cells), dtype=np.int64)), value_set=order)
    joined_kinds = pa.array([";".join(sorted(k)) for k in kinds.values()], pa.string())
    joined_rules = pa.array(["; ".join(r) for r in rules.values()], pa.string())
    per_cell_kinds = pc.take(joined_kinds, by_cell)
    per_cell_rules = pc.take(joined_rules, by_cell)
    return pc.take(per_cell_kinds, encoded.indices), pc.take(per_cell_rules, encoded.indices)


def _words_each(columns: list[pa.Array]) -> list[tuple[pa.Array, pa.Array] | None]:
    """``_words`` of each column, read together: one scan of their distinct cells, whatever
    their letters (a cell's terms are its own), the cells without two letters passed over
    after it, on the few found."""
    strings = [_as_strings(values) for values in columns]
    if not strings:
        return []
    if len(strings) == 1:
        combined = strings[0]
    elif sum(values.get_total_buffer_size() for values in strings) < _AT_ONCE:
        combined = pa.concat_arrays(strings)
    else:
        return [_words(values) for values in columns]
    encoded = pc.dictionary_encode(combined)
    cells = encoded.dictionary
    found = diagnosis_words.in_cells_within(cells, _AT_ONCE_MATCHES)
    if found is None:  # a flood of terms: each column with its own budget, as alone
        return [_words(values) for values in columns]
    kinds: dict[int, set[str]] = {}
    rules: dict[int, dict[str, None]] = {}
    lettered: dict[int, bool] = {}
    for cell, kind, rule in found:
        if cell not in lettered:
            lettered[cell] = _LETTERS.search(cells[cell].as_py()) is not None
        if lettered[cell]:  # (numbers, codes and flags name no diagnosis)
            kinds.setdefault(cell, set()).add(kind)
            rules.setdefault(cell, {})[rule] = None
    if not kinds:
        return [None] * len(columns)
    kinds_of: list[str | None] = [None] * len(cells)
    rules_of: list[str | None] = [None] * len(cells)
    for cell, each in kinds.items():
        kinds_of[cell] = ";".join(sorted(each))
        rules_of[cell] = "; ".join(rules[cell])
    row_kinds = pc.take(pa.array(kinds_of, pa.string()), encoded.indices)
    row_rules = pc.take(pa.array(rules_of, pa.string()), encoded.indices)
    out: list[tuple[pa.Array, pa.Array] | None] = []
    at = 0
    for values in strings:
        size = len(values)
        said = row_kinds.slice(at, size)
        out.append(None if said.null_count == size else (said, row_rules.slice(at, size)))
        at += size
    return out


def _gestation(values: pa.Array, due: bool = False) -> tuple[pa.Array, pa.Array] | None:
    """An obstetric column's cells that hold a gestation ("11+4", "28/40") or a gravida/para
    ("G3P1"), or under a due date's header (``due``) a date: pregnancy, by its header."""
    cells = _as_strings(values)
    if due:
        said = pc.match_substring_regex(cells, _DATED_RE2)
    else:
        said = pc.or_(
            pc.match_substring_regex(cells, _GESTATION_RE2),
            pc.match_substring_regex(cells, _GRAVIDA_RE2),
        )
    said = pc.fill_null(said, False)
    if not said.true_count:
        return None
    null = pa.scalar(None, pa.string())
    return (
        pc.if_else(said, pa.scalar("pregnancy"), null),
        pc.if_else(said, pa.scalar("header due date" if due else "header gestation"), null),
    )


def row_kinds(
    header: list[str],
    types: list[str | None],
    clean: list[pa.Array | None],
    raw: list[pa.Array],
    tests: pa.Array,
    sensitive: pa.Array,
) -> tuple[pa.Array, diagnoses.Coded | None]:
    """Each row's sensitive kinds (``sensitive``: its tests', from ``tests``) with its
    diagnoses' added and a man's hCG's taken out, and the diagnoses found (for the rows'
    ``test_description`` and their mentions), or None where there are none. ``clean``: each
    typed column trimmed, empty as null; ``raw``: every column as read."""
    if "sex" in types and tests.null_count < len(tests):
        sex = clean[types.index("sex")]
        if sex is not None:
            sensitive = male_markers.without_in_men(
                sensitive, tests, sex, catalogue.sensitive_by_code()
            )
    coded = diagnoses.in_table(header, types, clean)
    read: list[tuple[str, str | None, pa.Array]] = []
    for head, kind, values in zip(header, types, raw, strict=True):
        obstetric = _obstetric(head)
        if (kind in _NOT_READ or (kind or "").startswith("analyte:")) and not obstetric:
            continue  # (an analyte's cells are its results: "Positive", "5.4", "Detected")
        read.append((head, obstetric, values))
    words = iter(_words_each([values for _, obstetric, values in read if not obstetric]))
    found: list[tuple[str, tuple[pa.Array, pa.Array]]] = []
    for head, obstetric, values in read:
        said = _gestation(values, obstetric == "due") if obstetric else next(words)
        if said is not None:
            found.append((head, said))
    if not found:
        return (sensitive if coded is None else coded.with_kinds(sensitive)), coded
    kinds = ([] if coded is None else [coded.kinds]) + [k for _, (k, _) in found]
    given = ([] if coded is None else [coded.found]) + [pc.is_valid(k) for _, (k, _) in found]
    any_given = given[0]
    for more in given[1:]:
        any_given = pc.or_(any_given, more)
    columns = ([] if coded is None else coded.columns) + [(h, r) for h, (_, r) in found]
    merged = diagnoses.Coded(
        kinds[0] if len(kinds) == 1 else diagnoses.merged_kinds(kinds), any_given, columns
    )
    return merged.with_kinds(sensitive), merged
