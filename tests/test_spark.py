"""The Spark engine gives the same register as the local engine, and its seams behave."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pytest

from breachdesk.engine.spark import balance, transpile

pyspark = pytest.importorskip("pyspark")

pytestmark = pytest.mark.spark

TABLES = ("files", "mentions", "records", "persons", "register", "controllers")


@pytest.fixture(scope="module")
def spark_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from breachdesk.engine.spark import SparkEngine

    engine = SparkEngine(master="local[2]", workdir=tmp_path_factory.mktemp("spark"))
    yield engine
    engine.stop()


def test_balance_spreads_bytes_not_counts() -> None:
    weights = [1000, 10, 10, 10, 10, 10, 10, 990]
    ids = balance(weights, 2)
    loads = [sum(w for w, i in zip(weights, ids, strict=True) if i == p) for p in (0, 1)]
    assert abs(loads[0] - loads[1]) <= 20  # by count it would be 4/4 with 1030 vs 1020 at best


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT string_agg(x, ';' ORDER BY x) AS s FROM t",
        "SELECT bool_or(x IS NULL) AS b FROM t",
        "SELECT count(*) FILTER (WHERE x = 'a') AS n FROM t",
        "SELECT regexp_replace(x, '[^a-z]', '', 'g') AS y FROM t",
    ],
)
def test_transpile_gives_spark_sql(sql: str) -> None:
    out = transpile(sql)
    assert out and "string_agg" not in out.lower()


def test_query_on_spark(spark_engine: object) -> None:
    engine = spark_engine
    table = pa.table({"x": ["b", "a", None, "a"]})
    out = engine.query(  # type: ignore[attr-defined]
        "SELECT string_agg(DISTINCT x, ';' ORDER BY x) AS s, "
        "count(*) FILTER (WHERE x = 'a') AS n, bool_or(x IS NULL) AS b FROM t",
        {"t": table},
    ).to_pylist()
    assert out == [{"s": "a;b", "n": 2, "b": True}]


@dataclass
class _Unit:
    n: int

    @property
    def resume_key(self) -> str:
        return f"u{self.n}"


def _twice(unit: _Unit) -> tuple[pa.Table, ...]:
    return (pa.table({"n": [unit.n]}), pa.table({"m": [unit.n * 2] * unit.n}))


def test_map_to_tables_on_spark(spark_engine: object, tmp_path: Path) -> None:
    import sys

    from pyspark import cloudpickle

    # Executors cannot import this test module; the stages' functions live in the package.
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    outputs = {"a": pa.schema([("n", pa.int64())]), "b": pa.schema([("m", pa.int64())])}
    rows = spark_engine.map_to_tables(  # type: ignore[attr-defined]
        _twice,
        [_Unit(n) for n in range(1, 6)],
        outputs=outputs,
        dest=tmp_path,
        label="t",
        weight=lambda u: u.n,
    )
    assert rows == {"a": 5, "b": 15}
    import pyarrow.parquet as pq

    assert sorted(pq.read_table(tmp_path / "a.parquet").column("n").to_pylist()) == [1, 2, 3, 4, 5]


def _label(batch: pa.RecordBatch) -> pa.RecordBatch:
    """A per-batch transform as the assess stage gives one: Python over each row."""
    rows = [{"k": r["k"], "label": f"{r['k']}:{r['n'] * 10}"} for r in batch.to_pylist()]
    return pa.RecordBatch.from_pylist(rows, schema=_LABELLED)


_LABELLED = pa.schema([("k", pa.string()), ("label", pa.string())])
_MANY = pa.table({"k": [f"k{i:05d}" for i in range(20_000)][::-1], "n": list(range(20_000))})


@pytest.mark.parametrize("engine_name", ["local", "spark"])
def test_write_query_keeps_order_across_partitions(
    engine_name: str,
    spark_engine: object,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    import sys

    import pyarrow.parquet as pq
    from pyspark import cloudpickle

    import breachdesk.engine.spark as spark_module
    from breachdesk.engine.local import LocalEngine

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    engine = spark_engine if engine_name == "spark" else LocalEngine(workers=2)
    parts: list[int] = []
    concat = spark_module.concat_parquet
    monkeypatch.setattr(
        spark_module,
        "concat_parquet",
        lambda files, *rest: parts.append(len(files)) or concat(files, *rest),
    )
    if engine_name == "spark":
        # Adaptive execution would fold this small result into one partition; a big one is
        # spread over many, which is what must keep its order.
        conf = engine.spark.conf  # type: ignore[attr-defined]
        conf.set("spark.sql.adaptive.coalescePartitions.enabled", "false")
        request.addfinalizer(
            lambda: conf.set("spark.sql.adaptive.coalescePartitions.enabled", "true")
        )
    source = tmp_path / "many.parquet"
    pq.write_table(_MANY, source, row_group_size=1000)  # many input splits on Spark
    dest = tmp_path / "out" / "labelled.parquet"
    dest.parent.mkdir()
    sql = "SELECT k, n FROM t WHERE n % 3 <> 0 ORDER BY k"
    rows = engine.write_query(  # type: ignore[attr-defined]
        sql, {"t": source}, dest, schema=_LABELLED, transform=_label
    )
    out = pq.read_table(dest)
    assert rows == out.num_rows == 13_333
    assert out.schema == _LABELLED
    keys = out.column("k").to_pylist()
    assert keys == sorted(keys)  # the ORDER BY survives parts written by several tasks
    assert out.slice(0, 2).to_pylist() == [
        {"k": "k00000", "label": "k00000:199990"},
        {"k": "k00002", "label": "k00002:199970"},
    ]
    assert sorted(p.name for p in dest.parent.iterdir()) == ["labelled.parquet"]
    if engine_name == "spark":
        assert parts and parts[0] > 1

    empty = tmp_path / "out" / "empty.parquet"
    schema = pa.schema([("k", pa.string()), ("n", pa.int64())])
    assert (
        engine.write_query(  # type: ignore[attr-defined]
            "SELECT k, n FROM t WHERE n < 0", {"t": source}, empty, schema=schema
        )
        == 0
    )
    assert pq.read_table(empty).schema == schema


@pytest.mark.parametrize("engine_name", ["local", "spark"])
def test_write_query_failure_leaves_nothing(
    engine_name: str, spark_engine: object, tmp_path: Path
) -> None:
    import sys

    import pyarrow.parquet as pq
    from pyspark import cloudpickle

    from breachdesk.engine.local import LocalEngine
    from breachdesk.errors import UserError

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    engine = spark_engine if engine_name == "spark" else LocalEngine(workers=2)
    source = tmp_path / "many.parquet"
    pq.write_table(_MANY, source)
    dest = tmp_path / "out" / "bad.parquet"
    dest.parent.mkdir()
    # The transform's KeyError: as it is in-process, one line naming it from Spark's tasks.
    with pytest.raises(UserError if engine_name == "spark" else KeyError) as raised:
        engine.write_query(  # type: ignore[attr-defined]
            "SELECT n FROM t", {"t": source}, dest, schema=_LABELLED, transform=_label
        )
    if engine_name == "spark":
        assert "KeyError" in str(raised.value) and "\n" not in str(raised.value)
    assert list(dest.parent.iterdir()) == []


def _register(case_root: Path) -> dict[str, object]:
    from breachdesk.case import Case

    reg = Case.open(case_root).read_table("register").to_pylist()

    def key(r: dict[str, object]) -> tuple[object, ...]:
        return (
            r["pmi_patient_id"],
            r["nhs_number"],
            r["family_name"],
            r["given_name"],
            r["date_of_birth"],
        )

    return {
        "people": sorted(map(key, reg), key=str),
        "facts": sorted(
            ((key(r), r["exposed"], r["sensitive"], r["risk"], r["controllers"]) for r in reg),
            key=str,
        ),
    }


@pytest.mark.slow
def test_same_register_on_both_engines(tmp_path: Path, spark_engine: object) -> None:
    from breachdesk.case import Case
    from breachdesk.engine.local import LocalEngine
    from breachdesk.pipeline import open_case, run_all
    from breachdesk.synth import generate

    generate(tmp_path / "synth", patients=300, seed=11)
    dump, pmi = tmp_path / "synth" / "dump", tmp_path / "synth" / "pmi.csv"
    local = open_case(dump, tmp_path / "local", pmi, None)
    run_all(LocalEngine(workers=2), local)
    spark = open_case(dump, tmp_path / "spark", pmi, None)
    run_all(spark_engine, spark)  # type: ignore[arg-type]
    for name in TABLES:
        assert Case.open(tmp_path / "spark").table_path(name).exists(), name
    a, b = _register(tmp_path / "local"), _register(tmp_path / "spark")
    assert a["people"], "the incident must expose someone"
    assert a["people"] == b["people"]
    assert a["facts"] == b["facts"]

    # The report reads a Spark-made case, and its SQL gives the same facts on Spark.
    import datetime as dt

    from click.testing import CliRunner

    from breachdesk.cli import cli
    from breachdesk.report.facts import collect

    day = dt.date(2026, 1, 1)
    on_spark = collect(spark_engine, Case.open(tmp_path / "spark"), day)  # type: ignore[arg-type]
    on_duckdb = collect(LocalEngine(workers=1), Case.open(tmp_path / "spark"), day)
    assert on_spark.totals["people"] == len(b["people"])
    assert on_spark == on_duckdb
    result = CliRunner().invoke(
        cli, ["report", str(tmp_path / "spark"), "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r" / "report.html").stat().st_size > 0


@dataclass
class _Flaky:
    """A unit that records each time it runs; unit 3 fails while ``fail`` exists."""

    n: int
    calls: str
    fail: str

    @property
    def resume_key(self) -> str:
        return f"flaky{self.n}"


def _flaky(unit: _Flaky) -> tuple[pa.Table, ...]:
    import time
    import uuid

    (Path(unit.calls) / f"{unit.n}.{uuid.uuid4().hex}").touch()
    if unit.n == 3 and Path(unit.fail).exists():
        time.sleep(3)  # the other tasks finish first: an interruption part-way through
        raise RuntimeError("interrupted")
    return (pa.table({"n": [unit.n]}), pa.table({"m": [unit.n * 2] * unit.n}))


def test_interrupted_map_to_tables_resumes_without_rerunning(
    spark_engine: object, tmp_path: Path
) -> None:
    import sys

    import pyarrow.parquet as pq
    from pyspark import cloudpickle

    from breachdesk.engine.local import group_units

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    calls, fail = tmp_path / "calls", tmp_path / "fail"
    calls.mkdir()
    units = [_Flaky(n, str(calls), str(fail)) for n in range(1, 13)]
    outputs = {"a": pa.schema([("n", pa.int64())]), "b": pa.schema([("m", pa.int64())])}

    def run(dest: Path) -> dict[str, int]:
        return spark_engine.map_to_tables(  # type: ignore[attr-defined,no-any-return]
            _flaky, units, outputs=outputs, dest=dest, label="t", weight=lambda u: u.n
        )

    reference = run(tmp_path / "reference")
    fail.touch()
    from breachdesk.errors import UserError

    with pytest.raises(UserError, match=r"^t: a Spark task failed \(RuntimeError: interrupted\); "):
        run(tmp_path / "case")
    parts = tmp_path / "case" / ".parts" / "t"
    finished = {
        unit.n
        for key, members, _ in group_units(units, lambda u: u.n)
        if (parts / f"{key}.done").exists()
        for unit in members
    }
    assert finished, "some units must finish before the interruption"
    assert 3 not in finished
    fail.unlink()
    for call in calls.iterdir():
        call.unlink()
    assert run(tmp_path / "case") == reference == {"a": 12, "b": 78}
    rerun = sorted(int(c.name.split(".")[0]) for c in calls.iterdir())
    assert rerun == sorted(set(range(1, 13)) - finished)  # each unfinished unit once, no more
    for name in outputs:
        assert pq.read_table(tmp_path / "case" / f"{name}.parquet").equals(
            pq.read_table(tmp_path / "reference" / f"{name}.parquet")
        )
    assert not (tmp_path / "case" / ".parts").exists()


def test_units_land_in_their_balanced_partition(spark_engine: object) -> None:
    from pyspark.sql import functions as F

    weights = [50, 1, 1, 1, 1, 1, 30, 20]
    ids = balance(weights, 3)
    frame = spark_engine.units_frame(  # type: ignore[attr-defined]
        [(pid, b"x" * w) for pid, w in zip(ids, weights, strict=True)], 3
    )
    got = frame.select("pid", F.spark_partition_id().alias("part")).collect()
    assert all(row.pid == row.part for row in got)
    assert frame.rdd.getNumPartitions() == 3
