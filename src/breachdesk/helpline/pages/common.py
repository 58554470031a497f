"""What every page shares: the signed-in session, role checks, CSRF, cookies, rendering."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import jinja2
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from breachdesk.helpline import sessions
from breachdesk.helpline.runtime import Helpline
from breachdesk.helpline.sessions import Session

COOKIE = "bd_session"
# With Secure, the __Host- prefix also makes the browser refuse a cookie set for a parent
# domain or another path, so a neighbouring site cannot plant a session.
SECURE_COOKIE = "__Host-bd_session"
LOGIN_CSRF = "bd_login_csrf"

templates = jinja2.Environment(
    loader=jinja2.PackageLoader("breachdesk.helpline", "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    undefined=jinja2.StrictUndefined,
)


class NeedLogin(Exception):
    """No live session: the page sends the browser to sign in."""


class Forbidden(Exception):
    def __init__(self, message: str, session: Session | None) -> None:
        super().__init__(message)
        self.message = message
        self.session = session


def helpline(request: Request) -> Helpline:
    hl: Helpline = request.app.state.helpline
    return hl


def secure(request: Request) -> bool:
    forced = helpline(request).config.secure_cookies
    return forced if forced is not None else request.url.scheme == "https"


def cookie_name(request: Request) -> str:
    return SECURE_COOKIE if secure(request) else COOKIE


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        httponly=True,  # scripts never see it (and the pages run none)
        samesite="strict",  # never sent on a request started by another site
        secure=secure(request),
        path="/",
    )


def clear_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(name, path="/", secure=secure(request), httponly=True, samesite="strict")


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def current_session(request: Request) -> Session | None:
    token = request.cookies.get(cookie_name(request), "")
    if not token:
        return None
    hl = helpline(request)
    with hl.engine.begin() as conn:
        return sessions.resolve(conn, token, "web", hl.config)


def require(role: str) -> Callable[[Request], Session]:
    """A dependency: the signed-in session of a user holding ``role`` (or a higher one)."""

    def dependency(request: Request) -> Session:
        session = current_session(request)
        if session is None:
            raise NeedLogin()
        if not session.user.can(role):
            raise Forbidden(f"This page is for {role}s.", session)
        return session

    return dependency


def require_form(role: str) -> Callable[[Request], Awaitable[Session]]:
    """As ``require``, for a form POST: its csrf_token must be the session's."""
    check_role = require(role)

    async def dependency(request: Request) -> Session:
        # The session lookup is blocking database work: keep it off the event loop.
        session = await run_in_threadpool(check_role, request)
        form = await request.form()  # Starlette caches it: the route's Form() reads it again
        token = form.get("csrf_token")
        if not sessions.csrf_ok(session, token if isinstance(token, str) else None):
            raise Forbidden(
                "This form has expired or did not come from this site; reload it.", session
            )
        return session

    return dependency


# The signed-in session, by the least role a page needs; *Form also checks the CSRF token.
Operator = Annotated[Session, Depends(require("operator"))]
Supervisor = Annotated[Session, Depends(require("supervisor"))]
Admin = Annotated[Session, Depends(require("admin"))]
OperatorForm = Annotated[Session, Depends(require_form("operator"))]
AdminForm = Annotated[Session, Depends(require_form("admin"))]


def render(
    request: Request,
    name: str,
    session: Session | None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    html = templates.get_template(name).render(
        session=session,
        user=session.user if session else None,
        csrf_token=session.csrf_token if session else "",
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status_code, headers=headers)


def too_many(request: Request, session: Session | None, wait: float, what: str) -> HTMLResponse:
    seconds = max(1, math.ceil(wait))
    return render(
        request,
        "error.html",
        session,
        status_code=429,
        headers={"Retry-After": str(seconds)},
        title="Too many requests",
        message=f"Too many {what} in a short time; wait {seconds} seconds and try again.",
    )
