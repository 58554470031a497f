"""Diagnoses written in words: "adenocarcinoma", "14/40 pregnant", "EtOH pancreatitis", "previous
IVDU", "on ART" tell of a sensitive kind where no code (``diagnoses``) and no test names it.

The words are data (``data/diagnosis_words.csv``: each term's kind, how it is matched, what
must or must not stand beside it, what a negation does, its source). One Hyperscan scan of a
text finds every term; only there is the text looked at in Python: the clause before the term
(a negation, a relative's or a family history's words, a hypothetical), what follows it (an
organisation's name: "Cancer Centre"), and for an ambiguous abbreviation ("EDD", "TOP") a word
of its kind near it. A mention is a ``diagnosis`` as a coded one is, its rule naming the term
("term adenocarcinoma"), its kind in ``extra``.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

import hyperscan
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from breachdesk.catalogue import SENSITIVE_KINDS
from breachdesk.detect.base import Mention
from breachdesk.detect.diagnoses import KIND, RELATIVES

_MATCHES = frozenset({"word", "inner", "stem", "regex"})
_EMPTY = pa.scalar("", pa.string())


@dataclass(frozen=True)
class Term:
    """One row of ``data/diagnosis_words.csv``, as the checks after a match read it."""

    kind: str
    name: str
    context: tuple[str, ...]
    unless_before: frozenset[str]
    unless_after: tuple[str, ...]
    keep_negated: bool
    inner: bool  # may end a longer word: the mention is the whole word ("adenocarcinoma")


def _split(cell: str) -> list[str]:
    return [part.strip().lower() for part in cell.split("|") if part.strip()]


def _literal(term: str) -> str:
    """A term's words as a pattern: a space any run of spaces, tabs or a hyphen, a hyphen one
    or none, "'s" and an apostrophe optional (a non-ASCII one is scanned as "?")."""
    out: list[str] = []
    at = 0
    while at < len(term):
        char = term[at]
        if term.startswith("'s", at):
            out.append(r"(?:['?]?s)?")
            at += 2
            continue
        if char == " ":
            out.append(r"[ \t\-]{1,3}")
        elif char == "-":
            out.append(r"[ \t\-]{0,2}")
        elif char == "'":
            out.append(r"['?]?")
        else:
            out.append(char if char.isalnum() else "\\" + char)
        at += 1
    return "".join(out)


def _expression(term: str, match: str) -> str:
    if match == "regex":
        return term
    body = _literal(term)
    if match == "stem":
        return rf"\b{body}[A-Za-z]*\b"
    if match == "inner":
        return rf"{body}(?:s|es)?\b"
    return rf"\b{body}(?:s|es)?\b"


@functools.cache
def vocabulary() -> tuple[tuple[Term, ...], tuple[str, ...], tuple[bool, ...]]:
    """The terms, each one's Hyperscan expression and whether it is read whatever its case."""
    path = resources.files("breachdesk") / "data" / "diagnosis_words.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    terms: list[Term] = []
    expressions: list[str] = []
    caseless: list[bool] = []
    for row in rows:
        kind, match, case = row["kind"].strip(), row["match"].strip(), row["case"].strip()
        term, negated = row["term"].strip(), row["negated"].strip()
        if (
            kind not in SENSITIVE_KINDS
            or match not in _MATCHES
            or case not in ("any", "exact")
            or negated not in ("keep", "drop")
            or not term.isascii()
        ):
            raise ValueError(f"diagnosis_words.csv: {term!r}: bad kind, match, case or negated")
        terms.append(
            Term(
                kind,
                row["name"].strip(),
                tuple(_split(row["context"])),
                frozenset(_split(row["unless_before"])),
                tuple(_split(row["unless_after"])),
                negated == "keep",
                match == "inner",
            )
        )
        expressions.append(_expression(term, match))
        caseless.append(case == "any")
    return tuple(terms), tuple(expressions), tuple(caseless)


@functools.cache
def _database() -> Any:
    _, expressions, caseless = vocabulary()
    flags = [
        hyperscan.HS_FLAG_SOM_LEFTMOST | (hyperscan.HS_FLAG_CASELESS if folded else 0)
        for folded in caseless
    ]
    database = hyperscan.Database()
    try:
        database.compile(
            expressions=[e.encode("ascii") for e in expressions],
            ids=list(range(len(expressions))),
            elements=len(expressions),
            flags=flags,
        )
    except hyperscan.error as exc:
        raise ValueError(f"diagnosis_words.csv: a term's pattern does not compile: {exc}") from exc
    return database


# --- What stands around a term ---------------------------------------------------------------

_WORD = re.compile(r"[a-z]+")
# A postcode's inward code after its outward code: "SE19 2WW" is a place, not a 2WW referral.
_INWARD = re.compile(rb"\d[a-z]{2}")
_OUTWARD_BEFORE = re.compile(rb"(?<![a-z0-9])[a-z]{1,2}\d[a-z\d]?[ \t]?$")
_REACH = 60  # characters read before a term, within its clause
_AFTER = 40  # ... and after it
_CONTEXT = 80  # where an ambiguous abbreviation's word of its kind is looked for
_LINE_REACH = 2 * _CONTEXT  # more than any check reads either side of a term
# (A clause ends at ". ; , |" or a line break: a negation or a relative's word before a term
# governs only its own clause.)
_NEGATORS = frozenset(
    {"no", "not", "nil", "without", "negative", "denies", "denied", "deny", "never", "nor"}
)
_NEGATED_AFTER = frozenset({"none", "nil", "no", "denied", "denies", "negative", "never", "not"})
_HYPOTHETICAL = frozenset({"if", "unless", "whether"})
# Words of another person ("mother had ovarian ca", "partner HIV positive"); "family" only in a
# family history's label (a family told of a diagnosis is no relative's).
_KIN = (RELATIVES - {"family", "fh", "fhx"}) | {
    "relative", "relatives", "grandparent", "grandparents", "grandma", "grandad", "granddad",
    "niece", "nephew", "twin", "stepmother", "stepfather", "boyfriend", "girlfriend", "spouse",
    "fiance", "fiancee", "auntie", "aunty"
}  # fmt: skip
# ... unless they report the person's own ("wife reports alcohol excess").
_REPORTING = frozenset(
    {"reports", "reported", "says", "said", "states", "stated", "concerned", "worried", "feels",
     "thinks", "notes", "noted", "tells", "told", "describes", "confirms", "informs", "mentions",
     "aware", "explains", "explained", "worries"}
)  # fmt: skip
# A family history's label on the line before a term, and a label of another section after it
# ("FH: mother breast ca. PMH: HIV": the HIV is the person's).
_FAMILY = re.compile(r"\b(?:family[ \t]{1,3}(?:history|hx)|fhx?)\b")
_LABEL = re.compile(r"\b[a-z]{2,}[ \t]{0,2}:")
# A relative's word straight after a term, in brackets or after "in" ("breast cancer (mother)",
# "HIV positive partner", "ca in her sister"); a negation as the next word ("IVDU: denied").
_KIN_AFTER = re.compile(
    r"[ \t]{0,3}(?:\([ \t]{0,2}|in[ \t]{1,3}(?:(?:her|his|their)[ \t]{1,3})?)?([a-z]+)"
)
# Terms a family history leads to in the person themselves: "FH Huntington's disease,
# predictive test" is the patient's own genetic test, though the history is a relative's.
_OWN_AFTER_HISTORY = frozenset({"genetic testing"})
_FIRST_WORD = re.compile(r"[ \t:=\-]{0,6}([a-z]+)")
# A cancer named as a predisposition, not as the person's disease: "R208 Inherited breast and
# ovarian cancer" (a genomic test's indication), "hereditary ... cancer predisposition", "bowel
# cancer risk", "cancer gene panel".
_PREDISPOSED = frozenset({"inherited", "hereditary", "familial", "heritable"})
_PREDISPOSITION = re.compile(
    r"[ \t\-]{0,3}(?:\(?[a-z]{2,6}\)?[ \t]{1,3})?(?:predisposition|susceptibility|risk|genes?\b"
    r"|gene[ \t]panel|syndrome)"
)


def _text(lowered: bytes, start: int, end: int) -> str:
    # (Latin-1: a byte a character, so a window's offsets stay the scan's.)
    return lowered[start:end].decode("latin-1")


def _clause(lowered: bytes, floor: int, start: int) -> str:
    window = _text(lowered, max(floor, start - _REACH), start)
    cut = max(window.rfind("."), window.rfind(";"), window.rfind(","), window.rfind("|"))
    return window[max(cut, window.rfind("\n")) + 1 :]


def _relative_before(words: list[str], line: str, own: bool = False) -> bool:
    """Whether a relative's word (``words``: the clause before a term) or a family history's
    label before it on its ``line`` makes the term another person's; with ``own``, the label
    alone does not."""
    for word in reversed(words):
        if word in _REPORTING:
            break
        if word in _KIN:
            return True
    if own:
        return False
    labels = [found.end() for found in _FAMILY.finditer(line)]
    return bool(labels) and _LABEL.search(line, labels[-1]) is None


def _judge(term: Term, lowered: bytes, start: int, end: int, seg: tuple[int, int]) -> str | None:
    """The rule's ending for a term at ``start:end`` of its line ``seg`` ("" or " (negated)"),
    or None where it is not the person's diagnosis."""
    if start > 1 and lowered[start - 1] in b"/.-" and lowered[start - 2 : start - 1].isdigit():
        return None  # "DOB 23/11/40": a date's month and year, no gestation
    if _INWARD.fullmatch(lowered, start, end) and _OUTWARD_BEFORE.search(
        lowered[max(0, start - 6) : start]
    ):
        return None
    clause = _clause(lowered, seg[0], start)
    words = _WORD.findall(clause)
    last = words[-3:]
    bare = clause.rstrip(" \t-")
    if bare.endswith("non") and (len(bare) == 3 or not bare[-4].isalpha()):
        return None  # "non-malignant", "non-alcoholic"
    if not term.unless_before.isdisjoint(last) or not _HYPOTHETICAL.isdisjoint(last):
        return None
    if _relative_before(words, _text(lowered, seg[0], start), term.name in _OWN_AFTER_HISTORY):
        return None
    after = _text(lowered, end, min(seg[1], end + _AFTER))
    if term.unless_after and after.lstrip(" \t-").startswith(term.unless_after):
        return None
    if term.kind == "cancer" and (
        not _PREDISPOSED.isdisjoint(words[-5:]) or _PREDISPOSITION.match(after)
    ):
        return None
    kin = _KIN_AFTER.match(after)
    if kin is not None and kin.group(1) in _KIN:
        return None  # "breast cancer (mother)", "HIV positive partner", "ca in her sister"
    if term.context:
        near = _text(lowered, max(seg[0], start - _CONTEXT), min(seg[1], end + _CONTEXT))
        if not any(word in near for word in term.context):
            return None
    negated = not _NEGATORS.isdisjoint(words[-5:])
    if term.keep_negated:
        return " (negated)" if negated else ""
    following = _FIRST_WORD.match(after)
    if negated or (following is not None and following.group(1) in _NEGATED_AFTER):
        return None
    return ""


# --- The scan ---------------------------------------------------------------------------------


def _hits(scanned: bytes, budget: int) -> list[tuple[int, int, int]]:
    """(start, end, term) of every term's match, the longest where they overlap. A flood of
    matches (a glossary, a crafted text) is read up to ``budget`` of them."""
    return _hits_within(scanned, budget)[0]


def _hits_within(scanned: bytes, budget: int) -> tuple[list[tuple[int, int, int]], bool]:
    """``_hits`` and whether the budget cut the scan short."""
    best: dict[tuple[int, int], int] = {}
    cut = False

    def hit(index: int, start: int, end: int, flags: int, context: object) -> bool:
        nonlocal budget, cut
        budget -= 1
        if budget < 0:
            cut = True
            return True  # ends the scan
        if best.get((index, start), -1) < end:
            best[index, start] = end
        return False

    with contextlib.suppress(hyperscan.ScanTerminated):
        _database().scan(scanned, match_event_handler=hit)
    if not best:
        return [], cut
    found = sorted((start, -end, index) for (index, start), end in best.items())
    kept: list[tuple[int, int, int]] = []
    last_end = -1
    for start, minus_end, index in found:
        if start >= last_end:
            kept.append((start, -minus_end, index))
            last_end = -minus_end
    return kept, cut


def _found(scanned: bytes, budget: int) -> Iterator[tuple[int, int, Term, str]]:
    """(start, end, term, the rule's ending) of each term in ``scanned`` that is the person's
    diagnosis. Nothing is read across a line break: lines joined by one (a log's, a column's
    cells) are each read as if alone."""
    yield from _judged(scanned, _hits(scanned, budget))


def _judged(
    scanned: bytes, hits: list[tuple[int, int, int]]
) -> Iterator[tuple[int, int, Term, str]]:
    """``_found``'s terms out of the scan's ``hits``."""
    if not hits:
        return
    terms = vocabulary()[0]
    lowered = scanned.lower()  # (bytes: ASCII letters only, a byte a byte)
    for start, end, index in hits:
        term = terms[index]
        seg = _line(scanned, start, end)
        if term.inner:  # the whole word: "adenocarcinoma", not its "carcinoma"
            while start > seg[0] and scanned[start - 1 : start].isalpha():
                start -= 1
        ending = _judge(term, lowered, start, end, seg)
        if ending is not None:
            yield start, end, term, ending


def _line(scanned: bytes, start: int, end: int) -> tuple[int, int]:
    """The line around ``start:end``, as far as any check reads (a long line of a log or a
    dump is not searched to its ends for each term)."""
    floor, ceiling = max(0, start - _LINE_REACH), min(len(scanned), end + _LINE_REACH)
    before, after = scanned.rfind(b"\n", floor, start), scanned.find(b"\n", end, ceiling)
    return (floor if before == -1 else before + 1), (ceiling if after == -1 else after)


def detect(text: str, line_starts: list[int] | None = None) -> Iterator[Mention]:
    """Diagnoses written in words in ``text``, each a ``diagnosis`` mention of its kind. No
    term or check reads across a line, so ``line_starts`` (lines joined, each read as if alone,
    as ``lab_tests.detect`` takes them) changes nothing."""
    # Each non-ASCII character scanned as "?", which no term holds: offsets stay the text's.
    # (A term every 32 characters of a long text is a list of terms, not a person's notes.)
    budget = len(text) // 32 + 4096
    for start, end, term, ending in _found(text.encode("ascii", "replace"), budget):
        rule = f"term {term.name}{ending}"
        yield Mention(KIND, start, end, term.name, KIND, rule, extra=term.kind)


def in_cells(cells: pa.Array) -> list[tuple[int, str, str]]:
    """(cell, kind, rule) of each term in a string column's ``cells``, each read as if alone:
    their bytes scanned straight from Arrow's buffer, each cell closed by a line break (a
    non-ASCII byte is no word's, as "?" is in ``detect``)."""
    # (A column's cells may each hold a term or two: "Adenocarcinoma", "Pregnant".)
    return _in_cells(cells, 4 * len(cells) + 4096) or []


def in_cells_within(cells: pa.Array, budget: int) -> list[tuple[int, str, str]] | None:
    """``in_cells`` read up to ``budget`` matches, None where a flood of them cut it short.
    (Each cell's matches are its own: where none is cut, ``in_cells`` of any of these cells
    finds what this does of them, its budget being at least 4096.)"""
    return _in_cells(cells, budget, strict=True)


def _in_cells(
    cells: pa.Array, budget: int, *, strict: bool = False
) -> list[tuple[int, str, str]] | None:
    if not len(cells):
        return []
    data, starts = _framed(cells)
    hits, cut = _hits_within(data, budget)
    if cut and strict:
        return None
    if not hits:
        return []
    out = []
    at = starts()
    for start, _, term, ending in _judged(data, hits):
        cell = int(np.searchsorted(at, start, side="right")) - 1
        out.append((cell, term.kind, f"term {term.name}{ending}"))
    return out


def _framed(cells: pa.Array) -> tuple[bytes, Callable[[], np.ndarray]]:
    """The cells' bytes, each closed by a line break, and where each starts in them (asked
    for only where a term is found)."""
    if cells.null_count == 0 and cells.type == pa.string():
        # Joined in Python, quicker than in Arrow for a table's few thousand cells; the same
        # bytes, a cell's text being its UTF-8 (Arrow's, if valid: else as Arrow frames them).
        try:
            data = ("\n".join(cells.to_pylist()) + "\n").encode("utf-8")
        except UnicodeDecodeError:
            pass
        else:

            def starts() -> np.ndarray:
                offsets = np.frombuffer(cells.buffers()[1], dtype=np.int32)[
                    cells.offset : cells.offset + len(cells) + 1
                ]
                return offsets[:-1] - offsets[0] + np.arange(len(cells), dtype=np.int32)

            return data, starts
    framed = pc.binary_join_element_wise(cells, _EMPTY, "\n")  # each cell with "\n" after it
    if framed.null_count:
        framed = pc.fill_null(framed, "\n")
    offsets = np.frombuffer(framed.buffers()[1], dtype=np.int32)[
        framed.offset : framed.offset + len(framed) + 1
    ]
    first = int(offsets[0])
    data = framed.buffers()[2].slice(first, int(offsets[-1]) - first).to_pybytes()
    return data, lambda: offsets[:-1] - first
