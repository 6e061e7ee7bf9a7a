"""The coverage job on Apache Spark (PySpark local) equals DuckDB's, row by row (issue #17, item 6).

One test, so that one test process starts one JVM: first the edges a new county meets (no
exemptions, nothing sampled — columns that are all NULL, read through ADBC on SQLite), then a
round with exemptions, duplicates, samples elsewhere, results and a visitor. Then the job itself
with FANGKONG_ANALYTICS=spark, recorded as a Spark run. Skipped only where Java is missing.
"""

from __future__ import annotations

import datetime as dt
import math

import pyarrow as pa
import pytest

from fangkong.analytics import coverage as cov
from fangkong.analytics import engine, runs
from fangkong.analytics import spark as fk_spark
from fangkong.core import audit
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import BatchStatus
from fangkong.testing import actions
from fangkong.testing.coverage import round_queries
from fangkong.testing.ingest import ResultRow, ingest_results, new_batch
from fangkong.testing.jobs import last_coverage_run, refresh_coverage
from fangkong.testing.models import CoverageRollup

from .conftest import NOW, pool, present
from .test_coverage import OUTSIDER
from .test_coverage_edges import through_adbc  # noqa: F401 — the fixture

pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(fk_spark.java_home() is None,
                       reason="Java 未安装（apt-get install openjdk-17-jre-headless，scripts/setup test 会安装）"),
]


def _rows(table: pa.Table) -> list[tuple]:
    """Rows in a fixed order, floats rounded: engines may order and sum differently."""
    def norm(v):
        return round(v, 6) if isinstance(v, float) else v

    return sorted((tuple(norm(v) for v in row.values()) for row in table.to_pylist()), key=repr)


def _compute(rnd, kind: str) -> cov.Coverage:
    con = engine.connect(kind=kind)
    try:
        return cov.compute_coverage(round_queries(rnd.pk, rnd.starts_on, rnd.division.path[:6]),
                                    starts_on=rnd.starts_on, infant_age=rnd.infant_age, con=con)
    finally:
        engine.release(con)


def assert_same_coverage(duck: cov.Coverage, spark: cov.Coverage) -> None:
    for part in ("rollup", "gaps", "site_hours"):
        a, b = getattr(duck, part), getattr(spark, part)
        assert b.schema.equals(a.schema), f"{part}: {b.schema} ≠ {a.schema}"
        assert _rows(b) == _rows(a), part
    assert duck.turnaround.keys() == spark.turnaround.keys()
    for key, value in duck.turnaround.items():
        other = spark.turnaround[key]
        assert (value is None and other is None) or math.isclose(value, other, rel_tol=1e-9), key


def test_it_computes_the_same_coverage_on_spark_as_on_duckdb(users, rnd, site, other_site, village, settings,
                                                             monkeypatch, through_adbc):  # noqa: F811
    # Small data on a shared machine: the JVM's quick compiler only, a simple collector (about half
    # the time of the defaults, which suit large jobs). The process's session starts below.
    settings.FANGKONG_SPARK_JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
    # A county without exemptions where nothing was sampled: exemptions, samplings and tasks are
    # empty, every joined column NULL.
    assert not rnd.exemptions.model.objects.exists()
    first = _compute(rnd, engine.SPARK)
    assert_same_coverage(_compute(rnd, engine.DUCKDB), first)
    county = next(r for r in first.rollup.to_pylist() if r["level"] == "county")
    assert county["sampled"] == 0 and county["untested"] == county["expected"] > 0
    assert first.site_hours.num_rows == 0 and first.turnaround["tubes"] == 0

    people = present(village, 16)
    with audit.audit_context(users["village"]):
        actions.do_add_exemption(people[10], "away", away_to="北京市朝阳区", acting_user=users["village"])
        actions.do_add_exemption(people[11], "bedridden", note="瘫痪在床", acting_user=users["village"])
        pool(site, rnd, people[:10], "S0001", by=users["village"])
        pool(site, rnd, [people[13]], "S0002", capacity=5, by=users["village"])
        pool(site, rnd, [people[13]], "S0003", capacity=5, at=NOW + dt.timedelta(hours=2), by=users["village"])
        sample = actions.do_open_tube(site, "S0004", 5, round=rnd, now=NOW, acting_user=users["village"])
        actions.do_bind_sample(sample, OUTSIDER, now=NOW, acting_user=users["village"])
        actions.do_seal_tube(sample, acting_user=users["village"])
    with audit.audit_context(users["village_other"]):
        pool(other_site, rnd, [people[12]], "S0005", capacity=5, by=users["village_other"])
    with audit.audit_context(users["lab"]):
        ingest_results([ResultRow(2, "S0001", "negative", None, None, NOW + dt.timedelta(hours=6)),
                        ResultRow(3, "S0002", "positive", None, None, NOW + dt.timedelta(hours=9))],
                       new_batch(users["lab"], file_name="lab.csv"), now=NOW + dt.timedelta(hours=9))

    # The job as the worker runs it, configured for Spark: its result equals DuckDB's, the run is
    # recorded as a Spark run, and the rows are landed.
    computed = []
    compute = cov.compute_coverage
    monkeypatch.setattr(cov, "compute_coverage", lambda *a, **kw: computed.append(compute(*a, **kw)) or computed[-1])
    settings.FANGKONG_ANALYTICS = engine.SPARK
    out = refresh_coverage(rnd, acting_user=SYSTEM, now=NOW + dt.timedelta(hours=10))
    [second] = computed
    assert_same_coverage(_compute(rnd, engine.DUCKDB), second)
    county = next(r for r in second.rollup.to_pylist() if r["level"] == "county")
    assert county["sampled"] == 12 and county["duplicates"] == 1 and county["sampled_elsewhere"] == 1
    assert county["home_sampling"] == 1 and county["resulted"] == 11 and second.turnaround["tubes"] == 2
    run = last_coverage_run(rnd)
    assert run.engine == engine.SPARK and run.status == BatchStatus.DONE and run.seconds > 0
    assert out["gaps"] == second.gaps.num_rows
    assert CoverageRollup.objects.get(round=rnd, level="county").sampled == 12
    assert runs.last("coverage", f"round:{rnd.pk}") == run
