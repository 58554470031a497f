"""``breachdesk review CASE``: the reviewer's side of the linkage.

The review display is the one output meant to show identifiers (a reviewer cannot judge a pair
without them); nothing here is logged.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from breachdesk.case import Case
from breachdesk.errors import UserError
from breachdesk.link import review as queue
from breachdesk.link.stage import THRESHOLDS, settings_path

_FIELDS = ("nhs_number", "family_name", "given_name", "date_of_birth", "postcode", "sex")
_CSV_HEADER = (
    "pair_id",
    "reason",
    "match_probability",
    "match_weight",
    "evidence",
    *[f"{name}_l" for name in queue.SIDE_FIELDS],
    *[f"{name}_r" for name in queue.SIDE_FIELDS],
    "decision",
)


def _side(row: dict[str, Any], side: str) -> str:
    """One side of a pair on one line: who it is, and where it comes from."""
    values = [str(row.get(f"{name}_{side}") or "-") for name in _FIELDS]
    patient = row.get(f"patient_id_{side}")
    origin = f"PMI {patient}" if patient else f"dump, {row.get(f'records_{side}') or 0} record(s)"
    return escape(f"{' '.join(values)}  [{origin}]")


def _list(console: Console, rows: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(_CSV_HEADER)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else row[c] for c in _CSV_HEADER])
        return
    table = Table(
        "pair",
        "p",
        "reason",
        "this side (NHS, family, given, DOB, postcode, sex)",
        "other side",
        "decision",
        title="link review queue",
    )
    for row in rows:
        table.add_row(
            str(row["pair_id"]),
            f"{float(row['match_probability'] or 0):.3f}",
            str(row["reason"]),
            _side(row, "l"),
            _side(row, "r"),
            str(row["decision"] or ""),
        )
    console.print(table)


def _show(console: Console, row: dict[str, Any]) -> None:
    """One pair, field by field, the evidence the model saw underneath."""
    table = Table(
        "field",
        "dump",
        "PMI" if row.get("patient_id_r") else "dump",
        title=f"pair {row['pair_id']}: p = {float(row['match_probability'] or 0):.4f} "
        f"({row['reason']})",
    )
    for name in queue.SIDE_FIELDS:
        left, right = row.get(f"{name}_l"), row.get(f"{name}_r")
        mark = "" if left == right else " *"
        table.add_row(name + mark, escape(str(left or "")), escape(str(right or "")))
    console.print(table)
    console.print(escape(f"evidence: {row['evidence'] or '-'}"))


def _interactive(console: Console, case: Case, pending: list[dict[str, Any]]) -> int:
    made = 0
    for row in pending:
        _show(console, row)
        answer = click.prompt(
            "same person? [s]ame / [d]ifferent / s[k]ip / [q]uit",
            type=click.Choice(["s", "d", "k", "q"]),
            show_choices=False,
        )
        if answer == "q":
            break
        if answer in ("s", "d"):
            queue.record_decision(
                case, str(row["pair_id"]), "same" if answer == "s" else "different"
            )
            made += 1
    return made


@click.command(name="review")
@click.argument("case_dir", metavar="CASE", type=click.Path(path_type=Path))
@click.option("--list", "list_only", is_flag=True, help="List the queue; decide nothing.")
@click.option("--all", "show_all", is_flag=True, help="Include pairs already decided.")
@click.option(
    "--ask",
    is_flag=True,
    help="Ask for each pending pair even when input is not a terminal (answers s/d/k/q).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv"]),
    default="table",
    show_default=True,
    help="How --list prints the queue.",
)
@click.option(
    "--decide",
    nargs=2,
    multiple=True,
    metavar="PAIR_ID same|different",
    help="Record a decision without prompting; repeat for several pairs.",
)
@click.option(
    "--thresholds",
    nargs=2,
    type=float,
    default=None,
    metavar="REVIEW LINK",
    help=f"Set the case's review and link thresholds (defaults {THRESHOLDS['review_threshold']} "
    f"and {THRESHOLDS['link_threshold']}) for the next link run.",
)
def review(
    case_dir: Path,
    list_only: bool,
    show_all: bool,
    ask: bool,
    fmt: str,
    decide: tuple[tuple[str, str], ...],
    thresholds: tuple[float, float] | None,
) -> None:
    """Review uncertain links: pairs of records (or a record and a PMI patient) the model was
    unsure of, and links refused because they would join two PMI patients.

    Reads CASE/tables/link_review (written by `breachdesk link`) and CASE/link/decisions.jsonl.
    Shows each pair's fields side by side; with a terminal, asks same / different for each
    pending pair; --decide records decisions without asking. Decisions are appended to
    CASE/link/decisions.jsonl, keyed on the records' content, and re-applied by every later
    `breachdesk link CASE` (also after a re-scan). --thresholds writes CASE/link/settings.json.
    """
    case = Case.open(case_dir)
    console = Console()
    if thresholds is not None:
        low, high = thresholds
        if not 0 < low <= high < 1:
            raise UserError(f"--thresholds {low} {high}: need 0 < REVIEW <= LINK < 1")
        path = settings_path(case)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps({"review_threshold": low, "link_threshold": high}, indent=2),
            encoding="utf-8",
        )
        click.echo(f"review: thresholds {low} / {high} saved; run `breachdesk link {case_dir}`")
    for pair, decision in decide:
        queue.record_decision(case, pair, decision)
        click.echo(f"review: {pair} recorded as {decision}")
    if decide or thresholds is not None:
        if decide:
            click.echo(f"review: run `breachdesk link {case_dir}` to apply")
        return
    rows = queue.read_queue(case)
    pending = [r for r in rows if r["decision"] is None]
    shown = rows if show_all else pending
    if list_only or fmt == "csv" or not (ask or sys.stdin.isatty()):
        _list(console, shown, fmt)
        return
    if not pending:
        click.echo("review: nothing pending")
        return
    made = _interactive(console, case, pending)
    click.echo(f"review: {made} decision(s) recorded; run `breachdesk link {case_dir}` to apply")
