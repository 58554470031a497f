"""The helpline in a real headless Chromium against a real uvicorn on loopback: an operator
signs in, looks up an exposed and an unexposed caller and logs a call; a supervisor checks the
audit and the dashboard."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from breachdesk.helpline import accounts, sample
from breachdesk.helpline.app import create_app
from breachdesk.helpline.config import HelplineConfig
from breachdesk.helpline.runtime import Helpline, open_helpline

PASSWORD = "correct horse battery staple"
SIOBHAN = sample.CALLERS[1]
NOBODY = sample.NOT_IN_DUMP
pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Helpline]]:
    sample.write_case(tmp_path / "case")
    config = HelplineConfig(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1)
    hl = open_helpline(tmp_path / "case", None, config)
    with hl.engine.begin() as conn:
        accounts.add_user(conn, hl.hasher, "olive", "operator", PASSWORD)
        accounts.add_user(conn, hl.hasher, "sue", "supervisor", PASSWORD)
    port = _free_port()
    uv = uvicorn.Server(
        uvicorn.Config(create_app(hl), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", hl
    uv.should_exit = True
    thread.join(timeout=10)
    hl.engine.dispose()


def test_operator_and_supervisor_in_chromium(
    server: tuple[str, Helpline], tmp_path: Path, chromium: Any
) -> None:
    from playwright.sync_api import expect

    base, _ = server
    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    problems: list[str] = []  # CSP violations and script errors show up here
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))

    # The operator signs in (sent to the sign-in page first, then back).
    page.goto(f"{base}/lookup")
    expect(page).to_have_url(f"{base}/login?next=/lookup")
    page.get_by_label("Username").fill("olive")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}/lookup")
    cookie = next(c for c in context.cookies() if c["name"] == "bd_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    header = page.locator("header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header == "rgb(29, 79, 145)"  # the stylesheet loaded under the CSP

    # An exposed caller with a sensitive test, by NHS number.
    by_nhs = page.locator("#by-nhs")
    by_nhs.get_by_label("NHS number").fill("462 498 4943")
    by_nhs.get_by_label("Date of birth").fill("14/07/1980")
    by_nhs.get_by_role("button", name="Look up").click()
    expect(page.locator("h1")).to_have_text(
        "Found: this person's details are in the published files"
    )
    expect(page.locator(".exposed li")).to_contain_text(["your name", "your address"])
    expect(page.locator(".script")).to_contain_text("Do not name the test")
    expect(page.locator(".controllers")).to_contain_text("Lordship Lane Surgery (G85001)")
    assert "hiv" not in page.content().lower()
    page.screenshot(path=str(tmp_path / "found.png"), full_page=True)

    # The call is logged from the result page.
    page.get_by_label("Outcome").select_option("callback")
    page.get_by_label("Follow-up needed").check()
    page.get_by_label("Callback number").fill("07700 900123")
    page.get_by_role("button", name="Log the call").click()
    expect(page.locator("p.ok")).to_have_text("Call 1 logged.")

    # An unexposed caller, by name, date of birth and postcode.
    by_name = page.locator("#by-name")
    by_name.get_by_label("Family name").fill(NOBODY.family_name)
    by_name.get_by_label("Given name").fill(NOBODY.given_name)
    by_name.get_by_label("Date of birth").fill("09/05/1962")
    by_name.get_by_label("Postcode").fill(NOBODY.postcode or "")
    by_name.get_by_role("button", name="Look up").click()
    expect(page.locator("h1")).to_have_text("Not found — check the details")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{base}/login")

    # The supervisor checks the audit and the dashboard.
    page.get_by_label("Username").fill("sue")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Audit").click()
    page.get_by_role("link", name="Verify the hash chain").click()
    expect(page.locator("p.ok")).to_contain_text("Chain intact")
    rows = page.locator("table.audit tbody tr")
    lookups = rows.filter(has_text="olive").filter(has_text="lookup")
    expect(lookups.filter(has_text="not_found")).to_have_count(1)
    expect(lookups.filter(has_text=SIOBHAN.person_id)).to_have_count(1)
    expect(rows.filter(has_text="call_logged")).to_have_count(1)

    page.get_by_role("link", name="Call log").click()
    expect(page.locator("table.calls tbody tr")).to_have_count(1)
    expect(page.locator("table.calls")).to_contain_text("07700 900123")

    page.get_by_role("link", name="Dashboard").click()
    charts = page.locator(".chart svg")
    expect(charts).to_have_count(4)
    for i in range(4):
        box = charts.nth(i).bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 60
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    assert problems == []
