"""E-mail locators say where in the message a record is, the way the generator's truth (and a
person reading the message) counts its parts: so an attachment's rows line up with the truth."""

from __future__ import annotations

import csv
from pathlib import Path

from breachdesk.ingest.limits import Limits
from breachdesk.ingest.walk import Entry
from breachdesk.scan.stage import _scan_file
from breachdesk.synth import generate


def test_email_records_have_the_truths_locators(tmp_path: Path) -> None:
    generate(tmp_path, patients=1500, seed=4)
    with (tmp_path / "truth" / "records.csv").open(encoding="utf-8", newline="") as handle:
        truth = {(r["path"], r["locator"]) for r in csv.DictReader(handle)}
    truth = {(p, loc) for p, loc in truth if p.endswith(".eml")}
    ours: dict[str, list[str]] = {}
    for path in sorted({p for p, _ in truth}):
        data = (tmp_path / "dump" / path).read_bytes()
        entry = Entry(path=path, parent=None, depth=0, size=len(data), type="eml", data=data)
        for records, _ in _scan_file(entry, 1, Limits()):
            ours.setdefault(path, []).extend(records.column("locator").to_pylist())
    rows = {(p, loc) for p, loc in truth if "!row:" in loc}
    assert len(rows) >= 20 and len(truth) - len(rows) >= 20  # attachments' rows and bodies
    # an attachment's row is one record with the truth's locator ("part:2!row:3")
    assert {(p, loc) for p, loc in rows if loc in ours.get(p, [])} == rows
    # a body or an attached PDF page is read paragraph by paragraph, each inside that part
    parts = truth - rows
    assert {
        (p, loc) for p, loc in parts if any(o.startswith(loc + "!") for o in ours.get(p, []))
    } == parts
