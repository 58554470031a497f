"""The supervisors' dashboard: calls per hour, outcomes, top reasons, lookups found."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from breachdesk.helpline import charts, stats
from breachdesk.helpline.pages.common import Supervisor, helpline, render

router = APIRouter(include_in_schema=False)
WINDOWS = {24: "last 24 hours", 168: "last 7 days"}


@router.get("/dashboard")
def dashboard(
    request: Request,
    session: Supervisor,
    hours: int = Query(24),
) -> Response:
    hours = hours if hours in WINDOWS else 24
    with helpline(request).engine.begin() as conn:
        figures = stats.collect(conn, hours)
    per_hour = figures.calls_per_hour
    if hours > 48:
        # A week of hourly bars is unreadable; a week is shown per day (same counts, summed).
        per_day: dict[str, int] = {}
        for label, n in per_hour.items():
            per_day[label[:2]] = per_day.get(label[:2], 0) + n
        per_hour = per_day
    return render(
        request,
        "dashboard.html",
        session,
        figures=figures,
        windows=WINDOWS,
        window=WINDOWS[hours],
        hours=hours,
        chart_calls=charts.columns(
            "Calls per hour (UTC)" if hours <= 48 else "Calls per day (day of month, UTC)",
            per_hour,
        ),
        chart_outcomes=charts.bars("Outcomes", figures.outcomes),
        chart_reasons=charts.bars("Top reasons", figures.reasons),
        chart_lookups=charts.bars("Lookups", figures.lookups),
    )
