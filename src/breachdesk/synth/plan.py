"""Who is exposed, how often, and through which kind of file.

Deciding this up front (instead of inside each writer) is what makes the truth exact: every
appearance planned here becomes at least one person-record, and only the appearances flagged
sensitive put a sensitive test into the dump.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from breachdesk.synth.context import App
from breachdesk.synth.people import Population

EXPOSED_SHARE = 0.6
NOT_IN_PMI_SHARE = 0.05  # of exposed people
SENSITIVE_SHARE = 0.08  # of exposed people

# Channels a person's appearances are spread over, by share of appearances.
WEIGHTS: dict[str, float] = {
    "hl7": 0.40,
    "table": 0.22,
    "sheet": 0.07,
    "sql": 0.09,
    "fhir": 0.08,
    "log": 0.09,
    "archive": 0.05,
}
# Channels whose every record names a test, where a sensitive appearance may go.
TEST_CHANNELS = ("hl7", "table", "sheet", "fhir", "archive", "pdf", "mail")


@dataclass
class Plan:
    channels: dict[str, list[App]]
    pdf_reports: int
    pdf_summaries: int
    mails: int


def not_in_pmi_count(patients: int) -> int:
    return max(1, round(patients * EXPOSED_SHARE * NOT_IN_PMI_SHARE))


def pdf_counts(patients: int) -> tuple[int, int]:
    """(single-patient reports, multi-patient summaries): PDFs are slow to make, so few."""
    total = min(300, max(3, patients // 100))
    summaries = max(1, total // 6)
    return total - summaries, summaries


def make(rng: random.Random, pop: Population) -> Plan:
    patients = pop.pmi_count
    exposed = sorted(rng.sample(range(patients), round(patients * EXPOSED_SHARE)))
    exposed += list(range(patients, len(pop.persons)))
    sensitive = set(rng.sample(exposed, max(1, round(len(exposed) * SENSITIVE_SHARE))))
    names = list(WEIGHTS)
    weights = list(WEIGHTS.values())
    per_person: dict[int, list[str]] = {}
    for idx in exposed:
        count = 1
        while count < 12 and rng.random() < 0.72:
            count += 1
        per_person[idx] = rng.choices(names, weights=weights, k=count)
    reports, summaries = pdf_counts(patients)
    mails = max(8, patients // 60)
    extra: list[tuple[int, str]] = []
    for idx in rng.sample(exposed, min(len(exposed), reports)):
        extra.append((idx, "pdf_report"))
    for _ in range(summaries * 30):
        extra.append((rng.choice(exposed), "pdf_summary"))
    for _ in range(mails * 3):
        extra.append((rng.choice(exposed), "mail"))
    for idx, channel in extra:
        per_person[idx].append(channel)
    channels: dict[str, list[App]] = {}
    for idx in exposed:
        chosen = per_person[idx]
        flag = -1
        if idx in sensitive:
            usable = [i for i, c in enumerate(chosen) if c.split("_")[0] in TEST_CHANNELS]
            if not usable:
                chosen.append("hl7")
                usable = [len(chosen) - 1]
            flag = rng.choice(usable)
        for i, channel in enumerate(chosen):
            channels.setdefault(channel, []).append((idx, i == flag))
    for channel in sorted(channels):
        rng.shuffle(channels[channel])
    return Plan(channels, reports, summaries, mails)
