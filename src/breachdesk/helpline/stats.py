"""The supervisors' dashboard figures: calls per hour, outcomes, top reasons, and lookups
found and not found, over a recent window."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from breachdesk.helpline import audit, calls
from breachdesk.helpline.db import utcnow


@dataclass(frozen=True)
class Figures:
    hours: int
    start: dt.datetime
    end: dt.datetime
    calls_per_hour: dict[str, int]  # "DD HH:00" -> calls in that hour (UTC)
    outcomes: dict[str, int]  # outcome label -> calls
    reasons: dict[str, int]  # reason label -> calls, most frequent first
    lookups: dict[str, int]  # found / not found
    total_calls: int
    follow_ups: int


def collect(conn: sa.Connection, hours: int = 24, now: dt.datetime | None = None) -> Figures:
    end = now or utcnow()
    first_hour = end.replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=hours - 1)
    rows = calls.since(conn, first_hour)
    per_hour = {(first_hour + dt.timedelta(hours=h)).strftime("%d %H:00"): 0 for h in range(hours)}
    for call in rows:
        label = call.at.replace(minute=0, second=0, microsecond=0).strftime("%d %H:00")
        if label in per_hour:
            per_hour[label] += 1
    outcomes = Counter(calls.OUTCOMES.get(c.outcome, c.outcome) for c in rows)
    reasons = Counter(calls.REASONS.get(c.reason, c.reason) for c in rows)
    since_text = first_hour.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    looked = audit.count_results(conn, ("lookup", "api_lookup"), since_text)
    return Figures(
        hours=hours,
        start=first_hour,
        end=end,
        calls_per_hour=per_hour,
        outcomes=dict(outcomes.most_common()),
        reasons=dict(reasons.most_common(5)),
        lookups={"found": looked.get("found", 0), "not found": looked.get("not_found", 0)},
        total_calls=len(rows),
        follow_ups=sum(1 for c in rows if c.follow_up),
    )
