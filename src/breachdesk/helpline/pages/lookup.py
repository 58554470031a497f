"""The operator's page: what the caller gives in, whether their data is in the dump out."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from breachdesk.helpline import calls, query
from breachdesk.helpline.lookup import lookup
from breachdesk.helpline.pages.common import Operator, OperatorForm, helpline, render, too_many
from breachdesk.helpline.sessions import Session
from breachdesk.helpline.wording import NOT_FOUND_SCRIPT, answer

router = APIRouter(include_in_schema=False)
_EMPTY = {
    "nhs_number": "",
    "date_of_birth": "",
    "family_name": "",
    "given_name": "",
    "postcode": "",
}


def _page(
    request: Request,
    session: Session,
    status: int = 200,
    error: str = "",
    mode: str = "nhs",
    values: dict[str, str] | None = None,
) -> Response:
    logged = request.query_params.get("logged", "")
    return render(
        request,
        "lookup.html",
        session,
        status_code=status,
        error=error,
        mode=mode,
        values=values or _EMPTY,
        logged=logged if logged.isdigit() else "",
    )


@router.get("/lookup")
def lookup_page(request: Request, session: Operator) -> Response:
    return _page(request, session)


@router.post("/lookup")
def lookup_submit(
    request: Request,
    session: OperatorForm,
    mode: str = Form("nhs", max_length=8),
    nhs_number: str = Form("", max_length=40),
    date_of_birth: str = Form("", max_length=40),
    family_name: str = Form("", max_length=100),
    given_name: str = Form("", max_length=100),
    postcode: str = Form("", max_length=20),
) -> Response:
    hl = helpline(request)
    wait = hl.lookup_limiter.take(f"user:{session.user.id}")
    if wait:
        return too_many(request, session, wait, "lookups")
    try:
        if mode == "name":
            q: query.Query = query.name_query(family_name, given_name, date_of_birth, postcode)
        else:
            mode = "nhs"
            q = query.nhs_query(nhs_number, date_of_birth)
    except query.QueryError as exc:
        # The form comes back filled in, so the operator corrects one field, not all of them.
        values = {
            "nhs_number": nhs_number,
            "date_of_birth": date_of_birth,
            "family_name": family_name,
            "given_name": given_name,
            "postcode": postcode,
        }
        return _page(request, session, 422, exc.message, mode, values)
    finding = lookup(hl.engine, hl.secret, session.user.username, "web", q)
    return render(
        request,
        "lookup_result.html",
        session,
        answer=answer(finding, hl.settings),
        not_found_script=NOT_FOUND_SCRIPT,
        reasons=calls.REASONS,
        outcomes=calls.OUTCOMES,
        outcome="told_found" if finding.found else "told_not_found",
    )
