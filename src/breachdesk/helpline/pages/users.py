"""User management for admins: add users, unlock them, disable and enable them."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from breachdesk.helpline import accounts, audit, sessions
from breachdesk.helpline.pages.common import Admin, AdminForm, helpline, render
from breachdesk.helpline.sessions import Session

router = APIRouter(include_in_schema=False)


def _page(
    request: Request, session: Session, status: int = 200, error: str = "", done: str = ""
) -> Response:
    with helpline(request).engine.begin() as conn:
        rows = accounts.list_users(conn)
    return render(
        request,
        "users.html",
        session,
        status_code=status,
        rows=rows,
        roles=accounts.ROLES,
        error=error,
        done=done or request.query_params.get("done", "")[:100],
        min_password=accounts.MIN_PASSWORD,
    )


@router.get("/users")
def users_page(request: Request, session: Admin) -> Response:
    return _page(request, session)


@router.post("/users")
def add_user(
    request: Request,
    session: AdminForm,
    username: str = Form("", max_length=64),
    role: str = Form("operator", max_length=16),
    password: str = Form("", max_length=accounts.MAX_PASSWORD),
) -> Response:
    hl = helpline(request)
    try:
        with hl.engine.begin() as conn:
            user = accounts.add_user(conn, hl.hasher, username, role, password)
            audit.append(
                conn,
                actor=session.user.username,
                action="user_added",
                result="ok",
                detail=f"{user.username} as {user.role}",
            )
    except accounts.AccountError as exc:
        return _page(request, session, 422, str(exc))
    return RedirectResponse("/users?done=" + quote(f"Added {user.username}"), status_code=303)


@router.post("/users/{user_id}/unlock")
def unlock(
    request: Request,
    session: AdminForm,
    user_id: int = Path(ge=1),
) -> Response:
    hl = helpline(request)
    with hl.engine.begin() as conn:
        user = accounts.get_user(conn, user_id)
        if user is None:
            return _page(request, session, 404, "No such user.")
        accounts.unlock(conn, user.username)
        audit.append(
            conn, actor=session.user.username, action="user_unlocked", detail=user.username
        )
    return RedirectResponse("/users?done=" + quote(f"Unlocked {user.username}"), status_code=303)


@router.post("/users/{user_id}/active")
def set_active(
    request: Request,
    session: AdminForm,
    user_id: int = Path(ge=1),
    active: str = Form("", max_length=8),
) -> Response:
    if user_id == session.user.id:
        return _page(request, session, 422, "You cannot disable your own account.")
    hl = helpline(request)
    enable = active == "yes"
    with hl.engine.begin() as conn:
        user = accounts.set_active(conn, user_id, enable)
        if user is None:
            return _page(request, session, 404, "No such user.")
        if not enable:
            sessions.revoke_user(conn, user_id)  # a disabled user is signed out everywhere
        audit.append(
            conn,
            actor=session.user.username,
            action="user_enabled" if enable else "user_disabled",
            detail=user.username,
        )
    verb = "Enabled" if enable else "Disabled"
    return RedirectResponse("/users?done=" + quote(f"{verb} {user.username}"), status_code=303)
