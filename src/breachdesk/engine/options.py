"""The engine options every stage command takes, declared once so they cannot drift apart."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from breachdesk.case import Case
from breachdesk.engine import Engine, make_engine
from breachdesk.errors import UserError

F = TypeVar("F", bound=Callable[..., Any])


def engine_options(fn: F) -> F:
    """``--engine``, ``--workers`` and ``--spark-master``, as on ``breachdesk run``."""
    fn = click.option(
        "--spark-master",
        default=None,
        help="Spark master URL for --engine spark (default: local[WORKERS or 2]); "
        "see docs/spark.md.",
    )(fn)
    fn = click.option("--workers", type=int, default=None, help="Processes (default: all cores).")(
        fn
    )
    fn = click.option(
        "--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True
    )(fn)
    return fn


def engine_for(case: Case, engine: str, workers: int | None, master: str | None) -> Engine:
    """The engine a command asked for; Spark's scratch space (it holds identifiers) goes under
    CASE/spark/, protected and destroyed with the case."""
    if workers is not None and workers < 1:
        raise UserError("--workers: must be 1 or more")
    if master is not None and engine != "spark":
        raise UserError("--spark-master: only with --engine spark")
    return make_engine(engine, workers, master=master, workdir=case.root / "spark")
