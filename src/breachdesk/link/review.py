"""The review queue and reviewers' decisions.

A pair is queued when the model is unsure (probability between the review and link
thresholds) and accepting it would change who is who (its two sides are in different people),
or when a strong link was refused because it would join two PMI patients (a conflict).

Decisions are keyed on the two sides' *content* (profile keys, hashes of the normalised
identifying fields, and PMI patient ids), never on row numbers or record ids, so they survive
re-scanning the dump and re-running link, and each run re-applies them: "same" becomes a link
that outranks every other, "different" a pair that is never put in one person. The decision log
(``CASE/link/decisions.jsonl``) is append-only; a pair's last decision counts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from breachdesk.case import Case
from breachdesk.errors import UserError

DECISIONS = ("same", "different")
SIDE_FIELDS = (
    "patient_id",
    "nhs_number",
    "family_name",
    "given_name",
    "date_of_birth",
    "postcode",
    "sex",
    "records",
)
REVIEW_SCHEMA = pa.schema(
    [
        ("pair_id", pa.string()),
        ("key_l", pa.string()),
        ("key_r", pa.string()),
        ("reason", pa.string()),
        ("match_probability", pa.float64()),
        ("match_weight", pa.float64()),
        ("evidence", pa.string()),
        *[(f"{name}_l", pa.int64() if name == "records" else pa.string()) for name in SIDE_FIELDS],
        *[(f"{name}_r", pa.int64() if name == "records" else pa.string()) for name in SIDE_FIELDS],
        ("decision", pa.string()),
    ]
)


def pair_id(a: str, b: str) -> str:
    lo, hi = sorted((a, b))
    return hashlib.sha256(f"{lo}|{hi}".encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Decision:
    pair_id: str
    key_l: str
    key_r: str
    decision: str
    decided_at: str


def decisions_path(case: Case) -> Path:
    return case.root / "link" / "decisions.jsonl"


def load_decisions(case: Case) -> dict[str, Decision]:
    """The last decision per pair."""
    path = decisions_path(case)
    out: dict[str, Decision] = {}
    if not path.exists():
        return out
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            decision = Decision(**row)
        except (json.JSONDecodeError, TypeError) as exc:
            raise UserError(
                f"{path}: line {number} is not a decision ({exc}); fix or remove that line"
            ) from exc
        out[decision.pair_id] = decision
    return out


def record_decision(case: Case, pair: str, decision: str) -> Decision:
    """Append a reviewer's decision on a queued pair; refuses pairs not in the queue."""
    if decision not in DECISIONS:
        raise UserError(f"decision {decision!r}: must be one of {', '.join(DECISIONS)}")
    queue = {row["pair_id"]: row for row in read_queue(case)}
    if pair not in queue:
        raise UserError(
            f"{pair}: no such pair in the review queue of {case.root}; "
            "list them with `breachdesk review CASE --list`"
        )
    row = queue[pair]
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    made = Decision(pair, str(row["key_l"]), str(row["key_r"]), decision, now)
    path = decisions_path(case)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(made.__dict__, sort_keys=True) + "\n")
    return made


def read_queue(case: Case) -> list[dict[str, Any]]:
    """The queue the last link run wrote, with decisions made since."""
    case.require("link")
    rows = case.read_table("link_review").to_pylist()
    decided = load_decisions(case)
    for row in rows:
        made = decided.get(str(row["pair_id"]))
        row["decision"] = made.decision if made else None
    return rows


CANDIDATE_SCHEMA = pa.schema(
    [
        ("key_l", pa.string()),
        ("key_r", pa.string()),
        ("reason", pa.string()),
        ("match_probability", pa.float64()),
        ("match_weight", pa.float64()),
        ("evidence", pa.string()),
    ]
)

# One side of a pair as people wrote it: a profile shows its first record's raw values and how
# many records share that profile; a PMI entity shows the PMI row.
_SIDES_SQL = """
WITH keys AS (SELECT DISTINCT k FROM (SELECT key_l AS k FROM c UNION ALL SELECT key_r FROM c)),
prof AS (
  SELECT rp.profile_key AS k, count(*) AS records, min(rp.record_id) AS first_id
  FROM rp JOIN keys ON keys.k = rp.profile_key GROUP BY rp.profile_key
)
SELECT prof.k, NULL::VARCHAR AS patient_id, r.nhs_number, r.family_name, r.given_name,
       r.date_of_birth, r.postcode, r.sex, prof.records
FROM prof JOIN records r ON r.record_id = prof.first_id
UNION ALL
SELECT keys.k, p.patient_id, p.nhs_number, p.family_name, p.given_name, p.date_of_birth,
       p.postcode, p.sex, 0::BIGINT
FROM keys JOIN pmi p ON keys.k = 'pmi:' || p.patient_id
"""


def build_queue(
    engine: Any,
    candidates: pa.Table,
    rp: Path,
    records: Path,
    pmi: Path | pa.Table,
    decided: dict[str, Decision],
) -> pa.Table:
    """The ``link_review`` table: each candidate pair with both sides' fields side by side."""
    if candidates.num_rows == 0:
        return REVIEW_SCHEMA.empty_table()
    sides = engine.query(
        _SIDES_SQL,
        {
            "c": candidates.select(["key_l", "key_r"]),
            "rp": rp,
            "records": records,
            "pmi": pmi,
        },
    )
    side_of = {row["k"]: row for row in sides.to_pylist()}
    rows: list[dict[str, Any]] = []
    for cand in candidates.to_pylist():
        pid = pair_id(cand["key_l"], cand["key_r"])
        # PMI on the right, so the display reads "what the dump says | what the PMI says".
        left, right = cand["key_l"], cand["key_r"]
        if str(left).startswith("pmi:"):
            left, right = right, left
        row: dict[str, object] = {"pair_id": pid, **cand, "key_l": left, "key_r": right}
        for side, key in (("l", left), ("r", right)):
            values = side_of.get(key, {})
            for name in SIDE_FIELDS:
                row[f"{name}_{side}"] = values.get(name)
        made = decided.get(pid)
        row["decision"] = made.decision if made else None
        rows.append(row)
    rows.sort(key=lambda r: (r["decision"] is not None, -float(r["match_probability"] or 0)))
    return pa.Table.from_pylist(rows, schema=REVIEW_SCHEMA)
