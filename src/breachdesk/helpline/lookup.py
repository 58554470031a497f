"""The audited lookup: find a caller in the index and record, in the same transaction, that
it was searched (as a keyed hash), by whom, and what was shown.

Several register people can share one key (the dump spelt someone two ways and linkage kept
them apart); the caller is one person, so their findings are merged.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from breachdesk.helpline import audit, index
from breachdesk.helpline.keys import keyed_hash
from breachdesk.helpline.query import Query
from breachdesk.vocabulary import CATEGORIES


@dataclass(frozen=True)
class Controller:
    code: str
    name: str


@dataclass(frozen=True)
class Finding:
    found: bool
    categories: tuple[str, ...]  # register codes, in vocabulary order
    sensitive: bool
    controllers: tuple[Controller, ...]
    person_ids: tuple[str, ...]
    reference: int  # the audit entry that recorded this lookup


def _merge(conn: sa.Connection, persons: list[index.Person], reference: int) -> Finding:
    exposed = {c for p in persons for c in p.categories}
    codes = sorted({c for p in persons for c in p.controllers})
    names = index.controller_names(conn, codes)
    return Finding(
        found=bool(persons),
        categories=tuple(c for c in CATEGORIES if c in exposed),
        sensitive=any(p.sensitive for p in persons),
        controllers=tuple(Controller(code, names.get(code, "")) for code in codes),
        person_ids=tuple(p.person_id for p in persons),
        reference=reference,
    )


def lookup(engine: sa.Engine, secret: bytes, actor: str, channel: str, query: Query) -> Finding:
    """``channel`` is ``web`` or ``api``; both are audited as lookups."""
    key_hash = keyed_hash(secret, query.key())
    with engine.begin() as conn:
        persons = index.find(conn, key_hash)
        entry = audit.append(
            conn,
            actor=actor,
            action="lookup" if channel == "web" else "api_lookup",
            query_hash=key_hash,
            result="found" if persons else "not_found",
            person_ids=[p.person_id for p in persons],
            detail="nhs_number" if query.key().startswith("nhs|") else "name",
        )
        return _merge(conn, persons, entry.id)


def view_person(engine: sa.Engine, secret: bytes, actor: str, person_id: str) -> Finding:
    """A supervisor opening one person's helpline record (e.g. to review a call) is audited
    like a lookup: what was opened, by whom, and what was shown."""
    with engine.begin() as conn:
        person = index.get(conn, person_id)
        persons = [person] if person else []
        entry = audit.append(
            conn,
            actor=actor,
            action="view_person",
            query_hash=keyed_hash(secret, f"person|{person_id}"),
            result="found" if persons else "not_found",
            person_ids=[p.person_id for p in persons],
        )
        return _merge(conn, persons, entry.id)
