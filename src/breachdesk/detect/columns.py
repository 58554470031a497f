"""Type each column of a table from its header (synonyms shipped as data) and its values.

Headers vote first; values decide where the header says nothing (a column headed "Ref" holding
valid NHS numbers is an NHS number column) and catalogue test names as headers mark analytes.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache, lru_cache
from importlib import resources

import pyarrow as pa
import pyarrow.compute as pc
import yaml
from anyascii import anyascii

from breachdesk import catalogue
from breachdesk.detect import (
    cellwise,
    column_sets,
    contact,
    diagnoses,
    given_names,
    hospital_columns,
    lab_tests,
    name_columns,
    nhs_number,
    null_cells,
    ods,
    postcode,
    test_headers,
)
from breachdesk.detect.column_roles import WHOSE, contact_whose, named_whose
from breachdesk.detect.dates import may_parse, parse_column

_SAMPLE = 500
# Made once: a Python literal in a compute call is converted to a scalar on every call.
_ZERO, _NINE, _TEN = (pa.scalar(n, pa.int32()) for n in (0, 9, 10))
_STRING = pa.string()
_HEAD_ROWS = 64  # (fewer than ``_SAMPLE``)
_NULL_TOKENS = null_cells.TOKENS
# "SMITH, John" or "Müller, Zoë A": a patient column even under a header we do not know. RE2's
# ``\pL`` is any letter: a London list's names are not all ASCII.
_LISTED_NAME = r"^\s*\pL[\pL'’\- ]+,\s*\pL[\pL'’\-]+(?:\s+[\pL.]+)?\s*$"
_EMAIL = r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"
# The same for Python's ``re`` on short ASCII cells (see ``cellwise``): RE2's ``\s`` written out,
# its ``$`` as ``\Z`` and ``\pL`` as the ASCII letters; the curly apostrophe cannot be in an
# ASCII cell, so it is left out.
_SP = r"[\t\n\f\r ]"
_LISTED_NAME_PY = re.compile(
    rf"{_SP}*[A-Za-z][A-Za-z'\- ]+,{_SP}*[A-Za-z][A-Za-z'\-]+(?:{_SP}+[A-Za-z.]+)?{_SP}*\Z"
)
_EMAIL_PY = re.compile(r"[^@\t\n\f\r ]+@[^@\t\n\f\r ]+\.[A-Za-z]{2,}\Z")
_NON_DIGIT = re.compile(r"[^0-9]+")


def fold(header: str) -> str:
    """``ResultValue``, ``result_value`` and ``Result value`` all fold to ``result value``;
    other scripts' letters to their ASCII spelling (``Prénom``, ``Imię``: ``prenom``, ``imie``)."""
    if not header.isascii():
        header = anyascii(header)
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", header)
    return re.sub(r"[^a-z0-9]+", " ", spaced.lower()).strip()


@cache
def synonyms() -> dict[str, str]:
    path = resources.files("breachdesk") / "data" / "header_synonyms.yaml"
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return {fold(h): kind for kind, headers in data.items() for h in headers}


@cache
def _compact_synonyms() -> dict[str, str]:
    # "NHSNumber" and "DATEOFBIRTH" have no word breaks to recover: compare without spaces.
    return {key.replace(" ", ""): kind for key, kind in synonyms().items()}


@lru_cache(maxsize=4096)  # a dump repeats a few hundred headers over thousands of tables
def _by_header(header: str) -> str | None:
    folded = fold(header)
    if not folded:
        return None
    table = synonyms()
    if folded in table:
        return table[folded]
    compact = _compact_synonyms().get(folded.replace(" ", ""))
    if compact:
        return compact
    test = test_headers.code_of_name(header) or _test_of_header(header)
    test = test or next(iter(test_headers.compact_code(header)), None)  # "CHLAMPCR", "GCPCR"
    if test and len(folded) > 1:
        return f"analyte:{test}"
    words = folded.split()
    if _relatives(folded, words):
        return "relative"
    if len(words) > 1 and words[0] in _RESULT_FIRST:
        # "result_CDT", "res HIVAB": a wide export's test column, the result word first
        inner = _by_header(" ".join(words[1:]))
        if inner is not None and inner.startswith("analyte:"):
            return inner
    padded = f" {folded} "
    found = [s for s in table if f" {s} " in padded]
    # "Patient MRN", "Patient Sex": the word saying whose is no type when another word says one.
    found = [s for s in found if s not in WHOSE] or found
    # A header that names a date ("Date of Request") holds dates, whatever else it names.
    dated = [s for s in found if table[s] in _DATE_TYPES]
    best = max(dated or found, key=len, default=None)
    if best is None:
        # "Amended By", "Viewed by": the member of staff who did it.
        return "clinician" if len(words) > 1 and words[-1] == "by" else None
    kind = "full_name" if table[best] in _NAMES and name_columns.both_parts(words) else table[best]
    if kind in _NAMES and words[-1] in _KEY_WORDS:
        return None  # "Family ID", "Surname code": a key, not a name
    if kind in _NAMES and WHOSE.isdisjoint(words) and "service user" not in folded:
        return named_whose(words, kind)
    return contact_whose(words, kind)


_RESULT_FIRST = frozenset({"result", "results", "res", "value", "val"})


def _relatives(folded: str, words: list[str]) -> bool:
    """Whether a header names another person's identifier or result ("Partner DOB", "Mother's
    hosp no", "Next of kin phone"; "Parent Test Code" is a test's)."""
    kin = folded.startswith("next of kin ")
    if not kin and words[0] not in _RELATIVES:
        return False
    kind = _by_header(" ".join(words[3 if kin else 1 :]))
    return kind is not None and (kind in _PERSONAL or kind.startswith("analyte:"))


# A test's column headed with its units, as a request's tick box or as one of a test's wide
# columns: "HbA1c (mmol/mol)", "PSA ug/L", "Cholesterol - mmol/L", "HIV requested", "Hep B
# (Y/N)", "HIV antibody test - Value", "Lithium level", "hCG 48h". Taken off the end of the
# header, one after another, the catalogue asked at each.
_HEADER_TAIL = re.compile(
    r"(?:[ ]{0,3}[(\[][^()\[\]]{0,24}[)\]]"  # "(mmol/mol)", "[Y/N]"
    r"|[ ]{0,3}[-,:]?[ ]{1,3}[^\s/]{0,12}/\S{1,12}"  # "ug/L", "- mmol/L", "x10^9/L"
    r"|[ ]{0,3}[-,:]?[ ]{1,3}(?:requested|request|req|ordered|order|result|results|done|y\s?n"
    r"|units?|%|iu|value|values|val|level|levels|test|estimation"
    # a serial test's time point: "hCG 0h", "hCG 48h", "Troponin 3 hrs", "Cortisol T30", "D2"
    r"|\d{1,3}[ ]?(?:h|hr|hrs|hours?|mins?|d|days?|wks?)|(?:day|d|t|time)[ ]?\d{1,3}"
    r"|repeat|rpt|baseline|initial|1st|2nd|3rd|4th))"
    r"[ ]{0,3}$",
    re.IGNORECASE,
)
# ... and a search's "Last eGFR", "Latest HbA1c", "Most recent INR": the test's last result.
_HEADER_HEAD = re.compile(r"^[ ]{0,3}(?:last|latest|most[ ]recent|recent|previous)[ ]{1,3}", re.I)


# A header naming a test with its tails is a few words ("Haemoglobin A1c (mmol/mol) - Value").
LONGEST_TEST_HEADER = 128


def _test_of_header(header: str) -> str | None:
    """The catalogue code of the test a header names, whole or with its tails and a "Last"
    taken off (``_HEADER_TAIL``, ``_HEADER_HEAD``)."""
    if len(header) > LONGEST_TEST_HEADER:
        return None  # a sentence, not a test's name with its units (and the tails stay bounded)
    bare = header
    for _ in range(5):
        if (test := catalogue.by_term().get(catalogue.term_key(bare))) is not None:
            return test.code
        shorter = _HEADER_TAIL.sub("", bare)
        shorter = _HEADER_HEAD.sub("", bare) if shorter == bare else shorter
        if shorter == bare or not shorter.strip():
            return None
        bare = shorter
    return None


_NAMES = frozenset({"family_name", "given_name", "full_name"})
# A name header's last word making it a key ("Patient Key", "Patient FK", "PatientGUID", "Patient
# Seq": a database's joins, as relation_keys.yaml lists them).
_KEY_WORDS = frozenset(
    {"id", "ids", "no", "num", "nbr", "number", "code", "ref", "reference", "key", "fk", "pk",
     "uid", "guid", "uuid", "seq", "sk"}
)  # fmt: skip
# A clock time ("01:40", "23:05:10"): two-digit hours, so a titre ("1:40") is still a result.
_CLOCK = r"^\s*(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?\s*$"
# A header's first word naming another person of the patient's ("Partner DOB").
_RELATIVES = frozenset(
    {"partner", "partners", "mother", "mothers", "maternal", "father", "fathers", "paternal",
     "spouse", "husband", "wife", "nok", "guardian", "carer", "parent", "parents"}
)  # fmt: skip
_PERSONAL = frozenset(
    {"nhs_number", "hospital_number", "family_name", "given_name", "full_name", "date_of_birth",
     "sex", "postcode", "address", "phone", "email", "result", "age", "relative", "diagnosis"}
)  # fmt: skip
_DATE_TYPES = frozenset({"date_of_birth", "collected_at", "received_at", "other_date"})


def header_kind(header: str) -> str | None:
    """What a column header (or a form's label) says its cells are, from the header synonyms and
    the test catalogue: ``nhs_number``, ``date_of_birth``, ``analyte:<code>``..., or None."""
    return _by_header(header)


def _share(mask: pa.Array, total: int) -> float:
    if isinstance(mask, pa.ChunkedArray):
        mask = mask.combine_chunks()
    return mask.true_count / total if total else 0.0


def _first_filled(values: pa.Array) -> pa.Array:
    """The first ``_SAMPLE`` non-blank cells, looked for in a growing head of the column: the
    first of a head that holds enough are the column's first, and a chunk of 50,000 rows is
    not trimmed and filtered whole for 500 of them."""
    if len(values) <= cellwise.FEW and isinstance(values, pa.Array) and values.type == _STRING:
        found = null_cells.first_filled(values.to_pylist(), _SAMPLE)
        if found is not None:
            return pa.array(found, _STRING)
    size = min(len(values), cellwise.FEW)
    while True:
        head = values.slice(0, size)
        filled = pc.filter(head, pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(head)), _ZERO))
        if len(filled) >= _SAMPLE or size >= len(values):
            sample = filled.slice(0, _SAMPLE)
            return pc.filter(sample, pc.invert(null_cells.blank(sample)))  # NULL, #N/A: blanks
        size = min(len(values), size * 8)


def _first_cells(values: pa.Array, count: int) -> list[str]:
    """``_first_filled(values).slice(0, count).to_pylist()``, read in Python where it can be
    (``null_cells.first_filled``): first off the head of the column, which mostly holds them
    (fewer than ``_SAMPLE`` filled cells there, so those found are ``_first_filled``'s first)."""
    if values.type != _STRING:
        values = pc.cast(values, _STRING)
    if isinstance(values, pa.Array) and len(values) > _HEAD_ROWS > count:
        found = null_cells.first_filled(values.slice(0, _HEAD_ROWS).to_pylist(), _SAMPLE)
        if found is not None and len(found) >= count:
            return found[:count]
    if isinstance(values, pa.Array) and len(values) <= cellwise.FEW:
        found = null_cells.first_filled(values.to_pylist(), _SAMPLE)
        if found is not None:
            return found[:count]
    cells: list[str] = _first_filled(values).slice(0, count).to_pylist()
    return cells


def _sample_cells(values: pa.Array) -> list[str] | None:
    """The first ``_SAMPLE`` non-blank cells when they are all short ASCII (see ``cellwise``:
    Python then reads them exactly as Arrow does), else None."""
    if len(values) <= cellwise.FEW:
        every = [c for c in values.to_pylist() if c is not None]
        # All cells checked before blanks are dropped: Python may strip a non-ASCII space
        # that Arrow keeps. (Their text joined is ASCII exactly when each cell is.)
        if not "".join(every).isascii():
            return None
        # (``null_cells.is_blank`` inline: a call a cell was most of the cost.)
        cells = [c for c in every if (t := c.strip()) and t.lower() not in _NULL_TOKENS]
        cells = cells[:_SAMPLE]
    else:
        cells = _first_filled(values).to_pylist()
        if not "".join(cells).isascii():
            return None
    if max(map(len, cells), default=0) <= cellwise.LONGEST:
        return cells
    return None


def _by_values_under(header: str, values: pa.Array) -> str | None:
    """``_by_values``, but no NHS number column under a header naming another number
    ("Invoice No", "Sample ID", "Account"): one such number in eleven passes the check."""
    kind = _by_values(values)
    if kind == "nhs_number" and nhs_number.OTHER_LABEL.search(header) is not None:
        return None
    return kind


def _by_values(values: pa.Array) -> str | None:
    values = pc.cast(values, pa.string())
    cells = _sample_cells(values)
    if cells is None:
        return _by_values_arrow(values)
    total = len(cells)
    if total < column_sets.VOTERS:
        return None
    # Each test is a share of the sample's cells, counted over its distinct cells weighted by
    # how often each occurs: the same integer sums, but a column of repeated codes, units or
    # ranges (the columns a header leaves open) is read a few dozen times, not 500. Each
    # distinct cell's answers to the Python tests are one cached bit mask (a dump repeats its
    # flags, ranges, ids and comments over thousands of tables), and cells with the same mask
    # are counted together.
    masks: Counter[int] = Counter()
    for cell, n in Counter(cells).items():
        masks[_traits(cell)] += n

    def share(bit: int) -> float:
        return sum(n for mask, n in masks.items() if mask & bit) / total

    def sample() -> pa.Array:  # made only for a test that reaches its Arrow call
        return pa.array(cells, pa.string())

    # The same tests as ``_by_values_arrow`` in the same order.
    has_digit = share(_DIGIT) >= 0.8
    if (
        share(_TEN_DIGITS) >= 0.8
        and _share(pc.is_valid(nhs_number.validate_column(sample())), total) >= 0.8
    ):
        return "nhs_number"
    # (Every postcode has letters: a column of numbers is not read for them.)
    if (
        has_digit
        and share(_SHORT) >= 0.8
        and share(_LETTER) >= 0.8
        and _share(pc.is_valid(postcode.extract_column(sample())), total) >= 0.8
    ):
        return "postcode"
    if share(_AT_EMAIL) >= 0.8:
        return "email"
    # Parsed only when enough cells have a date's shape to reach the share (most columns with
    # digits that a header leaves open are numbers and codes).
    dated = has_digit and share(_DATE_SHAPED) >= 0.8
    parsed = parse_column(sample()) if dated else None
    if parsed is not None and _share(pc.is_valid(parsed), total) >= 0.8:
        return _date_kind(parsed)
    if share(_LISTED) >= 0.8:
        return "full_name"
    if share(_TEST) >= 0.6:
        return "test"
    if share(_CODED) >= diagnoses.SHARE and share(_SUBCODE) >= diagnoses.SUBCODE_SHARE:
        return diagnoses.KIND
    return None


_DIGIT, _TEN_DIGITS, _SHORT, _AT_EMAIL, _DATE_SHAPED, _LISTED, _TEST, _LETTER = (
    1 << i for i in range(8)
)
_CODED, _SUBCODE = 1 << 8, 1 << 9  # ICD-10 codes (``diagnoses.cell_traits``)


_NUMBER_DATE_SHAPED = _DATE_SHAPED if may_parse(["0"]) else 0  # any run of digits alike


@lru_cache(maxsize=65536)
def _traits(cell: str) -> int:
    """What ``_by_values``' Python tests say of one short ASCII cell, as bits. A regex is run
    only where the character it cannot match without is there (an e-mail's "@", a listed
    name's ","), and a cell of digits alone is its own catalogue key: the same answers for a
    fraction of the cost on the numbers and codes these columns mostly hold."""
    index = catalogue.by_term()
    if cell.isdigit():  # ASCII here: [0-9]+, one shape ("9"), and folding leaves it as it is
        size = len(cell)
        return (
            _DIGIT
            | (_TEN_DIGITS if size == 10 else 0)
            | (_SHORT if size <= 9 else 0)
            | _NUMBER_DATE_SHAPED
            | (_TEST if index.get(cell) else 0)
        )
    digits = len(_NON_DIGIT.sub("", cell))
    coded, subcode = diagnoses.cell_traits(cell)
    # ``may_parse`` counts cell by cell, so it is asked of the one cell.
    return (
        (_CODED if coded else 0)
        | (_SUBCODE if subcode else 0)
        | (_DIGIT if digits > 0 else 0)
        | (_TEN_DIGITS if digits == 10 else 0)
        | (_SHORT if len(cell) <= 9 else 0)
        | (_AT_EMAIL if "@" in cell and _EMAIL_PY.match(cell) is not None else 0)
        | (_DATE_SHAPED if may_parse([cell]) > 0 else 0)
        | (_LISTED if "," in cell and _LISTED_NAME_PY.match(cell) is not None else 0)
        | (_TEST if lab_tests.is_test_list(cell) else 0)
        | (_LETTER if cell.lower() != cell.upper() else 0)  # ASCII: it has a letter
    )


def _date_kind(parsed: pa.Array) -> str:
    # Dates spread over decades are dates of birth; collection and report dates cluster.
    years = pc.cast(pc.utf8_slice_codeunits(pc.drop_null(parsed), 0, 4), pa.int32())
    spread = (pc.max(years).as_py() or 0) - (pc.min(years).as_py() or 0)
    return "value_dob" if spread >= 20 else "other_date"


def _by_values_arrow(values: pa.Array) -> str | None:
    """``_by_values`` in Arrow calls, for columns with non-ASCII or long cells."""
    sample = _first_filled(values)
    total = len(sample)
    if total < column_sets.VOTERS:
        return None
    # Each costly test runs only when a cheap necessary condition already holds for 80% of the
    # sample: most columns a header leaves open are codes, numbers or words, not identifiers.
    digits = pc.utf8_length(pc.replace_substring_regex(sample, r"[^0-9]", ""))
    has_digit = _share(pc.greater(digits, _ZERO), total) >= 0.8
    if (
        _share(pc.equal(digits, _TEN), total) >= 0.8
        and _share(pc.is_valid(nhs_number.validate_column(sample)), total) >= 0.8
    ):
        return "nhs_number"
    short = pc.less_equal(pc.utf8_length(sample), _NINE)
    if (
        has_digit
        and _share(short, total) >= 0.8
        and _share(pc.is_valid(postcode.extract_column(sample)), total) >= 0.8
    ):
        return "postcode"
    if _share(pc.match_substring_regex(sample, _EMAIL), total) >= 0.8:
        return "email"
    parsed = parse_column(sample) if has_digit else None
    if parsed is not None and _share(pc.is_valid(parsed), total) >= 0.8:
        return _date_kind(parsed)
    if _share(pc.match_substring_regex(sample, _LISTED_NAME), total) >= 0.8:
        return "full_name"
    uniques = pc.unique(sample).to_pylist()
    known = {u for u in uniques if lab_tests.is_test_list(u)}
    if uniques and _share(pc.is_in(sample, pa.array(list(known), pa.string())), total) >= 0.6:
        return "test"
    coded = pc.match_substring_regex(sample, diagnoses.CELL_RE2)
    if _share(coded, total) >= diagnoses.SHARE:
        subcode = pc.and_(coded, pc.match_substring_regex(sample, diagnoses.SUBCODE_RE2))
        if _share(subcode, total) >= diagnoses.SUBCODE_SHARE:
            return diagnoses.KIND
    return None


def _ods_codes(values: pa.Array) -> bool:
    """Whether a column headed as a clinician ("Requested By", "Ordered By") holds the
    requesting organisations' ODS codes (F83001, RJ122): the controller, not a person."""
    # (The first cells say so: a clinician's name is never a code.)
    sample = _first_cells(values, _CODES_SAMPLE)
    return bool(sample) and sum(ods.code_of(c) is not None for c in sample) >= 0.8 * len(sample)


_CODES_SAMPLE = 20


def type_columns(header: list[str], columns: list[pa.Array]) -> list[str | None]:
    """One type per column (``nhs_number``, ``family_name``, ``analyte:K``, ...), or None.

    A column of dates spread over decades, under a header that says nothing, is taken as the
    date of birth only when no column is headed as one and it is the only such column.
    """
    types = [
        _by_header(h) or _by_values_under(h, col) for h, col in zip(header, columns, strict=True)
    ]
    types = [
        "requester"
        if kind == "clinician" and _ods_codes(col)
        else "test"
        if kind in _NAMES and _tests(col)
        else _by_header_and_values(h, col)
        if kind is None and len(h) <= 24
        else None
        if kind is not None and kind.startswith("analyte:") and _clock_times(col)
        else kind
        for h, kind, col in zip(header, types, columns, strict=True)
    ]
    # (Hospital numbers' headers kept, or not, as their cells say: ``hospital_columns``.)
    types = hospital_columns.settle(header, types, columns, _first_filled)
    types = column_sets.sexual_health_codes(header, column_sets.clinic_numbers(header, types))
    guessed = [i for i, t in enumerate(types) if t == "value_dob"]
    if "date_of_birth" in types or len(guessed) != 1:
        types = ["other_date" if t == "value_dob" else t for t in types]
    else:
        types = ["date_of_birth" if t == "value_dob" else t for t in types]
    types = column_sets.birth_parts(header, _names_by_values(types, columns))
    if not columns or len(columns[0]) >= column_sets.VOTERS or "test" in types:
        return types
    if not (_WHO | _NAMES).intersection(types):
        return types
    return column_sets.few_rows_tests(header, types, lambda at: _head_cells(columns[at]))


def _clock_times(values: pa.Array) -> bool:
    """Whether a column's first cells are clock times: an arrival column headed "ARR" (the
    aldosterone/renin ratio's code) holds no results."""
    cells = _first_filled(pc.cast(values, pa.string()))
    times = pc.sum(pc.match_substring_regex(cells, _CLOCK)).as_py() or 0
    return len(cells) > 0 and times >= 0.8 * len(cells)


def _head_cells(values: pa.Array) -> list[str]:
    """A column's first ``_CODES_SAMPLE`` filled cells, trimmed."""
    return [cell.strip() for cell in _first_cells(values, _CODES_SAMPLE)]


def _tests(values: pa.Array) -> bool:
    """Whether a column headed as a name holds test names ("Name": "HIV viral load"): a
    test column, whatever its header says."""
    cells = _head_cells(values)
    # (A column of names is passed over at its first three cells.)
    if not any(map(lab_tests.is_test_list, cells[:3])):
        return False
    return sum(map(lab_tests.is_test_list, cells)) >= 0.6 * len(cells)


# Headers that name a type only where the cells bear it out: an SMS gateway's "To" or a phone
# log's "Caller" may hold a name, a LIMS's "Order" its number.
# A handover sheet's "Pt" (or "PT", prothrombin time's code) holds a patient's whole name only
# where its cells are names; a "Marker" column, a tumour marker's name.
_IF_VALUES = dict.fromkeys(("order", "orders", "marker", "markers", "tumour marker",
                            "tumor marker"), "test") | dict.fromkeys(
    ("to", "from", "recipient", "destination", "dest", "sent to", "send to", "to number",
     "recipient number", "destination number", "number", "caller", "caller id", "cli"), "phone"
) | dict.fromkeys(("pt", "pat", "pt details", "patient details"), "full_name") | {
    "sn": "family_name", "fn": "given_name"  # LDAP's and a JSON feed's short keys
}  # fmt: skip


def _by_header_and_values(header: str, values: pa.Array) -> str | None:
    kind = _IF_VALUES.get(fold(header))
    if kind is None:
        return None
    bears_out = _BORNE_OUT.get(kind, _tests)
    return kind if bears_out(values) else None


# A whole name as a cell: two to five words of letters (hyphens, apostrophes, a comma after
# the family name, a title's full stop), no digit.
_NAME_WORD = r"[^\W\d_](?:[^\W\d_]|['’.\-]){0,40}"
_WHOLE_NAME = re.compile(rf"{_NAME_WORD}(?:,? {_NAME_WORD}){{1,4}}")


_NAME_WORDS = re.compile(rf"{_NAME_WORD}(?:,? {_NAME_WORD}){{0,3}}")


def _whole_names(values: pa.Array, shape: re.Pattern[str] = _WHOLE_NAME) -> bool:
    """Whether a column's first cells are people's whole names ("Ikechukwu ADEBAYO",
    "OKAFOR, Grace"), not results or tests; with ``shape`` ``_NAME_WORDS``, names of a word
    or more (a family or a given name)."""
    cells = _head_cells(values)
    named = sum(
        shape.fullmatch(" ".join(c.split())) is not None and not lab_tests.is_test_list(c)
        for c in cells
    )
    return bool(cells) and named >= 0.8 * len(cells)


def _name_words(values: pa.Array) -> bool:
    return _whole_names(values, _NAME_WORDS)


def _phones(values: pa.Array) -> bool:
    """Whether a column's cells are UK phone numbers ("+447961204245", "07534 118378")."""
    cells = _head_cells(values)
    return bool(cells) and sum(map(_phone, cells)) >= 0.8 * len(cells)


def _phone(cell: str) -> bool:
    return contact.PHONE.fullmatch(cell) is not None and contact.uk_digits(cell) is not None


# How a column headed only loosely (``_IF_VALUES``) shows it holds its kind; tests by default.
_BORNE_OUT = {
    "phone": _phones,
    "full_name": _whole_names,
    "family_name": _name_words,
    "given_name": _name_words,
}


_WHO = frozenset({"nhs_number", "date_of_birth", "hospital_number"})


def _names_by_values(types: list[str | None], columns: list[pa.Array]) -> list[str | None]:
    """A table that says who its rows are (an NHS number, a date of birth) but has no column
    headed as a name: a column of known family names beside one of known given names are its
    names, the pair nearest those columns where a clinician's follows
    (``given_names.name_columns``), else a column of whole names is
    (``given_names.full_name_column``)."""
    if not _WHO.intersection(types):
        return types
    if _NAMES.intersection(types):
        return _whole_names_under_family(types, columns)
    samples = {i: _first_cells(columns[i], _NAME_SAMPLE) for i, t in enumerate(types) if t is None}
    anchors = [i for i, t in enumerate(types) if t in _WHO]
    found = given_names.name_columns(samples, anchors)
    if found is None:
        # Or one column of whole names ("Grace Okafor", "OKAFOR^GRACE"), as a headerless
        # export or one headed in no words the synonyms know writes them.
        whole = given_names.full_name_column(samples)
        return (
            types
            if whole is None
            else ["full_name" if i == whole else t for i, t in enumerate(types)]
        )
    family, given = found
    return [
        "family_name" if i == family else "given_name" if i == given else t
        for i, t in enumerate(types)
    ]


_NAME_SAMPLE = 100


def _whole_names_under_family(types: list[str | None], columns: list[pa.Array]) -> list[str | None]:
    """A table's only name column, headed as the family name, whose cells are whole names
    ("Name (Surname First)" over "Okafor Grace"): a full-name column. Read as the family name,
    its given names were lost, and with them the rows' people."""
    if types.count("family_name") != 1 or "given_name" in types or "full_name" in types:
        return types
    at = types.index("family_name")
    sample = _first_cells(columns[at], _NAME_SAMPLE)
    if given_names.full_name_column({at: sample}) is None:
        return types
    return ["full_name" if i == at else t for i, t in enumerate(types)]
