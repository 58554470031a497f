"""The Spark engine: the same per-unit functions on executors, DuckDB-dialect SQL on Spark SQL.

Stages do not change: units go to executors through ``mapInArrow`` (partitions balanced by
bytes), SQL is transpiled from DuckDB's dialect with sqlglot, and Splink runs on its SparkAPI.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import unicodedata
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import sqlglot
from sqlglot import exp

from breachdesk.progress import Progress

_TAGGED = pa.schema([("output", pa.string()), ("payload", pa.binary())])


def _accent_map() -> tuple[str, str]:
    """Latin letters whose canonical decomposition is an ASCII letter plus marks, and that
    letter: what DuckDB's strip_accents does to them (Spark has no such function)."""
    src, dst = [], []
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0]
        if base != char and base.isascii():
            src.append(char)
            dst.append(base)
    return "".join(src), "".join(dst)


_ACCENTS = _accent_map()


def _to_spark(node: exp.Expression) -> exp.Expression:
    """Rewrite the DuckDB functions sqlglot passes through unchanged into Spark forms."""
    full_match = getattr(exp, "RegexpFullMatch", None)
    if full_match is not None and isinstance(node, full_match):
        pattern = node.expression
        if isinstance(pattern, exp.Literal):
            anchored = exp.Literal.string(f"^(?:{pattern.this})$")
            return exp.RegexpLike(this=node.this, expression=anchored)
    if isinstance(node, exp.Anonymous):
        name = node.name.lower()
        args = node.expressions
        if name == "strip_accents" and len(args) == 1:
            return exp.Anonymous(
                this="TRANSLATE",
                expressions=[
                    args[0],
                    exp.Literal.string(_ACCENTS[0]),
                    exp.Literal.string(_ACCENTS[1]),
                ],
            )
        if name == "regexp_full_match" and len(args) == 2 and isinstance(args[1], exp.Literal):
            anchored = exp.Literal.string(f"^(?:{args[1].this})$")
            return exp.RegexpLike(this=args[0], expression=anchored)
    return node


def transpile(sql: str) -> str:
    """DuckDB-dialect SQL (what the stages write) as Spark SQL."""
    trees = sqlglot.parse(sql, read="duckdb")
    return ";\n".join(t.transform(_to_spark).sql(dialect="spark") for t in trees if t is not None)


def balance(weights: Sequence[int], partitions: int) -> list[int]:
    """A partition id per unit, by greedy bin-packing on weight (heaviest first into the
    lightest bin): a partition is an executor task, and tasks of equal bytes finish together,
    where equal file counts would leave one task with the 40 GB archive."""
    bins = [0] * max(1, partitions)
    out = [0] * len(weights)
    for index in sorted(range(len(weights)), key=lambda i: weights[i], reverse=True):
        target = min(range(len(bins)), key=bins.__getitem__)
        out[index] = target
        bins[target] += max(1, weights[index])
    return out


def _ipc(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def _run_partition(
    batches: Iterator[pa.RecordBatch], fn: Callable[[Any], Any], names: list[str]
) -> Iterator[pa.RecordBatch]:
    """Executor side: unpickle each unit, run the stage's function, and emit each output table
    as one tagged row of Arrow IPC bytes. One pass runs ``fn`` once per unit whatever the
    number of outputs (a pass per output would read and scan every file twice)."""
    from pyspark import cloudpickle

    for batch in batches:
        for blob in batch.column("unit").to_pylist():
            result = fn(cloudpickle.loads(blob))
            for tables in [result] if isinstance(result, tuple) else result:
                tags, payloads = [], []
                for name, table in zip(names, tables, strict=True):
                    if table.num_rows:
                        tags.append(name)
                        payloads.append(_ipc(table))
                if tags:
                    yield pa.RecordBatch.from_arrays(
                        [pa.array(tags, pa.string()), pa.array(payloads, pa.binary())],
                        schema=_TAGGED,
                    )


class SparkEngine:
    name = "spark"

    def __init__(
        self, master: str | None = None, workers: int | None = None, workdir: Path | None = None
    ) -> None:
        self.master = master or f"local[{workers or 2}]"
        self.workers = workers or 2
        self.workdir = workdir
        self._spark: Any = None

    @property
    def spark(self) -> Any:
        if self._spark is None:
            self._spark = _session(self.master, self.workdir)
            self.workers = max(1, int(self._spark.sparkContext.defaultParallelism))
        return self._spark

    def stop(self) -> None:
        if self._spark is not None:
            self._spark.stop()
            self._spark = None

    def map_units(
        self,
        fn: Callable[[Any], Any],
        units: Sequence[Any],
        *,
        label: str,
        weight: Callable[[Any], int] | None = None,
    ) -> Iterator[Any]:
        """Results come back to the driver (the notify packs: small), so Spark's RDD map."""
        if not units:
            return
        total = sum(weight(u) for u in units) if weight else 0
        with Progress(label, total=len(units), total_bytes=total) as progress:
            rdd = self.spark.sparkContext.parallelize(
                list(units), min(len(units), 4 * self.workers)
            )
            for result in rdd.map(fn).toLocalIterator():
                progress.advance(1, 0)
                yield result

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
        """Run ``fn`` on executors and write ``dest/<name>.parquet`` as the local engine does.

        Units are pickled into a DataFrame with a partition id from :func:`balance`, so each
        task gets about the same bytes. Executors return tagged Arrow IPC rows that Spark
        writes as Parquet under ``dest/.parts/<label>``; the driver then writes each output as
        one file, in the layout every reader of a case already expects.
        """
        from pyspark import cloudpickle

        dest.mkdir(parents=True, exist_ok=True)
        names = list(outputs)
        size = weight or (lambda _unit: 0)
        weights = [size(u) for u in units]
        parts = max(1, min(len(units), 4 * self.workers))
        ids = balance(weights, parts)
        rows = dict.fromkeys(outputs, 0)
        staging = dest / ".parts" / f"{label}-{uuid.uuid4().hex[:8]}"
        with Progress(label, total=len(units), total_bytes=sum(weights)) as bar:
            if units:
                blobs = [cloudpickle.dumps(u) for u in units]
                frame = self.units_frame(list(zip(ids, blobs, strict=True)), parts)
                tagged = frame.mapInArrow(
                    lambda it: _run_partition(it, fn, names), "output string, payload binary"
                )
                tagged.write.mode("overwrite").parquet(str(staging))
            bar.advance(len(units), sum(weights))
        try:
            for name, schema in outputs.items():
                rows[name] = _write_output(staging, name, schema, dest / f"{name}.parquet")
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return rows

    def units_frame(self, rows: list[tuple[int, bytes]], parts: int) -> Any:
        """(partition id, pickled unit) rows as a DataFrame whose partition ``i`` holds exactly
        the units given id ``i``: an identity partitioner, where hash partitioning of the ids
        could put two bins in one task and leave another idle."""
        rdd = self.spark.sparkContext.parallelize(rows, parts).partitionBy(parts, _identity)
        return self.spark.createDataFrame(rdd, "pid int, unit binary")

    def query(self, sql: str, tables: dict[str, Path | pa.Table]) -> pa.Table:
        spark = self.spark
        for name, source in tables.items():
            if isinstance(source, Path):
                frame = spark.read.parquet(str(source))
            else:
                frame = spark.createDataFrame(source)
            frame.createOrReplaceTempView(name)
        return spark.sql(transpile(sql)).toArrow()

    def linker_db_api(self, workdir: Path) -> Any:
        from splink import SparkAPI

        workdir.mkdir(parents=True, exist_ok=True)
        self.spark.sparkContext.setCheckpointDir(str(workdir / "checkpoints"))
        return SparkAPI(spark_session=self.spark, break_lineage_method="parquet")


def _identity(key: int) -> int:
    return key


def _write_output(staging: Path, name: str, schema: pa.Schema, final: Path) -> int:
    tmp = final.with_suffix(".parquet.tmp")
    count = 0
    with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        if staging.exists():
            for part in sorted(staging.glob("*.parquet")):
                tagged = pq.read_table(part)
                for tag, payload in zip(
                    tagged.column("output").to_pylist(),
                    tagged.column("payload").to_pylist(),
                    strict=True,
                ):
                    if tag != name:
                        continue
                    table = pa.ipc.open_stream(payload).read_all().cast(schema)
                    writer.write_table(table)
                    count += table.num_rows
    tmp.replace(final)
    return count


def _session(master: str, workdir: Path | None) -> Any:
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    builder = (
        SparkSession.builder.master(master)
        .appName("breachdesk")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")  # the stages draw their own progress
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
        # Splink's comparisons in Spark need its UDF-free SQL only; ANSI mode would turn a bad
        # date cast into an error where DuckDB's TRY_CAST yields NULL.
        .config("spark.sql.ansi.enabled", "false")
        # Splink's string similarity functions (jaro_winkler, damerau_levenshtein, ...) are
        # Scala UDFs in a jar it ships; the comparisons need them on every executor.
        .config("spark.jars", similarity_jar_location())
    )
    if master.startswith("local"):
        # In local mode the driver JVM is the executor too, and its 1 GB default heap is too
        # small for Splink's joins on a dump of tens of MB; spark-submit sets its own.
        builder = builder.config(
            "spark.driver.memory", os.environ.get("BREACHDESK_SPARK_DRIVER_MEMORY", "6g")
        )
        # Local executors must run this interpreter (the one with breachdesk installed), not
        # whatever python3 is first on PATH; on a cluster the environment decides.
        # PySpark reads PYSPARK_PYTHON when the context starts.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if workdir is not None:
        # Spill and warehouse hold identifiers: keep them inside the case.
        workdir.mkdir(parents=True, exist_ok=True)
        builder = builder.config("spark.local.dir", str(workdir / "local")).config(
            "spark.sql.warehouse.dir", str(workdir / "warehouse")
        )
    return builder.getOrCreate()
