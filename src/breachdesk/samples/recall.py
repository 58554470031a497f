"""Who must be recalled for a repeat test, per requester, and what to repeat.

A patient is recalled for a sample that is ``discard`` (nothing can be run), ``partial`` (the
expired tests) or viable but not in the plan (the recovery capacity cannot reach it before it
expires). One row per requester and patient: a patient with several such samples from one
requester gets one recall, with the most urgent priority of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from breachdesk import catalogue
from breachdesk.samples.backlog import MISSING, Backlog
from breachdesk.samples.schedule import Plan
from breachdesk.samples.viability import DISCARD, PARTIAL, Viability

URGENCY = ("routine", "urgent", "critical")
TARGET_DAYS = (14, 3, 1)  # repeat within this many days, by urgency
_NHS = re.compile(r"^\d{10}$")
_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})$")
_DISTRICT = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")


@dataclass
class Recall:
    requester: str
    nhs_number: str
    family_name: str
    given_name: str
    date_of_birth: str
    district: str
    address: str
    samples: list[str]
    first_collected: int
    tests: list[str]
    urgency: int
    reasons: list[str]
    child: bool | None
    clinic: str = ""
    day: str = ""
    slot_note: str = ""
    test_labels: list[str] = field(default_factory=list)

    @property
    def person_key(self) -> str:
        if _NHS.match(self.nhs_number):
            return self.nhs_number
        return "|".join((self.family_name.lower(), self.given_name.lower(), self.date_of_birth))


def district(postcode: str) -> str:
    """The outward code (postcode district) of a UK postcode, '' when it is not one."""
    text = re.sub(r"\s+", " ", postcode.strip().upper())
    m = _POSTCODE.match(text)
    if m:
        return m[1]
    return text if _DISTRICT.match(text) else ""


def is_child(date_of_birth: str, today: date) -> bool | None:
    """Under 16 on ``today``; None when the date of birth is not YYYY-MM-DD."""
    try:
        born = date.fromisoformat(date_of_birth)
    except ValueError:
        return None
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return age < 16


def build(
    b: Backlog,
    v: Viability,
    p: Plan,
    districts: np.ndarray,
    addresses: np.ndarray,
    now: int,
) -> list[Recall]:
    today = date.fromisoformat(str(np.datetime64(now, "s"))[:10])
    names = {t.code: t.name for t in catalogue.load()}
    codes = tuple(t.code for t in catalogue.load())
    run = np.zeros(len(v.viable), dtype=bool)
    has_job = p.pair_job >= 0
    run[has_job] = p.run_at[p.pair_job[has_job]] != MISSING
    repeat = ~run  # expired, no lane, or no capacity in time
    pending = np.flatnonzero(np.bincount(b.pair_sample, weights=repeat, minlength=b.size) > 0)
    text = b.text
    out: dict[tuple[str, str], Recall] = {}
    for s in pending.tolist():
        lo, hi = int(v.pair_offsets[s]), int(v.pair_offsets[s + 1])
        tests = [codes[b.pair_test[q]] for q in range(lo, hi) if repeat[q]]
        if v.status[s] == DISCARD:
            why = "sample expired before it could be tested"
        elif v.status[s] == PARTIAL and not v.viable[lo:hi][repeat[lo:hi]].any():
            why = "some tests expired before they could be run"
        elif v.status[s] == PARTIAL:
            why = "some tests expired; the rest cannot be run before they expire"
        else:
            why = "recovery capacity cannot run it before it expires"
        rec = Recall(
            requester=str(text["requester_code"][s]) or "UNKNOWN",
            nhs_number=str(text["nhs_number"][s]).replace(" ", ""),
            family_name=str(text["family_name"][s]),
            given_name=str(text["given_name"][s]),
            date_of_birth=str(text["date_of_birth"][s]),
            district=str(districts[s]),
            address=str(addresses[s]),
            samples=[str(text["sample_id"][s])],
            first_collected=int(b.collected[s]),
            tests=tests,
            urgency=int(b.priority[s]),
            reasons=[why],
            child=is_child(str(text["date_of_birth"][s]), today),
        )
        key = (rec.requester, rec.person_key)
        seen = out.get(key)
        if seen is None:
            out[key] = rec
            continue
        seen.samples.append(rec.samples[0])
        seen.tests.extend(t for t in tests if t not in seen.tests)
        seen.urgency = max(seen.urgency, rec.urgency)
        seen.first_collected = min(seen.first_collected, rec.first_collected)
        if why not in seen.reasons:
            seen.reasons.append(why)
        seen.district = seen.district or rec.district
        seen.address = seen.address or rec.address
    recalls = list(out.values())
    for r in recalls:
        r.test_labels = [f"{names.get(c, c)} ({c})" for c in r.tests]
    recalls.sort(key=lambda r: (r.requester, -r.urgency, r.family_name, r.given_name))
    return recalls
