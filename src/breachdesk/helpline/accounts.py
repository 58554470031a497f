"""Accounts: argon2id password hashes, three roles, and lock-out after failed sign-ins."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from breachdesk.helpline.config import HelplineConfig
from breachdesk.helpline.db import login_failures, users, utcnow

ROLES = ("operator", "supervisor", "admin")
_RANK = {role: i for i, role in enumerate(ROLES)}
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 12  # NCSC: length beats composition rules
MAX_PASSWORD = 1024  # argon2 hashes anything, but nobody types more; refuse huge bodies


class AccountError(ValueError):
    """A request an admin can correct (bad username, weak password, duplicate)."""


class LockedOut(Exception):
    def __init__(self, until: dt.datetime) -> None:
        super().__init__(f"locked until {until.isoformat()}Z")
        self.until = until


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    active: bool

    def can(self, role: str) -> bool:
        """Roles nest: a supervisor can do what an operator can, an admin what both can."""
        return _RANK[self.role] >= _RANK[role]


def make_hasher(config: HelplineConfig) -> PasswordHasher:
    return PasswordHasher(
        time_cost=config.argon2_time_cost,
        memory_cost=config.argon2_memory_kib,
        parallelism=config.argon2_parallelism,
    )


def normalise_username(username: str) -> str:
    return username.strip().lower()


def check_new(username: str, role: str, password: str) -> str:
    name = normalise_username(username)
    if not _USERNAME.match(name):
        raise AccountError(
            "username: 2-64 characters, letters, digits, '.', '_' or '-', starting with a "
            "letter or digit"
        )
    if role not in ROLES:
        raise AccountError(f"role: one of {', '.join(ROLES)}")
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise AccountError(f"password: at least {MIN_PASSWORD} characters (a passphrase works)")
    return name


def add_user(
    conn: sa.Connection, hasher: PasswordHasher, username: str, role: str, password: str
) -> User:
    name = check_new(username, role, password)
    if conn.execute(sa.select(users.c.id).where(users.c.username == name)).first():
        raise AccountError(f"username {name!r} is taken; choose another")
    user_id = conn.execute(
        users.insert()
        .values(
            username=name,
            role=role,
            password_hash=hasher.hash(password),
            active=True,
            created_at=utcnow(),
        )
        .returning(users.c.id)
    ).scalar_one()
    return User(user_id, name, role, True)


def _user(row: sa.Row[tuple[object, ...]] | None) -> User | None:
    if row is None:
        return None
    return User(row.id, row.username, row.role, row.active)


def get_user(conn: sa.Connection, user_id: int) -> User | None:
    return _user(conn.execute(sa.select(users).where(users.c.id == user_id)).first())


def list_users(conn: sa.Connection) -> list[tuple[User, dt.datetime | None]]:
    """Every user with the time their lock-out ends (None when not locked)."""
    now = utcnow()
    rows = conn.execute(
        sa.select(users, login_failures.c.locked_until)
        .join(login_failures, login_failures.c.username == users.c.username, isouter=True)
        .order_by(users.c.username)
    )
    out = []
    for row in rows:
        user = User(row.id, row.username, row.role, row.active)
        locked = row.locked_until if row.locked_until and row.locked_until > now else None
        out.append((user, locked))
    return out


def set_active(conn: sa.Connection, user_id: int, active: bool) -> User | None:
    conn.execute(users.update().where(users.c.id == user_id).values(active=active))
    return get_user(conn, user_id)


def unlock(conn: sa.Connection, username: str) -> None:
    conn.execute(login_failures.delete().where(login_failures.c.username == username))


def authenticate(
    conn: sa.Connection,
    hasher: PasswordHasher,
    config: HelplineConfig,
    dummy_hash: str,
    username: str,
    password: str,
) -> User | None:
    """The user, or None for a wrong name or password; raises LockedOut while locked.

    An unknown name costs the same argon2 verification as a known one, and is locked out the
    same way, so neither timing nor lock-out tells an attacker which usernames exist.
    """
    name = normalise_username(username)[:64]
    if not _USERNAME.match(name):
        # No account can have this name; nothing typed this way reaches the database (a NUL
        # byte would not even fit in PostgreSQL text), but it costs the same to refuse.
        _burn(hasher, dummy_hash, password)
        return None
    now = utcnow()
    failure = conn.execute(
        sa.select(login_failures).where(login_failures.c.username == name)
    ).first()
    if failure is not None and failure.locked_until and failure.locked_until > now:
        raise LockedOut(failure.locked_until)
    row = conn.execute(sa.select(users).where(users.c.username == name)).first()
    ok = False
    try:
        ok = hasher.verify(row.password_hash if row else dummy_hash, password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        ok = False
    if ok and row is not None and row.active:
        if failure is not None:
            unlock(conn, name)
        if hasher.check_needs_rehash(row.password_hash):
            conn.execute(
                users.update()
                .where(users.c.id == row.id)
                .values(password_hash=hasher.hash(password))
            )
        return _user(row)
    _record_failure(conn, config, name, failure, now)
    return None


def _burn(hasher: PasswordHasher, dummy_hash: str, password: str) -> None:
    with contextlib.suppress(VerificationError, InvalidHashError):
        hasher.verify(dummy_hash, password[:MAX_PASSWORD])


def actor_name(username: str) -> str:
    """The name to audit a sign-in attempt under: what was typed, if it could be a username."""
    name = normalise_username(username)[:64]
    return name if _USERNAME.match(name) else "(invalid username)"


def _record_failure(
    conn: sa.Connection,
    config: HelplineConfig,
    name: str,
    failure: sa.Row[tuple[object, ...]] | None,
    now: dt.datetime,
) -> None:
    window = dt.timedelta(minutes=config.lockout_minutes)
    if failure is None:
        conn.execute(login_failures.insert().values(username=name, failures=1, first_at=now))
        count = 1
    else:
        # Failures older than the window are forgotten: five typos over a week lock no one out.
        fresh = now - failure.first_at <= window
        count = failure.failures + 1 if fresh else 1
        conn.execute(
            login_failures.update()
            .where(login_failures.c.username == name)
            .values(failures=count, first_at=failure.first_at if fresh else now, locked_until=None)
        )
    if count >= config.lockout_failures:
        conn.execute(
            login_failures.update()
            .where(login_failures.c.username == name)
            .values(locked_until=now + window)
        )
