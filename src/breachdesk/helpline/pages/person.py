"""One person's helpline record, for a supervisor reviewing a call; opening it is audited."""

from __future__ import annotations

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from breachdesk.helpline import audit
from breachdesk.helpline.lookup import view_person
from breachdesk.helpline.pages.common import Supervisor, helpline, render
from breachdesk.helpline.wording import answer

router = APIRouter(include_in_schema=False)


@router.get("/people/{person_id}")
def person_page(
    request: Request,
    session: Supervisor,
    person_id: str = Path(max_length=32, pattern=r"^[A-Za-z0-9_-]+$"),
) -> Response:
    hl = helpline(request)
    finding = view_person(hl.engine, hl.secret, session.user.username, person_id)
    with hl.engine.begin() as conn:
        history = audit.recent(conn, limit=100, person_id=person_id)
    return render(
        request,
        "person.html",
        session,
        status_code=200 if finding.found else 404,
        person_id=person_id,
        answer=answer(finding, hl.settings),
        history=history,
    )
