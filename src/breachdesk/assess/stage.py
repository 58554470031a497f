"""The assess stage: per person, what the dump discloses, the risk, and the controllers.

Controllers come from ``assess.controllers`` (records and their paths, then path rules, then
the PMI's registered practice). Rule and reference files given to assess are kept in
``CASE/config/`` so a supervisor edits them there, or passes new ones, and re-runs assess.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from breachdesk.assess import organisations
from breachdesk.assess.controllers import load_path_rules, resolve
from breachdesk.assess.risk import assess, load_rules
from breachdesk.case import Case
from breachdesk.engine import Engine
from breachdesk.errors import UserError
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


_FILES_SQL = """
SELECT l.person_id, r.file_id, f.path, count(*) AS records,
       bool_or(r.e_test_description) AS tests_named,
       string_agg(DISTINCT r.sensitive, ';') AS sensitive
FROM records r JOIN record_links l USING (record_id) JOIN files f USING (file_id)
GROUP BY l.person_id, r.file_id, f.path
ORDER BY l.person_id, f.path
"""
CONFIG = {
    "rules": "risk_rules.yaml",
    "controller_rules": "controller_rules.yaml",
    "ods": "ods_reference.csv",
}


def _split(text: str | None) -> list[str]:
    return sorted({part for part in (text or "").split(";") if part})


def keep_config(case: Case, **files: Path | None) -> None:
    """Copy rule and reference files into the case: a re-run of assess uses what the last one
    was given, and the case shows what produced it."""
    folder = case.root / "config"
    for key, source in files.items():
        if source is None:
            continue
        if not source.is_file():
            raise UserError(
                f"{source}: no such file; give the path of the {key.replace('_', ' ')} file"
            )
        folder.mkdir(exist_ok=True)
        shutil.copyfile(source, folder / CONFIG[key])


def config_path(case: Case, key: str) -> Path | None:
    path = case.root / "config" / CONFIG[key]
    return path if path.exists() else None


def run_assess(engine: Engine, case: Case) -> dict[str, int]:
    case.require("link")
    rules_path = config_path(case, "rules")
    rules = load_rules(rules_path)
    path_rules = load_path_rules(config_path(case, "controller_rules"))
    ods_path = config_path(case, "ods")
    organisations_table = (
        organisations.load(ods_path) if ods_path else organisations.SCHEMA.empty_table()
    )
    case.start_stage(
        "assess",
        {k: str(config_path(case, k) or "built-in") for k in CONFIG},
    )
    tables = {
        "records": case.table_path("records"),
        "record_links": case.table_path("record_links"),
        "files": case.table_path("files"),
    }
    agg = engine.query(_AGG_SQL, tables)
    by_person = {row["person_id"]: row for row in agg.to_pylist()}
    person_files = engine.query(_FILES_SQL, tables)
    paths_of: dict[str, list[str]] = {}
    for pid, path in zip(
        person_files["person_id"].to_pylist(), person_files["path"].to_pylist(), strict=True
    ):
        paths_of.setdefault(pid, []).append(path)
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
        controllers, source = resolve(
            _split(facts.get("ods_codes")),
            paths_of.get(person["person_id"], []),
            path_rules,
            gp_of.get(person["pmi_patient_id"] or ""),
        )
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
    case.write_table("person_files", person_files)
    case.write_table("organisations", organisations_table)
    controllers = engine.query(
        """SELECT c.code AS ods_code, coalesce(o.name, '') AS name, count(*) AS people,
                  count(*) FILTER (WHERE risk = 'high') AS high,
                  count(*) FILTER (WHERE risk = 'medium') AS medium,
                  count(*) FILTER (WHERE risk = 'low') AS low,
                  count(*) FILTER (WHERE sensitive <> '') AS sensitive
           FROM (SELECT unnest(string_split(controllers, ';')) AS code, risk, sensitive
                 FROM register WHERE controllers <> '') c
           LEFT JOIN organisations o ON o.code = c.code
           GROUP BY c.code, o.name ORDER BY people DESC, c.code""",
        {"register": register, "organisations": organisations_table},
    )
    case.write_table("controllers", controllers)
    counts = {"persons": len(rows), "controllers": controllers.num_rows}
    for level in ("high", "medium", "low"):
        counts[level] = sum(1 for r in rows if r["risk"] == level)
    counts["unmapped"] = sum(1 for r in rows if r["controller_source"] == "unmapped")
    case.finish_stage("assess", counts)
    return counts
