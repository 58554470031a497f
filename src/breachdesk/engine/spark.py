"""The Spark engine: the same per-unit functions on executors, DuckDB-dialect SQL on Spark SQL.

Stages do not change: units go to executors through ``mapInArrow`` (partitions balanced by
bytes), SQL is transpiled from DuckDB's dialect with sqlglot, and Splink runs on its SparkAPI.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import unicodedata
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import sqlglot
from sqlglot import exp

from breachdesk.engine.local import Job, concat_parquet, map_in_parts
from breachdesk.errors import UserError
from breachdesk.progress import Progress


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


def _run_jobs(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Executor side: unpickle each group's job and run it; it writes and publishes its own
    part, so what finished stays finished if the rest of the stage is interrupted. ``fn`` runs
    once per unit whatever the number of outputs."""
    from pyspark import cloudpickle

    for batch in batches:
        for blob in batch.column("unit").to_pylist():
            job = cloudpickle.loads(blob)
            job()
            yield pa.RecordBatch.from_arrays([pa.array([len(job.units)], pa.int64())], ["units"])


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

        Units are grouped exactly as on the local engine (groups named by the units'
        ``resume_key``s) and each group runs on an executor as the local engine's job: it
        writes its part under ``dest/.parts/<label>/`` and marks it done. A group whose part is
        already done is not sent, so a Spark run interrupted by a lost driver, a failed task
        or Ctrl-C resumes where it stopped, on either engine. Groups are pickled into a
        DataFrame with a partition id from :func:`balance`, so each task gets about the same
        bytes. The driver then merges the parts in unit order, the layout every reader of a case
        already expects. Executors must see ``dest`` at the same path (the case's shared mount).
        """
        from pyspark import cloudpickle

        def run(jobs: list[Job], bar: Progress) -> None:
            if not jobs:
                return
            parts = max(1, min(len(jobs), 4 * self.workers))
            ids = balance([j.weight for j in jobs], parts)
            blobs = [cloudpickle.dumps(j) for j in jobs]
            frame = self.units_frame(list(zip(ids, blobs, strict=True)), parts)
            try:
                finished = frame.mapInArrow(_run_jobs, "units long").collect()
            except Exception as exc:  # Py4J and PySpark errors: a page of JVM stack
                raise UserError(
                    f"{label}: a Spark task failed ({_cause(exc)}); the finished units are "
                    "kept: run the same command again to resume"
                ) from exc
            bar.advance(sum(row.units for row in finished), sum(j.weight for j in jobs))

        return map_in_parts(fn, units, outputs, dest, label, weight, run)

    def units_frame(self, rows: list[tuple[int, bytes]], parts: int) -> Any:
        """(partition id, pickled unit) rows as a DataFrame whose partition ``i`` holds exactly
        the units given id ``i``: an identity partitioner, where hash partitioning of the ids
        could put two bins in one task and leave another idle."""
        rdd = self.spark.sparkContext.parallelize(rows, parts).partitionBy(parts, _identity)
        return self.spark.createDataFrame(rdd, "pid int, unit binary")

    def query(self, sql: str, tables: dict[str, Path | pa.Table]) -> pa.Table:
        return self._frame(sql, tables).toArrow()

    def write_query(
        self,
        sql: str,
        tables: dict[str, Path | pa.Table],
        dest: Path,
        *,
        schema: pa.Schema,
        transform: Callable[[pa.RecordBatch], pa.RecordBatch] | None = None,
    ) -> int:
        """Executors compute the result (and ``transform`` it) and write it as parts, one per
        partition, in the result's order (an ORDER BY range-partitions it: part ``i`` holds the
        ``i``-th range); the driver then only concatenates those files into ``dest``, batch by
        batch, never holding the result. Executors must see ``dest``'s folder (the case)."""
        from pyspark.sql.pandas.types import from_arrow_schema

        frame = self._frame(sql, tables)
        if transform is not None:
            frame = frame.mapInArrow(_Batches(transform), from_arrow_schema(schema))
        parts = dest.parent / f".{dest.name}.{uuid.uuid4().hex[:12]}.parts"
        try:
            try:
                frame.write.option("compression", "zstd").parquet(_uri(parts))
            except Exception as exc:  # Py4J and PySpark errors: a page of JVM stack
                raise UserError(f"{dest.stem}: a Spark task failed ({_cause(exc)})") from exc
            return concat_parquet(sorted(parts.glob("part-*.parquet")), dest, schema)
        finally:
            shutil.rmtree(parts, ignore_errors=True)

    def _frame(self, sql: str, tables: dict[str, Path | pa.Table]) -> Any:
        spark = self.spark
        for name, source in tables.items():
            if isinstance(source, Path):
                frame = spark.read.parquet(_uri(source))
            else:
                frame = spark.createDataFrame(source)
            frame.createOrReplaceTempView(name)
        return spark.sql(transpile(sql))

    def linker_db_api(self, workdir: Path) -> Any:
        from splink import SparkAPI

        workdir.mkdir(parents=True, exist_ok=True)
        self.spark.sparkContext.setCheckpointDir(_uri(workdir / "checkpoints"))
        return SparkAPI(spark_session=self.spark, break_lineage_method="parquet")


_RAISED = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception)): (.*)$")


def _cause(exc: BaseException) -> str:
    """The Python error a Spark job failure carries (its last ``Name: message`` line that is
    not a JVM wrapper), short: what the user needs, without the JVM's stack."""
    causes = [
        f"{m.group(1)}: {m.group(2)}"
        for line in str(exc).splitlines()
        if (m := _RAISED.match(line.strip()))
        and not m.group(1).startswith(("org.", "java.", "py4j.", "scala."))
    ]
    return (causes[-1] if causes else type(exc).__name__)[:200]


def _uri(path: Path) -> str:
    """A case path as a file:// URL for Spark: a bare path would resolve against the cluster's
    default file system (``fs.defaultFS``, often HDFS), not the case's mount."""
    return path.resolve().as_uri()


class _Batches:
    """A per-batch function as ``mapInArrow`` wants it: batches in, batches out."""

    def __init__(self, fn: Callable[[pa.RecordBatch], pa.RecordBatch]) -> None:
        self.fn = fn

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            yield self.fn(batch)


def _identity(key: int) -> int:
    return key


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
        # What comes back to the driver grows with distinct people (profiles, scored pairs),
        # not records; an incident with tens of millions of them may need more than Spark's
        # 1 GiB result limit.
        if os.environ.get("BREACHDESK_SPARK_MAX_RESULT_SIZE"):
            builder = builder.config(
                "spark.driver.maxResultSize", os.environ["BREACHDESK_SPARK_MAX_RESULT_SIZE"]
            )
        # Local executors must run this interpreter (the one with breachdesk installed), not
        # whatever python3 is first on PATH; on a cluster the environment decides.
        # PySpark reads PYSPARK_PYTHON when the context starts.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if workdir is not None:
        # Spill and warehouse hold identifiers: keep them inside the case.
        workdir.mkdir(parents=True, exist_ok=True)
        builder = builder.config("spark.local.dir", str(workdir / "local")).config(
            "spark.sql.warehouse.dir", _uri(workdir / "warehouse")
        )
    return builder.getOrCreate()
