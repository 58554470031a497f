"""``breachdesk report``: report.html and report.pdf for the DPO and the ICO."""

from __future__ import annotations

import json
from pathlib import Path

import click

from breachdesk.case import Case
from breachdesk.engine import make_engine
from breachdesk.errors import UserError
from breachdesk.report import facts as facts_mod
from breachdesk.report import render

_path = click.Path(path_type=Path)


@click.command(name="report")
@click.argument("case_dir", metavar="CASE", type=_path)
@click.option("--out", type=_path, required=True, help="Folder for report.html and report.pdf.")
def report_command(case_dir: Path, out: Path) -> None:
    """Write OUT/report.html (charts inline, opens offline), OUT/report.pdf and OUT/facts.json
    from the case's files, register, controllers and notification status."""
    if out.exists() and not out.is_dir():
        raise UserError(f"{out}: is a file; give a folder for the report")
    out.mkdir(parents=True, exist_ok=True)
    facts = facts_mod.collect(make_engine("local", 1), Case.open(case_dir))
    render.html(facts, out)
    render.pdf(facts, out)
    (out / "facts.json").write_text(
        json.dumps(render.facts_dict(facts), indent=2, default=str), encoding="utf-8"
    )
    click.echo(
        f"report: {facts.totals['people']} people, {len(facts.controllers)} controllers "
        f"-> {out / 'report.html'}, {out / 'report.pdf'}"
    )
