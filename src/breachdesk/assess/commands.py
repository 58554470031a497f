"""``breachdesk assess``: re-run with edited rules, controller path rules or an ODS reference."""

from __future__ import annotations

from pathlib import Path

import click

from breachdesk.assess.stage import keep_config, run_assess
from breachdesk.case import Case
from breachdesk.engine.options import engine_for, engine_options

_path = click.Path(path_type=Path)


@click.command(name="assess")
@click.argument("case_dir", metavar="CASE", type=_path)
@click.option(
    "--rules",
    type=_path,
    default=None,
    help="Risk rules YAML (default: the case's copy, else the built-in rules).",
)
@click.option(
    "--controller-rules",
    type=_path,
    default=None,
    help="YAML mapping dump path patterns to controller ODS codes.",
)
@click.option(
    "--ods",
    type=_path,
    default=None,
    help="ODS reference CSV (epraccur style) naming the controllers.",
)
@engine_options
def assess_command(
    case_dir: Path,
    rules: Path | None,
    controller_rules: Path | None,
    ods: Path | None,
    engine: str,
    workers: int | None,
    spark_master: str | None,
) -> None:
    """Exposure, risk and controllers per person.

    Reads CASE's records, persons and files tables; writes register, controllers, person_files
    and organisations. Files given here are copied to CASE/config/ and used by later runs.
    """
    case = Case.open(case_dir)
    keep_config(case, rules=rules, controller_rules=controller_rules, ods=ods)
    counts = run_assess(engine_for(case, engine, workers, spark_master), case)
    click.echo("assess: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
