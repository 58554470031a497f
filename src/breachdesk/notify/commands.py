"""``breachdesk notify``: the packs controllers receive."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from breachdesk.case import Case
from breachdesk.engine import make_engine
from breachdesk.errors import UserError
from breachdesk.notify.packs import run_notify
from breachdesk.notify.settings import load_settings

_path = click.Path(path_type=Path)


@click.command(name="notify")
@click.argument("case_dir", metavar="CASE", type=_path)
@click.option(
    "--out",
    type=_path,
    required=True,
    help="Folder for the packs (replaced if a previous notify made it).",
)
@click.option(
    "--settings",
    "settings_path",
    type=_path,
    default=None,
    help="Incident settings YAML (processor, helpline, child age); see data/notify_settings.yaml.",
)
@click.option(
    "--templates",
    type=_path,
    default=None,
    help="Folder with your own patient_letter.txt.j2 / cover_letter.txt.j2.",
)
@click.option(
    "--date", "letter_date", default=None, help="Date on the letters, YYYY-MM-DD (default today)."
)
@click.option("--workers", type=int, default=None)
def notify_command(
    case_dir: Path,
    out: Path,
    settings_path: Path | None,
    templates: Path | None,
    letter_date: str | None,
    workers: int | None,
) -> None:
    """Write one pack per controller: OUT/<ODS code>/ with people.csv, people.xlsx,
    cover_letter.pdf and letters/<person>.pdf; OUT/unmapped.csv lists people with no controller;
    OUT/manifest.csv has counts and SHA-256 of every file. Reads the case's register."""
    try:
        day = dt.date.fromisoformat(letter_date) if letter_date else None
    except ValueError as exc:
        raise UserError(f"--date {letter_date}: not a date; write it as YYYY-MM-DD") from exc
    counts = run_notify(
        make_engine("local", workers),
        Case.open(case_dir),
        out,
        load_settings(settings_path),
        templates,
        day,
    )
    click.echo("notify: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + f" -> {out}")


@click.command(name="track")
@click.argument("case_dir", metavar="CASE", type=_path)
@click.option(
    "--import",
    "source",
    type=_path,
    required=True,
    help="CSV with person_id,status[,reason][,date]; status is pending, sent, "
    "returned or not_required (which needs a reason).",
)
def track_command(case_dir: Path, source: Path) -> None:
    """Record notification status per person (shown in the report and the packs).

    Reads the CSV and the case's register; writes CASE/tables/notification_status.
    """
    from breachdesk.tracking import import_statuses

    counts = import_statuses(Case.open(case_dir), source)
    click.echo("track: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
