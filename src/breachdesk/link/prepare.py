"""Normalise records and PMI rows into the *profiles* the linker compares.

A profile is one distinct way a person is written: NHS number (digits), folded family and given
name, ISO date of birth, formatted postcode and sex. Records that write a person identically are
one profile, so linkage cost grows with the variety of the dump rather than its size (one
patient's 40 identical worklist rows are compared once), and a profile's key, a hash of that
content, is stable across re-scans: reviewers' decisions are keyed on it.

Folding is what makes ALL CAPS, accents, hyphens and apostrophes compare equal ("O'BRIEN" and
"O'Brien", "Zoë" and "Zoe"); the given name keeps its first word only, as a PMI holds it. Each
given name also carries the formal names it may be a nickname of, from the shipped table.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from breachdesk.engine import Engine

# A name folded to its ASCII letters. Accents go (strip_accents), and so, first, do the letters
# that decompose to no ASCII letter, which strip_accents keeps and the [a-z] filter would then
# drop: a dump writes "Yılmaz" as "YILMAZ" and "Łukasz" as "Lukasz", which folded to "ylmaz"
# and "ukasz" never met their PMI spelling.
_SPELT_OUT = "replace(replace(replace(lower(coalesce({x}, '')), 'ß', 'ss'), 'æ', 'ae'), 'œ', 'oe')"
FOLD = (
    "nullif(regexp_replace(strip_accents(translate("
    + _SPELT_OUT
    + ", 'ıłøđðħ', 'iloddh')), '[^a-z]', '', 'g'), '')"
)
_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


def nicknames() -> pa.Table:
    """``formal, nickname`` (lower case) from ``data/nicknames.csv``."""
    path = resources.files("breachdesk") / "data" / "nicknames.csv"
    with path.open("rb") as handle:
        return pacsv.read_csv(handle)


def nhs_valid_sql(col: str) -> str:
    """SQL true when ``col`` is ten digits passing Modulus 11 and not one digit repeated.

    Weights 10..2 on the first nine digits plus the check digit itself sum to 0 mod 11 exactly
    when the check digit is right (a check digit of 10 can never be written, so fails too).
    """
    terms = " + ".join(
        f"{w} * CAST(substr({col}, {i + 1}, 1) AS INTEGER)" for i, w in enumerate(_WEIGHTS)
    )
    return (
        f"(coalesce(regexp_full_match({col}, '[0-9]{{10}}'), false) AND "
        f"{col} <> repeat(left({col}, 1), 10) AND "
        f"({terms} + CAST(substr({col}, 10, 1) AS INTEGER)) % 11 = 0)"
    )


def _normalised(source: str, id_col: str) -> str:
    """The normalised columns of ``source`` (records or pmi), one row per input row."""
    return f"""
SELECT {id_col} AS source_id,
       nullif(regexp_replace(coalesce(nhs_number, ''), '[^0-9]', '', 'g'), '') AS nhs,
       {FOLD.format(x="family_name")} AS fam,
       {FOLD.format(x="split_part(trim(given_name), ' ', 1)")} AS giv,
       CASE WHEN regexp_full_match(date_of_birth, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}')
            AND try_cast(date_of_birth AS DATE) IS NOT NULL THEN date_of_birth END AS dob,
       nullif(regexp_replace(upper(coalesce(postcode, '')), '[^A-Z0-9]', '', 'g'), '') AS pc,
       CASE upper(left(trim(coalesce(sex, '')), 1)) WHEN 'M' THEN 'M' WHEN 'F' THEN 'F' END
         AS sex
FROM {source}
"""


def _enriched(normalised: str) -> str:
    """Add the derived columns comparisons and blocking use to a normalised relation."""
    return f"""
WITH n AS ({normalised}),
nick AS (
  SELECT lower(nickname) AS name, list(DISTINCT lower(formal) ORDER BY lower(formal)) AS formals
  FROM nicknames GROUP BY 1
)
SELECT n.source_id, n.nhs, n.fam, n.giv, n.dob,
       CASE WHEN length(n.pc) BETWEEN 5 AND 7
            THEN left(n.pc, length(n.pc) - 3) || ' ' || right(n.pc, 3) END AS postcode,
       n.sex,
       {nhs_valid_sql("n.nhs")} AS nhs_valid,
       CASE WHEN n.giv IS NOT NULL
            THEN list_distinct(list_concat([n.giv], coalesce(nick.formals, [])))
       END AS giv_forms,
       CASE WHEN CAST(substr(n.dob, 9, 2) AS INTEGER) <= 12
                 AND substr(n.dob, 9, 2) <> substr(n.dob, 6, 2)
            THEN substr(n.dob, 1, 5) || substr(n.dob, 9, 2) || '-' || substr(n.dob, 6, 2)
       END AS dob_swap,
       substr(n.dob, 1, 4) AS yob
FROM n LEFT JOIN nick ON nick.name = n.giv
"""


# The content a profile is keyed on: change it and every stored review decision is orphaned.
_KEY = "'r' || left(md5(concat_ws('|', nhs, fam, giv, dob, postcode, sex)), 20)"
PROFILE_FIELDS = ("nhs", "fam", "giv", "dob", "postcode", "sex")


RECORD_PROFILES_SCHEMA = pa.schema(
    [
        ("record_id", pa.string()),
        ("profile_key", pa.string()),
        ("nhs", pa.string()),
        ("fam", pa.string()),
        ("giv", pa.string()),
        ("dob", pa.string()),
        ("postcode", pa.string()),
        ("sex", pa.string()),
        ("nhs_valid", pa.bool_()),
        ("giv_forms", pa.list_(pa.string())),
        ("dob_swap", pa.string()),
        ("yob", pa.string()),
    ]
)


def record_profiles(engine: Engine, records: Path, dest: Path) -> int:
    """``record_id -> profile_key`` plus every profile's fields, one row per record, written to
    ``dest`` (it grows with the dump: on Spark it stays with the executors); returns rows."""
    sql = f"""
SELECT source_id AS record_id, {_KEY} AS profile_key, *  EXCLUDE (source_id)
FROM ({_enriched(_normalised("records", "record_id"))})
"""
    tables: dict[str, Path | pa.Table] = {"records": records, "nicknames": nicknames()}
    return engine.write_query(sql, tables, dest, schema=RECORD_PROFILES_SCHEMA)


def pmi_entities(engine: Engine, pmi: Path) -> pa.Table:
    """The PMI as linkage entities, keyed ``pmi:<patient_id>``."""
    sql = f"""
SELECT 'pmi:' || source_id AS unique_id, source_id AS patient_id, * EXCLUDE (source_id)
FROM ({_enriched(_normalised("pmi", "patient_id"))})
"""
    return engine.query(sql, {"pmi": pmi, "nicknames": nicknames()})


# A value shared by this many differently-written people is a placeholder ("unknown" written
# as 1900-01-01, a dummy NHS number), not evidence; left in, it would also make blocking on it
# quadratic. NHS numbers: more than MAX_PROFILES_PER_NHS profiles. Birth dates: more than
# PLACEHOLDER_DOB_FACTOR times the average per date (and at least MIN_PLACEHOLDER_DOB).
MAX_PROFILES_PER_NHS = 50
PLACEHOLDER_DOB_FACTOR = 20
MIN_PLACEHOLDER_DOB = 200

_PLACEHOLDER_SQL = f"""
WITH nhs_n AS (SELECT nhs, count(*) AS n FROM t WHERE nhs IS NOT NULL GROUP BY nhs),
dob_n AS (SELECT dob, count(*) AS n FROM t WHERE dob IS NOT NULL GROUP BY dob),
cut AS (SELECT greatest({MIN_PLACEHOLDER_DOB}, {PLACEHOLDER_DOB_FACTOR} * avg(n)) AS n FROM dob_n),
bad_nhs AS (SELECT nhs FROM nhs_n WHERE n > {MAX_PROFILES_PER_NHS}),
bad_dob AS (SELECT dob FROM dob_n WHERE n > (SELECT n FROM cut))
SELECT {{columns}},
  (SELECT count(*) FROM bad_nhs) AS placeholder_nhs,
  (SELECT count(*) FROM bad_dob) AS placeholder_dob
FROM t
"""
# Columns replaced in place; spelled out (not DuckDB's ``* REPLACE``) so Spark runs it too.
_PLACEHOLDER_COLUMNS = {
    "nhs": "CASE WHEN t.nhs IN (SELECT nhs FROM bad_nhs) THEN NULL ELSE t.nhs END",
    "nhs_valid": "CASE WHEN t.nhs IN (SELECT nhs FROM bad_nhs) THEN false ELSE t.nhs_valid END",
    "dob": "CASE WHEN t.dob IN (SELECT dob FROM bad_dob) THEN NULL ELSE t.dob END",
    "dob_swap": "CASE WHEN t.dob IN (SELECT dob FROM bad_dob) THEN NULL ELSE t.dob_swap END",
    "yob": "CASE WHEN t.dob IN (SELECT dob FROM bad_dob) THEN NULL ELSE t.yob END",
}


def drop_placeholders(engine: Engine, table: pa.Table) -> tuple[pa.Table, dict[str, int]]:
    """``table`` (profiles or PMI entities) with placeholder NHS numbers and birth dates
    nulled, and how many distinct values were dropped."""
    columns = ", ".join(
        f"{_PLACEHOLDER_COLUMNS[c]} AS {c}" if c in _PLACEHOLDER_COLUMNS else f"t.{c}"
        for c in table.column_names
    )
    out = engine.query(_PLACEHOLDER_SQL.format(columns=columns), {"t": table})
    counts = {
        "placeholder_nhs_numbers": int(out["placeholder_nhs"][0].as_py()) if out.num_rows else 0,
        "placeholder_birth_dates": int(out["placeholder_dob"][0].as_py()) if out.num_rows else 0,
    }
    return out.drop_columns(["placeholder_nhs", "placeholder_dob"]), counts
