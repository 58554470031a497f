"""Assemble the public tables from the clustering: persons, record_links and link_conflicts.

A person matched to the PMI takes the PMI's values (the lab's own, checked record of them);
an unmatched person takes, per field, the value most of their records give (ties broken by the
smaller value, so re-runs agree). Conflicts are counted per person from the records and the PMI
and written both as rows of ``link_conflicts`` (kind, how many values or records) and as the
``conflicts`` text on the person, where assess and the report read it.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from breachdesk.engine import Engine
from breachdesk.link.prepare import FOLD

PERSONS_SCHEMA = pa.schema(
    [
        ("person_id", pa.string()),
        ("pmi_patient_id", pa.string()),
        ("match_probability", pa.float64()),
        ("match_rule", pa.string()),
        ("nhs_number", pa.string()),
        ("family_name", pa.string()),
        ("given_name", pa.string()),
        ("date_of_birth", pa.string()),
        ("postcode", pa.string()),
        ("records", pa.int64()),
        ("conflicts", pa.string()),
    ]
)
RECORD_LINKS_SCHEMA = pa.schema(
    [
        ("record_id", pa.string()),
        ("person_id", pa.string()),
        ("match_rule", pa.string()),
        ("match_probability", pa.float64()),
    ]
)
CONFLICTS_SCHEMA = pa.schema(
    [
        ("person_id", pa.string()),
        ("kind", pa.string()),
        ("count", pa.int64()),
        ("detail", pa.string()),
    ]
)
# profile_key -> person, with the evidence that put the profile there
ASSIGN_SCHEMA = pa.schema(
    [
        ("profile_key", pa.string()),
        ("person_id", pa.string()),
        ("pmi_patient_id", pa.string()),
        ("match_rule", pa.string()),
        ("match_probability", pa.float64()),
    ]
)
# person -> PMI, with the strongest direct link between the person's records and that patient
PERSON_MATCH_SCHEMA = pa.schema(
    [
        ("person_id", pa.string()),
        ("pmi_patient_id", pa.string()),
        ("match_rule", pa.string()),
        ("match_probability", pa.float64()),
        ("refused_pmi_links", pa.int64()),
    ]
)

_RECORD_LINKS_SQL = """
SELECT rp.record_id, a.person_id, a.match_rule, a.match_probability
FROM rp JOIN assign a USING (profile_key)
ORDER BY a.person_id, rp.record_id
"""

_FIELDS = ("nhs_number", "family_name", "given_name", "date_of_birth", "postcode")


def _mode(field: str) -> str:
    """The value most records give; names are counted folded ("HART" and "Hart" agree), ties
    go to the longer spelling (slips and truncations shorten names), then the smaller."""
    key = FOLD.format(x="v") if field in ("family_name", "given_name") else "v"
    # The top row of a window, not first(v ORDER BY ...): Spark has no ordered aggregates.
    return f"""
{field}_mode AS (
  SELECT person_id, v AS {field} FROM (
    SELECT person_id, v, row_number() OVER (
      PARTITION BY person_id ORDER BY kn DESC, length(k) DESC, n DESC, v) AS rank
    FROM (
      SELECT person_id, v, k, n, sum(n) OVER (PARTITION BY person_id, k) AS kn
      FROM (SELECT person_id, v, {key} AS k, count(*) AS n
            FROM (SELECT person_id, {field} AS v FROM j WHERE {field} IS NOT NULL)
            GROUP BY ALL)))
  WHERE rank = 1
)"""


_PERSONS_SQL = (
    """
WITH j AS (
  SELECT l.person_id, r.* EXCLUDE (record_id) FROM links l JOIN records r USING (record_id)
),
counts AS (SELECT person_id, count(*) AS records FROM j GROUP BY person_id),
"""
    + ",".join(_mode(f) for f in _FIELDS)
    + """
SELECT c.person_id, m.pmi_patient_id, m.match_probability, m.match_rule,
"""
    + ",\n".join(
        f"  CASE WHEN m.pmi_patient_id IS NOT NULL THEN p.{f} ELSE {f}_mode.{f} END AS {f}"
        for f in _FIELDS
    )
    + """,
  c.records, k.conflicts
FROM counts c
LEFT JOIN matches m USING (person_id)
LEFT JOIN pmi p ON p.patient_id = m.pmi_patient_id
"""
    + "\n".join(f"LEFT JOIN {f}_mode USING (person_id)" for f in _FIELDS)
    + """
LEFT JOIN (SELECT person_id, string_agg(detail, '; ' ORDER BY kind) AS conflicts
           FROM conflicts GROUP BY person_id) k USING (person_id)
ORDER BY c.person_id
"""
)

_CONFLICTS_SQL = """
WITH j AS (
  SELECT a.person_id, a.pmi_patient_id, rp.record_id, rp.nhs, rp.nhs_valid, rp.fam, rp.giv, rp.dob
  FROM rp JOIN assign a USING (profile_key)
),
dobs AS (
  SELECT person_id, max(n) AS n FROM (
    SELECT person_id, nhs, count(DISTINCT dob) AS n FROM j
    WHERE nhs IS NOT NULL AND dob IS NOT NULL GROUP BY ALL)
  WHERE n > 1 GROUP BY person_id
),
numbers AS (
  SELECT person_id, max(n) AS n FROM (
    SELECT person_id, fam, giv, dob, count(DISTINCT nhs) AS n FROM j
    WHERE nhs IS NOT NULL AND fam IS NOT NULL AND giv IS NOT NULL AND dob IS NOT NULL
    GROUP BY ALL)
  WHERE n > 1 GROUP BY person_id
),
vs_pmi AS (
  SELECT j.person_id,
         count(*) FILTER (WHERE j.dob IS NOT NULL AND p.dob IS NOT NULL AND j.dob <> p.dob)
           AS dob_differs,
         count(*) FILTER (WHERE j.nhs_valid AND p.nhs IS NOT NULL AND j.nhs <> p.nhs)
           AS nhs_differs
  FROM j JOIN pmi p ON p.patient_id = j.pmi_patient_id GROUP BY j.person_id
)
SELECT person_id, 'dob_per_nhs' AS kind, n AS count,
       n || ' dates of birth for one NHS number' AS detail FROM dobs
UNION ALL
SELECT person_id, 'nhs_per_name_dob', n, n || ' NHS numbers for one name and date of birth'
FROM numbers
UNION ALL
SELECT person_id, 'dob_differs_from_pmi', dob_differs,
       dob_differs || ' record(s) with a date of birth other than the PMI''s'
FROM vs_pmi WHERE dob_differs > 0
UNION ALL
SELECT person_id, 'nhs_differs_from_pmi', nhs_differs,
       nhs_differs || ' record(s) with an NHS number other than the PMI''s'
FROM vs_pmi WHERE nhs_differs > 0
UNION ALL
SELECT person_id, 'matches_other_pmi_patient', refused_pmi_links,
       'also matches ' || refused_pmi_links || ' other PMI patient(s) (see the review queue)'
FROM matches WHERE refused_pmi_links > 0
"""


def record_links(engine: Engine, rp: Path, assign: Path, dest: Path) -> int:
    """``record_id -> person`` for every record, written to ``dest``; returns rows."""
    tables: dict[str, Path | pa.Table] = {"rp": rp, "assign": assign}
    return engine.write_query(_RECORD_LINKS_SQL, tables, dest, schema=RECORD_LINKS_SCHEMA)


def conflicts(engine: Engine, rp: Path, assign: Path, matches: pa.Table, pmi: pa.Table) -> pa.Table:
    """Conflicts inside each person; ``pmi`` holds the normalised PMI (patient_id, nhs, dob)."""
    table = engine.query(
        _CONFLICTS_SQL + " ORDER BY person_id, kind",
        {
            "rp": rp,
            "assign": assign,
            "matches": matches,
            "pmi": pmi.select(["patient_id", "nhs", "dob"]),
        },
    )
    return table.cast(CONFLICTS_SCHEMA)


def persons(
    engine: Engine,
    records: Path,
    links: Path,
    matches: pa.Table,
    pmi: Path | pa.Table,
    conflict_rows: pa.Table,
    dest: Path,
) -> int:
    """``records`` and ``pmi`` hold the raw values; the persons are written to ``dest``."""
    tables: dict[str, Path | pa.Table] = {
        "records": records,
        "links": links,
        "matches": matches,
        "pmi": pmi,
        "conflicts": conflict_rows,
    }
    sql = _PERSONS_SQL.replace("r.* EXCLUDE (record_id)", ", ".join(f"r.{f}" for f in _FIELDS))
    return engine.write_query(sql, tables, dest, schema=PERSONS_SCHEMA)
