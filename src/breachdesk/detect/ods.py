"""ODS organisation codes: GP practices (letter + five digits) and NHS trusts (R + two)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from breachdesk.detect.base import Mention

# The lookbehind follows the first letter (the same test, one character on), so ``re`` skips to
# capitals instead of trying every position: ``(?<![A-Za-z0-9])([A-HJ-NP-Y]\d{5})(?!...)``.
PRACTICE = re.compile(r"([A-HJ-NP-Y](?<![A-Za-z0-9][A-HJ-NP-Y])\d{5})(?![A-Za-z0-9])")
# Trust codes are short enough to collide with ordinary tokens; only take them beside a label.
# The labels' ``\b`` follows their first letter, which opens the pattern as a case-sensitive
# class of every letter IGNORECASE folds to o, t, s, f or p (``\u017f`` is an s), so ``re``
# skips to those: ``(?:\bods|\btrust|\bsite|\bfacility|\bsource|\bprovider|\borg(?:anisation)?)``.
TRUST = re.compile(
    r"(?-i:[OoTtSs\u017fFfPp])(?<!\w.)"
    r"(?:(?<=[Oo])ds|(?<=[Tt])rust|(?<=[Ss\u017f])ite|(?<=[Ff])acility|(?<=[Ss\u017f])ource"
    r"|(?<=[Pp])rovider|(?<=[Oo])rg(?:anisation)?)\b[^A-Za-z0-9\n]{0,4}"
    r"(?:code\s*+)?[:=#]?\s*(R[A-Z0-9]{2})(?![A-Za-z0-9])",
    re.IGNORECASE,
)
# Practices (G85001), trusts (RJ1) and trust sites (RJ122: a trust code and two digits).
CELL = re.compile(r"^\s*(?:[A-HJ-NP-Y]\d{5}|R[A-Z0-9]{2}(?:\d{2})?)\s*$")


# A label ending in an identifier's word ("Family ID:", "household_id=", "Study No.", "Sample
# ref") names whose identifier the value after it is: an organisation's only where a word of it
# says so ("Practice code:", "GP ID", "ODS code", "Org ID"). A family-study, household,
# patient, sample or study identifier may have a practice code's shape (F12345, S10023).
_ID_WORDS = frozenset(
    {"id", "no", "number", "num", "nbr", "ref", "reference", "identifier", "code"}
)
_ORGANISATION_WORDS = frozenset(
    {"ods", "org", "organisation", "organization", "practice", "gp", "surgery", "site", "ccg",
     "icb", "pcn", "trust", "requester", "requesting", "requestor", "location", "loc", "source",
     "client", "customer", "sender", "sending", "provider", "facility", "national"}
)  # fmt: skip
# A label's words, camel case and capitals split ("familyId", "FAMILY_ID", "HouseholdID").
_LABEL_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_SEPARATORS = " \t:=#.,;|-\"'"


def labelled_otherwise(text: str, start: int) -> bool:
    """Whether a label naming some other identifier ends just before ``start`` on its line."""
    window = text[max(0, start - 40) : start]
    label = window[window.rfind("\n") + 1 :].rstrip(_SEPARATORS)
    if not label or not label[-1].isalpha():
        return False  # no label just before the code ("Sample ID 12, G85001")
    words = [w.lower() for w in _LABEL_WORD.findall(label[-32:])]
    if len(words) < 2 or words[-1] not in _ID_WORDS:
        return False  # no label, or a bare "ID:" that says nothing of whose
    return _ORGANISATION_WORDS.isdisjoint(words[-3:-1])


def detect(text: str, present: frozenset[str] | None = None) -> Iterator[Mention]:
    """Practice and trust codes; ``present`` (the prefilter's triggers, ``ods:<rule>``) skips
    a rule that cannot match, None runs both. A practice-shaped code after another
    identifier's label is not one (``labelled_otherwise``)."""
    if present is None or "ods:practice" in present:
        for match in PRACTICE.finditer(text):
            if labelled_otherwise(text, match.start()):
                continue
            yield Mention("ods_code", match.start(), match.end(), match.group(1), "ods", "practice")
    if present is not None and "ods:trust" not in present:
        return
    for match in TRUST.finditer(text):
        yield Mention(
            "ods_code", match.start(1), match.end(1), match.group(1).upper(), "ods", "trust"
        )


_PARTS = re.compile(r"[\^&~ ,;|()\[\]]")


# Cached: a feed names the same few facilities in every message.
@functools.lru_cache(maxsize=8192)
def code_of(value: str) -> str | None:
    """The ODS code a field holds (``G85001``, ``RJ1``, ``G85001^Lordship Lane Surgery``)."""
    for part in _PARTS.split(value):
        if CELL.match(part):
            return part.strip().upper()
    return None
