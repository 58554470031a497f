"""The engine seam, modelled on Splink's DatabaseAPI: stages call these methods and nothing else.

A stage hands the engine a picklable per-unit function and the units; the engine decides where
they run (a process pool here, Spark executors later) and how SQL over the case's tables runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa


class Engine(Protocol):
    name: str
    workers: int

    def map_units(
        self,
        fn: Callable[[Any], Any],
        units: Sequence[Any],
        *,
        label: str,
        weight: Callable[[Any], int] | None = None,
    ) -> Iterator[Any]:
        """Apply ``fn`` to every unit, yielding results in any order, with a progress display."""
        ...

    def map_to_tables(
        self,
        fn: Callable[[Any], tuple[pa.Table, ...]],
        units: Sequence[Any],
        *,
        outputs: dict[str, pa.Schema],
        dest: Path,
        label: str,
        weight: Callable[[Any], int] | None = None,
    ) -> dict[str, int]:
        """Run ``fn`` on every unit and write its tables, one per output in order, as Parquet at
        ``dest/<name>.parquet``; a table appears only once complete. Returns rows per output."""
        ...

    def query(self, sql: str, tables: dict[str, Path | pa.Table]) -> pa.Table:
        """Run SQL where each name in ``tables`` is a view over a Parquet path or Arrow table."""
        ...

    def write_query(
        self,
        sql: str,
        tables: dict[str, Path | pa.Table],
        dest: Path,
        *,
        schema: pa.Schema,
        transform: Callable[[pa.RecordBatch], pa.RecordBatch] | None = None,
    ) -> int:
        """Run SQL and write its result, in its order, as one Parquet file of ``schema`` at
        ``dest`` (appearing only once complete); returns its rows. What grows with the dump's
        records goes this way rather than through :meth:`query`: on Spark the executors compute
        and write it, and the driver never holds it. ``transform`` (picklable: it runs where
        the rows are) maps each batch of the result to a batch of ``schema``."""
        ...

    def linker_db_api(self, workdir: Path) -> Any:
        """A fresh Splink ``DatabaseAPI`` for record linkage on this engine: Splink's DuckDBAPI
        in-process here, its SparkAPI on the Spark engine. The link stage talks to Splink only
        through it, so no stage imports a backend. ``workdir`` (inside the case: what spills
        holds identifiers) takes any intermediate data the backend writes to disk."""
        ...
