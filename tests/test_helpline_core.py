"""The helpline's core without HTTP: normalising what callers say, the case key, the index,
the audit chain, lock-out and rate limits."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest
import sqlalchemy as sa

from breachdesk.case import Case
from breachdesk.errors import UserError
from breachdesk.helpline import accounts, audit, db, index, keys, query, sample, sessions
from breachdesk.helpline.config import HelplineConfig
from breachdesk.helpline.lookup import lookup
from breachdesk.helpline.ratelimit import RateLimiter
from breachdesk.helpline.runtime import Helpline, open_helpline

FAST = HelplineConfig(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1)
JULIE = sample.CALLERS[0]


@pytest.fixture
def hl(tmp_path: Path) -> Helpline:
    sample.write_case(tmp_path / "case")
    return open_helpline(tmp_path / "case", None, FAST)


@pytest.mark.parametrize(
    ("spoken", "folded"),
    [
        ("O'Brien", "obrien"),
        ("  o brien ", "obrien"),
        ("Siobhán", "siobhan"),
        ("MARY-JANE", "maryjane"),
        ("Wiśniewski", "wisniewski"),
        ("Ondřej", "ondrej"),
        ("Łukasz", "lukasz"),
        ("Straße", "strasse"),
        ("Renée", "renee"),
        ("Ａｎｎａ", "anna"),  # full-width letters typed from another keyboard layout
    ],
)
def test_names_fold_identically(spoken: str, folded: str) -> None:
    assert query.fold_name(spoken) == folded


@pytest.mark.parametrize(
    ("text", "iso"),
    [("1955-03-02", "1955-03-02"), ("02/03/1955", "1955-03-02"), (" 2.3.1955 ", "1955-03-02")],
)
def test_dates_of_birth(text: str, iso: str) -> None:
    assert query.parse_dob(text) == iso


@pytest.mark.parametrize("bad", ["1955-02-30", "03/1955", "2999-01-01", "1700-01-01", ""])
def test_bad_dates_of_birth(bad: str) -> None:
    with pytest.raises(query.QueryError) as err:
        query.parse_dob(bad)
    assert err.value.field == "date_of_birth"


@pytest.mark.parametrize("good", ["4751313770", "475 131 3770", "475-131-3770"])
def test_nhs_numbers(good: str) -> None:
    assert query.parse_nhs_number(good) == "4751313770"


@pytest.mark.parametrize(
    "bad", ["4751313771", "475131377", "4751313770x", "475/131/3770", "1111111111"]
)
def test_bad_nhs_numbers(bad: str) -> None:
    with pytest.raises(query.QueryError):
        query.parse_nhs_number(bad)


def test_index_keys_are_lookup_keys() -> None:
    """What the register says and what a caller says meet on one key."""
    row = query.register_keys("4624984943", "O'BRIEN", "Siobhán", "1980-07-14", "SE6 5LW")
    spoken = [
        query.nhs_query("462 498 4943", "14/07/1980").key(),
        query.name_query("obrien", "SIOBHAN", "1980-07-14", "se6 5lw").key(),
    ]
    assert row == spoken
    assert query.register_keys("4624984943", "X", "Y", None, "SE6 5LW") == []  # no DOB, no key
    assert len(query.register_keys(None, "X", "Y", "1980-07-14", None)) == 0


def test_key_file_is_private_and_stable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(keys.ENV_VAR, raising=False)
    first = keys.load_or_create(tmp_path)
    path = tmp_path / keys.KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert keys.load_or_create(tmp_path) == first and len(first) == 32
    os.chmod(path, 0o644)
    with pytest.raises(UserError, match="chmod 600"):
        keys.load_or_create(tmp_path)
    monkeypatch.setenv(keys.ENV_VAR, "ab" * 32)
    assert keys.load_or_create(tmp_path) == bytes.fromhex("ab" * 32)
    monkeypatch.setenv(keys.ENV_VAR, "abcd")
    with pytest.raises(UserError, match="shorter"):
        keys.load_or_create(tmp_path)
    assert keys.keyed_hash(first, "x") != keys.keyed_hash(b"\0" * 32, "x")


def test_helpline_database_is_private(hl: Helpline, tmp_path: Path) -> None:
    assert stat.S_IMODE((tmp_path / "case" / db.DB_FILE).stat().st_mode) == 0o600


def test_index_refresh_is_idempotent_and_follows_the_register(hl: Helpline, tmp_path: Path) -> None:
    case = Case.open(tmp_path / "case")
    assert index.refresh(hl.engine, case, hl.secret).rebuilt is False
    q = query.nhs_query(JULIE.nhs_number or "", JULIE.date_of_birth)
    assert lookup(hl.engine, hl.secret, "t", "web", q).found
    # assess runs again and Julie is no longer in the register: the next start follows it.
    register = case.read_table("register")
    keep = [pid != JULIE.person_id for pid in register["person_id"].to_pylist()]
    case.write_table("register", register.filter(pa.array(keep)))
    status = index.refresh(hl.engine, case, hl.secret)
    assert status.rebuilt and status.people == len(sample.CALLERS) - 1
    assert not lookup(hl.engine, hl.secret, "t", "web", q).found
    # A new key makes every stored hash useless: the index is rebuilt with the new one.
    assert index.refresh(hl.engine, case, b"\1" * 32).rebuilt


def test_serve_refuses_a_case_before_assess(tmp_path: Path) -> None:
    case = Case.create(tmp_path / "case", tmp_path / "dump")
    case.finish_stage("ingest", {})
    with pytest.raises(UserError, match="assess"):
        open_helpline(tmp_path / "case")
    result = subprocess.run(
        [sys.executable, "-m", "breachdesk", "serve", str(tmp_path / "case")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0 and "'assess' has not finished" in result.stderr
    assert not (tmp_path / "case" / db.DB_FILE).exists()  # refused before touching anything


def _chain(hl: Helpline, n: int) -> None:
    with hl.engine.begin() as conn:
        for i in range(n):
            audit.append(conn, actor="olive", action="lookup", query_hash=f"{i:064x}", result="ok")


@pytest.mark.parametrize(
    ("tamper", "broken", "reason"),
    [
        (
            db.audit_log.update().where(db.audit_log.c.id == 3).values(actor="mallory"),
            3,
            "contents",
        ),
        (
            db.audit_log.update()
            .where(db.audit_log.c.id == 2)
            .values(at="2020-01-01T00:00:00.000000Z"),
            2,
            "contents",
        ),
        (db.audit_log.delete().where(db.audit_log.c.id == 4), 4, "missing"),
        (db.audit_log.delete().where(db.audit_log.c.id == 5), 5, "missing at the end"),
        (db.audit_head.update().values(last_hash="f" * 64), 5, "chain head"),
    ],
)
def test_audit_verify_names_the_first_broken_entry(
    hl: Helpline, tamper: sa.Executable, broken: int, reason: str
) -> None:
    _chain(hl, 5)
    with hl.engine.connect() as conn:
        assert audit.verify(conn).intact
    with hl.engine.begin() as conn:
        conn.execute(tamper)
    with hl.engine.connect() as conn:
        verdict = audit.verify(conn, batch=2)  # small batches: the walk crosses pages
    assert not verdict.intact and verdict.broken_id == broken and reason in verdict.reason


def test_rewriting_one_entry_with_a_fresh_hash_still_breaks_the_next(hl: Helpline) -> None:
    _chain(hl, 3)
    with hl.engine.begin() as conn:
        row = conn.execute(sa.select(db.audit_log).where(db.audit_log.c.id == 2)).one()
        fields = dict(row._mapping) | {"result": "not_found"}
        fresh = audit.entry_hash(fields, row.prev_hash)
        conn.execute(
            db.audit_log.update()
            .where(db.audit_log.c.id == 2)
            .values(result="not_found", entry_hash=fresh)
        )
    with hl.engine.connect() as conn:
        verdict = audit.verify(conn)
    assert verdict.broken_id == 3 and "predecessor" in verdict.reason


def test_lock_out_expires(hl: Helpline) -> None:
    config = FAST
    with hl.engine.begin() as conn:
        accounts.add_user(conn, hl.hasher, "olive", "operator", "correct horse battery")
    for _ in range(config.lockout_failures):
        with hl.engine.begin() as conn:
            assert (
                accounts.authenticate(conn, hl.hasher, config, hl.dummy_hash, "olive", "nope")
                is None
            )
    with hl.engine.begin() as conn, pytest.raises(accounts.LockedOut):
        accounts.authenticate(
            conn, hl.hasher, config, hl.dummy_hash, "Olive ", "correct horse battery"
        )
    with hl.engine.begin() as conn:
        conn.execute(db.login_failures.update().values(locked_until=db.utcnow()))
    with hl.engine.begin() as conn:
        user = accounts.authenticate(
            conn, hl.hasher, config, hl.dummy_hash, "olive", "correct horse battery"
        )
        assert user is not None
        assert conn.execute(sa.select(db.login_failures)).first() is None  # the slate is clean


def test_passwords_are_argon2id_and_weak_ones_refused(hl: Helpline) -> None:
    with hl.engine.begin() as conn:
        with pytest.raises(accounts.AccountError, match="12 characters"):
            accounts.add_user(conn, hl.hasher, "olive", "operator", "short")
        with pytest.raises(accounts.AccountError, match="role"):
            accounts.add_user(conn, hl.hasher, "olive", "boss", "correct horse battery")
        with pytest.raises(accounts.AccountError, match="username"):
            accounts.add_user(conn, hl.hasher, "a b", "operator", "correct horse battery")
        accounts.add_user(conn, hl.hasher, "olive", "operator", "correct horse battery")
        stored = conn.execute(sa.select(db.users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and "correct" not in stored


def test_sessions_end_after_the_longest_shift(hl: Helpline) -> None:
    import datetime as dt

    with hl.engine.begin() as conn:
        user = accounts.add_user(conn, hl.hasher, "olive", "operator", "correct horse battery")
        token, _ = sessions.create(conn, user, "web")
        assert sessions.resolve(conn, token, "api", FAST) is None  # a cookie is not a token
        assert sessions.resolve(conn, token, "web", FAST) is not None
        stored = conn.execute(sa.select(db.sessions.c.token_hash)).scalar_one()
        assert token not in stored  # only its hash is kept
        conn.execute(db.sessions.update().values(created_at=db.utcnow() - dt.timedelta(hours=13)))
        assert sessions.resolve(conn, token, "web", FAST) is None


def test_token_bucket() -> None:
    now = [0.0]
    limiter = RateLimiter(rate=2.0, burst=3, clock=lambda: now[0])
    assert [limiter.take("a") for _ in range(3)] == [0, 0, 0]
    assert limiter.take("a") == pytest.approx(0.5)
    assert limiter.take("b") == 0  # keys are independent
    now[0] += 0.5
    assert limiter.take("a") == 0
