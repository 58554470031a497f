"""Opening the helpline for a case: the key, the database, its migrations and the index, in
that order. ``serve`` and the tests open it the same way."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from argon2 import PasswordHasher

from breachdesk.case import Case
from breachdesk.helpline import db, index, keys
from breachdesk.helpline.accounts import make_hasher
from breachdesk.helpline.config import HelplineConfig
from breachdesk.helpline.ratelimit import RateLimiter
from breachdesk.notify.settings import Settings, load_settings


@dataclass
class Helpline:
    """Everything a request needs; the web layer keeps one on ``app.state``."""

    engine: sa.Engine
    secret: bytes
    config: HelplineConfig
    settings: Settings
    index_status: index.IndexStatus
    hasher: PasswordHasher = field(init=False)
    dummy_hash: str = field(init=False)
    lookup_limiter: RateLimiter = field(init=False)
    login_limiter: RateLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.hasher = make_hasher(self.config)
        # Verified against when a username is unknown, so that costs what a known one does.
        self.dummy_hash = self.hasher.hash("no such user, no such password")
        self.lookup_limiter = RateLimiter(self.config.api_rate, self.config.api_burst)
        self.login_limiter = RateLimiter(self.config.login_rate, self.config.login_burst)


def open_database(case_dir: Path, db_url: str | None) -> tuple[Case, sa.Engine]:
    """The case and its migrated helpline database (no index, no key: for ``users`` and
    ``audit`` commands that do not look anyone up)."""
    case = Case.open(case_dir)
    engine = db.connect(db_url or db.default_url(case.root))
    db.migrate(engine)
    return case, engine


def open_helpline(
    case_dir: Path,
    db_url: str | None = None,
    config: HelplineConfig | None = None,
    settings_path: Path | None = None,
) -> Helpline:
    case = Case.open(case_dir)
    case.require("assess")  # refuse before touching anything: no register, no helpline
    settings = load_settings(settings_path)
    secret = keys.load_or_create(case.root)
    case, engine = open_database(case_dir, db_url)
    status = index.refresh(engine, case, secret)
    return Helpline(engine, secret, config or HelplineConfig(), settings, status)
