"""An optional ODS reference file (NHS Digital's epraccur/etr style CSV) naming controllers.

epraccur files have no header: code, name, national grouping, health geography, four address
lines, then the postcode. A CSV with a header (code, name, address..., postcode) also works.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow as pa

from breachdesk.errors import UserError

SCHEMA = pa.schema(
    [
        ("code", pa.string()),
        ("name", pa.string()),
        ("address", pa.string()),
        ("postcode", pa.string()),
    ]
)


def _from_header(rows: list[list[str]]) -> list[dict[str, str]]:
    header = [h.strip().lower().replace(" ", "_") for h in rows[0]]
    idx = {h: i for i, h in enumerate(header)}
    code_col = next((idx[k] for k in ("code", "ods_code", "organisation_code") if k in idx), None)
    if code_col is None:
        raise UserError(
            "ODS reference: no 'code' column; give an epraccur file or a CSV with code,name"
        )
    name_col = next((idx[k] for k in ("name", "organisation_name") if k in idx), None)
    post_col = idx.get("postcode")
    address_cols = [i for h, i in idx.items() if h.startswith("address")]
    out = []
    for row in rows[1:]:

        def cell(i: int | None, row: list[str] = row) -> str:
            return row[i].strip() if i is not None and i < len(row) else ""

        out.append(
            {
                "code": cell(code_col).upper(),
                "name": cell(name_col),
                "address": ", ".join(filter(None, (cell(i) for i in address_cols))),
                "postcode": cell(post_col),
            }
        )
    return out


def load(path: Path) -> pa.Table:
    try:
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as exc:
        raise UserError(f"{path}: cannot read the ODS reference file ({exc.strerror})") from exc
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if not rows:
        raise UserError(f"{path}: the ODS reference file is empty")
    first = [c.strip().lower() for c in rows[0]]
    if "code" in first or "ods_code" in first or "organisation_code" in first:
        orgs = _from_header(rows)
    else:
        # epraccur: 0 code, 1 name, 4-7 address lines, 9 postcode
        orgs = [
            {
                "code": r[0].strip().upper(),
                "name": r[1].strip() if len(r) > 1 else "",
                "address": ", ".join(c.strip() for c in r[4:8] if c.strip()),
                "postcode": r[9].strip() if len(r) > 9 else "",
            }
            for r in rows
        ]
    return pa.Table.from_pylist([o for o in orgs if o["code"]], schema=SCHEMA)
