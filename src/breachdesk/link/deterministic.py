"""Deterministic links, made before any model runs, as national linkage programmes do.

Strongest first, each only when it picks exactly one PMI patient:

- ``nhs_dob``: a valid NHS number and the date of birth both equal the PMI's;
- ``nhs_number``: a valid NHS number equal to the PMI's, and no date of birth to contradict it;
- ``name_dob``: folded family and given name and date of birth equal, and no NHS number on
  either side to contradict them.

Inside the dump, profiles written with the same hospital number and the same family name are
also one person (``hospital_number``), unless their dates of birth or NHS numbers disagree: a
LIMS worksheet's ``Hosp No, Surname, Forename, Test`` row names its patient no other way, and
the same number sits beside their NHS number in an HL7 message or a report.

A valid NHS number that matches the PMI while the date of birth disagrees is *not* linked here:
it goes to the model, which weighs the disagreement, and the person carries a conflict. Inside
the dump, profiles sharing a valid NHS number with no disagreeing date of birth are one person
(``nhs_dob`` / ``nhs_number`` edges between profiles), PMI or not.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from breachdesk.engine import Engine

RULES = ("nhs_dob", "nhs_number", "name_dob", "hospital_number")

_TO_PMI_SQL = """
WITH pmi_nhs AS (
  SELECT nhs, count(*) AS n, any_value(unique_id) AS uid, any_value(dob) AS dob
  FROM pmi WHERE nhs IS NOT NULL GROUP BY nhs
),
pmi_nd AS (
  SELECT fam, giv, dob, count(*) AS n, any_value(unique_id) AS uid, any_value(nhs) AS nhs
  FROM pmi WHERE fam IS NOT NULL AND giv IS NOT NULL AND dob IS NOT NULL
  GROUP BY fam, giv, dob
),
candidates AS (
  SELECT p.profile_key, m.uid,
         CASE WHEN p.dob IS NULL THEN 'nhs_number' ELSE 'nhs_dob' END AS rule, 1 AS strength
  FROM profiles p JOIN pmi_nhs m ON p.nhs = m.nhs
  WHERE m.n = 1 AND p.nhs_valid AND (p.dob IS NULL OR p.dob = m.dob)
  UNION ALL
  SELECT p.profile_key, m.uid, 'name_dob' AS rule, 2 AS strength
  FROM profiles p JOIN pmi_nd m ON p.fam = m.fam AND p.giv = m.giv AND p.dob = m.dob
  WHERE m.n = 1 AND (p.nhs IS NULL OR m.nhs IS NULL)
)
SELECT profile_key AS key_l, arg_min(uid, strength) AS key_r, arg_min(rule, strength) AS rule,
       1.0::DOUBLE AS match_probability
FROM candidates GROUP BY profile_key
"""

_WITHIN_DUMP_SQL = """
SELECT a.profile_key AS key_l, b.profile_key AS key_r,
       CASE WHEN a.dob = b.dob THEN 'nhs_dob' ELSE 'nhs_number' END AS rule,
       1.0::DOUBLE AS match_probability
FROM profiles a JOIN profiles b ON a.nhs = b.nhs AND a.profile_key < b.profile_key
WHERE a.nhs_valid AND (a.dob = b.dob OR a.dob IS NULL OR b.dob IS NULL)
"""


# A number written for several family names, or for more than ``_MAX_PER_NUMBER`` differently
# written people, is a placeholder, a sample's or another trust's, not one patient's; a short
# one, or one without a digit ("UNKNOWN"), is no hospital number.
_MAX_PER_NUMBER = 20
_HOSPITAL_SQL = f"""
WITH h AS (
  SELECT DISTINCT rp.profile_key, rp.fam, rp.dob, rp.nhs,
         upper(regexp_replace(r.hospital_number, '[^A-Za-z0-9]', '', 'g')) AS hosp
  FROM records r JOIN rp ON rp.record_id = r.record_id
  WHERE r.hospital_number IS NOT NULL AND rp.fam IS NOT NULL
),
ok AS (
  SELECT hosp FROM h
  WHERE length(hosp) >= 5 AND regexp_matches(hosp, '[0-9]')
  GROUP BY hosp
  HAVING count(DISTINCT fam) = 1 AND count(*) <= {_MAX_PER_NUMBER}
),
kept AS (SELECT h.* FROM h JOIN ok ON ok.hosp = h.hosp)
SELECT a.profile_key AS key_l, b.profile_key AS key_r, 'hospital_number' AS rule,
       1.0::DOUBLE AS match_probability
FROM kept a JOIN kept b ON a.hosp = b.hosp AND a.profile_key < b.profile_key
WHERE (a.dob IS NULL OR b.dob IS NULL OR a.dob = b.dob)
  AND (a.nhs IS NULL OR b.nhs IS NULL OR a.nhs = b.nhs)
"""


def to_pmi(engine: Engine, profiles: pa.Table, pmi: pa.Table) -> pa.Table:
    """One edge (``key_l`` profile, ``key_r`` PMI entity, rule) per deterministically linked
    profile."""
    return engine.query(_TO_PMI_SQL, {"profiles": profiles, "pmi": pmi})


def within_dump(engine: Engine, profiles: pa.Table) -> pa.Table:
    """Edges between profiles that share a valid NHS number and do not disagree on birth date."""
    return engine.query(_WITHIN_DUMP_SQL, {"profiles": profiles})


def by_hospital_number(engine: Engine, records: Path, record_profiles: Path) -> pa.Table:
    """Edges between profiles whose records give the same hospital number and family name and
    do not disagree on birth date or NHS number (``records``: the scan's person-records;
    ``record_profiles``: each record's profile)."""
    return engine.query(_HOSPITAL_SQL, {"records": records, "rp": record_profiles})
