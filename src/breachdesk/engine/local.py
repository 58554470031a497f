"""The embedded engine: a process pool for per-file work, DuckDB for SQL over Parquet."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from breachdesk.progress import Progress


class LocalEngine:
    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)

    def map_units(
        self,
        fn: Callable[[Any], Any],
        units: Sequence[Any],
        *,
        label: str,
        weight: Callable[[Any], int] | None = None,
    ) -> Iterator[Any]:
        total_bytes = sum(weight(u) for u in units) if weight else 0
        with Progress(label, total=len(units), total_bytes=total_bytes) as progress:
            if self.workers == 1 or len(units) <= 1:
                for unit in units:
                    result = fn(unit)
                    progress.advance(1, weight(unit) if weight else 0)
                    yield result
                return
            # Largest units first, so one big archive does not start last and run alone.
            order = sorted(units, key=weight, reverse=True) if weight else list(units)
            with ProcessPoolExecutor(max_workers=self.workers) as pool:
                pending: dict[Future[Any], Any] = {}
                queue = iter(order)
                for unit in queue:
                    pending[pool.submit(fn, unit)] = unit
                    if len(pending) >= self.workers * 4:
                        break
                while pending:
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        unit = pending.pop(future)
                        progress.advance(1, weight(unit) if weight else 0)
                        yield future.result()
                        nxt = next(queue, None)
                        if nxt is not None:
                            pending[pool.submit(fn, nxt)] = nxt

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
        dest.mkdir(parents=True, exist_ok=True)
        tmp = {name: dest / f".{name}.parquet.tmp" for name in outputs}
        rows = dict.fromkeys(outputs, 0)
        writers = {
            name: pq.ParquetWriter(tmp[name], schema, compression="zstd")
            for name, schema in outputs.items()
        }
        try:
            for tables in self.map_units(fn, units, label=label, weight=weight):
                for (name, schema), table in zip(outputs.items(), tables, strict=True):
                    writers[name].write_table(table.cast(schema))
                    rows[name] += table.num_rows
        finally:
            for writer in writers.values():
                writer.close()
        for name in outputs:
            tmp[name].replace(dest / f"{name}.parquet")
        return rows

    def query(self, sql: str, tables: dict[str, Path | pa.Table]) -> pa.Table:
        con = duckdb.connect()
        try:
            con.execute(f"SET threads = {self.workers}")
            for name, source in tables.items():
                if isinstance(source, Path):
                    literal = str(source).replace("'", "''")
                    con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{literal}')")
                else:
                    con.register(name, source)
            return con.sql(sql).to_arrow_table()
        finally:
            con.close()
