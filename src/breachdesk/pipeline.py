"""The whole run: ingest, scan, link, assess, on whichever engine was asked for."""

from __future__ import annotations

from pathlib import Path

from breachdesk import pmi as pmi_mod
from breachdesk.assess.stage import run_assess
from breachdesk.case import Case, local_path
from breachdesk.engine import Engine
from breachdesk.ingest.stage import dump_units, run_ingest
from breachdesk.link.stage import run_link
from breachdesk.scan.stage import run_scan


def open_case(dump: Path, case_dir: Path, pmi: Path | None, mapping: str | None) -> Case:
    """Check every input before the case is touched, so bad input leaves nothing half-made."""
    dump, case_dir = local_path(dump), local_path(case_dir)
    dump_units(dump)
    table_mapping = pmi_mod.parse_mapping(mapping)
    if pmi is not None:
        pmi_mod.load(pmi, table_mapping)  # raises a one-line error before the case exists
    fresh = not (case_dir / "case.json").exists()
    case = Case.create(case_dir, dump)
    if pmi is not None:
        case.manifest["pmi"] = pmi_mod.keep_with_case(case.root, pmi, table_mapping)
        case.save()
    elif fresh:
        case.manifest["pmi"] = None
        case.save()
    return case


def run_all(engine: Engine, case: Case) -> dict[str, dict[str, int]]:
    counts = {"ingest": run_ingest(engine, case)}
    counts["scan"] = run_scan(engine, case)
    counts["link"] = run_link(engine, case)
    counts["assess"] = run_assess(engine, case)
    return counts
