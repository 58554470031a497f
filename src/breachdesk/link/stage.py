"""The link stage (foundation): deterministic matching to the PMI, then grouping into people.

Rules run strongest first, as national linkage programmes do: a valid NHS number present in the
PMI; then family name + given name + date of birth (also with given/family swapped, a nickname of
the given name, or one typing slip in one of the names, or a day/month swap in the date of birth)
when it picks exactly one PMI patient. Records left unmatched are grouped into people by NHS
number or by name + date of birth. Probabilistic linkage (Splink) replaces the
residue handling in a later issue; the rule names here stay as evidence.
"""

from __future__ import annotations

from importlib import resources

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from breachdesk.case import Case
from breachdesk.engine import Engine

FOLD = "regexp_replace(lower(strip_accents(coalesce({x}, ''))), '[^a-z]', '', 'g')"

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


def _nicknames() -> pa.Table:
    path = resources.files("breachdesk") / "data" / "nicknames.csv"
    with path.open("rb") as handle:
        return pacsv.read_csv(handle)


_MATCH_SQL = f"""
WITH r AS (
  SELECT record_id, nhs_number AS nhs, date_of_birth AS dob,
         {FOLD.format(x="family_name")} AS fam, {FOLD.format(x="given_name")} AS giv
  FROM records
),
p AS (
  SELECT patient_id, nhs_number AS nhs, date_of_birth AS dob,
         {FOLD.format(x="family_name")} AS fam, {FOLD.format(x="given_name")} AS giv
  FROM pmi
),
nick AS (
  SELECT lower(formal) AS a, lower(nickname) AS b FROM nicknames
  UNION SELECT lower(nickname), lower(formal) FROM nicknames
),
by_nhs AS (
  SELECT r.record_id, p.patient_id, 1.0::DOUBLE AS prob, 'nhs_number' AS rule, 1 AS strength
  FROM r JOIN p ON r.nhs = p.nhs WHERE r.nhs IS NOT NULL
),
by_name AS (
  SELECT r.record_id, p.patient_id,
    CASE WHEN r.fam = p.fam AND r.giv = p.giv THEN 0.99::DOUBLE
         WHEN r.fam = p.giv AND r.giv = p.fam THEN 0.95
         WHEN r.fam = p.fam AND r.giv <> p.giv
              AND EXISTS (SELECT 1 FROM nick WHERE nick.a = r.giv AND nick.b = p.giv) THEN 0.9
         ELSE 0.85 END AS prob,
    CASE WHEN r.fam = p.fam AND r.giv = p.giv THEN 'name_dob'
         WHEN r.fam = p.giv AND r.giv = p.fam THEN 'swapped_name_dob'
         WHEN r.fam = p.fam AND r.giv <> p.giv
              AND EXISTS (SELECT 1 FROM nick WHERE nick.a = r.giv AND nick.b = p.giv)
              THEN 'nickname_dob'
         ELSE 'typo_name_dob' END AS rule,
    CASE WHEN r.fam = p.fam AND r.giv = p.giv THEN 2
         WHEN r.fam = p.giv AND r.giv = p.fam THEN 3
         WHEN r.fam = p.fam AND r.giv <> p.giv
              AND EXISTS (SELECT 1 FROM nick WHERE nick.a = r.giv AND nick.b = p.giv) THEN 3
         ELSE 4 END AS strength
  FROM r JOIN p ON r.dob = p.dob
  WHERE r.fam <> '' AND r.giv <> '' AND (
    (r.fam = p.fam AND r.giv = p.giv)
    OR (r.fam = p.giv AND r.giv = p.fam)
    OR (r.fam = p.fam AND EXISTS (SELECT 1 FROM nick WHERE nick.a = r.giv AND nick.b = p.giv))
    -- one typing slip (a substitution, deletion or transposition) in one name, the other exact
    OR (r.giv = p.giv AND length(r.fam) >= 4 AND damerau_levenshtein(r.fam, p.fam) <= 1)
    OR (r.fam = p.fam AND length(r.giv) >= 4 AND damerau_levenshtein(r.giv, p.giv) <= 1)
  )
),
by_swapped_dob AS (
  -- a day/month swap in the date of birth, names exact
  SELECT r.record_id, p.patient_id, 0.85::DOUBLE AS prob, 'name_swapped_dob' AS rule, 4 AS strength
  FROM r JOIN p
    ON p.dob = substr(r.dob, 1, 5) || substr(r.dob, 9, 2) || '-' || substr(r.dob, 6, 2)
   AND r.fam = p.fam AND r.giv = p.giv
  WHERE r.fam <> '' AND r.giv <> '' AND substr(r.dob, 6, 2) <> substr(r.dob, 9, 2)
),
candidates AS (
  SELECT * FROM by_nhs UNION ALL SELECT * FROM by_name UNION ALL SELECT * FROM by_swapped_dob
),
best AS (
  SELECT record_id, min(strength) AS strength FROM candidates GROUP BY record_id
)
SELECT c.record_id, any_value(c.patient_id) AS patient_id, max(c.prob) AS prob,
       any_value(c.rule) AS rule, count(DISTINCT c.patient_id) AS n
FROM candidates c JOIN best b USING (record_id, strength)
GROUP BY c.record_id
"""


class _Groups:
    """Union-find over record keys: records sharing an NHS number or name+DOB are one person."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        root = key
        while self.parent.setdefault(root, root) != root:
            root = self.parent[root]
        while self.parent[key] != root:
            self.parent[key], key = root, self.parent[key]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def run_link(engine: Engine, case: Case) -> dict[str, int]:
    case.require("scan")
    case.start_stage("link")
    records_path = case.table_path("records")
    tables: dict[str, object] = {"records": records_path, "nicknames": _nicknames()}
    pmi_path = case.pmi_path
    if pmi_path is not None:
        tables["pmi"] = pmi_path
        matches = engine.query(_MATCH_SQL, tables)
    else:
        matches = pa.table({"record_id": pa.array([], pa.string())})
    keyed = engine.query(
        f"""SELECT record_id, nhs_number, date_of_birth, postcode,
                  {FOLD.format(x="family_name")} AS fam, {FOLD.format(x="given_name")} AS giv,
                  family_name, given_name
           FROM records""",
        {"records": records_path},
    )
    match_of: dict[str, tuple[str, float, str]] = {}
    if matches.num_rows:
        for rid, pid, prob, rule, n in zip(
            *(matches[c].to_pylist() for c in ("record_id", "patient_id", "prob", "rule", "n")),
            strict=True,
        ):
            if n == 1:  # a rule that picks two PMI patients decides nothing
                match_of[rid] = (pid, prob, rule)
    groups = _Groups()
    rows = keyed.to_pylist()
    for row in rows:
        rid = row["record_id"]
        keys = []
        if rid in match_of:
            keys.append(f"pmi:{match_of[rid][0]}")
        else:
            if row["nhs_number"]:
                keys.append(f"nhs:{row['nhs_number']}")
            if row["fam"] and row["giv"] and row["date_of_birth"]:
                keys.append(f"nd:{row['fam']}|{row['giv']}|{row['date_of_birth']}")
        if not keys:
            keys.append(f"rec:{rid}")
        groups.find(keys[0])
        for key in keys[1:]:
            groups.union(keys[0], key)
        row["group"] = keys[0]
    members: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        members.setdefault(groups.find(str(row["group"])), []).append(row)
    pmi = _pmi_by_id(case) if pmi_path is not None else {}
    persons, links = _people(members, match_of, pmi)
    case.write_table("persons", pa.Table.from_pylist(persons, schema=PERSONS_SCHEMA))
    case.write_table(
        "record_links",
        pa.Table.from_pylist(
            links,
            schema=pa.schema(
                [
                    ("record_id", pa.string()),
                    ("person_id", pa.string()),
                    ("match_rule", pa.string()),
                    ("match_probability", pa.float64()),
                ]
            ),
        ),
    )
    matched = sum(1 for p in persons if p["pmi_patient_id"])
    counts = {
        "records": len(rows),
        "persons": len(persons),
        "matched": matched,
        "unmatched": len(persons) - matched,
        "conflicts": sum(1 for p in persons if p["conflicts"]),
    }
    case.finish_stage("link", counts)
    return counts


def _pmi_by_id(case: Case) -> dict[str, dict[str, str]]:
    assert case.pmi_path is not None
    return {row["patient_id"]: row for row in pq.read_table(case.pmi_path).to_pylist()}


def _most_common(values: list[object]) -> str | None:
    counts: dict[str, int] = {}
    for value in values:
        if value:
            counts[str(value)] = counts.get(str(value), 0) + 1
    return max(sorted(counts), key=counts.__getitem__) if counts else None


def _people(
    members: dict[str, list[dict[str, object]]],
    match_of: dict[str, tuple[str, float, str]],
    pmi: dict[str, dict[str, str]],
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    def order(item: tuple[str, list[dict[str, object]]]) -> tuple[int, str]:
        key = item[0]
        return (0 if key.startswith("pmi:") else 1, key)

    persons: list[dict[str, object]] = []
    links: list[dict[str, object]] = []
    for number, (key, rows) in enumerate(sorted(members.items(), key=order), start=1):
        person_id = f"BD{number:07d}"
        pid = key[4:] if key.startswith("pmi:") else None
        best = max(
            (match_of[str(r["record_id"])] for r in rows if r["record_id"] in match_of),
            key=lambda m: m[1],
            default=None,
        )
        conflicts = []
        dobs = {r["date_of_birth"] for r in rows if r["date_of_birth"]}
        nhss = {r["nhs_number"] for r in rows if r["nhs_number"]}
        if len(dobs) > 1:
            conflicts.append(f"{len(dobs)} dates of birth")
        if len(nhss) > 1:
            conflicts.append(f"{len(nhss)} NHS numbers")
        if pid is not None:
            src = pmi[pid]
            values = {
                k: src.get(k)
                for k in ("nhs_number", "family_name", "given_name", "date_of_birth", "postcode")
            }
        else:
            values = {
                k: _most_common([r[k] for r in rows])
                for k in ("nhs_number", "family_name", "given_name", "date_of_birth", "postcode")
            }
        persons.append(
            {
                "person_id": person_id,
                "pmi_patient_id": pid,
                "match_probability": best[1] if (best and pid) else None,
                "match_rule": best[2] if (best and pid) else None,
                **values,
                "records": len(rows),
                "conflicts": "; ".join(conflicts) or None,
            }
        )
        for r in rows:
            m = match_of.get(str(r["record_id"]))
            links.append(
                {
                    "record_id": r["record_id"],
                    "person_id": person_id,
                    "match_rule": m[2] if m else None,
                    "match_probability": m[1] if m else None,
                }
            )
    return persons, links
