"""The helpline database: tables, engines for SQLite and PostgreSQL, and migrations.

SQLite (``CASE/helpline.sqlite3``) is the default; PostgreSQL with ``--db postgresql://...``.
The schema is created and changed only by the Alembic migrations under ``migrations/``; the
tables here describe it for queries (a test checks the two agree).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

from breachdesk.errors import UserError

DB_FILE = "helpline.sqlite3"
metadata = sa.MetaData()

# -- the lookup index: keyed hashes, categories, controllers; nothing else from the dump -----
people = sa.Table(
    "people",
    metadata,
    sa.Column("person_id", sa.String(32), primary_key=True),
    sa.Column("categories", sa.String(400), nullable=False),  # register codes, ;-separated
    sa.Column("sensitive", sa.Boolean, nullable=False),  # whether, never which kind
    sa.Column("controllers", sa.String(400), nullable=False),  # ODS codes, ;-separated
)
lookup_keys = sa.Table(
    "lookup_keys",
    metadata,
    sa.Column("key_hash", sa.String(64), primary_key=True),
    sa.Column(
        "person_id",
        sa.String(32),
        sa.ForeignKey("people.person_id", ondelete="CASCADE"),
        primary_key=True,
    ),
)
controllers = sa.Table(
    "controllers",
    metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
)
index_state = sa.Table(
    "index_state",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("built_at", sa.DateTime, nullable=False),
    sa.Column("people", sa.Integer, nullable=False),
    sa.Column("keys", sa.Integer, nullable=False),
)

# -- accounts and sessions ---------------------------------------------------------------
users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(256), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)
login_failures = sa.Table(
    "login_failures",
    metadata,
    # Kept per username typed, known or not, so lock-out does not reveal which names exist.
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("first_at", sa.DateTime, nullable=False),
    sa.Column("locked_until", sa.DateTime, nullable=True),
)
sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),  # SHA-256 of the token
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),  # web | api
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_seen", sa.DateTime, nullable=False),
)

# -- calls and the audit log -------------------------------------------------------------
calls = sa.Table(
    "calls",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
    sa.Column("operator", sa.String(64), nullable=False),
    sa.Column("reason", sa.String(32), nullable=False),
    sa.Column("outcome", sa.String(32), nullable=False),
    sa.Column("follow_up", sa.Boolean, nullable=False),
    sa.Column("callback_number", sa.String(32), nullable=False),
    sa.Column("lookup_ref", sa.Integer, nullable=True),  # the audit entry of the lookup
)
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),  # gapless, hashed
    sa.Column("at", sa.String(32), nullable=False, index=True),  # ISO UTC text: hashed as is
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("query_hash", sa.String(64), nullable=False),
    sa.Column("result", sa.String(16), nullable=False),
    sa.Column("person_ids", sa.String(400), nullable=False),
    sa.Column("detail", sa.String(200), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("entry_hash", sa.String(64), nullable=False),
)
audit_head = sa.Table(
    "audit_head",
    metadata,
    # One row, locked FOR UPDATE by every append: concurrent appends queue up instead of
    # both chaining onto the same predecessor.
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("last_id", sa.Integer, nullable=False),
    sa.Column("last_hash", sa.String(64), nullable=False),
)


def utcnow() -> dt.datetime:
    """Naive UTC: SQLite keeps no zone, so every timestamp is stored as UTC without one."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def default_url(case_root: Path) -> str:
    return f"sqlite:///{(case_root / DB_FILE).resolve()}"


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "(unparsable URL)"


def _driver_url(url: str) -> sa.URL:
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError as exc:
        raise UserError(f"--db {url!r}: not a database URL; use postgresql://user@host/db") from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3 is what we ship
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise UserError(f"--db {safe_url(url)}: only SQLite and PostgreSQL are supported")
    return parsed


def _sqlite_engine(url: sa.URL) -> Engine:
    if url.database and url.database != ":memory:":
        path = Path(url.database)
        if not path.exists():
            # Created 0600 before SQLite opens it: the helpline database is nobody else's.
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling is off, so the BEGIN below is the only one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # IMMEDIATE takes the write lock at BEGIN: a read-then-write (the audit chain) can
        # never deadlock against another writer that read first.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def connect(url: str) -> Engine:
    parsed = _driver_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(parsed)
    else:
        engine = sa.create_engine(
            parsed, pool_size=10, max_overflow=20, pool_pre_ping=True, pool_timeout=30
        )
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as exc:
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise UserError(
            f"--db {safe_url(url)}: cannot connect ({first}); check the URL and the server"
        ) from exc
    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is there already)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def is_migrated(engine: Engine) -> bool:
    return sa.inspect(engine).has_table("audit_log")
