"""The FastAPI application: pages, the API, static files, and the headers every response gets.

Production must run behind TLS (uvicorn's --ssl-* options via ``serve``, or a TLS-terminating
proxy with ``--secure-cookies``): the session cookie and passwords cross the wire.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from breachdesk import __version__
from breachdesk.helpline import api
from breachdesk.helpline.pages import audit, calls, dashboard, login, lookup, person, users
from breachdesk.helpline.pages.common import Forbidden, NeedLogin, render
from breachdesk.helpline.runtime import Helpline

# No scripts at all, nothing from elsewhere; inline styles only because matplotlib's SVG
# carries a <style> element.
_CSP = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_HEADERS = [
    (b"content-security-policy", _CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """Pure ASGI (no BaseHTTPMiddleware): adds headers without buffering responses."""

    def __init__(self, app: ASGIApp, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(_HEADERS)
                # Pages show who was found: no browser or proxy may keep a copy.
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                if self.hsts or scope.get("scheme") == "https":
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, wrapped)


def create_app(helpline: Helpline) -> FastAPI:
    app = FastAPI(
        title="breachdesk helpline",
        version=__version__,
        description="Lookups for a telephony system. Every lookup is audited.",
        openapi_url="/api/openapi.json",
        docs_url=None,  # Swagger UI loads scripts from a CDN; the spec itself is served
        redoc_url=None,
    )
    app.state.helpline = helpline
    app.include_router(api.router)
    for page in (login, lookup, calls, dashboard, audit, person, users):
        app.include_router(page.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        # FastAPI's default echoes the input back; here that would be an NHS number or a
        # name. Say where and what is wrong, not what was sent.
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors()
        ]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(NeedLogin)
    async def _need_login(request: Request, _exc: NeedLogin) -> Response:
        target = request.url.path if request.method == "GET" else "/lookup"
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return render(
            request, "error.html", exc.session, 403, title="Not allowed", message=exc.message
        )

    app.add_middleware(SecurityHeaders, hsts=bool(helpline.config.secure_cookies))
    return app
