"""The audit log for supervisors: recent entries, filters, and a check of the hash chain."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from breachdesk.helpline import audit
from breachdesk.helpline.pages.common import Supervisor, helpline, render

router = APIRouter(include_in_schema=False)
PAGE = 200


@router.get("/audit")
def audit_page(
    request: Request,
    session: Supervisor,
    actor: str = Query("", max_length=64, pattern=r"^[A-Za-z0-9._ -]*$"),
    action: str = Query("", max_length=32, pattern=r"^[a-z_]*$"),
    person: str = Query("", max_length=32, pattern=r"^[A-Za-z0-9_ -]*$"),
    before: int = Query(0, ge=0),
    verify: bool = Query(False),
) -> Response:
    with helpline(request).engine.begin() as conn:
        entries = audit.recent(
            conn,
            limit=PAGE,
            actor=actor.strip().lower() or None,
            action=action or None,
            person_id=person.strip() or None,
            before_id=before or None,
        )
        # Verifying reads the whole log, so it runs when asked for, not on every page view.
        verdict = audit.verify(conn) if verify else None
    older = entries[-1].id if len(entries) == PAGE else 0
    return render(
        request,
        "audit.html",
        session,
        entries=entries,
        verdict=verdict,
        form={"actor": actor, "action": action, "person": person},
        older=older,
    )
