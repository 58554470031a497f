"""The lookup index: built from the case's register, holding what a lookup needs and no more.

Per person: keyed hashes of (NHS number, date of birth) and of (folded family name, given
name, date of birth, postcode); the categories exposed; whether any sensitive kind is (never
which); the controllers' ODS codes. Names, numbers, results and test names stay in the case.
Rebuilt only when the register, the key or this code's keying changes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pyarrow as pa
import sqlalchemy as sa

from breachdesk.case import Case, sha256_file
from breachdesk.helpline.db import controllers, index_state, lookup_keys, people, utcnow
from breachdesk.helpline.keys import key_id, keyed_hash
from breachdesk.helpline.query import register_keys
from breachdesk.vocabulary import CATEGORIES

INDEX_VERSION = "1"  # bump when register_keys() changes, so old indexes are rebuilt
_COLUMNS = [
    "person_id",
    "nhs_number",
    "family_name",
    "given_name",
    "date_of_birth",
    "postcode",
    "exposed",
    "sensitive",
    "controllers",
]
_CHUNK = 5000


@dataclass(frozen=True)
class IndexStatus:
    people: int
    keys: int
    rebuilt: bool


@dataclass(frozen=True)
class Person:
    person_id: str
    categories: tuple[str, ...]
    sensitive: bool
    controllers: tuple[str, ...]


def _split(text: str | None) -> list[str]:
    return [part for part in (text or "").split(";") if part]


def fingerprint(case: Case, secret: bytes) -> str:
    digest = hashlib.sha256(f"{INDEX_VERSION}|{key_id(secret)}".encode())
    for table in ("register", "controllers"):
        path = case.table_path(table)
        digest.update(f"|{table}:{sha256_file(path) if path.exists() else '-'}".encode())
    return digest.hexdigest()


def _rows(
    register: pa.Table, secret: bytes
) -> tuple[list[dict[str, object]], list[dict[str, str]]]:
    person_rows: list[dict[str, object]] = []
    key_rows: dict[tuple[str, str], dict[str, str]] = {}
    for row in register.select(_COLUMNS).to_pylist():
        pid = row["person_id"]
        exposed = set(_split(row["exposed"]))
        person_rows.append(
            {
                "person_id": pid,
                "categories": ";".join(c for c in CATEGORIES if c in exposed),
                "sensitive": bool(_split(row["sensitive"])),
                "controllers": ";".join(_split(row["controllers"])),
            }
        )
        for key in register_keys(
            row["nhs_number"],
            row["family_name"],
            row["given_name"],
            row["date_of_birth"],
            row["postcode"],
        ):
            key_hash = keyed_hash(secret, key)
            key_rows[(key_hash, pid)] = {"key_hash": key_hash, "person_id": pid}
    return person_rows, list(key_rows.values())


def refresh(engine: sa.Engine, case: Case, secret: bytes) -> IndexStatus:
    """Make the index match the register; idempotent, and one transaction, so a lookup sees
    either the old index or the new one, never half of each."""
    case.require("assess")
    mark = fingerprint(case, secret)
    with engine.begin() as conn:
        state = conn.execute(sa.select(index_state).where(index_state.c.id == 1)).first()
        if state is not None and state.fingerprint == mark:
            return IndexStatus(state.people, state.keys, rebuilt=False)
    person_rows, key_rows = _rows(case.read_table("register"), secret)
    names: list[dict[str, str]] = []
    if case.table_path("controllers").exists():
        table = case.read_table("controllers").select(["ods_code", "name"])
        names = [{"code": r["ods_code"], "name": r["name"] or ""} for r in table.to_pylist()]
    with engine.begin() as conn:
        for table in (lookup_keys, people, controllers, index_state):
            conn.execute(table.delete())
        for rows, table in ((person_rows, people), (key_rows, lookup_keys), (names, controllers)):
            for start in range(0, len(rows), _CHUNK):
                conn.execute(table.insert(), rows[start : start + _CHUNK])
        conn.execute(
            index_state.insert().values(
                id=1,
                fingerprint=mark,
                built_at=utcnow(),
                people=len(person_rows),
                keys=len(key_rows),
            )
        )
    return IndexStatus(len(person_rows), len(key_rows), rebuilt=True)


def _person(row: sa.Row[tuple[object, ...]]) -> Person:
    return Person(
        str(row.person_id),
        tuple(_split(str(row.categories))),
        bool(row.sensitive),
        tuple(_split(str(row.controllers))),
    )


def find(conn: sa.Connection, key_hash: str) -> list[Person]:
    rows = conn.execute(
        sa.select(people)
        .join(lookup_keys, lookup_keys.c.person_id == people.c.person_id)
        .where(lookup_keys.c.key_hash == key_hash)
        .order_by(people.c.person_id)
    )
    return [_person(row) for row in rows]


def get(conn: sa.Connection, person_id: str) -> Person | None:
    row = conn.execute(sa.select(people).where(people.c.person_id == person_id)).first()
    return _person(row) if row is not None else None


def controller_names(conn: sa.Connection, codes: list[str]) -> dict[str, str]:
    if not codes:
        return {}
    rows = conn.execute(sa.select(controllers).where(controllers.c.code.in_(codes)))
    return {row.code: row.name for row in rows}
