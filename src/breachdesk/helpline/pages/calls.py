"""Logging a call (operators) and searching and exporting the call log (supervisors)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from breachdesk.helpline import audit, calls
from breachdesk.helpline.pages.common import Operator, OperatorForm, Supervisor, helpline, render
from breachdesk.helpline.sessions import Session

router = APIRouter(include_in_schema=False)


def _new_page(
    request: Request,
    session: Session,
    status: int = 200,
    error: str = "",
    values: dict[str, str] | None = None,
) -> Response:
    ref = request.query_params.get("ref", "")
    return render(
        request,
        "call_new.html",
        session,
        status_code=status,
        error=error,
        reasons=calls.REASONS,
        outcomes=calls.OUTCOMES,
        values=values
        or {"reason": "data_check", "outcome": "", "callback_number": "", "follow_up": ""},
        lookup_ref=ref if ref.isdigit() else "",
    )


@router.get("/calls/new")
def call_form(request: Request, session: Operator) -> Response:
    return _new_page(request, session)


@router.post("/calls")
def call_submit(
    request: Request,
    session: OperatorForm,
    reason: str = Form("", max_length=32),
    outcome: str = Form("", max_length=32),
    follow_up: str = Form("", max_length=8),
    callback_number: str = Form("", max_length=40),
    lookup_ref: str = Form("", max_length=12),
) -> Response:
    hl = helpline(request)
    try:
        with hl.engine.begin() as conn:
            call_id = calls.record(
                conn,
                operator=session.user.username,
                reason=reason,
                outcome=outcome,
                follow_up=bool(follow_up),
                callback_number=callback_number,
                lookup_ref=int(lookup_ref) if lookup_ref.isdigit() else None,
            )
    except calls.CallError as exc:
        values = {
            "reason": reason,
            "outcome": outcome,
            "callback_number": callback_number,
            "follow_up": follow_up,
        }
        return _new_page(request, session, 422, str(exc), values)
    return RedirectResponse(f"/lookup?logged={call_id}", status_code=303)


@dataclass(frozen=True)
class Search:
    where: calls.CallFilter
    problem: str  # what did not parse, said back to the supervisor
    form: dict[str, str]  # the search as typed, to fill the form again


def search_params(
    date_from: str = Query("", max_length=10),
    date_to: str = Query("", max_length=10),
    reason: str = Query("", max_length=32),
    outcome: str = Query("", max_length=32),
    follow_up: str = Query("", max_length=3),
    operator: str = Query("", max_length=64, pattern=r"^[A-Za-z0-9._ -]*$"),
    number: str = Query("", max_length=40, pattern=r"^[0-9 +()-]*$"),
) -> Search:
    """The search as given; what does not parse is ignored, and said so."""
    problems = []

    def day(text: str, label: str) -> dt.date | None:
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            problems.append(f"{label} is not a date (YYYY-MM-DD); ignored")
            return None

    where = calls.CallFilter(
        date_from=day(date_from, "From"),
        date_to=day(date_to, "To"),
        reason=reason if reason in calls.REASONS else None,
        outcome=outcome if outcome in calls.OUTCOMES else None,
        follow_up={"yes": True, "no": False}.get(follow_up),
        operator=operator or None,
        callback_number=number or None,
    )
    form = {
        "date_from": date_from,
        "date_to": date_to,
        "reason": reason,
        "outcome": outcome,
        "follow_up": follow_up,
        "operator": operator,
        "number": number,
    }
    return Search(where, "; ".join(problems), form)


@router.get("/calls")
def call_log(
    request: Request,
    session: Supervisor,
    search: Annotated[Search, Depends(search_params)],
) -> Response:
    with helpline(request).engine.begin() as conn:
        rows = calls.search(conn, search.where, limit=500)
        total = calls.count(conn, search.where)
    return render(
        request,
        "calls.html",
        session,
        rows=rows,
        total=total,
        problem=search.problem,
        reasons=calls.REASONS,
        outcomes=calls.OUTCOMES,
        form=search.form,
        query_string=request.url.query,
    )


@router.get("/calls/export.csv")
def call_export(
    request: Request,
    session: Supervisor,
    search: Annotated[Search, Depends(search_params)],
) -> Response:
    with helpline(request).engine.begin() as conn:
        rows = calls.search(conn, search.where, limit=None)
        # Callback numbers leave the system here, so who took them, and how many, is audited.
        audit.append(
            conn,
            actor=session.user.username,
            action="calls_exported",
            result="ok",
            detail=f"{len(rows)} calls",
        )
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return Response(
        calls.to_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="calls-{stamp}.csv"'},
    )
