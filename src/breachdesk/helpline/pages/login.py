"""Sign in and sign out. The sign-in form has its own CSRF token (a cookie and a hidden field
that must agree) because there is no session yet to hold one."""

from __future__ import annotations

import hmac
import math
import secrets

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from breachdesk.helpline import accounts, audit, sessions
from breachdesk.helpline.db import utcnow
from breachdesk.helpline.pages.common import (
    LOGIN_CSRF,
    OperatorForm,
    clear_cookie,
    client_address,
    cookie_name,
    current_session,
    helpline,
    render,
    set_cookie,
    too_many,
)

router = APIRouter(include_in_schema=False)


def _safe_next(target: str) -> str:
    # Only paths on this site: "//evil.example" and "https://..." would leave it.
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/lookup"


def _form(request: Request, status: int = 200, error: str = "", username: str = "") -> Response:
    token = secrets.token_urlsafe(32)
    response = render(
        request,
        "login.html",
        None,
        status_code=status,
        login_token=token,
        error=error,
        username=username,
        next=_safe_next(request.query_params.get("next", "/lookup")),
    )
    set_cookie(request, response, LOGIN_CSRF, token)
    return response


@router.get("/login")
def login_page(request: Request) -> Response:
    if current_session(request) is not None:
        return RedirectResponse("/lookup", status_code=303)
    return _form(request)


@router.post("/login")
def login(
    request: Request,
    username: str = Form("", max_length=200),
    password: str = Form("", max_length=accounts.MAX_PASSWORD),
    csrf_token: str = Form("", max_length=200),
    next: str = Form("/lookup", max_length=500),
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF, "")
    if not cookie or not hmac.compare_digest(cookie, csrf_token):
        return _form(request, 403, "The sign-in form expired; please try again.", username)
    hl = helpline(request)
    wait = hl.login_limiter.take(f"ip:{client_address(request)}")
    if wait:
        return too_many(request, None, wait, "sign-in attempts from this computer")
    name = accounts.actor_name(username)
    with hl.engine.begin() as conn:
        try:
            user = accounts.authenticate(
                conn, hl.hasher, hl.config, hl.dummy_hash, username, password
            )
        except accounts.LockedOut as locked:
            audit.append(conn, actor=name, action="login_refused", result="locked")
            minutes = max(1, math.ceil((locked.until - utcnow()).total_seconds() / 60))
            return _form(
                request,
                429,
                f"Too many failed sign-ins for this username: try again in {minutes} minutes, "
                "or ask an admin to unlock it.",
                username,
            )
        if user is None:
            audit.append(conn, actor=name, action="login_failed", result="refused")
    if user is None:
        return _form(request, 401, "Wrong username or password.", username)
    with hl.engine.begin() as conn:
        sessions.purge_expired(conn, hl.config)
        token, _ = sessions.create(conn, user, "web")
        audit.append(conn, actor=user.username, action="login", result="ok", detail="web")
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_cookie(request, response, cookie_name(request), token)
    clear_cookie(request, response, LOGIN_CSRF)
    return response


@router.post("/logout")
def logout(request: Request, session: OperatorForm) -> Response:
    hl = helpline(request)
    with hl.engine.begin() as conn:
        sessions.revoke(conn, session.token_hash)
        audit.append(conn, actor=session.user.username, action="logout", result="ok")
    response = RedirectResponse("/login", status_code=303)
    clear_cookie(request, response, cookie_name(request))
    return response


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/lookup", status_code=303)
