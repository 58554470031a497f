"""The lab's patient master index (PMI): loaded once, checked, mapped, and kept with the case."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from breachdesk.errors import UserError

COLUMNS = (
    "patient_id",
    "nhs_number",
    "family_name",
    "given_name",
    "date_of_birth",
    "sex",
    "postcode",
    "address_line",
    "phone",
    "email",
    "gp_practice_code",
)
REQUIRED = ("patient_id", "nhs_number", "family_name", "given_name", "date_of_birth")
_MAPPING_HINT = "map your headers with --pmi-columns 'nhs_number=NHS No,family_name=Surname,...'"


def parse_mapping(text: str | None) -> dict[str, str]:
    """``ours=theirs,ours=theirs`` from the --pmi-columns option."""
    if not text:
        return {}
    mapping: dict[str, str] = {}
    for pair in text.split(","):
        ours, sep, theirs = pair.partition("=")
        ours = ours.strip()
        if not sep or ours not in COLUMNS or not theirs.strip():
            raise UserError(
                f"--pmi-columns: {pair.strip()!r} is not COLUMN=HEADER with COLUMN one of "
                f"{', '.join(COLUMNS)}"
            )
        mapping[ours] = theirs.strip()
    return mapping


def _read(path: Path) -> pa.Table:
    if not path.exists():
        raise UserError(f"{path}: no such PMI file; give the lab's patient index as CSV or Parquet")
    try:
        if path.suffix.lower() == ".parquet":
            table = pq.read_table(path)
            return table.cast(pa.schema([(n, pa.string()) for n in table.column_names]))
        data = path.read_bytes()
        try:
            data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"  # a PMI exported from Excel on Windows
        options = pacsv.ReadOptions(encoding=encoding)
        names = pacsv.open_csv(pa.BufferReader(data), read_options=options).schema.names
        # Every column as text: NHS numbers and codes must keep their leading zeros.
        return pacsv.read_csv(
            pa.BufferReader(data),
            read_options=options,
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}),
        )
    except (pa.ArrowInvalid, OSError) as exc:
        reason = str(exc).splitlines()[0]
        raise UserError(
            f"{path}: cannot be read as a PMI table ({reason}); export it as CSV"
        ) from exc


def load(path: Path, mapping: dict[str, str] | None = None) -> pa.Table:
    """The PMI with exactly ``COLUMNS`` as strings; a one-line UserError when it cannot be used."""
    table = _read(path)
    mapping = mapping or {}
    present = set(table.column_names)
    for theirs in mapping.values():
        if theirs not in present:
            raise UserError(f"{path}: --pmi-columns names {theirs!r}, which is not a column here")
    source = {col: mapping.get(col, col) for col in COLUMNS}
    missing = [col for col in REQUIRED if source[col] not in present]
    if missing:
        raise UserError(
            f"{path}: PMI lacks column(s) {', '.join(missing)} (it has: "
            f"{', '.join(table.column_names[:12])}); {_MAPPING_HINT}"
        )
    n = table.num_rows
    columns = {}
    for col in COLUMNS:
        values = table[source[col]] if source[col] in present else pa.nulls(n, pa.string())
        columns[col] = pc.utf8_trim_whitespace(pc.cast(values, pa.string()))
    columns["nhs_number"] = pc.replace_substring_regex(columns["nhs_number"], r"[^0-9]", "")
    out = pa.table(columns)
    ids = out["patient_id"]
    if pc.count_distinct(ids).as_py() != n or ids.null_count:
        raise UserError(f"{path}: patient_id must be present and unique on every row")
    dob = out["date_of_birth"]
    bad = pc.invert(pc.fill_null(pc.match_substring_regex(dob, r"^\d{4}-\d{2}-\d{2}$"), False))
    n_bad = pc.sum(pc.cast(bad, pa.int64())).as_py() or 0
    if n_bad:
        first = pc.index(bad, True).as_py() + 2  # 1-based, after the header line
        print(
            f"{path}: {n_bad} row(s) have a date_of_birth that is not YYYY-MM-DD (first at line "
            f"{first}); they can match on NHS number only",
            file=sys.stderr,
        )
        out = out.set_column(
            COLUMNS.index("date_of_birth"),
            "date_of_birth",
            pc.if_else(bad, pa.scalar(None, pa.string()), dob),
        )
    return out


def keep_with_case(
    case_root: Path, path: Path, mapping: dict[str, str] | None
) -> dict[str, object]:
    table = load(path, mapping)
    pq.write_table(table, case_root / "pmi.parquet", compression="zstd")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return {
        "path": str(path.resolve()),
        "sha256": digest,
        "rows": table.num_rows,
        "mapping": mapping or {},
    }
