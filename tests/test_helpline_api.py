"""The helpline's HTTP API, in process, against SQLite and against a real PostgreSQL.

PostgreSQL: a fresh database per test session on 127.0.0.1:5432 (user postgres, trust auth),
made by the migrations and dropped at the end. Skipped when no server answers, unless CI is
set (then it fails: CI must test both).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from breachdesk.helpline import accounts, audit, db, keys, query, sample
from breachdesk.helpline.app import create_app
from breachdesk.helpline.config import HelplineConfig
from breachdesk.helpline.lookup import lookup
from breachdesk.helpline.ratelimit import RateLimiter
from breachdesk.helpline.runtime import Helpline, open_helpline

PG_SERVER = os.environ.get("BREACHDESK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
FAST = HelplineConfig(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1)
PASSWORD = "correct horse battery staple"
JULIE, SIOBHAN, RENEE, MARY = sample.CALLERS
NOBODY = sample.NOT_IN_DUMP
pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    admin = sa.create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        admin.connect().close()
    except sa.exc.OperationalError:
        if os.environ.get("CI"):
            raise
        pytest.skip("no PostgreSQL on 127.0.0.1:5432; CI runs these")
    name = f"breachdesk_test_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield f"{PG_SERVER}/{name}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.dispose()


def _reset(engine: sa.Engine) -> None:
    """One PostgreSQL database serves the whole session: each test starts from empty."""
    with engine.begin() as conn:
        for table in (db.sessions, db.login_failures, db.users, db.calls, db.audit_log):
            conn.execute(table.delete())
        conn.execute(db.audit_head.update().values(last_id=0, last_hash=audit.GENESIS))


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str | None:
    """The database URL (None: SQLite in the case, the default)."""
    if request.param == "sqlite":
        return None
    url: str = request.getfixturevalue("pg_url")
    return url


def _open(tmp_path: Path, url: str | None, config: HelplineConfig = FAST) -> Helpline:
    sample.write_case(tmp_path / "case")
    hl = open_helpline(tmp_path / "case", url, config)
    if url:
        _reset(hl.engine)
    with hl.engine.begin() as conn:
        accounts.add_user(conn, hl.hasher, "olive", "operator", PASSWORD)
        accounts.add_user(conn, hl.hasher, "tel", "operator", PASSWORD)
    return hl


@pytest.fixture
def hl(tmp_path: Path, backend: str | None) -> Iterator[Helpline]:
    helpline = _open(tmp_path, backend)
    yield helpline
    helpline.engine.dispose()


@pytest.fixture
async def client(hl: Helpline) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(hl))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def _token(client: httpx.AsyncClient, username: str = "tel") -> dict[str, str]:
    r = await client.post("/api/session", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _by_nhs(c: sample.Caller) -> dict[str, str]:
    return {"nhs_number": c.nhs_number or "", "date_of_birth": c.date_of_birth}


def _by_name(c: sample.Caller, **changes: str) -> dict[str, str]:
    body = {
        "family_name": c.family_name,
        "given_name": c.given_name,
        "date_of_birth": c.date_of_birth,
        "postcode": c.postcode or "",
    }
    return body | changes


NOT_FOUND = {"found": False, "categories": [], "sensitive": False, "controllers": []}


async def test_lookup_by_nhs_number_says_what_and_who(client: httpx.AsyncClient) -> None:
    auth = await _token(client)
    r = await client.post("/api/lookup", json=_by_nhs(SIOBHAN), headers=auth)
    assert r.status_code == 200
    assert r.json() == {
        "found": True,
        "categories": [
            "name",
            "date_of_birth",
            "nhs_number",
            "address",
            "postcode",
            "test_description",
            "test_result",
        ],
        "sensitive": True,
        "controllers": ["G85001", "RJ1"],
    }
    spaced = {"nhs_number": "475 131 3770", "date_of_birth": JULIE.date_of_birth}
    r = await client.post("/api/lookup", json=spaced, headers=auth)
    assert r.json()["found"] is True and r.json()["sensitive"] is False


@pytest.mark.parametrize(
    "body",
    [
        {"family_name": "OBRIEN", "given_name": "siobhan", "postcode": "se65lw"},
        {"family_name": "o'brien ", "given_name": "SIOBHÁN", "postcode": " SE6  5LW"},
        {"family_name": "O Brien", "given_name": "Siobhán", "postcode": "SE6 5LW"},
    ],
)
async def test_name_lookup_folds_case_spacing_and_accents(
    client: httpx.AsyncClient, body: dict[str, str]
) -> None:
    auth = await _token(client)
    r = await client.post("/api/lookup", json=_by_name(SIOBHAN, **body), headers=auth)
    assert r.status_code == 200 and r.json()["found"] is True
    assert r.json()["controllers"] == ["G85001", "RJ1"]


@pytest.mark.parametrize(
    "body",
    [
        _by_name(SIOBHAN, postcode="SE6 5LX"),  # right person, one postcode letter wrong
        _by_name(SIOBHAN, given_name="Sinead"),
        _by_name(SIOBHAN, date_of_birth="1980-07-15"),
        _by_name(SIOBHAN, family_name="Brien"),
        {"nhs_number": SIOBHAN.nhs_number, "date_of_birth": "1980-07-15"},
        {"nhs_number": JULIE.nhs_number, "date_of_birth": SIOBHAN.date_of_birth},
        _by_name(MARY, postcode="SE1 7EH"),  # no postcode in the register: no name route
        _by_nhs(NOBODY),
        _by_name(NOBODY),
    ],
)
async def test_partial_matches_reveal_nothing(
    client: httpx.AsyncClient, body: dict[str, str]
) -> None:
    auth = await _token(client)
    r = await client.post("/api/lookup", json=body, headers=auth)
    assert r.status_code == 200
    assert r.json() == NOT_FOUND  # byte for byte what someone absent gets


async def test_person_without_nhs_number_found_by_name(client: httpx.AsyncClient) -> None:
    auth = await _token(client)
    r = await client.post(
        "/api/lookup", json=_by_name(RENEE, family_name="MULLER", given_name="renee"), headers=auth
    )
    assert r.json() == {
        "found": True,
        "categories": ["name", "date_of_birth", "address", "postcode"],
        "sensitive": False,
        "controllers": [],
    }


async def test_tokens_are_required_and_checked(client: httpx.AsyncClient, hl: Helpline) -> None:
    assert (await client.post("/api/lookup", json=_by_nhs(JULIE))).status_code == 401
    bad = {"Authorization": "Bearer not-a-token"}
    r = await client.post("/api/lookup", json=_by_nhs(JULIE), headers=bad)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    basic = {"Authorization": "Basic dGVsOnBhc3M="}
    assert (await client.post("/api/lookup", json=_by_nhs(JULIE), headers=basic)).status_code == 401
    auth = await _token(client)
    assert (await client.delete("/api/session", headers=auth)).status_code == 204
    r = await client.post("/api/lookup", json=_by_nhs(JULIE), headers=auth)
    assert r.status_code == 401  # revoked
    auth = await _token(client)
    with hl.engine.begin() as conn:  # 31 minutes pass with no use
        conn.execute(db.sessions.update().values(last_seen=db.utcnow() - dt.timedelta(minutes=31)))
    assert (await client.post("/api/lookup", json=_by_nhs(JULIE), headers=auth)).status_code == 401


async def test_wrong_passwords_lock_the_username_out(
    client: httpx.AsyncClient, hl: Helpline
) -> None:
    hl.login_limiter = RateLimiter(100, 100)  # lock-out alone, not the per-address throttle
    wrong = {"username": "tel", "password": "not the password at all"}
    for _ in range(5):
        assert (await client.post("/api/session", json=wrong)).status_code == 401
    r = await client.post("/api/session", json={"username": "tel", "password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 60
    # Unknown names lock out alike, so lock-out does not tell which usernames exist.
    ghost = {"username": "ghost", "password": "not the password at all"}
    codes = [(await client.post("/api/session", json=ghost)).status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]
    # Others are not affected.
    assert (await _token(client, "olive"))["Authorization"].startswith("Bearer ")


def _freeze(limiter: RateLimiter) -> RateLimiter:
    """The same limits on a stopped clock: no refill however slowly a loaded machine runs."""
    return RateLimiter(limiter.rate, int(limiter.burst), clock=lambda: 1000.0)


async def test_sign_ins_are_throttled_per_address(hl: Helpline, client: httpx.AsyncClient) -> None:
    hl.login_limiter = _freeze(hl.login_limiter)
    wrong = {"username": "nobody", "password": "not the password at all"}
    codes = [(await client.post("/api/session", json=wrong)).status_code for _ in range(4)]
    codes += [
        (await client.post("/api/session", json=wrong | {"username": f"n{i}"})).status_code
        for i in range(8)
    ]
    assert codes.count(429) == 2 and codes[-1] == 429  # burst of 10, then wait


async def test_lookups_are_rate_limited_per_user(tmp_path: Path, backend: str | None) -> None:
    hl = _open(tmp_path, backend, HelplineConfig(**{**FAST.__dict__, "api_burst": 3}))
    hl.lookup_limiter = _freeze(hl.lookup_limiter)
    transport = httpx.ASGITransport(app=create_app(hl))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        tel, olive = await _token(client, "tel"), await _token(client, "olive")
        codes = [
            (await client.post("/api/lookup", json=_by_nhs(JULIE), headers=tel)).status_code
            for _ in range(5)
        ]
        assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
        r = await client.post("/api/lookup", json=_by_nhs(JULIE), headers=tel)
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        r = await client.post("/api/lookup", json=_by_nhs(JULIE), headers=olive)
        assert r.status_code == 200  # per user, not global
    hl.engine.dispose()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"nhs_number": "4751313771", "date_of_birth": "1955-03-02"}, "nhs_number"),
        ({"nhs_number": "4751313770", "date_of_birth": "1955-02-30"}, "date_of_birth"),
        ({"nhs_number": "4751313770"}, "date_of_birth"),
        (_by_name(JULIE, postcode="NOT A POSTCODE"), "postcode"),
        (_by_name(JULIE, family_name="!!!"), "family_name"),
        ({**_by_nhs(JULIE), "family_name": "Chapman"}, "family_name"),
    ],
)
async def test_bad_input_is_422_naming_the_field_without_echoing_it(
    client: httpx.AsyncClient, body: dict[str, str], field: str
) -> None:
    auth = await _token(client)
    r = await client.post("/api/lookup", json=body, headers=auth)
    assert r.status_code == 422
    assert any(field in err["loc"] for err in r.json()["detail"]), r.json()
    for value in body.values():
        assert value not in r.text


async def test_every_lookup_is_audited_as_a_keyed_hash(
    client: httpx.AsyncClient, hl: Helpline
) -> None:
    auth = await _token(client)
    await client.post("/api/lookup", json=_by_nhs(JULIE), headers=auth)
    await client.post("/api/lookup", json=_by_nhs(NOBODY), headers=auth)
    with hl.engine.connect() as conn:
        entries = [e for e in audit.recent(conn) if e.action == "api_lookup"][::-1]
        assert audit.verify(conn).intact
    assert [(e.actor, e.result, e.person_ids) for e in entries] == [
        ("tel", "found", JULIE.person_id),
        ("tel", "not_found", ""),
    ]
    expected = keys.keyed_hash(
        hl.secret, query.nhs_query(JULIE.nhs_number or "", "1955-03-02").key()
    )
    assert entries[0].query_hash == expected
    assert dt.datetime.fromisoformat(entries[0].at.replace("Z", "+00:00")).tzinfo is not None


def test_concurrent_lookups_keep_one_chain(hl: Helpline) -> None:
    q = query.nhs_query(JULIE.nhs_number or "", JULIE.date_of_birth)
    with ThreadPoolExecutor(8) as pool:
        refs = list(
            pool.map(lambda i: lookup(hl.engine, hl.secret, f"u{i}", "api", q).reference, range(40))
        )
    assert sorted(refs) == list(range(1, 41))  # every append got its own place in the chain
    with hl.engine.connect() as conn:
        verdict = audit.verify(conn)
    assert verdict.intact and verdict.entries == 40


def test_the_index_holds_no_identifiers(hl: Helpline) -> None:
    lookup(
        hl.engine,
        hl.secret,
        "olive",
        "web",
        query.nhs_query(JULIE.nhs_number or "", JULIE.date_of_birth),
    )
    secret_values = set()
    for c in sample.CALLERS:
        secret_values |= {c.nhs_number, c.family_name, c.given_name, c.date_of_birth, c.postcode}
        secret_values |= {query.fold_name(c.family_name), query.fold_name(c.given_name)}
    secret_values.discard(None)
    with hl.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for row in conn.execute(sa.select(table)):
                for cell in row:
                    text = str(cell).lower()
                    for value in secret_values:
                        assert str(value).lower() not in text, (table.name, value)


def test_migrations_match_the_tables(hl: Helpline) -> None:
    with hl.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), db.metadata) == []
    db.migrate(hl.engine)  # again: a no-op


def _bd(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "breachdesk", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        input=f"{PASSWORD}\n",
    )


def test_cli_users_add_and_audit_verify_detects_tampering(
    hl: Helpline, backend: str | None, tmp_path: Path
) -> None:
    case = tmp_path / "case"
    db_args = ("--db", backend) if backend else ()
    added = _bd(
        "users",
        "add",
        case,
        *db_args,
        "--username",
        "Sue",
        "--role",
        "supervisor",
        "--password-stdin",
    )
    assert added.returncode == 0, added.stderr
    assert "added sue (supervisor)" in added.stdout
    again = _bd(
        "users",
        "add",
        case,
        *db_args,
        "--username",
        "sue",
        "--role",
        "operator",
        "--password-stdin",
    )
    assert again.returncode == 2 and again.stderr.count("\n") == 1 and "taken" in again.stderr
    with hl.engine.begin() as conn:
        user = accounts.authenticate(conn, hl.hasher, hl.config, hl.dummy_hash, "sue", PASSWORD)
    assert user is not None and user.role == "supervisor"
    for caller in (JULIE, NOBODY, SIOBHAN):
        q = query.nhs_query(caller.nhs_number or "", caller.date_of_birth)
        lookup(hl.engine, hl.secret, "olive", "web", q)
    ok = _bd("audit", "verify", case, *db_args)
    assert ok.returncode == 0, ok.stderr
    assert "intact, 4 entries" in ok.stdout
    with hl.engine.begin() as conn:  # someone with database access hides that Julie was found
        changed = conn.execute(
            db.audit_log.update()
            .where(db.audit_log.c.id == 2, db.audit_log.c.result == "found")
            .values(result="not_found", person_ids="")
        )
        assert changed.rowcount == 1
    broken = _bd("audit", "verify", case, *db_args)
    assert broken.returncode == 1
    assert "BROKEN at entry 2" in broken.stderr and "contents changed" in broken.stderr


async def test_nul_bytes_are_refused_not_crashed_on(client: httpx.AsyncClient) -> None:
    """PostgreSQL text cannot hold NUL: such input must be refused before it gets there."""
    r = await client.post("/api/session", json={"username": "tel\x00", "password": PASSWORD})
    assert r.status_code == 401
    auth = await _token(client)
    r = await client.post(
        "/api/lookup",
        json=_by_name(JULIE, family_name="Chap\x00man", postcode="SE15\x004AB"),
        headers=auth,
    )
    assert r.status_code == 422
    r = await client.post("/api/lookup", json=_by_name(JULIE, given_name="Ju\x00lie"), headers=auth)
    assert r.status_code == 200 and r.json()["found"] is True  # NUL folds away like a space
