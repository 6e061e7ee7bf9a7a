"""Co-presence on Apache Spark (PySpark local) gives the same matches as on DuckDB: the crafted
edges through the command line, and a random county-like sample row by row (issue #14, item 6).
One test, so that the test process starts one JVM. Skipped only where Java is missing."""

from __future__ import annotations

import pyarrow as pa
import pytest

from fangkong.analytics import copresence as job
from fangkong.analytics import engine
from fangkong.analytics import spark as fk_spark

from .copresence_data import INDEX, copresence, import_all, naive, random_records

pytestmark = [
    pytest.mark.spark,
    pytest.mark.django_db,
    pytest.mark.skipif(fk_spark.java_home() is None,
                       reason="Java 未安装（apt-get install openjdk-17-jre-headless，scripts/setup test 会安装）"),
]


def _rows(table: pa.Table) -> list[tuple]:
    return sorted(tuple(r.values()) for r in table.to_pylist())


def test_spark_gives_the_same_matches_as_duckdb(tmp_path, capsys):
    import_all(tmp_path, capsys)
    days = ("--from", "2022-07-01", "--to", "2022-07-02")
    on_duckdb = copresence(capsys, "--phones", INDEX, *days)
    on_spark = copresence(capsys, "--phones", INDEX, *days, "--engine", "spark")
    assert on_spark == on_duckdb and len(on_duckdb) > 10

    inputs = random_records()
    index = [f"139{n:08d}" for n in range(0, 300, 10)]
    start, end = naive(2022, 7, 1, 6), naive(2022, 7, 3, 18)
    out = {}
    for kind in engine.ENGINES:
        con = engine.connect(kind=kind)
        try:
            out[kind] = job.compute_matches(inputs, index, start=start, end=end, min_overlap=10, scan_window=30,
                                            con=con)
        finally:
            engine.release(con)
    assert out["spark"].schema.equals(out["duckdb"].schema)
    assert _rows(out["spark"]) == _rows(out["duckdb"]) and out["duckdb"].num_rows > 50
    kinds = set(out["duckdb"].column("kind").to_pylist())
    assert kinds == {"cell", "venue"}
