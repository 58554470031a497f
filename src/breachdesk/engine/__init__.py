"""Engines run stages: where work happens is the engine's business, never a stage's."""

from __future__ import annotations

from pathlib import Path

from breachdesk.engine.base import Engine
from breachdesk.errors import UserError


def make_engine(
    name: str,
    workers: int | None = None,
    *,
    master: str | None = None,
    workdir: Path | None = None,
) -> Engine:
    """``master`` and ``workdir`` (spill inside the case) matter to the Spark engine only."""
    if name == "local":
        from breachdesk.engine.local import LocalEngine

        return LocalEngine(workers=workers)
    if name == "spark":
        try:
            import pyspark  # noqa: F401
        except ImportError as exc:
            raise UserError(
                "--engine spark: PySpark is not installed; pip install 'breachdesk[spark]'"
            ) from exc
        from breachdesk.engine.spark import SparkEngine

        return SparkEngine(master=master, workers=workers, workdir=workdir)
    raise UserError(f"--engine {name}: unknown engine; this build has: local, spark")


__all__ = ["Engine", "make_engine"]
