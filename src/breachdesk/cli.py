"""The breachdesk command line. Every command says what it reads and what it writes."""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
import pyarrow as pa
import pyarrow.compute as pc
from rich.console import Console
from rich.table import Table as RichTable

from breachdesk import __version__
from breachdesk.case import Case, local_path
from breachdesk.engine.options import engine_for, engine_options
from breachdesk.errors import UserError

_path = click.Path(path_type=Path)
F = TypeVar("F", bound=Callable[..., Any])
_console = Console()


def _workers(value: int | None) -> int | None:
    if value is not None and value < 1:
        raise UserError("--workers: must be 1 or more")
    return value


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="breachdesk")
def cli() -> None:
    """breachdesk: find whose data is in a leaked pathology dump, and who must tell them.

    A case directory holds one incident: every stage writes its tables there as Parquet.
    """


@cli.command()
@click.option(
    "--out",
    type=_path,
    default=Path("breachdesk-demo"),
    show_default=True,
    help="Folder for the synthetic incident, the case and the register.",
)
@click.option("--patients", type=int, default=5000, show_default=True, help="PMI size.")
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--workers", type=int, default=None, help="Processes (default: all cores).")
def demo(out: Path, patients: int, seed: int, workers: int | None) -> None:
    """Make a synthetic incident and run the whole pipeline on it.

    Writes OUT/pmi.csv, OUT/dump/, OUT/truth/, OUT/case/ and OUT/register.csv, then prints a
    summary and the evaluation against the ground truth.
    """
    from breachdesk.demo import run_demo

    run_demo(out, patients, seed, _workers(workers), _console)


@cli.command()
@click.option("--out", type=_path, required=True, help="Empty folder to write the incident to.")
@click.option("--patients", type=int, default=5000, show_default=True, help="PMI size.")
@click.option("--seed", type=int, default=7, show_default=True)
@click.option(
    "--variant",
    default="standard",
    show_default=True,
    help="How the files are written: 'standard', or 'other_lab' (another lab's headers, date "
    "formats, log and letter wording, JSON and XML exports, a database as one CSV per table: a "
    "layout the detectors were not tuned on).",
)
def synth(out: Path, patients: int, seed: int, variant: str) -> None:
    """Write a seeded synthetic incident with known truth.

    Writes OUT/pmi.csv, OUT/dump/ (the leaked files), OUT/truth/ (ground truth) and
    OUT/backlog.csv (an unprocessed sample backlog). Same seed and variant, same bytes.
    """
    from breachdesk.synth import generate

    summary = generate(out, patients=patients, seed=seed, variant=variant)
    click.echo(
        f"synth: {summary.files} files, {summary.dump_bytes / 1e6:.1f} MB, "
        f"{summary.exposed} exposed PMI patients, {summary.not_in_pmi} people not in the PMI, "
        f"in {summary.seconds:.1f}s -> {out}"
    )


def _pmi_options(fn: F) -> F:
    fn = click.option(
        "--pmi-columns",
        default=None,
        help="Map PMI headers: 'nhs_number=NHS No,family_name=Surname,...'.",
    )(fn)
    fn = click.option(
        "--pmi",
        type=_path,
        default=None,
        help="The lab's patient index (CSV or Parquet); kept with the case.",
    )(fn)
    return fn


@cli.command()
@click.argument("dump", type=_path)
@click.option("--case", "case_dir", type=_path, required=True, help="Case directory.")
@_pmi_options
@engine_options
@click.option(
    "--limits",
    "limits_file",
    type=_path,
    default=None,
    help="YAML of ingest limits (bombs, sizes, time, memory; see README); kept with the case.",
)
def run(
    dump: Path,
    case_dir: Path,
    pmi: Path | None,
    pmi_columns: str | None,
    engine: str,
    workers: int | None,
    spark_master: str | None,
    limits_file: Path | None,
) -> None:
    """Run ingest, scan, link and assess on DUMP, writing tables under CASE/tables/."""
    from breachdesk.ingest.stage import keep_limits, load_limits
    from breachdesk.pipeline import open_case, run_all

    limits = load_limits(limits_file) if limits_file else None
    case = open_case(dump, case_dir, pmi, pmi_columns)
    if limits:
        keep_limits(case, limits)
    counts = run_all(engine_for(case, engine, workers, spark_master), case)
    a = counts["assess"]
    click.echo(
        f"run: {counts['ingest']['files']} files, {counts['scan']['records']} person-records, "
        f"{a['persons']} people ({counts['link']['matched']} matched to the PMI); risk high "
        f"{a['high']}, medium {a['medium']}, low {a['low']} -> {case_dir}"
    )


@cli.command()
@click.argument("dump", type=_path)
@click.option("--case", "case_dir", type=_path, required=True, help="Case directory.")
@_pmi_options
@engine_options
@click.option(
    "--limits",
    "limits_file",
    type=_path,
    default=None,
    help="YAML of ingest limits (bombs, sizes, time, memory; see README); kept with the case.",
)
def ingest(
    dump: Path,
    case_dir: Path,
    pmi: Path | None,
    pmi_columns: str | None,
    engine: str,
    workers: int | None,
    spark_master: str | None,
    limits_file: Path | None,
) -> None:
    """Walk DUMP and give every file and archive member a type and a status (CASE/tables/files)."""
    from breachdesk.ingest.stage import keep_limits, load_limits, run_ingest
    from breachdesk.pipeline import open_case

    limits = load_limits(limits_file) if limits_file else None
    case = open_case(dump, case_dir, pmi, pmi_columns)
    if limits:
        keep_limits(case, limits)
    counts = run_ingest(engine_for(case, engine, workers, spark_master), case)
    click.echo("ingest: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


def _stage_command(name: str, doc: str) -> click.Command:
    @click.argument("case_dir", metavar="CASE", type=_path)
    @engine_options
    def command(case_dir: Path, engine: str, workers: int | None, spark_master: str | None) -> None:
        from breachdesk.link.stage import run_link
        from breachdesk.scan.stage import run_scan

        stage = {"scan": run_scan, "link": run_link}[name]
        case = Case.open(case_dir)
        counts = stage(engine_for(case, engine, workers, spark_master), case)
        click.echo(f"{name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))

    command.__doc__ = doc
    return cli.command(name=name)(command)


_stage_command("scan", "Read every ok file and detect people and health facts (records, mentions).")
_stage_command(
    "link",
    "Group records into people and match them to the PMI with Splink (persons, record_links, "
    "link_review, link_conflicts; model and report in CASE/link/; see `breachdesk review`).",
)


@cli.command()
@click.argument("case_dir", metavar="CASE", type=_path)
@click.option("--status", default=None, help="Only files with this status (e.g. unreadable).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True
)
def files(case_dir: Path, status: str | None, fmt: str) -> None:
    """List the dump's files with type, size, status and reason (from ingest and scan).

    CSV header: path,type,size,status,reason
    """
    from breachdesk.outputs.files import file_statuses

    table = file_statuses(Case.open(case_dir))
    if status:
        table = table.filter(pc.equal(table["status"], status))
    rows = table.to_pylist()
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(["path", "type", "size", "status", "reason"])
        for r in rows:
            writer.writerow([r["path"], r["type"], r["size"], r["status"], r["reason"] or ""])
        return
    out = RichTable("path", "type", "size", "status", "reason")
    for r in rows:
        out.add_row(r["path"], r["type"], str(r["size"]), r["status"], r["reason"] or "")
    _console.print(out)


@cli.command()
@click.argument("case_dir", metavar="CASE", type=_path)
@click.option("--register", "register", type=_path, required=True, help="CSV to write.")
def export(case_dir: Path, register: Path) -> None:
    """Write the register of affected people (one row per person) as CSV."""
    from breachdesk.outputs.export import export_register

    n = export_register(Case.open(case_dir), register)
    click.echo(f"export: {n} people -> {register}")


@cli.command(name="eval")
@click.argument("case_dir", metavar="CASE", type=_path)
@click.option("--truth", type=_path, required=True, help="The truth/ folder synth wrote.")
@click.option(
    "--json",
    "json_out",
    type=_path,
    default=None,
    help="Also write the figures here (always written to CASE/eval.json).",
)
def eval_(case_dir: Path, truth: Path, json_out: Path | None) -> None:
    """Score the case against ground truth: recall, precision, F1; printed and as JSON."""
    import json

    from breachdesk.outputs.evaluate import evaluate

    result = evaluate(Case.open(case_dir), truth)
    print_eval(result)
    if json_out:
        json_out.write_text(json.dumps(result, indent=2), encoding="utf-8")


def print_eval(result: dict[str, object]) -> None:
    from breachdesk.outputs.evaluate import rows_for_display

    out = RichTable("measure", "value", "counts", title="evaluation against ground truth")
    for measure, value, counts, _ in rows_for_display(result):
        out.add_row(measure, value, counts)
    _console.print(out)


# Commands defined beside the code they drive; one registration line each.
from breachdesk.link.commands import review  # noqa: E402

cli.add_command(review)
from breachdesk.helpline.commands import audit_group, serve_command, users_group  # noqa: E402

cli.add_command(serve_command)
cli.add_command(users_group)
cli.add_command(audit_group)
from breachdesk.samples.commands import samples as samples_group  # noqa: E402

cli.add_command(samples_group)
from breachdesk.assess.commands import assess_command  # noqa: E402
from breachdesk.notify.commands import notify_command, track_command  # noqa: E402
from breachdesk.report.commands import report_command  # noqa: E402

cli.add_command(assess_command)
cli.add_command(notify_command)
cli.add_command(track_command)
cli.add_command(report_command)


class _LocalPath(click.ParamType):
    """A path that may also be given as a file:// URL (what Spark and Hadoop tools print)."""

    name = "path"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        return local_path(value)


def _accept_file_urls(group: click.Group) -> None:
    """Every command's CASE and DUMP take file:// URLs: set once here, so no command forgets."""
    for command in group.commands.values():
        if isinstance(command, click.Group):
            _accept_file_urls(command)
        for param in command.params:
            if param.name in ("case_dir", "dump"):
                param.type = _LocalPath()


_accept_file_urls(cli)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except UserError as exc:
        click.echo(f"breachdesk: error: {exc}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("breachdesk: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (pa.ArrowException, OSError) as exc:
        if os.environ.get("BREACHDESK_DEBUG"):
            raise
        first = str(exc).splitlines()[0] if str(exc) else ""
        hint = "(set BREACHDESK_DEBUG=1 for details)"
        click.echo(f"breachdesk: error: {type(exc).__name__}: {first} {hint}", err=True)
        sys.exit(1)
