"""The assess stage: per person, what the dump discloses, the risk, and the controllers.

Controllers come from ``assess.controllers`` (records and their paths, then path rules, then
the PMI's registered practice). Rule and reference files given to assess are kept in
``CASE/config/`` so a supervisor edits them there, or passes new ones, and re-runs assess.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa

from breachdesk.assess import organisations
from breachdesk.assess.controllers import PathRule, load_path_rules, resolve
from breachdesk.assess.risk import Rule, assess, load_rules
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
PERSON_FILES_SCHEMA = pa.schema(
    [
        ("person_id", pa.string()),
        ("file_id", pa.string()),
        ("path", pa.string()),
        ("records", pa.int64()),
        ("tests_named", pa.bool_()),
        ("sensitive", pa.string()),
    ]
)
# One row per person with everything the rules need; paths joined by a character no path
# holds (the unit separator), since Spark has no ordered list aggregate to match DuckDB's.
_PEOPLE_SQL = (
    """
WITH agg AS ("""
    + _AGG_SQL
    + """),
paths AS (SELECT person_id, string_agg(path, chr(31)) AS paths FROM person_files
          GROUP BY person_id)
SELECT p.person_id, p.pmi_patient_id, p.match_probability, p.nhs_number, p.family_name,
       p.given_name, p.date_of_birth, p.postcode, a.files, a.evidence, a.tests, a.sensitive,
       a.ods_codes, """
    + ", ".join(f"a.e_{c}" for c in CATEGORIES)
    + """, paths.paths, g.gp_practice_code
FROM persons p
LEFT JOIN agg a USING (person_id)
LEFT JOIN paths USING (person_id)
LEFT JOIN (SELECT patient_id, gp_practice_code FROM pmi) g ON g.patient_id = p.pmi_patient_id
ORDER BY p.person_id
"""
)
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


_NO_PMI = pa.table(
    {"patient_id": pa.array([], pa.string()), "gp_practice_code": pa.array([], pa.string())}
)


class _Register:
    """One person's row of the register from their joined facts: the risk rules and the
    controller resolution, which are Python, applied batch by batch where the rows are."""

    def __init__(self, rules: list[Rule], path_rules: list[PathRule]) -> None:
        self.rules, self.path_rules = rules, path_rules

    def __call__(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        rows = []
        for person in batch.to_pylist():
            exposed = {c for c in CATEGORIES if person[f"e_{c}"]}
            sensitive = _split(person["sensitive"])
            level, explanation = assess(self.rules, exposed, sensitive)
            controllers, source = resolve(
                _split(person["ods_codes"]),
                person["paths"].split("\x1f") if person["paths"] else [],
                self.path_rules,
                person["gp_practice_code"] or None,
            )
            rows.append(
                {
                    **{k: person[k] for k in _PERSON_FIELDS},
                    "exposed": ";".join(c for c in CATEGORIES if c in exposed),
                    "sensitive": ";".join(sensitive),
                    "risk": level,
                    "controllers": ";".join(controllers),
                    "files": person["files"] or 0,
                    "evidence": person["evidence"] or 0,
                    "explanation": explanation,
                    "controller_source": source,
                    "tests": ";".join(_split(person["tests"])),
                }
            )
        return pa.RecordBatch.from_pylist(rows, schema=REGISTER_SCHEMA)


# The register's leading columns are the person's, as link wrote them.
_PERSON_FIELDS = tuple(REGISTER_SCHEMA.names[: REGISTER_SCHEMA.names.index("exposed")])


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
    tables: dict[str, Path | pa.Table] = {
        "records": case.table_path("records"),
        "record_links": case.table_path("record_links"),
        "files": case.table_path("files"),
    }
    # Per (person, file) and per person: written where computed, never gathered whole.
    engine.write_query(
        _FILES_SQL, tables, case.table_path("person_files"), schema=PERSON_FILES_SCHEMA
    )
    tables |= {
        "person_files": case.table_path("person_files"),
        "persons": case.table_path("persons"),
        "pmi": case.pmi_path or _NO_PMI,
    }
    register_path = case.table_path("register")
    engine.write_query(
        _PEOPLE_SQL,
        tables,
        register_path,
        schema=REGISTER_SCHEMA,
        transform=_Register(rules, path_rules),
    )
    case.write_table("organisations", organisations_table)
    register: dict[str, Path | pa.Table] = {"register": register_path}
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
        register | {"organisations": organisations_table},
    )
    case.write_table("controllers", controllers)
    tally = engine.query(
        """SELECT count(*) AS persons,
                  count(*) FILTER (WHERE risk = 'high') AS high,
                  count(*) FILTER (WHERE risk = 'medium') AS medium,
                  count(*) FILTER (WHERE risk = 'low') AS low,
                  count(*) FILTER (WHERE controller_source = 'unmapped') AS unmapped
           FROM register""",
        register,
    ).to_pylist()[0]
    counts = {"persons": tally["persons"], "controllers": controllers.num_rows}
    counts |= {k: tally[k] for k in ("high", "medium", "low", "unmapped")}
    case.finish_stage("assess", counts)
    return counts
