"""A test read from an analyst's column name: ``hiv_result``, ``psa_ng_ml``, ``CA125_kU_L``,
``hivViralLoadCopies``, ``BRCA_status``, Stata's eight-letter ``hivres``.

Scripts (pandas, R, Stata, SQL) name a test's column with its catalogue term joined by ``_`` or
camelCase to a word for its result or to its units. ``columns._test_of_header`` takes tails off
a header written as words ("HIV result", "PSA ug/L"); these names have no spaces to take a tail
off at, so they are split into words first and their tails taken off word by word.
"""

from __future__ import annotations

import re
from functools import lru_cache

from breachdesk import catalogue

# A word after a test's name saying the column holds its result: "hiv_status", "psa_level",
# "hcv_rna_outcome", "ttg_titre".
RESULT_WORDS = frozenset(
    {"result", "results", "res", "rslt", "status", "stat", "value", "values", "val", "level",
     "levels", "lvl", "conc", "concentration", "titre", "titer", "outcome", "flag", "interp",
     "interpretation", "qual", "quant", "reading", "finding", "findings", "test", "tested",
     "final", "raw", "num", "numeric"}
)  # fmt: skip
# Units, as the words a name splits them into ("ng_ml": "ng ml"), or run together ("ngml").
_UNIT_PAIRS = frozenset(
    {("ng", "ml"), ("iu", "l"), ("iu", "ml"), ("miu", "ml"), ("mmol", "l"), ("mmol", "mol"),
     ("umol", "l"), ("nmol", "l"), ("pmol", "l"), ("ku", "l"), ("u", "l"), ("u", "ml"),
     ("g", "l"), ("g", "dl"), ("mg", "l"), ("mg", "dl"), ("ug", "l"), ("mu", "l"), ("mg", "mmol"),
     ("copies", "ml"), ("cp", "ml"), ("cps", "ml"), ("ng", "l"), ("pg", "ml"), ("ml", "min")}
)  # fmt: skip
_UNIT_WORDS = frozenset(
    {"copies", "cps", "pct", "percent", "perc", "log", "log10", "iu", "units", "titre",
     "ngml", "iul", "iuml", "miuml", "mmoll", "mmolmol", "umoll", "nmoll", "pmoll", "kul", "ul",
     "gl", "gdl", "mgl", "mgdl", "ugl", "copiesml", "cpml"}
)  # fmt: skip
# ... and before it: "last_hba1c", "latest_egfr".
_HEAD_WORDS = frozenset({"last", "latest", "recent", "previous", "prev", "first", "baseline"})
# Stata's and SAS's short names run a result word on without a break: "hivres", "hcvstat".
_GLUED = ("results", "result", "status", "level", "value", "stat", "res", "val", "lvl", "flag")
_LONGEST = 64  # a column's name, not a sentence (and the splitting stays short)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_WORD = re.compile(r"[^a-z0-9+]+")
_BREAK = re.compile(r"[_ .\-]")


@lru_cache(maxsize=4096)
def code_of_name(header: str) -> str | None:
    """The catalogue code of the test an analyst's column name names with a result word or
    units after it, or None. A name that is a catalogue term whole is left to the caller (the
    same answer), but for a short name glued to a result word that is also a catalogue code:
    "hivres" is an HIV result, not HIVRES, the resistance test, which a lab writes in capitals."""
    if len(header) > _LONGEST or not header.isascii():
        return None
    # camelCase only where nothing else breaks the words: "CA125_kU_L" is "CA125", "kU", "L".
    spaced = header if _BREAK.search(header) else _CAMEL.sub(" ", header)
    words = _NON_WORD.sub(" ", spaced.lower()).split()
    if not words:
        return None
    if len(words) == 1 and not header.isupper() and (glued := _glued(words[0])) is not None:
        return glued
    while len(words) > 1 and words[0] in _HEAD_WORDS:
        words = words[1:]
    for _ in range(4):
        cut = _tail(words)
        if cut == 0 or cut >= len(words):
            return None
        words = words[:-cut]
        if (code := _term(words)) is not None:
            return code
    return None


def _tail(words: list[str]) -> int:
    """How many words at the end of a name are a result word or a unit (0: none)."""
    if len(words) >= 2 and (words[-2], words[-1]) in _UNIT_PAIRS:
        return 2
    return 1 if words[-1] in RESULT_WORDS or words[-1] in _UNIT_WORDS else 0


def _term(words: list[str]) -> str | None:
    """The code of the catalogue term the words spell, spaced or run together ("hb a1c")."""
    index = catalogue.by_term()
    spaced = " ".join(words)
    test = index.get(spaced) or index.get(spaced.replace(" ", ""))
    # One or two letters ("k", "p", "ca") are too often a statistic's or a flag's name.
    return test.code if test is not None and len(spaced.replace(" ", "")) >= 2 else None


def _glued(word: str) -> str | None:
    if len(word) > 24:
        return None
    for tail in _GLUED:
        stem = word[: -len(tail)]
        if word.endswith(tail) and len(stem) >= 3 and (code := _term([stem])) is not None:
            return code
    return None


# A script's code for a test as a test column's cell: "syph_tpab", "hbv_dna", "syph_rpr".
_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9]{0,20}(?:_[A-Za-z0-9]{1,20}){1,5}")


@lru_cache(maxsize=4096)
def codes_of_cell(cell: str) -> tuple[str, ...]:
    """The test a snake_case cell names (no catalogue term whole): a name with a result word or
    units (``code_of_name``), else a test's name and then its method, run together as scripts
    write it ("syph_tpab": syphilis by TP Ab), the method's test being the more exact."""
    cell = cell.strip()
    if "_" not in cell or len(cell) > _LONGEST or _IDENT.fullmatch(cell) is None:
        return ()
    if (code := code_of_name(cell)) is not None:
        return (code,)
    words = cell.lower().split("_")
    for cut in range(1, len(words)):
        method = "".join(words[cut:])
        test = _compact_terms().get(method)
        if test is not None and len(method) >= 3 and _term(words[:cut]) is not None:
            return (test.code,)
    return ()


# What a lab's local code adds after a test's name: its method, quantity or generation
# ("CHLAMPCR", "SYPHAB", "BHCGQ", "PSAT", "HIV4G", "BRCAPAN"), longest first.
_METHODS = (
    "screen", "panel", "combo", "quant", "naat", "pcr", "dna", "rna", "abs", "scr", "pan",
    "ab", "ag", "4g", "12", "q", "t",
)  # fmt: skip
_CODE = re.compile(r"[A-Za-z][A-Za-z0-9]{1,11}(?:[ /+-][A-Za-z0-9]{1,6})?")


@lru_cache(maxsize=4096)
def compact_code(cell: str) -> tuple[str, ...]:
    """The test a lab's local code in a test column names (no catalogue term whole): a term
    with its spaces left out ("HEPBSAG", "HCVPCR"), else such a term with its method after it
    ("CHLAMPCR": chlamydia by PCR; "HIV1/2": HIV), the term at least three letters long before
    a one-letter method ("PSAT", not "CAT")."""
    cell = cell.strip()
    if _CODE.fullmatch(cell) is None:
        return ()
    compact = re.sub(r"[ /+-]", "", cell.lower())
    terms = _compact_terms()
    if (test := terms.get(compact)) is not None:
        return (test.code,)
    for method in _METHODS:
        stem = compact.removesuffix(method)
        long_enough = len(stem) >= (3 if len(method) == 1 else 2)
        if stem != compact and long_enough and (test := terms.get(stem)) is not None:
            return (test.code,)
    return ()


@lru_cache(maxsize=1)
def _compact_terms() -> dict[str, catalogue.Test]:
    """The catalogue's terms without their spaces ("tp ab": "tpab"), the first term's test."""
    index: dict[str, catalogue.Test] = {}
    for key, test in catalogue.by_term().items():
        index.setdefault(key.replace(" ", ""), test)
    return index
