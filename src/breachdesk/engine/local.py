"""The embedded engine: a process pool for per-file work, DuckDB for SQL over Parquet."""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import multiprocessing.context
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from breachdesk.ingest.guard import ISOLATED_ENV
from breachdesk.progress import Progress

MAX_CRASHES = 25  # worker deaths one unit may cause before the stage gives up on it


class Job:
    """A few units run together in a worker that writes their output as one part itself (a
    dump of 100,000 small files is then hundreds of parts, not 100,000)."""

    def __init__(
        self,
        fn: Callable[[Any], Any],
        units: list[Any],
        base: str,
        outputs: list[tuple[str, pa.Schema]],
        weight: int,
    ) -> None:
        self.fn, self.units, self.base, self.outputs, self.weight = fn, units, base, outputs, weight

    def __call__(self) -> None:
        writers = {
            name: _PartWriter(f"{self.base}.{name}", schema) for name, schema in self.outputs
        }
        try:
            for unit in self.units:
                result = self.fn(unit)
                for tables in [result] if isinstance(result, tuple) else result:
                    for (name, _schema), table in zip(self.outputs, tables, strict=True):
                        writers[name].add(table)
        finally:
            for writer in writers.values():
                writer.close()
        for writer in writers.values():
            writer.publish()
        Path(f"{self.base}.done").touch()  # the part is complete only once this exists


class _PartWriter:
    """Buffers small batches so a part is a few row groups, not one per file."""

    ROWS = 65_536

    def __init__(self, base: str, schema: pa.Schema) -> None:
        # A name of its own per attempt: a Spark task and its retry (or speculative twin) may
        # write the same part at once, and only a complete file is ever renamed into place.
        self.tmp = Path(f"{base}.parquet.{uuid.uuid4().hex[:12]}.tmp")
        self.final = Path(f"{base}.parquet")
        self.schema = schema
        self.writer = pq.ParquetWriter(self.tmp, schema, compression="zstd")
        self.buffer: list[pa.Table] = []
        self.buffered = 0

    def add(self, table: pa.Table) -> None:
        if table.num_rows:
            self.buffer.append(table.cast(self.schema))
            self.buffered += table.num_rows
            if self.buffered >= self.ROWS:
                self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.writer.write_table(pa.concat_tables(self.buffer))
            self.buffer, self.buffered = [], 0

    def close(self) -> None:
        self.flush()
        self.writer.close()

    def publish(self) -> None:
        self.tmp.replace(self.final)

    def discard(self) -> None:
        """After a failure: no half-written file is left behind."""
        with contextlib.suppress(Exception):
            self.writer.close()
        self.tmp.unlink(missing_ok=True)


JOB_UNITS = 64  # units per part at most; fewer when there are few units, to spread the work
JOB_BYTES = 16 * 2**20  # unit weight per part at most (a heavier unit is a part of its own)


def group_units(
    units: Sequence[Any], size: Callable[[Any], int]
) -> list[tuple[str, list[Any], int]]:
    """Units in consecutive groups, each named by its units' ``resume_key``s (stable across runs,
    whatever the worker count), else by position: units without keys never resume, since stale
    parts could not be told from fresh ones."""
    keys = [getattr(u, "resume_key", None) for u in units]
    resumable = all(isinstance(k, str) and k for k in keys)
    # At least ~128 groups when there are that many units: enough to keep any worker count
    # busy to the end, and the grouping depends only on the units, so a rerun finds its parts.
    per_group = max(1, min(JOB_UNITS, len(units) // 128))
    groups: list[tuple[list[Any], list[str], int]] = []
    for index, (unit, key) in enumerate(zip(units, keys, strict=True)):
        weight = size(unit)
        last = groups[-1] if groups else None
        if last is None or len(last[0]) >= per_group or last[2] + weight > JOB_BYTES:
            groups.append(([], [], 0))
            last = groups[-1]
        last[0].append(unit)
        last[1].append(str(key) if resumable else f"{os.getpid()}-{index}")
        groups[-1] = (last[0], last[1], last[2] + weight)
    out: list[tuple[str, list[Any], int]] = []
    seen: set[str] = set()
    for members, names, weight in groups:
        name = hashlib.sha256("|".join(names).encode()).hexdigest()[:32]
        while name in seen:  # identical groups of identical units: still one part each
            name = hashlib.sha256(name.encode()).hexdigest()[:32]
        seen.add(name)
        out.append((name, members, weight))
    return out


def drop_stale(folder: Path, keys: set[str]) -> None:
    """Parts of units this run does not have (other inputs, other settings) are removed."""
    for path in folder.iterdir():
        if path.name.split(".", 1)[0] not in keys:
            path.unlink(missing_ok=True)


def merge_parts(
    folder: Path, keys: list[str], outputs: dict[str, pa.Schema], dest: Path
) -> dict[str, int]:
    return {
        name: concat_parquet(
            [folder / f"{key}.{name}.parquet" for key in keys], dest / f"{name}.parquet", schema
        )
        for name, schema in outputs.items()
    }


def concat_parquet(files: Sequence[Path], dest: Path, schema: pa.Schema) -> int:
    """Parquet ``files`` one after another as one file at ``dest``; see :func:`write_batches`."""
    return write_batches(
        (
            batch
            for path in files
            for batch in pq.ParquetFile(path).iter_batches(
                batch_size=_PartWriter.ROWS, use_threads=False
            )
        ),
        dest,
        schema,
    )


def write_batches(
    batches: Iterable[pa.RecordBatch],
    dest: Path,
    schema: pa.Schema,
    transform: Callable[[pa.RecordBatch], pa.RecordBatch] | None = None,
) -> int:
    """``batches`` (each ``transform``-ed) as one Parquet file of ``schema`` at ``dest``, which
    appears only once complete, nothing left behind on failure; returns its rows. Streams:
    memory holds a batch or two, whatever the total."""
    writer = _PartWriter(str(dest.with_suffix("")), schema)
    rows = 0
    try:
        for batch in batches:
            out = transform(batch) if transform else batch
            writer.add(pa.Table.from_batches([out]))
            rows += out.num_rows
    except BaseException:
        writer.discard()
        raise
    writer.close()
    writer.publish()
    return rows


def _context() -> multiprocessing.context.BaseContext:
    """Workers fork from a clean server process, never from this one: by the time a stage runs,
    DuckDB, Arrow and Splink keep threads here, and a fork of a process with threads can crash
    the child on a lock held by a thread it does not have. The server imports the stages' code
    once, so each worker still starts in milliseconds."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["__main__", "breachdesk.ingest.stage", "breachdesk.scan.stage"])
    return ctx


def _isolate() -> None:
    os.environ[ISOLATED_ENV] = "1"


def _run_alone(job: Job, bar: Progress) -> None:
    """A unit whose worker died, run in a pool of its own so a crash is its own; each attempt's
    journal lets the unit skip the file that killed the last one."""
    for _attempt in range(MAX_CRASHES):
        with ProcessPoolExecutor(
            max_workers=1, mp_context=_context(), initializer=_isolate
        ) as pool:
            try:
                pool.submit(job).result()
            except BrokenProcessPool:
                continue
        bar.advance(len(job.units), job.weight)
        return
    raise RuntimeError(f"a unit crashed its worker process {MAX_CRASHES} times; giving up")


def map_in_parts(
    fn: Callable[[Any], Any],
    units: Sequence[Any],
    outputs: dict[str, pa.Schema],
    dest: Path,
    label: str,
    weight: Callable[[Any], int] | None,
    run: Callable[[list[Job], Progress], None],
) -> dict[str, int]:
    """What both engines do around running the jobs: group the units into jobs named by their
    ``resume_key``s, leave out those whose part is already done (a resumed run), ``run`` the
    rest, then merge the parts in unit order into ``dest/<name>.parquet`` and remove them."""
    dest.mkdir(parents=True, exist_ok=True)
    folder = dest / ".parts" / label
    size = weight or (lambda _unit: 0)
    groups = group_units(units, size)
    keys = [key for key, _, _ in groups]
    folder.mkdir(parents=True, exist_ok=True)
    drop_stale(folder, set(keys))
    schemas = list(outputs.items())
    jobs = [
        Job(fn, members, str(folder / key), schemas, heft)
        for key, members, heft in groups
        if not (folder / f"{key}.done").exists()
    ]
    with Progress(label, total=len(units), total_bytes=sum(size(u) for u in units)) as bar:
        left = sum(len(j.units) for j in jobs)
        if left < len(units):
            bar.resumed(len(units) - left, sum(j.weight for j in jobs))
        run(jobs, bar)
    rows = merge_parts(folder, keys, outputs, dest)
    shutil.rmtree(folder, ignore_errors=True)
    with contextlib.suppress(OSError):
        folder.parent.rmdir()  # only when no other stage's parts are there
    return rows


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
            with ProcessPoolExecutor(max_workers=self.workers, mp_context=_context()) as pool:
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
        """Run ``fn`` on every unit in worker processes and write its tables.

        ``fn`` returns one table per output, or yields such tuples in batches (then a unit's
        output never sits in memory whole). The worker that ran a unit writes its part under
        ``dest/.parts/<label>/``; a unit with a ``resume_key`` attribute whose part is complete
        is not run again, so a stage interrupted by Ctrl-C or kill -9 resumes where it stopped.
        A unit whose worker dies (a native crash, the memory limit) is run again alone, up to
        ``MAX_CRASHES`` times. Parts are merged in unit order into ``dest/<name>.parquet``, each
        appearing atomically, and then removed.
        """
        return map_in_parts(fn, units, outputs, dest, label, weight, self._run_jobs)

    def _run_jobs(self, jobs: list[Job], bar: Progress) -> None:
        # Largest first, so one big archive does not start last and run alone.
        remaining = sorted(jobs, key=lambda j: j.weight, reverse=True)
        crashed: list[Job] = []
        while remaining:
            remaining, lost = self._pool_pass(remaining, bar)
            crashed += lost
        for job in crashed:
            _run_alone(job, bar)

    def _pool_pass(self, jobs: list[Job], bar: Progress) -> tuple[list[Job], list[Job]]:
        """Run jobs until done or the pool breaks; returns (never started, lost in a crash)."""
        queue = list(reversed(jobs))
        lost: list[Job] = []
        pool = ProcessPoolExecutor(
            max_workers=max(1, min(self.workers, len(jobs))), mp_context=_context()
        )
        pending: dict[Future[None], Job] = {}
        try:
            while queue and len(pending) < self.workers * 2:
                job = queue.pop()
                pending[pool.submit(job)] = job
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    job = pending.pop(future)
                    try:
                        future.result()
                    except BrokenProcessPool:
                        lost.append(job)
                        continue
                    bar.advance(len(job.units), job.weight)
                    if queue and not lost:
                        nxt = queue.pop()
                        pending[pool.submit(nxt)] = nxt
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
        return list(reversed(queue)), lost

    def query(self, sql: str, tables: dict[str, Path | pa.Table]) -> pa.Table:
        with self._connect(tables) as con:
            return con.sql(sql).to_arrow_table()

    def write_query(
        self,
        sql: str,
        tables: dict[str, Path | pa.Table],
        dest: Path,
        *,
        schema: pa.Schema,
        transform: Callable[[pa.RecordBatch], pa.RecordBatch] | None = None,
    ) -> int:
        with self._connect(tables) as con:
            return write_batches(
                con.sql(sql).to_arrow_reader(_PartWriter.ROWS), dest, schema, transform
            )

    @contextlib.contextmanager
    def _connect(self, tables: dict[str, Path | pa.Table]) -> Iterator[duckdb.DuckDBPyConnection]:
        con = duckdb.connect()
        try:
            con.execute(f"SET threads = {self.workers}")
            for name, source in tables.items():
                if isinstance(source, Path):
                    literal = str(source).replace("'", "''")
                    con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{literal}')")
                else:
                    con.register(name, source)
            yield con
        finally:
            con.close()

    def linker_db_api(self, workdir: Path) -> Any:
        from splink import DuckDBAPI

        # Splink keeps its intermediate tables in this connection; past the memory limit DuckDB
        # spills them under workdir, so a 1M-record linkage fits a laptop.
        workdir.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect()
        con.execute(f"SET threads = {self.workers}")
        con.execute("SET memory_limit = '6GB'")
        con.execute("SET preserve_insertion_order = false")
        con.execute("SET enable_progress_bar = false")  # keep the command's output its own
        literal = str(workdir).replace("'", "''")
        con.execute(f"SET temp_directory = '{literal}'")
        return DuckDBAPI(connection=con)
