"""``breachdesk samples``: recover the unprocessed sample backlog."""

from __future__ import annotations

from pathlib import Path

import click

_path = click.Path(path_type=Path)


@click.group()
def samples() -> None:
    """Recover: triage the unprocessed sample backlog and recall patients for repeat tests."""


@samples.command()
@click.argument("backlog", type=_path)
@click.option(
    "--now",
    required=True,
    help="The time to triage for, ISO 8601 (e.g. 2024-06-10T08:00): what has expired by then.",
)
@click.option("--out", type=_path, required=True, help="Folder to write the triage into.")
@click.option(
    "--capacity",
    type=_path,
    default=None,
    help="YAML: lanes (discipline or analyser) with per_hour or per_day, optional hours, "
    "disciplines and tests (example: breachdesk/data/capacity_example.yaml). Default: one "
    "lane, 400 samples a day around the clock.",
)
@click.option(
    "--slots",
    type=_path,
    default=None,
    help="CSV of phlebotomy slots: clinic,day,capacity[,postcode_districts] to book recalls into.",
)
@click.option(
    "--pmi",
    type=_path,
    default=None,
    help="The lab's patient index (CSV or Parquet): postcode and address by NHS number.",
)
@click.option(
    "--stability",
    type=_path,
    default=None,
    help="Local stability figures (test,container,condition,max_hours,source,note) replacing "
    "the shipped rows for the same test, container and condition.",
)
def triage(
    backlog: Path,
    now: str,
    out: Path,
    capacity: Path | None,
    slots: Path | None,
    pmi: Path | None,
    stability: Path | None,
) -> None:
    """Triage BACKLOG.csv: what can still be tested, in which order, and who must be recalled.

    BACKLOG columns: sample_id, nhs_number, family_name, given_name, date_of_birth,
    requester_code, collected_at, received_at, container, tests (codes or names, ';'),
    storage (';'-separated condition@ISO-datetime; conditions ambient, fridge, frozen),
    priority (routine | urgent | critical), and optionally postcode. Times are
    ISO 8601; with Z or an offset they are converted to UTC, otherwise taken as
    written. A row that cannot be triaged is rejected, never dropped.

    \b
    Stability model (data/stability.csv, with its sources; override with --stability):
    - each test x container x condition has a limit L hours from collection;
    - every hour in a condition uses up 1/L of a test's life; it expires when
      the total reaches 1 (12 h ambient of 24 h, then fridge of 168 h: 84 h left);
    - L = 0 means not allowed: entering that condition ends the test at once
      (refrigerated unseparated potassium, a frozen EDTA FBC);
    - the tube is ambient until its first storage change and stays in its
      last condition; a catalogue test without a row for its own container
      uses that container's conservative default (said in the reason).

    \b
    Writes, under OUT:
      triage.csv    sample_id,status,viable_until,tests_viable,tests_expired,reason
                    status: process (all tests viable), partial, discard
      plan.csv      order,lane,run_at,sample_id,priority,tests,viable_until,outcome
                    (outcome run | no_capacity | no_lane); the most samples saved,
                    critical first, then urgent, then routine, per lane
      rejected.csv  row,sample_id,reason (row: 1-based data row after the header)
      recall/<requester>.csv and .pdf   patients to recall (discard, partial,
                    or beyond capacity), letter and SMS text; replaced each run
      recall/appointments.csv, unplaced.csv  with --slots
      summary.html  (self-contained, with a chart) and summary.json:
                    plan vs first come first served, by priority
    """
    from breachdesk.samples.run import triage as run_triage

    fig = run_triage(backlog, now, out, capacity, slots, pmi, stability)
    s, plan, rec = fig["status"], fig["plan"], fig["recall"]
    click.echo(
        f"samples: {fig['samples']} triaged (process {s['process']}, partial {s['partial']}, "
        f"discard {s['discard']}), {fig['rejected']} rejected; plan saves "
        f"{plan['saved']['total']} vs {plan['fcfs_saved']['total']} first come "
        f"(+{plan['more_saved']}); {rec['patients']} recalls for {rec['requesters']} "
        f"requesters -> {out}"
    )
