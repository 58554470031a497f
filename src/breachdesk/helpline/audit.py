"""The audit log: every lookup and every view of a person, in a SHA-256 hash chain.

Each entry's hash covers its own fields and the previous entry's hash, as canonical JSON, so
changing, deleting or reordering any entry breaks every hash after it; ``verify`` recomputes
the chain and names the first entry that does not fit. Queries are kept only as keyed hashes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import sqlalchemy as sa

from breachdesk.helpline.db import audit_head, audit_log, utcnow

GENESIS = "0" * 64
_FIELDS = ("id", "at", "actor", "action", "query_hash", "result", "person_ids", "detail")


@dataclass(frozen=True)
class Entry:
    id: int
    at: str  # ISO 8601 UTC, fixed width, so text order is time order
    actor: str
    action: str
    query_hash: str
    result: str
    person_ids: str
    detail: str
    prev_hash: str
    entry_hash: str


def entry_hash(fields: dict[str, object], prev_hash: str) -> str:
    body = {name: fields[name] for name in _FIELDS}
    body["prev_hash"] = prev_hash
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def timestamp() -> str:
    return utcnow().strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def append(
    conn: sa.Connection,
    *,
    actor: str,
    action: str,
    query_hash: str = "",
    result: str = "",
    person_ids: Sequence[str] = (),
    detail: str = "",
) -> Entry:
    """Add an entry in the caller's transaction: if the transaction fails, so does the entry,
    and what was shown is never shown unaudited."""
    head = conn.execute(
        sa.select(audit_head.c.last_id, audit_head.c.last_hash)
        .where(audit_head.c.id == 1)
        .with_for_update()
    ).one()
    last_id, last_hash = head.last_id, head.last_hash
    fields: dict[str, object] = {
        "id": last_id + 1,
        "at": timestamp(),
        "actor": actor,
        "action": action,
        "query_hash": query_hash,
        "result": result,
        "person_ids": ";".join(person_ids),
        "detail": detail[:200],
    }
    digest = entry_hash(fields, last_hash)
    conn.execute(audit_log.insert().values(**fields, prev_hash=last_hash, entry_hash=digest))
    conn.execute(
        audit_head.update()
        .where(audit_head.c.id == 1)
        .values(last_id=last_id + 1, last_hash=digest)
    )
    return Entry(**fields, prev_hash=last_hash, entry_hash=digest)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Verdict:
    intact: bool
    entries: int
    head: str
    broken_id: int | None = None
    reason: str = ""


def verify(conn: sa.Connection, batch: int = 5000) -> Verdict:
    """Walk the chain in id order; the first entry that does not fit is named."""
    expected_id, prev = 1, GENESIS
    last_id = 0
    while True:
        rows = conn.execute(
            sa.select(audit_log).where(audit_log.c.id >= expected_id).order_by(audit_log.c.id)
        ).fetchmany(batch)
        if not rows:
            break
        for row in rows:
            entry = Entry(**row._mapping)
            if entry.id != expected_id:
                return Verdict(False, last_id, prev, expected_id, "entry missing")
            if entry.prev_hash != prev:
                return Verdict(False, last_id, prev, entry.id, "does not follow its predecessor")
            if entry_hash(asdict(entry), prev) != entry.entry_hash:
                return Verdict(False, last_id, prev, entry.id, "contents changed")
            prev, last_id, expected_id = entry.entry_hash, entry.id, entry.id + 1
    head = conn.execute(sa.select(audit_head).where(audit_head.c.id == 1)).first()
    # The head row catches a truncated tail: deleting the newest entries leaves a chain that
    # is consistent in itself but shorter than the head remembers.
    if head is None:
        return Verdict(False, last_id, prev, None, "chain head missing")
    if head.last_id > last_id:
        return Verdict(False, last_id, prev, last_id + 1, "entry missing at the end")
    if head.last_id < last_id:
        return Verdict(False, last_id, prev, head.last_id + 1, "entry added outside the helpline")
    if head.last_hash != prev:
        return Verdict(False, last_id, prev, last_id, "does not match the chain head")
    return Verdict(True, last_id, prev)


def recent(
    conn: sa.Connection,
    *,
    limit: int = 200,
    actor: str | None = None,
    action: str | None = None,
    person_id: str | None = None,
    before_id: int | None = None,
) -> list[Entry]:
    query = sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if actor:
        query = query.where(audit_log.c.actor == actor)
    if action:
        query = query.where(audit_log.c.action == action)
    if before_id:
        query = query.where(audit_log.c.id < before_id)
    if person_id:
        # person_ids is ;-separated: match whole ids only.
        text = sa.literal(";") + audit_log.c.person_ids + sa.literal(";")
        query = query.where(text.contains(f";{person_id};", autoescape=True))
    return [Entry(**row._mapping) for row in conn.execute(query)]


def count_results(conn: sa.Connection, actions: Sequence[str], since: str) -> dict[str, int]:
    rows = conn.execute(
        sa.select(audit_log.c.result, sa.func.count())
        .where(audit_log.c.action.in_(actions), audit_log.c.at >= since)
        .group_by(audit_log.c.result)
    )
    return {result: count for result, count in rows}
