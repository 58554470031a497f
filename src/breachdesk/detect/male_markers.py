"""hCG in a man: a germ-cell tumour marker (beside AFP and LDH after an orchidectomy), not a
pregnancy test. Where a person's sex is known male, the test gives no pregnancy kind; it is
still a test, and the tumour it marks is told by the report's own words. Its sex is a record's
``sex`` (a table's column, HL7's PID-8, FHIR's gender), or in text a "Sex: M" label, "a
37-year-old man" or a man's organ ("testicular mass", "orchidectomy", "seminoma") near the test,
read only where an hCG is named.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import pyarrow as pa
import pyarrow.compute as pc

from breachdesk.detect.base import Mention

# Catalogue code -> the kind it does not give a man.
NOT_IN_MEN = {"HCG": "pregnancy"}

# A sex cell: "M", "Male", "man", NHS Data Dictionary's "1"; an age with it ("67 M", "37y/M").
_MALE = r"(?:\d{1,3}[ \t]?(?:y|yr|yrs|years?)?[ \t]?[/,]?[ \t]?)?(?:m|male|man|boy)"
MALE_RE2 = rf"(?i)^\s*(?:{_MALE}|1)\s*$"
_MALE_PY = re.compile(rf"[ \t]{{0,8}}(?:{_MALE}|1)[ \t]{{0,8}}", re.IGNORECASE)

# In text: a sex label and its value, or a person's age and sex in words.
SEX_IN_TEXT = re.compile(
    r"\b(?:sex|gender)[ \t]{0,3}(?:[:=][ \t]{0,3})?(?P<label>male|female|m|f)\b"
    r"|\b\d{1,3}[ \t-]{0,2}(?:year|yr)s?[ \t-]{0,2}old[ \t]{1,2}"
    r"(?P<words>man|male|gentleman|boy|woman|female|lady|girl)\b"
    # A man's organ or its tumour: "Testicular mass, AFP 220, bHCG 45. Orchidectomy: seminoma"
    r"|\b(?P<organ>testicular|testis|testes|scrotal|scrotum|orchidectomy|orchiectomy|seminoma"
    r"|non-?seminomatous|prostate|prostatic)\b",
    re.IGNORECASE,
)
_WOMEN = frozenset({"f", "female", "woman", "lady", "girl"})


def is_male(sex: str | None) -> bool:
    return bool(sex) and len(sex or "") <= 24 and _MALE_PY.fullmatch(sex or "") is not None


def kinds_of(codes: Iterable[str], sensitive_of: dict[str, str], male: bool) -> list[str]:
    """The sensitive kinds of a person's tests, sorted: those ``NOT_IN_MEN`` left out of a man's."""
    kinds = set()
    for code in codes:
        kind = sensitive_of.get(code)
        if kind and not (male and NOT_IN_MEN.get(code) == kind):
            kinds.add(kind)
    return sorted(kinds)


def sex_mentions(text: str, line_starts: list[int] | None = None) -> Iterator[Mention]:
    """The sexes a text states ("Sex: M", "37-year-old man"), as ``sex`` mentions ("M", "F"):
    read by ``lab_tests`` only where it names an hCG. No match crosses a line."""
    for found in SEX_IN_TEXT.finditer(text):
        if line_starts is not None and "\n" in found.group():
            continue
        group = next(g for g in ("label", "words", "organ") if found.group(g))
        value = "F" if found.group(group).lower() in _WOMEN else "M"
        span = found.span(group)
        yield Mention("sex", span[0], span[1], value, "lab_tests", "sex_with_hcg")


def without_in_men(
    sensitive: pa.Array, tests: pa.Array, sex: pa.Array, sensitive_of: dict[str, str]
) -> pa.Array:
    """A table's rows' test kinds (``sensitive``, from ``tests``) with a man's hCG giving no
    pregnancy: read again, only on the rows whose sex is male and whose tests hold one."""
    marked = pc.match_substring_regex(tests, "(?:^|;)(?:" + "|".join(NOT_IN_MEN) + ")(?:;|$)")
    affected = pc.and_(
        pc.fill_null(marked, False), pc.fill_null(pc.match_substring_regex(sex, MALE_RE2), False)
    )
    if not pc.any(affected).as_py():
        return sensitive
    again = {
        codes: ";".join(kinds_of(codes.split(";"), sensitive_of, True)) or None
        for codes in pc.unique(tests.filter(affected)).to_pylist()
    }
    keys = pa.array(list(again), pa.string())
    redone = pc.take(pa.array(list(again.values()), pa.string()), pc.index_in(tests, keys))
    return pc.if_else(affected, redone, sensitive)
