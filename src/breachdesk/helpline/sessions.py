"""Server-side sessions for the web pages (cookie) and the API (bearer token).

Only the SHA-256 of a token is stored, so a copy of the database opens no sessions. A session
ends after ``idle_minutes`` unused or ``max_session_hours`` in all, whichever comes first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from breachdesk.helpline.accounts import User
from breachdesk.helpline.config import HelplineConfig
from breachdesk.helpline.db import sessions, users, utcnow

# Writing last_seen on every request would turn every read into a write; a minute's
# resolution is plenty for a 30-minute idle timeout.
_TOUCH_EVERY = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class Session:
    token_hash: str
    user: User
    kind: str
    csrf_token: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create(conn: sa.Connection, user: User, kind: str) -> tuple[str, Session]:
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = utcnow()
    conn.execute(
        sessions.insert().values(
            token_hash=_digest(token),
            user_id=user.id,
            kind=kind,
            csrf_token=csrf,
            created_at=now,
            last_seen=now,
        )
    )
    return token, Session(_digest(token), user, kind, csrf)


def resolve(conn: sa.Connection, token: str, kind: str, config: HelplineConfig) -> Session | None:
    """The live session for ``token``, or None (unknown, expired, other kind, user disabled)."""
    if not token or len(token) > 128:
        return None
    digest = _digest(token)
    row = conn.execute(
        sa.select(sessions, users.c.username, users.c.role, users.c.active)
        .join(users, users.c.id == sessions.c.user_id)
        .where(sessions.c.token_hash == digest)
    ).first()
    if row is None or row.kind != kind or not row.active:
        return None
    now = utcnow()
    idle = dt.timedelta(minutes=config.idle_minutes)
    if now - row.last_seen > idle or now - row.created_at > dt.timedelta(
        hours=config.max_session_hours
    ):
        conn.execute(sessions.delete().where(sessions.c.token_hash == digest))
        return None
    if now - row.last_seen > _TOUCH_EVERY:
        conn.execute(sessions.update().where(sessions.c.token_hash == digest).values(last_seen=now))
    user = User(row.user_id, row.username, row.role, row.active)
    return Session(digest, user, row.kind, row.csrf_token)


def revoke(conn: sa.Connection, token_hash: str) -> None:
    conn.execute(sessions.delete().where(sessions.c.token_hash == token_hash))


def revoke_user(conn: sa.Connection, user_id: int) -> None:
    conn.execute(sessions.delete().where(sessions.c.user_id == user_id))


def purge_expired(conn: sa.Connection, config: HelplineConfig) -> int:
    now = utcnow()
    result = conn.execute(
        sessions.delete().where(
            (sessions.c.last_seen < now - dt.timedelta(minutes=config.idle_minutes))
            | (sessions.c.created_at < now - dt.timedelta(hours=config.max_session_hours))
        )
    )
    return result.rowcount


def csrf_ok(session: Session, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(session.csrf_token, submitted or "")
