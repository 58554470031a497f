"""The report's figures, computed once from the case's tables and kept as plain data.

Everything the HTML and the PDF show comes from here, so the two can never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from breachdesk import tracking
from breachdesk.case import Case
from breachdesk.engine import Engine
from breachdesk.outputs.files import file_statuses
from breachdesk.vocabulary import CATEGORIES

AGE_BANDS = (
    (0, 15, "0-15"),
    (16, 24, "16-24"),
    (25, 44, "25-44"),
    (45, 64, "45-64"),
    (65, 79, "65-79"),
    (80, 200, "80+"),
)
PLAIN_CATEGORY = {
    "name": "Name",
    "date_of_birth": "Date of birth",
    "nhs_number": "NHS number",
    "hospital_number": "Hospital number",
    "address": "Address",
    "postcode": "Postcode",
    "phone": "Phone number",
    "email": "Email address",
    "test_description": "Test requested",
    "test_result": "Test result",
}


@dataclass
class Facts:
    generated: str
    dump: str
    tool_version: str
    files_by_type: list[dict[str, Any]] = field(default_factory=list)
    files_by_status: list[dict[str, Any]] = field(default_factory=list)
    files_by_year: dict[str, int] = field(default_factory=dict)  # by modification year
    dates: dict[str, Any] = field(default_factory=dict)  # earliest and latest file dates
    not_ok: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, Any] = field(default_factory=dict)
    authenticity: dict[str, Any] = field(default_factory=dict)
    by_risk: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_sensitive: dict[str, int] = field(default_factory=dict)
    by_age: dict[str, int] = field(default_factory=dict)
    controllers: list[dict[str, Any]] = field(default_factory=list)
    notification: dict[str, int] = field(default_factory=dict)


def _age_band(dob: str | None, today: dt.date) -> str:
    try:
        born = dt.date.fromisoformat(dob or "")
    except ValueError:
        return "unknown"
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return next((label for low, high, label in AGE_BANDS if low <= age <= high), "unknown")


def _authenticity(engine: Engine, case: Case) -> dict[str, Any]:
    """How far the dump's identifiers agree with the lab's own PMI: a dump that matches well
    is genuine; a low share suggests it mixes in other sources or fabrications."""
    if case.pmi_path is None:
        return {}
    row = engine.query(
        """SELECT count(*) FILTER (WHERE r.nhs_number IS NOT NULL) AS with_nhs,
                  count(*) FILTER (WHERE p.patient_id IS NOT NULL) AS nhs_in_pmi,
                  count(*) FILTER (WHERE p.patient_id IS NOT NULL AND r.date_of_birth IS NOT NULL)
                    AS with_dob,
                  count(*) FILTER (WHERE p.patient_id IS NOT NULL
                                   AND r.date_of_birth = p.date_of_birth) AS dob_agrees
           FROM records r LEFT JOIN pmi p ON p.nhs_number = r.nhs_number""",
        {"records": case.table_path("records"), "pmi": case.pmi_path},
    ).to_pylist()[0]

    def share(num: int, den: int) -> float | None:
        return round(num / den, 4) if den else None

    return {
        **row,
        "nhs_match_share": share(row["nhs_in_pmi"], row["with_nhs"]),
        "dob_agreement": share(row["dob_agrees"], row["with_dob"]),
    }


def collect(engine: Engine, case: Case, today: dt.date | None = None) -> Facts:
    case.require("assess")
    today = today or dt.date.today()
    facts = Facts(
        generated=today.isoformat(),
        dump=case.manifest.get("dump", ""),
        tool_version=case.manifest.get("tool_version", ""),
    )
    files = file_statuses(case)
    facts.files_by_type = engine.query(
        """SELECT type, count(*) AS files, sum(size)::BIGINT AS bytes FROM files
           GROUP BY type ORDER BY files DESC, type""",
        {"files": files},
    ).to_pylist()
    facts.files_by_status = engine.query(
        "SELECT status, count(*) AS files FROM files GROUP BY status ORDER BY files DESC, status",
        {"files": files},
    ).to_pylist()
    dated = engine.query(
        """SELECT coalesce(substr(f.modified, 1, 4), 'unknown') AS year, count(*) AS files,
                  min(f.modified) AS earliest, max(f.modified) AS latest
           FROM files_meta f JOIN files s USING (path)
           GROUP BY year ORDER BY year""",
        {"files_meta": case.table_path("files"), "files": files},
    ).to_pylist()
    facts.files_by_year = {r["year"]: r["files"] for r in dated}
    known = [r for r in dated if r["year"] != "unknown"]
    facts.dates = {
        "earliest": min((r["earliest"] for r in known), default=None),
        "latest": max((r["latest"] for r in known), default=None),
        "undated": next((r["files"] for r in dated if r["year"] == "unknown"), 0),
    }
    facts.not_ok = [
        {k: r[k] for k in ("path", "type", "status", "reason")}
        for r in files.to_pylist()
        if r["status"] not in {"ok", "duplicate"}
    ]
    register = case.read_table("register").to_pylist()
    persons = case.read_table("persons")
    facts.totals = {
        "files": files.num_rows,
        "bytes": int(sum(r["bytes"] or 0 for r in facts.files_by_type)),
        "people": len(register),
        "matched": sum(1 for r in register if r["pmi_patient_id"]),
        "not_in_pmi": sum(1 for r in register if not r["pmi_patient_id"]),
        "records": case.stage_counts("scan").get("records", 0),
        "files_with_people": len(
            {f for f in case.read_table("person_files")["file_id"].to_pylist()}
        ),
        "unmapped": sum(1 for r in register if not r["controllers"]),
        "conflicts": sum(1 for c in persons["conflicts"].to_pylist() if c),
        "sensitive_people": sum(1 for r in register if r["sensitive"]),
    }
    facts.authenticity = _authenticity(engine, case)
    facts.by_risk = {
        level: sum(r["risk"] == level for r in register) for level in ("high", "medium", "low")
    }
    facts.by_category = {
        PLAIN_CATEGORY[c]: sum(c in (r["exposed"] or "").split(";") for r in register)
        for c in CATEGORIES
    }
    kinds: dict[str, int] = {}
    for r in register:
        for kind in filter(None, (r["sensitive"] or "").split(";")):
            kinds[kind] = kinds.get(kind, 0) + 1
    facts.by_sensitive = dict(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
    ages: dict[str, int] = {label: 0 for _, _, label in AGE_BANDS}
    ages["unknown"] = 0
    for r in register:
        ages[_age_band(r["date_of_birth"], today)] += 1
    facts.by_age = ages
    status = {pid: row["status"] for pid, row in tracking.current(case).items()}
    per_controller: dict[str, dict[str, Any]] = {}
    names = {r["ods_code"]: r["name"] for r in case.read_table("controllers").to_pylist()}
    for r in register:
        for code in filter(None, (r["controllers"] or "").split(";")):
            row = per_controller.setdefault(
                code,
                {
                    "code": code,
                    "name": names.get(code, ""),
                    "people": 0,
                    "high": 0,
                    "medium": 0,
                    "low": 0,
                    "sensitive": 0,
                    **{s: 0 for s in tracking.STATUSES},
                },
            )
            row["people"] += 1
            row[r["risk"]] += 1
            row["sensitive"] += bool(r["sensitive"])
            row[status.get(r["person_id"], "pending")] += 1
    facts.controllers = sorted(per_controller.values(), key=lambda c: (-c["people"], c["code"]))
    facts.notification = {
        s: sum(1 for r in register if status.get(r["person_id"], "pending") == s)
        for s in tracking.STATUSES
    }
    return facts


def as_table(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows)
