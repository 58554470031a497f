"""The call log: every call's reason, outcome, whether it needs a follow-up and a number to
call back on; searched and exported by supervisors. No free-text notes: operators would type
NHS numbers and results into them, and the log must not become a second copy of the dump."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from breachdesk.helpline import audit
from breachdesk.helpline.db import calls, utcnow

REASONS = {
    "data_check": "Is my data in the leak?",
    "scam_contact": "Suspicious call, text or e-mail",
    "test_results": "Test results or a repeat test",
    "complaint": "Complaint",
    "other": "Something else",
}
OUTCOMES = {
    "told_found": "Found: explained what was exposed and what happens next",
    "told_not_found": "Not found: explained and advised",
    "referred": "Referred to the controller",
    "not_verified": "Could not check: details missing or not confirmed",
    "callback": "Callback arranged",
    "other": "Other",
}
_PHONE = re.compile(r"^\+?[0-9 ()-]{6,24}$")
EXPORT_HEADER = (
    "id",
    "at_utc",
    "operator",
    "reason",
    "outcome",
    "follow_up",
    "callback_number",
    "lookup_ref",
)


class CallError(ValueError):
    """A call record an operator can correct."""


@dataclass(frozen=True)
class Call:
    id: int
    at: dt.datetime
    operator: str
    reason: str
    outcome: str
    follow_up: bool
    callback_number: str
    lookup_ref: int | None


@dataclass(frozen=True)
class CallFilter:
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive
    reason: str | None = None
    outcome: str | None = None
    follow_up: bool | None = None
    operator: str | None = None
    callback_number: str | None = None  # digits anywhere in the number

    def where(self) -> list[sa.ColumnElement[bool]]:
        clauses: list[sa.ColumnElement[bool]] = []
        if self.date_from:
            clauses.append(calls.c.at >= dt.datetime.combine(self.date_from, dt.time()))
        if self.date_to:
            end = dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time())
            clauses.append(calls.c.at < end)
        if self.reason:
            clauses.append(calls.c.reason == self.reason)
        if self.outcome:
            clauses.append(calls.c.outcome == self.outcome)
        if self.follow_up is not None:
            clauses.append(calls.c.follow_up == self.follow_up)
        if self.operator:
            clauses.append(calls.c.operator == self.operator.strip().lower())
        digits = re.sub(r"\D", "", self.callback_number or "")
        if digits:
            # Stored numbers keep their spacing; compare on digits alone.
            stored: sa.ColumnElement[str] = calls.c.callback_number
            for ch in (" ", "-", "(", ")", "+"):
                stored = sa.func.replace(stored, ch, "")
            clauses.append(stored.contains(digits, autoescape=True))
        return clauses


def check(reason: str, outcome: str, follow_up: bool, callback_number: str) -> str:
    if reason not in REASONS:
        raise CallError("Reason: choose one from the list.")
    if outcome not in OUTCOMES:
        raise CallError("Outcome: choose one from the list.")
    number = " ".join(callback_number.split())
    if number and not _PHONE.match(number):
        raise CallError("Callback number: digits, spaces and + only (e.g. 07700 900123).")
    if (follow_up or outcome == "callback") and not number:
        raise CallError("Callback number: needed when the call needs a follow-up.")
    return number


def record(
    conn: sa.Connection,
    *,
    operator: str,
    reason: str,
    outcome: str,
    follow_up: bool,
    callback_number: str,
    lookup_ref: int | None,
) -> int:
    number = check(reason, outcome, follow_up or outcome == "callback", callback_number)
    call_id = conn.execute(
        calls.insert()
        .values(
            at=utcnow(),
            operator=operator,
            reason=reason,
            outcome=outcome,
            follow_up=follow_up or outcome == "callback",
            callback_number=number,
            lookup_ref=lookup_ref,
        )
        .returning(calls.c.id)
    ).scalar_one()
    audit.append(conn, actor=operator, action="call_logged", result="ok", detail=f"call {call_id}")
    return int(call_id)


def search(conn: sa.Connection, where: CallFilter, limit: int | None = 500) -> list[Call]:
    query = sa.select(calls).where(*where.where()).order_by(calls.c.at.desc(), calls.c.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [Call(**row._mapping) for row in conn.execute(query)]


def count(conn: sa.Connection, where: CallFilter) -> int:
    return int(
        conn.execute(sa.select(sa.func.count()).select_from(calls).where(*where.where())).scalar()
        or 0
    )


def to_csv(rows: Iterable[Call]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADER)
    for c in rows:
        writer.writerow(
            [
                c.id,
                c.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                c.operator,
                c.reason,
                c.outcome,
                "yes" if c.follow_up else "no",
                c.callback_number,
                c.lookup_ref or "",
            ]
        )
    return out.getvalue()


def since(conn: sa.Connection, start: dt.datetime) -> list[Call]:
    query = sa.select(calls).where(calls.c.at >= start).order_by(calls.c.at)
    return [Call(**row._mapping) for row in conn.execute(query)]
