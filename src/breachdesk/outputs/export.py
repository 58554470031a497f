"""The register export: one row per person found, exactly the columns of the public interface."""

from __future__ import annotations

import csv
from pathlib import Path

from breachdesk.case import Case
from breachdesk.errors import UserError

REGISTER_COLUMNS = (
    "person_id",
    "pmi_patient_id",
    "match_probability",
    "nhs_number",
    "family_name",
    "given_name",
    "date_of_birth",
    "postcode",
    "exposed",
    "sensitive",
    "risk",
    "controllers",
    "files",
    "evidence",
)


def export_register(case: Case, out: Path) -> int:
    case.require("assess")
    table = case.read_table("register").select(list(REGISTER_COLUMNS))
    if out.exists() and out.is_dir():
        raise UserError(f"{out}: is a directory; give a file name such as register.csv")
    if not out.parent.exists():
        raise UserError(f"{out.parent}: no such directory; create it or choose another path")
    tmp = out.with_name(f".{out.name}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REGISTER_COLUMNS)
        for row in table.to_pylist():
            prob = row["match_probability"]
            row["match_probability"] = "" if prob is None else f"{prob:.4f}"
            writer.writerow(["" if row[c] is None else row[c] for c in REGISTER_COLUMNS])
    tmp.replace(out)
    return table.num_rows
