"""The figures behind summary.json and summary.html: counts by status, requester, test and
priority, what expires soon, and the plan against first come, first served."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from breachdesk import catalogue
from breachdesk.samples import schedule
from breachdesk.samples.backlog import MISSING, iso
from breachdesk.samples.recall import URGENCY, Recall
from breachdesk.samples.viability import DISCARD, STATUSES

if TYPE_CHECKING:
    from breachdesk.samples.run import Result

EXPIRY_WINDOWS_H = (6, 12, 24)


def figures(r: Result, recalls: list[Recall], unplaced: int, slots: bool) -> dict[str, Any]:
    """Every figure the summary shows, as plain JSON-able values."""
    b, v, p = r.backlog, r.viability, r.plan
    fig: dict[str, Any] = {"now": iso(r.now), "rows": b.rows, "rejected": len(b.rejected)}
    fig["samples"] = b.size
    fig["status"] = {s: int(np.count_nonzero(v.status == i)) for i, s in enumerate(STATUSES)}
    fig["status_by_priority"] = {
        u: {
            s: int(np.count_nonzero((v.status == i) & (b.priority == k)))
            for i, s in enumerate(STATUSES)
        }
        for k, u in enumerate(URGENCY)
    }
    live = v.status != DISCARD
    left = v.sample_until - r.now
    fig["expiring"] = {
        f"{h} h": int(np.count_nonzero(live & (left <= h * 3600))) for h in EXPIRY_WINDOWS_H
    }
    saved = schedule.saved_by_priority(p.saved, b.priority)
    fcfs = schedule.saved_by_priority(p.fcfs_saved, b.priority)
    lanes = []
    for i, lane in enumerate(r.capacity.lanes):
        mine = p.job_lane == i
        hours = (
            "all day"
            if lane.open_s == lane.close_s
            else (
                f"{lane.open_s // 3600:02d}:{lane.open_s % 3600 // 60:02d}-"
                f"{lane.close_s // 3600:02d}:{lane.close_s % 3600 // 60:02d}"
            )
        )
        lanes.append(
            {
                "name": lane.name,
                "per_hour": round(lane.per_hour, 2),
                "hours": hours,
                "jobs": int(mine.sum()),
                "run": int(np.count_nonzero(mine & (p.run_at != MISSING))),
                "fcfs_run": int(np.count_nonzero(mine & (p.fcfs_at != MISSING))),
            }
        )
    fig["plan"] = {
        "start": iso(p.start),
        "capacity": r.capacity.source,
        "viable": int(live.sum()),
        "saved": saved,
        "fcfs_saved": fcfs,
        "more_saved": saved["total"] - fcfs["total"],
        "more_saved_by_priority": {u: saved[u] - fcfs[u] for u in URGENCY},
        "lanes": lanes,
    }
    by_requester: dict[str, dict[str, int]] = {}
    for code, st in zip(b.text["requester_code"].tolist(), v.status.tolist(), strict=True):
        row = by_requester.setdefault(code or "UNKNOWN", {s: 0 for s in STATUSES} | {"recalls": 0})
        row[STATUSES[st]] += 1
    for rec in recalls:
        by_requester.setdefault(rec.requester, {s: 0 for s in STATUSES} | {"recalls": 0})
        by_requester[rec.requester]["recalls"] += 1
    fig["by_requester"] = dict(sorted(by_requester.items()))
    names = {t.code: t.name for t in catalogue.load()}
    viable_n = np.bincount(b.pair_test, weights=v.viable, minlength=len(r.stab.codes))
    all_n = np.bincount(b.pair_test, minlength=len(r.stab.codes))
    fig["by_test"] = {
        code: {
            "name": names[code],
            "viable": int(viable_n[i]),
            "expired": int(all_n[i] - viable_n[i]),
        }
        for i, code in sorted(enumerate(r.stab.codes), key=lambda x: -all_n[x[0]])
        if all_n[i]
    }
    fig["recall"] = {
        "patients": len(recalls),
        "requesters": len({x.requester for x in recalls}),
        "by_urgency": {u: sum(1 for x in recalls if x.urgency == k) for k, u in enumerate(URGENCY)},
        "appointments": sum(1 for x in recalls if x.day),
        "unplaced": unplaced,
        "slots_file": slots,
    }
    return fig
