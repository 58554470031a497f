"""PMI terms: the lab's own patients found in free text by their own names and numbers.

The prose detectors need a label or a title to call a word a name ("Patient: Grace Okafor",
"Mrs Grace Okafor"). A note that says "spoke to Mrs Okafor, dob 03/04/1961, about her results"
names a patient all the same, and when the case has a PMI we know who: an Aho-Corasick automaton
over the PMI's NHS numbers (plain and spaced), patient ids and family names finds every
occurrence in one pass over the text, and each hit becomes a mention (detector ``pmi_terms``,
rule ``pmi_term``) merged with the other detectors' before mentions are grouped into people.

A family name alone identifies nobody, so a family-name hit is kept only when

- a given name of a PMI patient with that family name stands beside it ("Grace Okafor",
  "OKAFOR, Grace", "Okafor Grace"): rule ``pmi_term``, the given name as written; or
- a date within ``DOB_WINDOW`` characters is the birth date of exactly one PMI patient with that
  family name: rule ``pmi_term:family+dob``, the given name as the PMI has it, and that date
  becomes the mention's date of birth (rule ``pmi_term:dob``).

Hits inside words, hits a detector already found (an overlapping name, NHS number or hospital
number), and names after a staff title or role ("Dr Okafor", "requested by Okafor") are dropped.

The automaton is built once per scan from the case's PMI and saved under the case (it holds
identifiers; the case is where identifiers live); each worker process loads it once.
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import cast

import ahocorasick
import pyarrow as pa

from breachdesk import nhs
from breachdesk.detect.base import Mention
from breachdesk.detect.name_context import relative_before

MIN_FAMILY = 3  # shorter family names ("Ng", "Li") hit inside too much prose to be worth it
MIN_ID = 5  # a patient id shorter than this is a counter, not an identifier
DOB_WINDOW = 80  # as far from a name as detect.text looks for its date of birth
NHS, PATIENT_ID, FAMILY = 0, 1, 2  # automaton values are kind * _KIND + term length: ints
_KIND = 1024  # (a Python object per term would cost a big PMI gigabytes in every worker)
_WORD = r"[^\W\d_][\w'’\-]*"
_BEFORE = re.compile(rf"(?P<word>{_WORD})[^\S\n]+$")
_AFTER = re.compile(rf"^[^\S\n]*(?:,[^\S\n]*)?(?P<word>{_WORD})")
# A clinician's title or role just before a name, perhaps with their initials between ("Dr F
# Lee, Victoria Park Group Practice": Dr Lee, not the PMI's Victoria Lee).
_STAFF_WORDS = (
    r"(?:\bdr|\bdoctor|\bprof|\bsister|\bnurse|\bconsultant|\bgp|requested\s+by|"
    r"authori[sz]ed\s+by|reported\s+by|verified\s+by|signed|regards,?|\bcc:|\bbcc:)\.?"
)
_STAFF = re.compile(
    rf"{_STAFF_WORDS}(?:[^\S\n]+[A-Za-z]\.?){{0,3}}[^\S\n]*(?:[:\-][^\S\n]*)?$", re.IGNORECASE
)
# ... with a given name between ("Dr Sarah Hughes", "Cc: Hughes, Sarah" read from "Sarah"): staff
# too, unless a date follows the name ("about Dr Pamela KHAN (born 23-12-1991)": a patient who
# is a doctor, as ``_dated`` asks).
_STAFF_GIVEN = re.compile(
    rf"{_STAFF_WORDS}[^\S\n]+[A-Za-z][A-Za-z'\-]+(?:[^\S\n]+[A-Za-z]\.?)?[^\S\n]*$",
    re.IGNORECASE,
)
# How far after a name a date says it is a patient's, with its birth date.
_DATED_REACH = 30

Matcher = Callable[[str, list[Mention]], list[Mention]]
Patient = tuple[str, str, str, str]  # folded given name, given name, date of birth, sex (F/M/"")
_SEP = "\x1f"
_FAMILIES_KEPT = 4096  # indexed families kept per process
_TITLE = re.compile(r"(?<![^\W\d_])(?P<title>mrs|miss|ms|mr)\.?[^\S\n]+$", re.IGNORECASE)
_TITLE_SEX = {"mr": "M", "mrs": "F", "miss": "F", "ms": "F"}


@dataclass
class Family:
    """The PMI patients of one family name, by folded given name and by date of birth."""

    by_given: dict[str, list[Patient]]
    by_dob: dict[str, list[Patient]]


@dataclass
class Terms:
    automaton: ahocorasick.Automaton  # folded term -> kind * _KIND + its length
    people: dict[str, list[str]]  # folded family name -> its PMI patients, _SEP-joined fields
    _families: dict[str, Family] = field(default_factory=dict, repr=False)

    def family(self, key: str) -> Family:
        """Indexed on first use in this process: "Smith" has thousands of patients, and a log
        names the same families over and over."""
        found = self._families.get(key)
        if found is None:
            if len(self._families) >= _FAMILIES_KEPT:
                self._families.clear()
            found = Family({}, {})
            for raw in self.people[key]:
                patient = cast(Patient, tuple(raw.split(_SEP)))
                found.by_given.setdefault(patient[0], []).append(patient)
                found.by_dob.setdefault(patient[2], []).append(patient)
            self._families[key] = found
        return found

    def __getstate__(self) -> dict[str, object]:
        return {"automaton": self.automaton, "people": self.people, "_families": {}}


def _fold(text: str) -> str:
    """Lower case with offsets kept: a character whose lower case is longer stays as it is."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def build(pmi: pa.Table) -> Terms:
    """The automaton over a PMI table (``pmi.COLUMNS``) and what a family-name hit needs."""
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    people: dict[str, list[str]] = {}
    columns = ("nhs_number", "patient_id", "family_name", "given_name", "date_of_birth", "sex")
    rows = zip(*(pmi[c].to_pylist() for c in columns), strict=True)
    for number, patient_id, family, given, dob, sex in rows:
        if number and len(number) == 10:
            for form in (number, f"{number[:3]} {number[3:6]} {number[6:]}"):
                automaton.add_word(form, NHS * _KIND + len(form))
        if (
            patient_id
            and MIN_ID <= len(patient_id) < _KIND
            and any(c.isdigit() for c in patient_id)
        ):
            automaton.add_word(_fold(patient_id), PATIENT_ID * _KIND + len(patient_id))
        if family and given and MIN_FAMILY <= len(family) < _KIND:
            key = _fold(family)
            if key not in people:
                people[key] = []
                automaton.add_word(key, FAMILY * _KIND + len(key))
            fields = (_fold(given), given, dob or "", (sex or "")[:1].upper())
            people[key].append(_SEP.join(f.replace(_SEP, " ") for f in fields))
    automaton.make_automaton()
    return Terms(automaton, people)


def save(terms: Terms, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with partial.open("wb") as handle:
        pickle.dump(terms, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)


@lru_cache(maxsize=2)
def _load(path: str, stamp: tuple[int, int]) -> Terms:
    with open(path, "rb") as handle:
        terms = pickle.load(handle)  # written by ``save`` into this case, never from a dump
    if not isinstance(terms, Terms):
        raise TypeError(f"{path}: not a PMI-term automaton")
    return terms


def matcher(path: str) -> Matcher:
    """The merge function for ``people_in_text(extra=...)``; the automaton loaded once per
    process (per file version: a rebuilt automaton is loaded again)."""
    stat = Path(path).stat()
    terms = _load(path, (stat.st_mtime_ns, stat.st_size))
    return lambda text, mentions: merge(terms, text, mentions)


def _bounded(text: str, start: int, end: int, kind: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if kind == NHS:
        return not before.isdigit() and not after.isdigit()
    inner = {"'", "’", "-"}
    if after in inner and text[end + 1 : end + 2] in ("s", "S"):
        # "Mr Nowak's PSA": a possessive ends the name
        after = text[end + 2] if end + 2 < len(text) else " "
    return not (before.isalnum() or before in inner or after.isalnum() or after in inner)


def _overlaps(mentions: list[Mention], start: int, end: int, kinds: tuple[str, ...]) -> bool:
    return any(m.start < end and start < m.end and m.kind.startswith(kinds) for m in mentions)


def merge(terms: Terms, text: str, mentions: list[Mention]) -> list[Mention]:
    """``mentions`` plus the PMI-term mentions in ``text``, sorted by position."""
    folded = _fold(text)
    hits: dict[int, tuple[int, int]] = {}  # start -> (end, kind): the longest term there
    for last, value in terms.automaton.iter(folded):
        kind, length = divmod(value, _KIND)
        start, end = last + 1 - length, last + 1
        if _bounded(text, start, end, kind) and end > hits.get(start, (0, 0))[0]:
            hits[start] = (end, kind)
    if not hits:
        return mentions
    dates = [m for m in mentions if m.kind in {"date", "date_of_birth"}]
    added: list[Mention] = []
    births: dict[int, Mention] = {}  # a date that is the found patient's birth date
    for start, (end, kind) in sorted(hits.items()):
        key, written = folded[start:end], text[start:end]
        if kind == NHS:
            if not _overlaps(mentions, start, end, ("nhs_number",)):
                number = key.replace(" ", "")
                check = "pass" if nhs.is_valid(number) else "fail"  # as the PMI holds it
                added.append(
                    Mention("nhs_number", start, end, number, "pmi_terms", "pmi_term", 1.0, check)
                )
        elif kind == PATIENT_ID:
            if not _overlaps(mentions, start, end, ("hospital_number",)):
                added.append(
                    Mention("hospital_number", start, end, written, "pmi_terms", "pmi_term")
                )
        elif _STAFF.search(before := text[max(0, start - 40) : start]) or (
            _STAFF_GIVEN.search(before) and not _dated(dates, end)
        ):
            continue
        elif _overlaps(mentions, start, end, ("address",)):
            continue  # "Address: 129 Albert Hill, London": a street, not the Hill family
        elif not written[:1].isupper() and not _given_beside(terms, key, text, start, end):
            # "the green box": names are written with a capital, unless the whole name is in
            # small letters ("results for grace okafor", an e-mail subject, a user's note)
            continue
        elif (
            (named := _named(mentions, start, end))
            and not _cut_short(named[0], written)
            and (named[0].extra or named[0].start < start)
        ):
            # Found by the name detectors already; its date may still be the birth date. (A
            # family name found alone, "Dear Mr Ó Briain (DOB ...)", is the PMI's to complete.)
            first, last = named[0].start, named[0].end
            date = _birth(terms.family(key), named[0].extra, "", first, last, dates)
            if date is not None and date.kind == "date":
                births[date.start] = _as_birth(date)
        elif not _overlaps(added, start, end, ("name",)):
            found = _name(terms.family(key), _title_sex(text, start), text, start, end, dates)
            if found and relative_before(text, found[0].start):
                continue  # "Next of kin: Linda Foster (mother)": in the PMI, but not this file's
            if found:
                # A name detector's shorter reading of this name ("Mr Da Silva" read as given
                # name Da, family name Silva) gives way to the PMI's family name.
                mentions = [m for m in mentions if m not in named]
                added.append(found[0])
                if found[1] is not None:
                    births[found[1].start] = found[1]
    if not added and not births:
        return mentions
    kept = [births.pop(m.start) if m.start in births and m.kind == "date" else m for m in mentions]
    return sorted([*kept, *added], key=lambda m: m.start)


def _dated(dates: list[Mention], end: int) -> bool:
    """Whether a date starts within ``_DATED_REACH`` after ``end``."""
    return any(0 <= d.start - end <= _DATED_REACH for d in dates)


def _given_beside(terms: Terms, key: str, text: str, start: int, end: int) -> bool:
    """Whether a given name of a PMI patient of the family name ``key`` is written, in small
    letters too, just before or after it ("grace okafor", "okafor, grace")."""
    before = _BEFORE.search(text[max(0, start - 60) : start])
    after = _AFTER.match(text[end : end + 60])
    words = [m.group("word") for m in (before, after) if m is not None]
    words = [w for w in words if w.islower()]
    return bool(words) and any(_fold(w) in terms.family(key).by_given for w in words)


def _title_sex(text: str, start: int) -> str:
    """ "Mr Okafor" is none of the PMI's women called Okafor: F or M from a title, else ""."""
    title = _TITLE.search(text[max(0, start - 8) : start])
    return _TITLE_SEX[title.group("title").lower()] if title else ""


def _fits(patient: Patient, given: str, sex: str) -> bool:
    return (not given or patient[0] == given) and (not sex or not patient[3] or patient[3] == sex)


def _named(mentions: list[Mention], start: int, end: int) -> list[Mention]:
    return [m for m in mentions if m.kind == "name" and m.start < end and start < m.end]


def _cut_short(named: Mention, family: str) -> bool:
    """A name mention whose family name is the tail of a longer PMI family name written here."""
    short = _fold(named.value)
    return len(family) > len(short) and _fold(family).endswith(short)


def _name(
    family: Family, sex: str, text: str, start: int, end: int, dates: list[Mention]
) -> tuple[Mention, Mention | None] | None:
    """The name mention for a family-name hit, and the date beside it that is the patient's
    birth date, when the other detectors took it for some other date."""
    first, last, given, rule = start, end, "", "pmi_term"
    before = _BEFORE.search(text[max(0, start - 60) : start])
    after = _AFTER.match(text[end : end + 60])

    def known(word: str) -> bool:
        return any(_fits(p, "", sex) for p in family.by_given.get(_fold(word), ()))

    if before and known(before.group("word")):
        first, given = max(0, start - 60) + before.start("word"), before.group("word")
    elif after and known(after.group("word")):
        last, given = end + after.end("word"), after.group("word")
    date = _birth(family, given, sex, first, last, dates)
    if not given:
        if date is None:
            return None  # a family name alone identifies nobody
        matches = {p[1] for p in family.by_dob[date.value] if _fits(p, "", sex)}
        if len(matches) != 1:
            return None  # two patients of that name born that day: the text does not say which
        (given,) = matches
        rule = "pmi_term:family+dob"
    name = Mention("name", first, last, text[start:end], "pmi_terms", rule, extra=given)
    return name, _as_birth(date) if date is not None and date.kind == "date" else None


def _birth(
    family: Family, given: str, sex: str, first: int, last: int, dates: list[Mention]
) -> Mention | None:
    """The date nearest the name that is the birth date of a PMI patient of that name (of
    that family name, when the given name is not known)."""
    folded = _fold(given)

    def gap(d: Mention) -> int:
        return min(abs(d.start - last), abs(first - d.end))

    near = [
        d
        for d in dates
        if gap(d) < DOB_WINDOW
        and any(_fits(p, folded, sex) for p in family.by_dob.get(d.value, ()))
    ]
    return min(near, key=gap) if near else None


def _as_birth(date: Mention) -> Mention:
    return Mention("date_of_birth", date.start, date.end, date.value, "pmi_terms", "pmi_term:dob")
