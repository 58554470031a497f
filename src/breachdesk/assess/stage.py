"""The assess stage: per person, what the dump discloses, the risk, and the controllers.

Controllers are taken from the person's own records first (requester ODS codes in HL7 headers,
requester columns, text), else from the PMI's registered practice; people with neither are kept
and listed with no controller so they can be mapped by hand.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from breachdesk.assess.risk import assess, load_rules
from breachdesk.case import Case
from breachdesk.engine import Engine
from breachdesk.vocabulary import CATEGORIES

REGISTER_SCHEMA = pa.schema(
    [
        ("person_id", pa.string()),
        ("pmi_patient_id", pa.string()),
        ("match_probability", pa.float64()),
        ("nhs_number", pa.string()),
        ("family_name", pa.string()),
        ("given_name", pa.string()),
        ("date_of_birth", pa.string()),
        ("postcode", pa.string()),
        ("exposed", pa.string()),
        ("sensitive", pa.string()),
        ("risk", pa.string()),
        ("controllers", pa.string()),
        ("files", pa.int64()),
        ("evidence", pa.int64()),
        ("explanation", pa.string()),
        ("controller_source", pa.string()),
        ("tests", pa.string()),
    ]
)

_AGG_SQL = (
    """
SELECT l.person_id,
       count(DISTINCT r.file_id) AS files,
       count(*) AS evidence,
       string_agg(r.tests, ';') AS tests,
       string_agg(r.sensitive, ';') AS sensitive,
       string_agg(r.ods_codes, ';') AS ods_codes,
"""
    + ",\n".join(f"       bool_or(r.e_{c}) AS e_{c}" for c in CATEGORIES)
    + """
FROM records r JOIN record_links l USING (record_id)
GROUP BY l.person_id
"""
)


def _split(text: str | None) -> list[str]:
    return sorted({part for part in (text or "").split(";") if part})


def run_assess(engine: Engine, case: Case, rules_path: Path | None = None) -> dict[str, int]:
    case.require("link")
    rules = load_rules(rules_path)
    case.start_stage("assess", {"rules": str(rules_path) if rules_path else "built-in"})
    agg = engine.query(
        _AGG_SQL,
        {"records": case.table_path("records"), "record_links": case.table_path("record_links")},
    )
    by_person = {row["person_id"]: row for row in agg.to_pylist()}
    gp_of: dict[str, str] = {}
    if case.pmi_path is not None:
        pmi = pq.read_table(case.pmi_path, columns=["patient_id", "gp_practice_code"])
        gp_of = {
            pid: gp
            for pid, gp in zip(
                pmi["patient_id"].to_pylist(), pmi["gp_practice_code"].to_pylist(), strict=True
            )
            if gp
        }
    rows = []
    for person in case.read_table("persons").to_pylist():
        facts = by_person.get(person["person_id"], {})
        exposed = {c for c in CATEGORIES if facts.get(f"e_{c}")}
        sensitive = _split(facts.get("sensitive"))
        level, explanation = assess(rules, exposed, sensitive)
        controllers = _split(facts.get("ods_codes"))
        source = "records"
        if not controllers and person["pmi_patient_id"] in gp_of:
            controllers, source = [gp_of[person["pmi_patient_id"]]], "pmi"
        elif not controllers:
            source = "unmapped"
        rows.append(
            {
                "person_id": person["person_id"],
                "pmi_patient_id": person["pmi_patient_id"],
                "match_probability": person["match_probability"],
                "nhs_number": person["nhs_number"],
                "family_name": person["family_name"],
                "given_name": person["given_name"],
                "date_of_birth": person["date_of_birth"],
                "postcode": person["postcode"],
                "exposed": ";".join(c for c in CATEGORIES if c in exposed),
                "sensitive": ";".join(sensitive),
                "risk": level,
                "controllers": ";".join(controllers),
                "files": facts.get("files", 0),
                "evidence": facts.get("evidence", 0),
                "explanation": explanation,
                "controller_source": source,
                "tests": ";".join(_split(facts.get("tests"))),
            }
        )
    register = pa.Table.from_pylist(rows, schema=REGISTER_SCHEMA)
    case.write_table("register", register)
    controllers = engine.query(
        """SELECT code AS ods_code, count(*) AS people,
                  count(*) FILTER (WHERE risk = 'high') AS high,
                  count(*) FILTER (WHERE risk = 'medium') AS medium,
                  count(*) FILTER (WHERE risk = 'low') AS low
           FROM (SELECT unnest(string_split(controllers, ';')) AS code, risk
                 FROM register WHERE controllers <> '')
           GROUP BY code ORDER BY people DESC, code""",
        {"register": register},
    )
    case.write_table("controllers", controllers)
    counts = {"persons": len(rows), "controllers": controllers.num_rows}
    for level in ("high", "medium", "low"):
        counts[level] = sum(1 for r in rows if r["risk"] == level)
    counts["unmapped"] = sum(1 for r in rows if r["controller_source"] == "unmapped")
    case.finish_stage("assess", counts)
    return counts
