"""The helpline's pages in process (httpx.ASGITransport): sign-in, roles, CSRF, cookies,
lookups as an operator reads them, the call log, the dashboard, the audit and users pages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from breachdesk.helpline import accounts, audit, db, sample
from breachdesk.helpline.app import create_app
from breachdesk.helpline.config import HelplineConfig
from breachdesk.helpline.runtime import Helpline, open_helpline

FAST = HelplineConfig(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1)
PASSWORD = "correct horse battery staple"
JULIE, SIOBHAN, RENEE, MARY = sample.CALLERS
NOBODY = sample.NOT_IN_DUMP
pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _open(tmp_path: Path, config: HelplineConfig = FAST) -> Helpline:
    sample.write_case(tmp_path / "case")
    hl = open_helpline(tmp_path / "case", None, config)
    with hl.engine.begin() as conn:
        for name, role in (("olive", "operator"), ("sue", "supervisor"), ("ada", "admin")):
            accounts.add_user(conn, hl.hasher, name, role, PASSWORD)
    return hl


@pytest.fixture
def hl(tmp_path: Path) -> Iterator[Helpline]:
    helpline = _open(tmp_path)
    yield helpline
    helpline.engine.dispose()


def _client(hl: Helpline, base_url: str = "http://testserver") -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(hl)), base_url=base_url)


@pytest.fixture
async def client(hl: Helpline) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(hl) as c:
        yield c


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def text(html: str) -> str:
    """What a person reads: the main part, tags stripped, whitespace collapsed."""
    main = html.split("<main>", 1)[-1]
    return " ".join(re.sub(r"<[^>]+>", " ", main).replace("&#39;", "'").split())


async def sign_in(client: httpx.AsyncClient, username: str) -> str:
    """Signs in; returns the CSRF token of the session."""
    page = await client.get("/login")
    r = await client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf(page.text)}
    )
    assert r.status_code == 303 and r.headers["location"] == "/lookup", r.text
    return csrf((await client.get("/lookup")).text)


async def look_up(client: httpx.AsyncClient, token: str, **fields: str) -> httpx.Response:
    mode = "name" if "family_name" in fields else "nhs"
    return await client.post("/lookup", data={"mode": mode, "csrf_token": token, **fields})


async def test_pages_need_a_session(client: httpx.AsyncClient) -> None:
    for path in ("/", "/lookup", "/calls/new", "/calls", "/dashboard", "/audit", "/users"):
        r = await client.get(path)
        assert r.status_code == 303 and r.headers["location"].startswith(
            "/lookup" if path == "/" else "/login"
        )


async def test_session_cookie_flags(hl: Helpline) -> None:
    async with _client(hl) as client:
        page = await client.get("/login")
        assert "bd_login_csrf" in page.headers["set-cookie"]
        r = await client.post(
            "/login",
            data={"username": "olive", "password": PASSWORD, "csrf_token": csrf(page.text)},
        )
        cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("bd_session="))
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
        assert "Secure" not in cookie  # plain HTTP on loopback: a Secure cookie would not return
        assert r.headers["cache-control"] == "no-store"
        assert "script-src" not in r.headers["content-security-policy"]  # no scripts at all
    async with _client(hl, "https://helpline.example") as client:
        page = await client.get("/login")
        r = await client.post(
            "/login",
            data={"username": "olive", "password": PASSWORD, "csrf_token": csrf(page.text)},
        )
        cookie = next(c for c in r.headers.get_list("set-cookie") if "bd_session=" in c)
        assert cookie.startswith("__Host-bd_session=") and "Secure" in cookie
        assert "strict-transport-security" in r.headers


async def test_sign_in_refuses_a_forged_form_and_a_wrong_password(
    client: httpx.AsyncClient,
) -> None:
    r = await client.post(
        "/login", data={"username": "olive", "password": PASSWORD, "csrf_token": "x"}
    )
    assert r.status_code == 403 and "expired" in r.text
    page = await client.get("/login")
    r = await client.post(
        "/login",
        data={"username": "olive", "password": "wrong password!!", "csrf_token": csrf(page.text)},
    )
    assert r.status_code == 401 and "Wrong username or password" in r.text
    assert "bd_session" not in str(r.headers.get_list("set-cookie"))


async def test_sign_in_lock_out_and_admin_unlock(hl: Helpline) -> None:
    async with _client(hl) as client:
        for _ in range(5):
            page = await client.get("/login")
            data = {
                "username": "olive",
                "password": "wrong password!!",
                "csrf_token": csrf(page.text),
            }
            assert (await client.post("/login", data=data)).status_code == 401
        page = await client.get("/login")
        data = {"username": "olive", "password": PASSWORD, "csrf_token": csrf(page.text)}
        r = await client.post("/login", data=data)
        assert r.status_code == 429 and "try again in 15 minutes" in r.text
    async with _client(hl) as admin:
        token = await sign_in(admin, "ada")
        users = await admin.get("/users")
        assert "locked until" in users.text
        olive_id = re.search(r'action="/users/(\d+)/unlock"', users.text)
        assert olive_id
        r = await admin.post(f"/users/{olive_id.group(1)}/unlock", data={"csrf_token": token})
        assert r.status_code == 303
    async with _client(hl) as client:
        await sign_in(client, "olive")


async def test_next_only_goes_to_this_site(client: httpx.AsyncClient) -> None:
    page = await client.get("/login?next=//evil.example/x")
    assert 'name="next" value="/lookup"' in page.text
    r = await client.post(
        "/login",
        data={
            "username": "olive",
            "password": PASSWORD,
            "csrf_token": csrf(page.text),
            "next": "https://evil.example",
        },
    )
    assert r.headers["location"] == "/lookup"


async def test_roles(hl: Helpline) -> None:
    expected = {
        "olive": {
            "/lookup": 200,
            "/calls/new": 200,
            "/calls": 403,
            "/dashboard": 403,
            "/audit": 403,
            "/users": 403,
        },
        "sue": {"/lookup": 200, "/calls": 200, "/dashboard": 200, "/audit": 200, "/users": 403},
        "ada": {"/calls": 200, "/dashboard": 200, "/audit": 200, "/users": 200},
    }
    for name, pages in expected.items():
        async with _client(hl) as client:
            await sign_in(client, name)
            got = {path: (await client.get(path)).status_code for path in pages}
            assert got == pages, name
            export = await client.get("/calls/export.csv")
            assert export.status_code == (403 if name == "olive" else 200)


async def test_found_caller_sees_plain_english_controllers_and_next_steps(
    client: httpx.AsyncClient,
) -> None:
    token = await sign_in(client, "olive")
    r = await look_up(client, token, nhs_number="475 131 3770", date_of_birth="02/03/1955")
    page = text(r.text)
    assert "Found: this person's details are in the published files" in page
    for phrase in (
        "your name",
        "your date of birth",
        "the names of tests you had",
        "the results of some of those tests",
    ):
        assert phrase in page
    assert "Lordship Lane Surgery (G85001)" in page
    assert "will decide whether to write to you" in page and "020 7946 0000" in page
    assert "never call, text or e-mail to ask for bank details" in page
    assert "Sensitive" not in page
    assert "4751313770" not in r.text and "Chapman" not in r.text  # no identifiers echoed


async def test_sensitive_case_gets_the_script_never_the_test(client: httpx.AsyncClient) -> None:
    token = await sign_in(client, "olive")
    r = await look_up(
        client,
        token,
        family_name="obrien",
        given_name="SIOBHAN",
        date_of_birth="1980-07-14",
        postcode="se6 5lw",
    )
    page = text(r.text)
    assert "Sensitive: follow this script" in page and "Do not name the test" in page
    assert "Guy's and St Thomas' NHS Foundation Trust (RJ1)" in page
    assert not re.search(r"\bhiv\b", r.text, re.IGNORECASE)


async def test_partial_match_says_not_found_and_nothing_more(client: httpx.AsyncClient) -> None:
    token = await sign_in(client, "olive")
    partial = await look_up(
        client,
        token,
        family_name="O'Brien",
        given_name="Siobhan",
        date_of_birth="14/07/1980",
        postcode="SE6 5LX",
    )
    absent = await look_up(
        client,
        token,
        family_name=NOBODY.family_name,
        given_name=NOBODY.given_name,
        date_of_birth=NOBODY.date_of_birth,
        postcode=NOBODY.postcode or "",
    )
    assert "Not found — check the details" in text(partial.text)

    def strip_reference(html: str) -> str:
        html = re.sub(r"reference \d+", "", html)
        html = re.sub(r'name="lookup_ref" value="\d+"', "", html)
        return html

    assert strip_reference(partial.text) == strip_reference(absent.text)


async def test_bad_details_come_back_to_correct(client: httpx.AsyncClient, hl: Helpline) -> None:
    token = await sign_in(client, "olive")
    r = await look_up(client, token, nhs_number="475 131 3771", date_of_birth="02/03/1955")
    assert r.status_code == 422 and "check digit" in r.text
    assert 'value="475 131 3771"' in r.text  # the operator corrects one digit, not all
    r = await look_up(client, token, nhs_number="4751313770", date_of_birth="31/02/1955")
    assert r.status_code == 422 and "DD/MM/YYYY" in r.text
    with hl.engine.connect() as conn:
        assert not [e for e in audit.recent(conn) if e.action == "lookup"]  # nothing was searched


async def test_forms_without_the_csrf_token_are_refused(
    client: httpx.AsyncClient, hl: Helpline
) -> None:
    await sign_in(client, "olive")
    r = await client.post(
        "/lookup", data={"mode": "nhs", "nhs_number": "4751313770", "date_of_birth": "1955-03-02"}
    )
    assert r.status_code == 403
    r = await client.post(
        "/calls", data={"reason": "other", "outcome": "other", "csrf_token": "forged"}
    )
    assert r.status_code == 403
    with hl.engine.connect() as conn:
        actions = {e.action for e in audit.recent(conn)}
    assert "lookup" not in actions and "call_logged" not in actions


async def test_log_search_and_export_calls(hl: Helpline) -> None:
    async with _client(hl) as client:
        token = await sign_in(client, "olive")
        found = await look_up(client, token, nhs_number="4751313770", date_of_birth="1955-03-02")
        ref = re.search(r'name="lookup_ref" value="(\d+)"', found.text)
        assert ref
        r = await client.post(
            "/calls",
            data={
                "reason": "data_check",
                "outcome": "callback",
                "callback_number": "07700 900123",
                "lookup_ref": ref.group(1),
                "csrf_token": token,
            },
        )
        assert r.status_code == 303 and "logged=" in r.headers["location"]
        assert "logged." in (await client.get(r.headers["location"])).text
        r = await client.post(
            "/calls", data={"reason": "scam_contact", "outcome": "other", "csrf_token": token}
        )
        assert r.status_code == 303
        r = await client.post(
            "/calls",
            data={"reason": "other", "outcome": "other", "follow_up": "yes", "csrf_token": token},
        )
        assert r.status_code == 422 and "needed when the call needs a follow-up" in r.text
    async with _client(hl) as sup:
        await sign_in(sup, "sue")
        everything = text((await sup.get("/calls")).text)
        assert "2 calls" in everything
        r = await sup.get("/calls", params={"number": "900 123", "follow_up": "yes"})
        page = text(r.text)
        assert "1 call." in page and "07700 900123" in page and "Callback arranged" in page
        r = await sup.get("/calls", params={"reason": "scam_contact"})
        assert "1 call." in text(r.text) and "07700" not in r.text
        r = await sup.get("/calls", params={"date_from": "not a date"})
        assert "not a date (YYYY-MM-DD); ignored" in r.text
        export = await sup.get("/calls/export.csv", params={"follow_up": "yes"})
        assert export.headers["content-type"].startswith("text/csv")
        assert "attachment" in export.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(export.text)))
        assert [
            (r["reason"], r["outcome"], r["follow_up"], r["callback_number"], r["lookup_ref"])
            for r in rows
        ] == [("data_check", "callback", "yes", "07700 900123", ref.group(1))]
    with hl.engine.connect() as conn:
        exported = [e for e in audit.recent(conn) if e.action == "calls_exported"]
    assert exported[0].actor == "sue" and exported[0].detail == "1 calls"


async def test_dashboard_draws_its_charts(hl: Helpline) -> None:
    async with _client(hl) as client:
        token = await sign_in(client, "olive")
        for caller in (JULIE, NOBODY, SIOBHAN):
            await look_up(
                client,
                token,
                nhs_number=caller.nhs_number or "",
                date_of_birth=caller.date_of_birth,
            )
        for outcome in ("told_found", "told_found", "told_not_found"):
            await client.post(
                "/calls", data={"reason": "data_check", "outcome": outcome, "csrf_token": token}
            )
    async with _client(hl) as sup:
        await sign_in(sup, "sue")
        r = await sup.get("/dashboard")
        assert r.status_code == 200
        assert r.text.count("<svg") == 4
        assert not re.search(r'(src|href)="(https?:)?//', r.text)  # nothing from elsewhere
        page = text(r.text)
        assert "3 calls" in page and "2 lookups found" in page and "1 lookups not found" in page
        assert "Found: explained what was exposed and what happens next 2" in page
        week = await sup.get("/dashboard", params={"hours": 168})
        assert "last 7 days" in week.text and "Calls per day" in week.text


async def test_audit_page_and_person_view_are_audited(hl: Helpline) -> None:
    async with _client(hl) as client:
        token = await sign_in(client, "olive")
        await look_up(
            client, token, nhs_number=SIOBHAN.nhs_number or "", date_of_birth=SIOBHAN.date_of_birth
        )
    async with _client(hl) as sup:
        await sign_in(sup, "sue")
        r = await sup.get("/audit", params={"verify": 1})
        assert "Chain intact" in r.text and SIOBHAN.person_id in r.text
        person = await sup.get(f"/people/{SIOBHAN.person_id}")
        page = text(person.text)
        assert "your address" in page and "olive lookup" in page and "sensitive-case script" in page
        assert (await sup.get("/people/BD9999999")).status_code == 404
        only = text((await sup.get("/audit", params={"action": "view_person"})).text)
        assert only.count("view_person") == 3  # two views, plus the filter's own option
        with hl.engine.begin() as conn:
            conn.execute(
                db.audit_log.update().where(db.audit_log.c.action == "login").values(detail="x")
            )
        r = await sup.get("/audit", params={"verify": 1})
        assert "Chain broken at entry" in r.text


async def test_admin_adds_and_disables_users(hl: Helpline) -> None:
    async with _client(hl) as admin:
        token = await sign_in(admin, "ada")
        r = await admin.post(
            "/users",
            data={"username": "nina", "role": "operator", "password": "short", "csrf_token": token},
        )
        assert r.status_code == 422 and "at least 12 characters" in r.text
        r = await admin.post(
            "/users",
            data={
                "username": "nina",
                "role": "operator",
                "password": PASSWORD,
                "csrf_token": token,
            },
        )
        assert r.status_code == 303
        async with _client(hl) as nina:
            await sign_in(nina, "nina")
            assert (await nina.get("/lookup")).status_code == 200
            with hl.engine.connect() as conn:
                nid = next(u.id for u, _ in accounts.list_users(conn) if u.username == "nina")
            page = await admin.get("/users")
            assert f'action="/users/{nid}/active"' in page.text and "nina" in text(page.text)
            r = await admin.post(f"/users/{nid}/active", data={"active": "no", "csrf_token": token})
            assert r.status_code == 303
            assert (await nina.get("/lookup")).status_code == 303  # signed out at once
        r = await admin.post(f"/users/{nid}/active", data={"active": "yes", "csrf_token": token})
        assert r.status_code == 303 and "Enabled%20nina" in r.headers["location"]
        with hl.engine.connect() as conn:
            me = next(u.id for u, _ in accounts.list_users(conn) if u.username == "ada")
        r = await admin.post(f"/users/{me}/active", data={"active": "no", "csrf_token": token})
        assert r.status_code == 422 and "cannot disable your own account" in r.text


async def test_idle_sessions_end_and_sign_out_works(
    client: httpx.AsyncClient, hl: Helpline
) -> None:
    token = await sign_in(client, "olive")
    with hl.engine.begin() as conn:
        conn.execute(db.sessions.update().values(last_seen=db.utcnow() - dt.timedelta(minutes=29)))
    assert (await client.get("/lookup")).status_code == 200
    with hl.engine.begin() as conn:
        conn.execute(db.sessions.update().values(last_seen=db.utcnow() - dt.timedelta(minutes=31)))
    assert (await client.get("/lookup")).status_code == 303
    token = await sign_in(client, "olive")
    r = await client.post("/logout", data={"csrf_token": token})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert (await client.get("/lookup")).status_code == 303
