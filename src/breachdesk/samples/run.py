"""``breachdesk samples triage``: read, assess, plan, then write every output under DIR.

``compute`` is the vectorised part (triage and plan); ``write_outputs`` turns it into CSVs, PDFs
and the summary. The benchmark times them apart. Nothing here prints identifiers: counts only.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from breachdesk import catalogue, pmi
from breachdesk.errors import UserError
from breachdesk.samples import (
    appointments,
    backlog,
    capacity,
    figures,
    letters,
    messages,
    recall,
    schedule,
    stability,
    summary,
    viability,
)
from breachdesk.samples.backlog import MISSING, Backlog, iso
from breachdesk.samples.schedule import Plan
from breachdesk.samples.stability import Stability
from breachdesk.samples.viability import STATUSES, Viability

TRIAGE_COLUMNS = ("sample_id", "status", "viable_until", "tests_viable", "tests_expired", "reason")
PLAN_COLUMNS = (
    "order", "lane", "run_at", "sample_id", "priority", "tests", "viable_until", "outcome",
)  # fmt: skip
RECALL_COLUMNS = (
    "nhs_number", "family_name", "given_name", "date_of_birth", "postcode_district", "samples",
    "tests_to_repeat", "urgency", "reason", "letter_to", "sms_text", "clinic", "appointment_day",
    "appointment_note",
)  # fmt: skip


@dataclass
class Result:
    now: int
    stab: Stability
    capacity: capacity.Capacity
    backlog: Backlog
    viability: Viability
    plan: Plan
    lane_of_test: np.ndarray


def compute(
    backlog_path: Path,
    now: int,
    capacity_path: Path | None = None,
    stability_path: Path | None = None,
) -> Result:
    stab = stability.load(stability_path)
    cap = (
        capacity.load(capacity_path, set(stab.codes))
        if capacity_path is not None
        else capacity.default()
    )
    b = backlog.read(backlog_path, now, stab)
    v = viability.assess(b, stab, now)
    lane_of_test = cap.route(catalogue.load())
    p = schedule.plan(b, v, cap, lane_of_test)
    return Result(now, stab, cap, b, v, p, lane_of_test)


def _when(values: np.ndarray) -> list[str]:
    out = np.datetime_as_string(values.astype("datetime64[s]"), unit="s").astype(object)
    out[values == MISSING] = ""
    return out.tolist()


def _write_csv(path: Path, header: tuple[str, ...], rows: Any) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _joined(keys: np.ndarray, tests: np.ndarray, size: int, codes: tuple[str, ...]) -> list[str]:
    """';'-joined test codes per key, in request order (pairs are stored in that order)."""
    out: list[list[str]] = [[] for _ in range(size)]
    for key, test in zip(keys.tolist(), tests.tolist(), strict=True):
        out[key].append(codes[test])
    return [";".join(x) for x in out]


def _tests_by_sample(r: Result, mask: np.ndarray) -> list[str]:
    b = r.backlog
    return _joined(b.pair_sample[mask], b.pair_test[mask], b.size, r.stab.codes)


def _plan_rows(r: Result) -> list[list[object]]:
    """Runs in time order, then jobs the capacity cannot reach, then tests no lane takes."""
    b, p = r.backlog, r.plan
    ids, prio = b.text["sample_id"], b.priority
    has_job = p.pair_job >= 0
    job_tests = _joined(p.pair_job[has_job], b.pair_test[has_job], len(p.job_sample), r.stab.codes)
    deadline, run_at = _when(p.job_deadline), _when(p.run_at)

    def row(order: object, j: int, outcome: str) -> list[object]:
        s = p.job_sample[j]
        lane = p.lanes[p.job_lane[j]]
        return [
            order,
            lane,
            run_at[j],
            ids[s],
            recall.URGENCY[prio[s]],
            job_tests[j],
            deadline[j],
            outcome,
        ]

    ran = np.flatnonzero(p.run_at != MISSING)
    ran = ran[np.lexsort((p.job_lane[ran], p.run_at[ran]))]
    rows = [row(n, j, "run") for n, j in enumerate(ran.tolist(), start=1)]
    missed = np.flatnonzero(p.run_at == MISSING)
    missed = missed[np.lexsort((p.job_deadline[missed], p.job_lane[missed]))]
    rows += [row("", j, "no_capacity") for j in missed.tolist()]
    no_lane = _tests_by_sample(r, p.pair_job == -2)
    until = _when(r.viability.sample_until)
    for s, tests in enumerate(no_lane):
        if tests:
            rows.append(["", "", "", ids[s], recall.URGENCY[prio[s]], tests, until[s], "no_lane"])
    return rows


def _patient_details(r: Result, pmi_path: Path | None) -> tuple[np.ndarray, np.ndarray]:
    """Postcode district and address per sample: the backlog's postcode, else the PMI's."""
    b = r.backlog
    postcodes = b.text["postcode"].copy()
    addresses = np.full(b.size, "", dtype=object)
    if pmi_path is not None:
        table = pmi.load(pmi_path)
        found = {
            nhs: (pc or "", line or "")
            for nhs, pc, line in zip(
                table["nhs_number"].to_pylist(),
                table["postcode"].to_pylist(),
                table["address_line"].to_pylist(),
                strict=True,
            )
            if nhs
        }
        for s, nhs in enumerate(b.text["nhs_number"]):
            hit = found.get(str(nhs).replace(" ", ""))
            if hit:
                postcodes[s] = postcodes[s] or hit[0]
                addresses[s] = ", ".join(x for x in (hit[1], hit[0]) if x)
    districts = np.array([recall.district(str(x)) for x in postcodes], dtype=object)
    return districts, addresses


def _file_name(code: str, used: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_-]", "_", code) or "UNKNOWN"
    name, n = base, 1
    while name.lower() in used:
        n += 1
        name = f"{base}_{n}"
    used.add(name.lower())
    return name


def _write_recall(
    r: Result, out: Path, slots_path: Path | None, pmi_path: Path | None
) -> tuple[list[recall.Recall], list[recall.Recall]]:
    folder = out / "recall"
    folder.mkdir(parents=True, exist_ok=True)
    for old in (*folder.glob("*.csv"), *folder.glob("*.pdf")):
        old.unlink()  # a re-run must not leave a previous run's requesters behind
    districts, addresses = _patient_details(r, pmi_path)
    recalls = recall.build(r.backlog, r.viability, r.plan, districts, addresses, r.now)
    today = date.fromisoformat(iso(r.now)[:10])
    unplaced: list[recall.Recall] = []
    if slots_path is not None:
        unplaced = appointments.allocate(recalls, appointments.load(slots_path), today)
    by_requester: dict[str, list[recall.Recall]] = {}
    for rec in recalls:
        by_requester.setdefault(rec.requester, []).append(rec)
    used: set[str] = set()
    pdfs = []
    for code, group in by_requester.items():
        name = _file_name(code, used)
        _write_csv(folder / f"{name}.csv", RECALL_COLUMNS, (_recall_row(x) for x in group))
        pdfs.append((folder / f"{name}.pdf", code, group, today))
    letters.write_all(pdfs)
    if slots_path is not None:
        placed = [x for x in recalls if x.day]
        head = ("requester", *RECALL_COLUMNS[:5], "urgency", "clinic", "appointment_day", "note")
        _write_csv(folder / "appointments.csv", head, (_slot_row(x) for x in placed))
        _write_csv(folder / "unplaced.csv", head, (_slot_row(x) for x in unplaced))
    return recalls, unplaced


def _recall_row(x: recall.Recall) -> list[str]:
    return [
        x.nhs_number, x.family_name, x.given_name, x.date_of_birth, x.district,
        ";".join(x.samples), "; ".join(x.test_labels), recall.URGENCY[x.urgency],
        "; ".join(x.reasons), messages.addressee(x), messages.sms(x), x.clinic, x.day, x.slot_note,
    ]  # fmt: skip


def _slot_row(x: recall.Recall) -> list[str]:
    return [
        x.requester, x.nhs_number, x.family_name, x.given_name, x.date_of_birth, x.district,
        recall.URGENCY[x.urgency], x.clinic, x.day, x.slot_note,
    ]  # fmt: skip


def write_outputs(
    r: Result, out: Path, slots_path: Path | None = None, pmi_path: Path | None = None
) -> dict[str, Any]:
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out}: is a file; give a folder to write the triage into")
    out.mkdir(parents=True, exist_ok=True)
    b, v = r.backlog, r.viability
    reasons = viability.reasons(b, v, r.stab)
    until = _when(v.sample_until)
    ok = _tests_by_sample(r, v.viable)
    gone = _tests_by_sample(r, ~v.viable)
    status = [STATUSES[s] for s in v.status.tolist()]
    _write_csv(
        out / "triage.csv",
        TRIAGE_COLUMNS,
        zip(b.text["sample_id"].tolist(), status, until, ok, gone, reasons, strict=True),
    )
    _write_csv(out / "rejected.csv", ("row", "sample_id", "reason"), b.rejected)
    _write_csv(out / "plan.csv", PLAN_COLUMNS, _plan_rows(r))
    recalls, unplaced = _write_recall(r, out, slots_path, pmi_path)
    fig = figures.figures(r, recalls, len(unplaced), slots_path is not None)
    (out / "summary.json").write_text(json.dumps(fig, indent=2), encoding="utf-8")
    summary.write_html(out / "summary.html", fig)
    return fig


def triage(
    backlog_path: Path,
    now_text: str,
    out: Path,
    capacity_path: Path | None = None,
    slots_path: Path | None = None,
    pmi_path: Path | None = None,
    stability_path: Path | None = None,
) -> dict[str, Any]:
    now = backlog.parse_now(now_text)
    result = compute(backlog_path, now, capacity_path, stability_path)
    return write_outputs(result, out, slots_path, pmi_path)
