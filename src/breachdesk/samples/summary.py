"""The triage summary: figures as JSON, and one self-contained HTML page with an inline SVG chart.

The page has no external URL (no scripts, fonts, styles or images fetched), so it can be mailed
or opened on an isolated machine during an incident. The chart is drawn by matplotlib straight
to SVG (text kept as text) through ``Figure`` rather than ``pyplot``: no GUI backend, no global
state.
"""

from __future__ import annotations

import html
import io
import re
from typing import Any

import matplotlib
from matplotlib.figure import Figure

from breachdesk.samples.recall import URGENCY
from breachdesk.samples.viability import STATUSES

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:2rem;color:#1d2433}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}
td,th{border:1px solid #c8ccd4;padding:.25rem .6rem;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#eef0f4}
.note{color:#555;max-width:60rem}.big{font-size:1.1rem;font-weight:600}
"""
_COLOURS = {"process": "#2e7d32", "partial": "#f9a825", "discard": "#c62828"}


def _table(head: list[str], rows: list[list[Any]]) -> str:
    cells = "".join(f"<th>{html.escape(str(h))}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"


def chart(fig_data: dict[str, Any]) -> str:
    """Three panels: samples by status and priority, saved by plan vs FCFS, expiring soon."""
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "breachdesk"}):
        fig = Figure(figsize=(11, 3.6))
        ax1, ax2, ax3 = fig.subplots(1, 3)
        bottom = [0] * len(URGENCY)
        for status in STATUSES:
            counts = [fig_data["status_by_priority"][u][status] for u in URGENCY]
            ax1.bar(URGENCY, counts, bottom=bottom, label=status, color=_COLOURS[status])
            bottom = [a + c for a, c in zip(bottom, counts, strict=True)]
        ax1.set_title("Samples by status and priority")
        ax1.legend(fontsize=8)
        plan, fcfs = fig_data["plan"]["saved"], fig_data["plan"]["fcfs_saved"]
        xs = range(len(URGENCY))
        ax2.bar([x - 0.2 for x in xs], [plan[u] for u in URGENCY], 0.4, label="plan")
        ax2.bar([x + 0.2 for x in xs], [fcfs[u] for u in URGENCY], 0.4, label="first come")
        ax2.set_xticks(list(xs), URGENCY)
        ax2.set_title("Samples saved: plan vs first come")
        ax2.legend(fontsize=8)
        soon = fig_data["expiring"]
        ax3.bar(list(soon), list(soon.values()), color="#6a1b9a")
        ax3.set_title("Viable samples expiring within")
        fig.tight_layout()
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    # Inline SVG in HTML needs no prolog, DOCTYPE, metadata or namespace declarations, and
    # dropping them leaves the page without a single URL.
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)
    return svg


def write_html(path: Any, fig: dict[str, Any]) -> None:
    status = fig["status"]
    plan = fig["plan"]
    recall = fig["recall"]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<title>Sample backlog triage</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Sample backlog triage</h1>",
        f"<p class='note'>As at {html.escape(fig['now'])}. {fig['rows']} backlog rows: "
        f"{fig['samples']} triaged, {fig['rejected']} rejected (see rejected.csv).</p>",
        f"<p class='big'>The plan saves {plan['saved']['total']} samples; first come, first "
        f"served would save {plan['fcfs_saved']['total']}: {plan['more_saved']} more.</p>",
        chart(fig),
        "<h2>Samples by status</h2>",
        _table(
            ["status", *URGENCY, "total"],
            [[s, *(fig["status_by_priority"][u][s] for u in URGENCY), status[s]] for s in STATUSES],
        ),
        "<h2>Viable samples expiring soon</h2>",
        _table(["within", "samples"], [[k, v] for k, v in fig["expiring"].items()]),
        "<h2>Plan against first come, first served</h2>",
        f"<p class='note'>Capacity: {html.escape(plan['capacity'])}; planning from "
        f"{html.escape(plan['start'])}. A sample is saved when every viable test it carries "
        "runs before it expires.</p>",
        _table(
            ["", *URGENCY, "total", "weighted"],
            [
                ["plan", *(plan["saved"][k] for k in (*URGENCY, "total", "weighted"))],
                ["first come", *(plan["fcfs_saved"][k] for k in (*URGENCY, "total", "weighted"))],
            ],
        ),
        _table(
            ["lane", "per hour", "hours", "jobs", "run by plan", "run first come"],
            [
                [x["name"], x["per_hour"], x["hours"], x["jobs"], x["run"], x["fcfs_run"]]
                for x in plan["lanes"]
            ],
        ),
        "<h2>Repeat-test recall</h2>",
        f"<p class='note'>{recall['patients']} recalls for {recall['requesters']} requesters; "
        f"{recall['appointments']} given a clinic slot, {recall['unplaced']} could not be placed"
        f"{'' if recall['slots_file'] else ' (no --slots file given)'}.</p>",
        _table(["urgency", "recalls"], [[u, recall["by_urgency"][u]] for u in URGENCY]),
        "<h2>By requester</h2>",
        _table(
            ["requester", *STATUSES, "recalls"],
            [
                [code, *(row[s] for s in STATUSES), row["recalls"]]
                for code, row in fig["by_requester"].items()
            ],
        ),
        "<h2>By test</h2>",
        _table(
            ["test", "name", "viable", "expired"],
            [[c, t["name"], t["viable"], t["expired"]] for c, t in fig["by_test"].items()],
        ),
        "</body></html>",
    ]
    path.write_text("\n".join(parts), encoding="utf-8")
