"""Coded diagnoses: ICD-10, SNOMED CT and Read v2 codes that tell of a sensitive kind where no
test names it (a request's "Diagnosis" or "ICD10" column, a discharge extract's PRIMARY_DIAG, a
letter's "Dx: O09.9" or "B20 HIV disease").

The codes are data (``data/diagnosis_codes.csv``, its sources in its header). In text a code
counts after a diagnosis label, or as an ICD-10 code written beside its kind's words: a bare
"C50" is a room or a part number. In a table every code of a diagnosis column counts, read a
column at a time in Arrow. A code of no sensitive kind still tells of a diagnosis: health data,
the ``test_description`` category. Each mention's rule names its code ("labelled ICD-10 B20").
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from breachdesk.catalogue import SENSITIVE_KINDS
from breachdesk.detect.base import Mention
from breachdesk.detect.records import MENTION_SCHEMA

KIND = "diagnosis"  # the mention's kind and detector, and the column type
ICD10, SNOMED, READ = "ICD-10", "SNOMED CT", "Read v2"


class Codes(NamedTuple):
    """``data/diagnosis_codes.csv`` as look-ups, each to its kinds joined by ";" (sorted)."""

    icd3: dict[str, str]  # category ("B20")
    icd4: dict[str, str]  # subcategory without its dot ("O987"), its category's kinds too
    snomed: dict[str, str]  # concept id
    read: dict[str, str]  # Read v2 code without its dots ("A788"): the code and its children
    words: dict[str, tuple[str, ...]]  # ICD-10 key (icd3 or icd4): its kinds' word stems


_CATEGORY = re.compile(r"[A-Z][0-9][0-9AB]", re.ASCII)
_SUBCATEGORY = re.compile(r"[A-Z][0-9][0-9AB]\.[0-9A-Z]", re.ASCII)


def _categories(first: str, last: str) -> list[str]:
    """The three-character categories from ``first`` to ``last``: those of two digits between
    them as text orders them, and the ends (ICD-10-CM's "O9A" closes O00-O9A)."""
    letters = map(chr, range(ord(first[0]), ord(last[0]) + 1))
    digits = (f"{letter}{n:02d}" for letter in letters for n in range(100))
    inside = [c for c in digits if first <= c <= last]
    return list(dict.fromkeys([first, *inside, last]))


@functools.cache
def codes() -> Codes:
    path = resources.files("breachdesk") / "data" / "diagnosis_codes.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    icd3: dict[str, set[str]] = {}
    icd4: dict[str, set[str]] = {}
    snomed: dict[str, set[str]] = {}
    read: dict[str, set[str]] = {}
    words: dict[str, set[str]] = {}
    for row in rows:
        system, first, kind = row["system"].strip(), row["first"].strip(), row["sensitive"].strip()
        last = row["last"].strip() or first
        if kind not in SENSITIVE_KINDS:
            raise ValueError(f"diagnosis_codes.csv: {first}: unknown sensitive kind {kind!r}")
        stems = {w.strip().lower() for w in row["words"].split("|") if w.strip()}
        if system == "snomed" and first.isdigit():
            snomed.setdefault(first, set()).add(kind)
        elif system == "read2" and len(first) == 5:
            read.setdefault(first.rstrip("."), set()).add(kind)
        elif system == "icd10" and _CATEGORY.fullmatch(first) and _CATEGORY.fullmatch(last):
            for category in _categories(first, last):
                icd3.setdefault(category, set()).add(kind)
                words.setdefault(category, set()).update(stems)
        elif system == "icd10" and _SUBCATEGORY.fullmatch(first) and last == first:
            key = first.replace(".", "")
            icd4.setdefault(key, set()).add(kind)
            words.setdefault(key, set()).update(stems)
        else:
            raise ValueError(f"diagnosis_codes.csv: {system} {first}-{last} is not a code")
    for key, kinds in icd4.items():  # a subcategory is its category's kinds and its own
        kinds |= icd3.get(key[:3], set())
        words[key] |= words.get(key[:3], set())

    def joined(table: dict[str, set[str]]) -> dict[str, str]:
        return {key: ";".join(sorted(kinds)) for key, kinds in table.items()}

    return Codes(
        joined(icd3),
        joined(icd4),
        joined(snomed),
        joined(read),
        {key: tuple(sorted(stems)) for key, stems in words.items()},
    )


# A code as written: ICD-10 (a category, its subcode with or without the dot), a Read v2 code
# (five characters, a dot for each level below it, maybe its two-digit term code), a SNOMED CT
# concept id.
_ICD = re.compile(r"([A-Z][0-9][0-9AB])\.?([0-9A-Z]{0,4})", re.ASCII)
_READ = re.compile(r"[0-9A-Za-z][0-9A-Za-z.]{4}(?:[0-9]{2})?", re.ASCII)


@functools.lru_cache(maxsize=16384)
def classify(token: str) -> tuple[str, str, str] | None:
    """(system, code, kinds joined by ";" or "") of one code as written, or None where it is
    none: a SNOMED CT or Read v2 code only when the data lists it (any number or word could be
    shaped like one); an ICD-10 code by its shape (Arrow's ``_token_codes`` says the same)."""
    data = codes()
    if token.isdigit():
        kinds = data.snomed.get(token) if 6 <= len(token) <= 18 else None
        return (SNOMED, token, kinds) if kinds else None
    if _READ.fullmatch(token):
        for size in _read_sizes():
            kinds = data.read.get(token[:size])
            if kinds:
                return READ, token[:5], kinds
    found = _ICD.fullmatch(token.rstrip(".").upper())
    if found is None:
        return None
    category, sub = found.groups()
    kinds = data.icd4.get(category + sub[:1]) or data.icd3.get(category) or ""
    return ICD10, f"{category}.{sub}" if sub else category, kinds


@functools.cache
def _read_sizes() -> tuple[int, ...]:
    return tuple(sorted({len(key) for key in codes().read}, reverse=True))


# --- Free text -----------------------------------------------------------------------------

# A label that says a code follows ("Diagnosis:", "Dx", "ICD-10", "SNOMED CT", "Problem",
# "Read code", "Clinical code"), with a closing word ("Diagnosis code", "Problem list") and its
# separator. Each label starts with a match of one of ``_GATE_LABELS`` (the same classes).
_LABEL = re.compile(
    r"(?<![A-Za-z0-9])(?:diagnos[ie]s|diag|dxs?|icd[ \t-]{0,2}10(?:[ \t-]{0,2}cm)?|icd|"
    r"snomed(?:[ \t-]{0,2}ct)?|sctid|problems?|ctv3|"
    r"(?:read[ \t-]{0,2}(?:v2[ \t]{0,2})?|clinical[ \t-]{0,2}|condition[ \t-]{0,2})codes?)"
    r"(?![A-Za-z])(?:[ \t]{1,3}(?:codes?|list|no|id)(?![A-Za-z]))?(?:[ \t]{0,3}\(s\))?"
    r"[)\]]?[ \t]{0,3}[:=#-]?[ \t]{0,3}",
    re.ASCII | re.IGNORECASE,
)
_TOKEN = r"[A-Za-z0-9][A-Za-z0-9.]{2,17}(?![A-Za-z0-9.])"
# The codes after a label: one, or a short list ("C50.9, Z85.3", "B20 and Z21").
_LIST = re.compile(
    rf"{_TOKEN}(?:[ \t]{{0,3}}(?:[,;/&+]|and)[ \t]{{0,3}}{_TOKEN}){{0,7}}",
    re.ASCII | re.IGNORECASE,
)
_ONE = re.compile(_TOKEN, re.ASCII)
# ... or one in brackets later on the label's line ("Diagnosis: Type 2 diabetes (E11.9)").
_BRACKETED = re.compile(rf"[(\[]({_TOKEN})[)\]]", re.ASCII)
_LABEL_REACH = 120
# An ICD-10 code with no label, in capitals, read only beside its kind's words: after it
# ("B20 HIV disease", "C50.9 - Malignant neoplasm of breast"), or before it in brackets
# ("Breast cancer (C50.9)").
_CODE = re.compile(  # (the letter first: re skips to each capital, not to every position)
    r"[A-Z](?<![A-Za-z0-9.].)[0-9][0-9AB](?:\.[0-9A-Z]{1,4}|[0-9X])?(?![A-Za-z0-9])", re.ASCII
)
_WORDS_AFTER = re.compile(r"[ \t]{0,3}[-:]?[ \t]{0,3}(?=[A-Za-z])", re.ASCII)
_WORD = re.compile(r"[a-z]+")
_WORD_REACH = 60
_WORDS_READ = 6
# Words before a code or a label on its line that make it a relative's ("Family history:
# mother C50 breast cancer", "Partner: B20 HIV disease"), not the person's.
RELATIVES = frozenset(
    {"family", "fh", "fhx", "mother", "mum", "father", "dad", "sister", "brother", "son",
     "daughter", "partner", "husband", "wife", "parent", "parents", "maternal", "paternal",
     "sibling", "siblings", "grandmother", "grandfather", "aunt", "uncle", "cousin", "nok"}
)  # fmt: skip

# The gate: one Hyperscan scan says where a label or a code can start (every match of the
# rules above starts where a match of one of these does: the rules' classes are ASCII and fold
# only ASCII letters), and the rules are tried there only, so a text without one pays a scan.
_GATE_LABELS = (
    r"diag",
    r"dx",
    r"icd",
    r"snomed",
    r"sctid",
    r"problem",
    r"ctv3",
    r"(?:read[ \t-]{0,2}(?:v2[ \t]{0,2})?|clinical[ \t-]{0,2}|condition[ \t-]{0,2})code",
)
_GATE_CODES = (
    r"[A-Z][0-9][0-9AB](?:\.[0-9A-Z]{1,4}|[0-9X])?[ \t]{0,3}[-:]?[ \t]{0,3}[A-Za-z]",
    r"[(\[][A-Z][0-9][0-9AB]",  # its code starts a character on
)


@functools.cache
def _gate() -> Any:
    """The compiled gate, every match reported with its leftmost start; None where Hyperscan is
    not installed (every text is read whole)."""
    try:
        import hyperscan
    except ImportError:  # pragma: no cover - a platform without wheels
        return None
    patterns = [p.encode("ascii") for p in (*_GATE_LABELS, *_GATE_CODES)]
    flags = [hyperscan.HS_FLAG_CASELESS] * len(_GATE_LABELS) + [0] * len(_GATE_CODES)
    database = hyperscan.Database()
    database.compile(
        expressions=patterns,
        ids=list(range(len(patterns))),
        elements=len(patterns),
        flags=[f | hyperscan.HS_FLAG_SOM_LEFTMOST for f in flags],
    )
    return database


_DIGIT = re.compile(r"[0-9]")


@functools.cache
def _without_digits() -> tuple[str, ...]:
    """The Read v2 codes (their parts before the dots) that hold no digit ("AyuC")."""
    return tuple(key for key in codes().read if not any(c.isdigit() for c in key))


def starts(text: str) -> tuple[list[int], list[int]] | None:
    """Where in ``text`` a label and an ICD-10 code without one can start, in order; None when
    the gate gives no verdict (no Hyperscan, or a flood of matches): read the text whole."""
    database = _gate()
    if database is None:  # pragma: no cover
        return None
    import hyperscan

    # Each non-ASCII character scanned as "?", which no pattern takes: offsets stay the text's.
    scanned = text.encode("ascii", "replace")
    labels: list[int] = []
    found: list[int] = []
    last_label = len(_GATE_LABELS) - 1
    budget = len(text) // 8 + 256

    def hit(index: int, start: int, end: int, flags: int, context: object) -> bool:
        nonlocal budget
        if index <= last_label:
            labels.append(start)
        else:
            found.append(start if index == last_label + 1 else start + 1)
        budget -= 1
        return budget < 0  # True ends the scan

    try:
        database.scan(scanned, match_event_handler=hit)
    except hyperscan.ScanTerminated:
        return None
    return sorted(set(labels)), sorted(set(found))


def detect(text: str, line_starts: list[int] | None = None) -> Iterator[Mention]:
    """Coded diagnoses in ``text``: after a label, or an ICD-10 code beside its kind's words.
    No rule reads across a line, so ``line_starts`` (lines joined, each read as if alone, as
    ``lab_tests.detect`` takes them) changes nothing."""
    if _DIGIT.search(text) is None and not any(key in text for key in _without_digits()):
        return  # (every code holds a digit but a few Read codes: most short texts end here)
    spots = starts(text)
    if spots is None:
        labels: Iterable[re.Match[str] | None] = _LABEL.finditer(text)
        coded: Iterable[re.Match[str] | None] = _CODE.finditer(text)
    elif spots[0] or spots[1]:
        labels = (_LABEL.match(text, at) for at in spots[0])
        coded = (_CODE.match(text, at) for at in spots[1])
    else:
        return
    found: dict[int, Mention] = {}
    for label in labels:
        if label is None or _relative(text, label.start()):
            continue
        for token, start in _after_label(text, label.end()):
            given = classify(token)
            if given is not None:
                found.setdefault(start, _mention(start, len(token), given, "labelled"))
    data = codes()
    for match in coded:
        if match is None or match.start() in found:
            continue
        start, end = match.span()
        system, code, kinds = classify(match.group()) or ("", "", "")
        stems = data.words.get(code.replace(".", "")[:4]) or data.words.get(code[:3])
        if kinds and stems and _with_words(text, start, end, stems) and not _relative(text, start):
            found[start] = _mention(start, end - start, (system, code, kinds), "with_words")
    for start in sorted(found):
        yield found[start]


def _mention(start: int, length: int, code: tuple[str, str, str], rule: str) -> Mention:
    system, value, kinds = code
    return Mention(
        KIND, start, start + length, value, KIND, f"{rule} {system} {value}", extra=kinds
    )


def _after_label(text: str, at: int) -> Iterator[tuple[str, int]]:
    """The codes a label at ``at`` gives: a list straight after it, else one in brackets
    further on its line."""
    listed = _LIST.match(text, at)
    if listed is not None:
        tokens = [(m.group(), m.start()) for m in _ONE.finditer(text, *listed.span())]
        if any(classify(token) for token, _ in tokens):
            yield from tokens
            return
    end = text.find("\n", at)
    limit = min(at + _LABEL_REACH, len(text) if end == -1 else end)
    bracketed = _BRACKETED.search(text, at, limit)
    if bracketed is not None:
        yield bracketed.group(1), bracketed.start(1)


def _line_start(text: str, at: int) -> int:
    return text.rfind("\n", 0, at) + 1


def _relative(text: str, at: int) -> bool:
    """Whether the words before ``at`` on its line name a relative."""
    window = text[max(_line_start(text, at), at - _WORD_REACH) : at].lower()
    return not RELATIVES.isdisjoint(_WORD.findall(window))


def _with_words(text: str, start: int, end: int, stems: tuple[str, ...]) -> bool:
    """Whether a code at ``start:end`` is written beside one of ``stems``: among the words
    straight after it, or before it when it stands in brackets."""
    if start > 0 and text[start - 1] in "([":
        window = text[max(_line_start(text, start), start - 1 - _WORD_REACH) : start - 1]
        words = _WORD.findall(window.lower())[-_WORDS_READ:]
    elif _WORDS_AFTER.match(text, end) is not None:
        line_end = text.find("\n", end)
        stop = min(end + _WORD_REACH, len(text) if line_end == -1 else line_end)
        words = _WORD.findall(text[end:stop].lower())[:_WORDS_READ]
    else:
        return False
    return any(word.startswith(stems) for word in words)


# --- Columns -------------------------------------------------------------------------------

# A column no header types holds coded diagnoses when most of its cells are ICD-10 codes
# ("C50.9", "B20.1 HIV disease", "C50.9; Z85.3") and half of them give a subcode: bare
# three-character codes are also a plate's wells ("A01"), beds and rooms ("C12"). The same
# test in Python (short ASCII cells, ``columns._traits``) and in RE2 (``columns``' Arrow path).
_CELL_CODE = r"[A-Z][0-9][0-9AB](?:\.[0-9A-Z]{1,4}|[0-9X]{1,2})?"
_CELL = (
    rf"[ \t]{{0,8}}{_CELL_CODE}(?:[ \t]{{0,3}}[,;/][ \t]{{0,3}}{_CELL_CODE}){{0,7}}"
    r"(?:(?:[ \t]{1,3}-)?[ \t]{1,3}[A-Za-z][^\r\n]{0,250})?[ \t]{0,8}"
)
_SUBCODE = r"[ \t]{0,8}[A-Z][0-9][0-9AB]\.[0-9A-Z]"
CELL_RE2 = f"^{_CELL}$"
SUBCODE_RE2 = f"^{_SUBCODE}"
_CELL_PY = re.compile(_CELL, re.ASCII)
_SUBCODE_PY = re.compile(_SUBCODE, re.ASCII)
SHARE, SUBCODE_SHARE = 0.8, 0.5


def cell_traits(cell: str) -> tuple[bool, bool]:
    """Whether a short ASCII cell is ICD-10 codes (``CELL_RE2``), and whether its first code
    gives a subcode (``SUBCODE_RE2``)."""
    head = cell.lstrip(" \t")[:2]
    if len(head) < 2 or not ("A" <= head[0] <= "Z" and head[1].isdigit()):
        return False, False  # (most cells: said without a regex)
    if _CELL_PY.fullmatch(cell) is None:
        return False, False
    return True, _SUBCODE_PY.match(cell) is not None


# Where a cell's codes part: every run of characters no code holds.
_SEPARATORS_RE2 = r"[^0-9A-Za-z.]+"
_ICD_RE2 = r"^(?P<category>[A-Z][0-9][0-9AB])\.?(?P<sub>[0-9A-Z]{0,4})$"
_READ_RE2 = r"^[0-9A-Za-z][0-9A-Za-z.]{4}(?:[0-9]{2})?$"
_NULL = pa.scalar(None, pa.string())


@functools.cache
def _arrow_codes() -> dict[str, tuple[pa.Array, pa.Array]]:
    """Each look-up of ``codes()`` as Arrow (keys, kinds); Read v2 by its keys' lengths."""
    data = codes()

    def arrays(table: dict[str, str]) -> tuple[pa.Array, pa.Array]:
        return pa.array(list(table), pa.string()), pa.array(list(table.values()), pa.string())

    out = {"icd3": arrays(data.icd3), "icd4": arrays(data.icd4), "snomed": arrays(data.snomed)}
    for size in _read_sizes():
        out[f"read{size}"] = arrays({k: v for k, v in data.read.items() if len(k) == size})
    return out


def _look_up(keys: pa.Array, table: tuple[pa.Array, pa.Array]) -> pa.Array:
    return pc.take(table[1], pc.index_in(keys, value_set=table[0]))


def _token_codes(tokens: pa.Array) -> tuple[pa.Array, pa.Array]:
    """``classify`` of each token in Arrow calls: (kinds or null, "system code" or null)."""
    tables = _arrow_codes()
    numbers = pc.match_substring_regex(tokens, r"^[0-9]{6,18}$")
    snomed = pc.if_else(numbers, _look_up(tokens, tables["snomed"]), _NULL)
    read = pa.nulls(len(tokens), pa.string())
    for size in _read_sizes():
        prefix = pc.utf8_slice_codeunits(tokens, 0, size)
        read = pc.coalesce(read, _look_up(prefix, tables[f"read{size}"]))
    # (A number is a concept id or nothing: never a Read code, as ``classify`` says.)
    digits = pc.match_substring_regex(tokens, r"^[0-9]+$")
    shaped = pc.and_(pc.invert(digits), pc.match_substring_regex(tokens, _READ_RE2))
    read = pc.if_else(shaped, read, _NULL)
    parts = pc.extract_regex(pc.utf8_upper(pc.utf8_rtrim(tokens, characters=".")), _ICD_RE2)
    category, sub = pc.struct_field(parts, "category"), pc.struct_field(parts, "sub")
    key4 = pc.binary_join_element_wise(category, pc.utf8_slice_codeunits(sub, 0, 1), "")
    icd = pc.coalesce(_look_up(key4, tables["icd4"]), _look_up(category, tables["icd3"]))
    written = pc.if_else(
        pc.greater(pc.utf8_length(sub), 0),
        pc.binary_join_element_wise(category, sub, "."),
        category,
    )
    named = pc.coalesce(
        pc.if_else(pc.is_valid(snomed), pc.binary_join_element_wise(SNOMED, tokens, " "), _NULL),
        pc.if_else(
            pc.is_valid(read),
            pc.binary_join_element_wise(READ, pc.utf8_slice_codeunits(tokens, 0, 5), " "),
            _NULL,
        ),
        pc.binary_join_element_wise(ICD10, written, " "),
    )
    return pc.coalesce(snomed, read, icd), named


def _gather(owner: pa.Array, items: pa.Array, n: int, *, ordered: bool, sep: str) -> pa.Array:
    """For each of ``n`` owners, its distinct items joined by ``sep`` (sorted with ``ordered``,
    else in the order first seen), null where it has none."""
    if not len(items):
        return pa.nulls(n, pa.string())
    table = pa.table({"owner": owner, "item": items})
    if ordered:
        table = table.sort_by([("owner", "ascending"), ("item", "ascending")])
    grouped = table.group_by("owner", use_threads=False).aggregate([("item", "distinct")])
    grouped = grouped.combine_chunks()  # (one chunk: each result is an array, as its input)
    joined = pc.binary_join(grouped["item_distinct"].chunk(0), sep)
    owners = grouped["owner"].chunk(0)
    return pc.take(joined, pc.index_in(pa.array(np.arange(n, dtype=np.int64)), value_set=owners))


def column_codes(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Per cell of a diagnosis column (trimmed, empty as null): the sensitive kinds of its codes
    (joined by ";", sorted) and the codes it gives ("ICD-10 C50.9; ICD-10 Z85.3"), each null
    where it has none. Read over the column's distinct cells, every step an Arrow call."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    encoded = pc.dictionary_encode(values)
    cells = encoded.dictionary
    tokens = pc.split_pattern_regex(cells, _SEPARATORS_RE2)
    owner = pc.list_parent_indices(tokens)
    kinds, named = _token_codes(pc.list_flatten(tokens))
    coded = pc.is_valid(named)
    codes_of = _gather(
        owner.filter(coded), named.filter(coded), len(cells), ordered=False, sep="; "
    )
    kinds_of = _gather(*_split(owner, kinds), len(cells), ordered=True, sep=";")
    return pc.take(kinds_of, encoded.indices), pc.take(codes_of, encoded.indices)


def _split(owner: pa.Array, joined: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Each owner's kinds out of its ";"-joined text: (owner, kind) pairs, none for a null."""
    each = pc.split_pattern(joined, ";")
    return pc.take(owner, pc.list_parent_indices(each)), pc.list_flatten(each)


def merged_kinds(columns: list[pa.Array]) -> pa.Array:
    """Row by row, the kinds of ``columns`` (each joined by ";") in one: sorted, each once.
    Merged once per distinct combination of the columns' cells (a table's rows share a few)."""
    n = len(columns[0])
    filled = [
        c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c
        for c in columns
        if c.null_count < len(c)  # (a column of nulls adds no kind)
    ]
    if not filled:
        return pa.nulls(n, pa.string())
    # Each row's combination of cells, numbered afresh after each column (fewer than the rows).
    encoded = pc.dictionary_encode(filled[0], null_encoding="encode")
    row_combination = encoded.indices.to_numpy().astype(np.int64)
    combinations = [(cell,) for cell in encoded.dictionary.to_pylist()]
    for column in filled[1:]:
        encoded = pc.dictionary_encode(column, null_encoding="encode")
        cells = encoded.dictionary.to_pylist()
        size = len(cells)
        numbered = pc.dictionary_encode(row_combination * size + encoded.indices.to_numpy())
        row_combination = numbered.indices.to_numpy().astype(np.int64)
        combinations = [
            combinations[at // size] + (cells[at % size],) for at in numbered.dictionary.to_pylist()
        ]
    merged: list[str | None] = []
    for combination in combinations:
        kinds = {kind for cell in combination if cell for kind in cell.split(";")}
        kinds.discard("")
        merged.append(";".join(sorted(kinds)) or None)
    return pc.take(pa.array(merged, pa.string()), pa.array(row_combination))


@dataclass
class Coded:
    """What a table's diagnosis columns give its rows: the sensitive kinds (joined by ";",
    null where none), whether the row gives a code at all (a diagnosis is health data:
    ``test_description``), and each column's codes, for the mentions."""

    kinds: pa.Array
    found: pa.Array
    columns: list[tuple[str, pa.Array]] = field(default_factory=list)

    def with_kinds(self, sensitive: pa.Array) -> pa.Array:
        """``sensitive`` (the tests' kinds) with the diagnoses' added."""
        if sensitive.null_count == len(sensitive):
            return self.kinds
        return merged_kinds([sensitive, self.kinds])

    def mentions(
        self, record_id: pa.Array, locator: pa.Array, person: pa.Array, file_id: int
    ) -> pa.Table:
        """A mention per code-giving cell of a person's row, its rule naming the codes."""
        if person.null_count:
            person = pc.fill_null(person, False)
        is_person = person.to_numpy(zero_copy_only=False)
        parts = []
        for head, named in self.columns:
            given = is_person
            if named.null_count:
                given = given & pc.is_valid(named).to_numpy(zero_copy_only=False)
            rows = np.flatnonzero(given)
            if not len(rows):
                continue
            take = pa.array(rows)

            def repeat(text: str, count: int = len(rows)) -> pa.Array:
                return pa.repeat(pa.scalar(text, pa.string()), count)

            diagnosis = repeat(KIND)  # (the kind and the detector: one array, twice)
            columns = [
                record_id.take(take),
                pa.array(np.full(len(rows), file_id, dtype=np.int64)),
                locator.take(take),
                diagnosis,
                repeat(head),
                diagnosis,
                pc.binary_join_element_wise("column", named.take(take), " "),
                pa.array(np.ones(len(rows)), pa.float64()),
                repeat(""),
            ]
            parts.append(pa.Table.from_arrays(columns, schema=MENTION_SCHEMA))
        return pa.concat_tables(parts) if parts else MENTION_SCHEMA.empty_table()


def in_table(
    header: list[str], types: list[str | None], clean: list[pa.Array | None]
) -> Coded | None:
    """The codes of a typed table's diagnosis columns (``clean``: each typed column trimmed,
    empty as null), or None where it has none."""
    columns = [
        (head, values)
        for head, kind, values in zip(header, types, clean, strict=True)
        if kind == KIND and values is not None
    ]
    if not columns:
        return None
    found = [column_codes(values) for _, values in columns]
    kinds = found[0][0] if len(found) == 1 else merged_kinds([k for k, _ in found])
    given = pc.is_valid(found[0][1])
    for _, other in found[1:]:
        given = pc.or_(given, pc.is_valid(other))
    named = [(head, each) for (head, _), (_, each) in zip(columns, found, strict=True)]
    return Coded(kinds, given, named)
