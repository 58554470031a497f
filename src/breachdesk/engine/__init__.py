"""Engines run stages: where work happens is the engine's business, never a stage's."""

from __future__ import annotations

from breachdesk.engine.base import Engine
from breachdesk.errors import UserError


def make_engine(name: str, workers: int | None = None) -> Engine:
    if name == "local":
        from breachdesk.engine.local import LocalEngine

        return LocalEngine(workers=workers)
    raise UserError(f"--engine {name}: unknown engine; this build has: local")


__all__ = ["Engine", "make_engine"]
