"""bench/run testing — a county sampling round, and the same coverage at city scale.

County (SQLite and PostgreSQL): a 1,000,000-resident county from the synthetic-county generator
(households, residents with valid ID numbers, accounts), a round over every village, 1,000,000 samplings in
100,000 10合1 tubes (bulk list import), 100,000 lab results ingested set-based (positive and invalid
pools → re-sampling tasks; results for unknown tubes kept), and coverage per grid computed by the
analytics job (ADBC → Arrow → DuckDB via Ibis → roll-up tables). Target: ingest + coverage < 60 s.

City (10,000,000 residents): synthetic tables generated directly in DuckDB (not through the
platform database — said so in the figures), the same Ibis coverage job, target < 5 min.

Both are compared with the same computation written as plain DuckDB SQL in the same run
(`ratio_*` = Ibis job / plain SQL), and the two must give identical numbers.

Spark (issue #17, item 6): the same Ibis job on PySpark (FANGKONG_SPARK_MASTER, local[2] by
default) over the same Arrow tables — at city scale `coverage_spark_s` beside `coverage_duckdb_s`
(roll-up and untested list), `ratio_spark_to_duckdb`, the session's start and the Arrow → Spark
feed apart; on the county the job's Spark time beside DuckDB's. Both must give identical rows.
BENCH_SPARK=0 leaves Spark out (or it is left out when Java or PySpark is missing). Sizes:
BENCH_POPULATION (county), BENCH_CITY (city; 0 skips it), e.g. BENCH_POPULATION=20000 BENCH_CITY=200000.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager

from bench.common import setup_django


@contextmanager
def timed(figures: dict, key: str) -> Iterator[None]:
    """Wall time as bench.common.timed, plus the process's CPU time (`<key>_cpu`, all threads):
    the machine is shared, so CPU seconds show the work when the wall clock waits for a core."""
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    figures[key] = round(time.perf_counter() - wall, 3)
    figures[f"{key[:-2] if key.endswith('_s') else key}_cpu_s"] = round(time.process_time() - cpu, 3)

POPULATION = int(os.environ.get("BENCH_POPULATION", "1000000"))
CITY = int(os.environ.get("BENCH_CITY", "10000000"))
SPARK = os.environ.get("BENCH_SPARK", "1") != "0"
POOL = 10
PREVALENCE = 0.0005
SEED = 2022

PLAIN_SQL = """
WITH ex AS (SELECT resident_id, bool_or(excluding = 1) AS excluded,
                   bool_or(bedridden = 1) AS bedridden FROM exemptions GROUP BY resident_id),
grids AS (SELECT id AS grid_id, path AS grid_path FROM divisions WHERE level = 'grid'),
home AS (SELECT r.id AS rid, g.grid_path FROM residents r JOIN grids g ON g.grid_id = r.grid_id),
sp AS (SELECT s.resident_id, count(*) AS n,
              bool_or(starts_with(s.site_path, substr(h.grid_path, 1, 12))) AS at_home,
              bool_or(s.resulted = 1) AS resulted,
              bool_or(s.single_positive = 1) AS positive
       FROM samplings s JOIN home h ON h.rid = s.resident_id WHERE s.resident_id <> 0 GROUP BY s.resident_id),
tk AS (SELECT DISTINCT resident_id FROM tasks),
p AS (SELECT r.id, g.grid_path,
             (r.present <> 1) OR coalesce(ex.excluded, false) OR CAST(r.birth_date AS DATE) > DATE '{cutoff}'
               AS exempt,
             coalesce(ex.bedridden, false) AS bedridden, sp.n, coalesce(sp.at_home, false) AS at_home,
             coalesce(sp.resulted, false) AS resulted, coalesce(sp.positive, false) AS positive,
             tk.resident_id IS NOT NULL AS awaiting
      FROM residents r LEFT JOIN ex ON ex.resident_id = r.id LEFT JOIN sp ON sp.resident_id = r.id
      LEFT JOIN tk ON tk.resident_id = r.id JOIN grids g ON g.grid_id = r.grid_id),
pg AS (SELECT grid_path, count(*) AS registered, sum(exempt::INT) AS exempt,
              sum((NOT exempt AND bedridden)::INT) AS home_sampling, sum((NOT exempt)::INT) AS expected,
              sum((NOT exempt AND n IS NOT NULL)::INT) AS sampled,
              sum((NOT exempt AND n IS NOT NULL AND NOT at_home)::INT) AS sampled_elsewhere,
              sum((NOT exempt AND coalesce(n, 0) > 1)::INT) AS duplicates, sum((NOT exempt AND resulted)::INT) AS resulted,
              sum((NOT exempt AND positive)::INT) AS positive, sum((NOT exempt AND awaiting)::INT) AS awaiting_resample,
              sum((NOT exempt AND n IS NULL)::INT) AS untested
       FROM p GROUP BY grid_path),
lv AS (SELECT * FROM (VALUES ('grid', 15), ('village', 12), ('township', 9), ('county', 6)) t(level, len))
SELECT d.id AS division_id, lv.level, sum(registered) AS registered, sum(exempt) AS exempt,
       sum(home_sampling) AS home_sampling, sum(expected) AS expected, sum(sampled) AS sampled,
       sum(sampled_elsewhere) AS sampled_elsewhere, sum(duplicates) AS duplicates, sum(resulted) AS resulted,
       sum(positive) AS positive, sum(awaiting_resample) AS awaiting_resample, sum(untested) AS untested
FROM pg CROSS JOIN lv JOIN divisions d ON d.path = substr(pg.grid_path, 1, lv.len)
GROUP BY d.id, lv.level
"""


def _cutoff(day: dt.date, infant_age: int = 3) -> dt.date:
    return dt.date(day.year - infant_age, day.month, min(day.day, 28))


def _rows(table) -> list[tuple]:
    cols = ["division_id", "level", "registered", "exempt", "home_sampling", "expected", "sampled",
            "sampled_elsewhere", "duplicates", "resulted", "positive", "awaiting_resample", "untested"]
    data = table.select(cols).to_pylist()
    return sorted(tuple(int(r[c]) if c != "level" else r[c] for c in cols) for r in data)


def _build_registry(population: int) -> dict:
    """The county, its households, residents and accounts from the synthetic-county generator."""
    from fangkong.core.models import Division
    from fangkong.registry.generator import CountySpec, generate_county
    from fangkong.registry.models import Household

    generate_county(CountySpec(population=population, seed=SEED))
    return {"grids": Division.objects.filter(level="grid").count(),
            "villages": Division.objects.filter(level="village").count(), "households": Household.objects.count()}


def _round_and_samplings(figures: dict) -> tuple:
    from fangkong.core.actions import SYSTEM
    from fangkong.core.models import Division
    from fangkong.registry.models import Resident
    from fangkong.testing import actions
    from fangkong.testing.ingest import TubeRow, import_samplings
    from fangkong.testing.models import Exemption, SamplingSite

    county = Division.objects.get(level="county")
    villages = list(Division.objects.filter(level="village").order_by("path"))
    start = dt.date(2022, 7, 4)
    rnd = actions.do_create_round(name="全县全员核酸第1轮", division=county, starts_on=start, days=3, villages=villages,
                                  acting_user=SYSTEM)
    SamplingSite.objects.bulk_create([SamplingSite(name=f"{v.name}采样点", division=v) for v in villages])
    site_of = dict(SamplingSite.objects.values_list("division_id", "pk"))
    rng = random.Random(SEED)
    people = list(Resident.objects.filter(status="present").order_by("grid__path", "household_id", "id")
                  .values_list("id", "id_number", "grid__parent_id"))
    Exemption.objects.bulk_create([Exemption(resident_id=p[0], reason=rng.choice(["bedridden", "other"]))
                                   for p in people[::500]])
    village_ids = [v.pk for v in villages]
    queue: list[tuple[str, int]] = []
    later: list[tuple[str, int]] = []  # sampled elsewhere, or a second time: after the home queue
    for _rid, idn, vid in people:
        r = rng.random()
        if r < 0.02:
            continue  # missed: lands on the untested list
        if r < 0.025:
            later.append((idn, site_of[rng.choice(village_ids)]))  # 0.5 % sampled in another village
        else:
            queue.append((idn, site_of[vid]))
        if r > 0.99:
            later.append((idn, site_of[vid]))  # sampled a second time later in the day
    later.sort(key=lambda x: x[1])
    queue += later
    n = 0
    while len(queue) < POPULATION:  # visitors from outside the registry fill the round to 1,000,000
        queue.append((f"V{n:017d}", site_of[village_ids[(n // POOL) % len(village_ids)]]))
        n += 1
    queue = queue[:POPULATION]
    t0 = dt.datetime(2022, 7, 4, 7, 0, tzinfo=dt.UTC)
    tubes, current, site_now = [], [], None
    for idn, site in queue:
        if current and (len(current) == POOL or site != site_now or idn in current):
            tubes.append(TubeRow(f"T{len(tubes):08d}", current, t0 + dt.timedelta(seconds=len(tubes) * 2), site_now))
            current = []
        current.append(idn)
        site_now = site
    tubes.append(TubeRow(f"T{len(tubes):08d}", current, t0 + dt.timedelta(seconds=len(tubes) * 2), site_now))
    with timed(figures, "county_bind_s"):
        out = import_samplings(tubes, round_id=rnd.pk, division_id=county.pk)
    figures.update(samplings=out["samplings"], tubes=out["tubes"])
    return rnd, tubes


def _results(tubes: list) -> list:
    from fangkong.testing.ingest import ResultRow

    rng = random.Random(SEED + 1)
    q = 1 - (1 - PREVALENCE) ** POOL
    at = dt.datetime(2022, 7, 4, 15, 0, tzinfo=dt.UTC)
    rows = []
    for i, t in enumerate(tubes):
        r = rng.random()
        res = "positive" if r < q else "invalid" if r < q + 0.001 else "negative"
        rows.append(ResultRow(i + 2, t.barcode, res, 30.0 if res == "positive" else None, None, at))
    rows += [ResultRow(len(rows) + 2 + i, f"UNKNOWN{i:05d}", "negative", None, None, at) for i in range(200)]
    return rows


def _county(db: str, figures: dict) -> None:
    from fangkong.analytics import coverage as cov
    from fangkong.analytics import engine
    from fangkong.core import audit
    from fangkong.core.actions import SYSTEM
    from fangkong.testing.coverage import round_queries
    from fangkong.testing.ingest import ingest_results, new_batch
    from fangkong.testing.jobs import refresh_coverage
    from fangkong.testing.models import CoverageRollup

    with timed(figures, "county_registry_s"):
        figures.update(_build_registry(POPULATION))
    with audit.audit_context(source="cli"):
        rnd, tubes = _round_and_samplings(figures)
        rows = _results(tubes)
        with timed(figures, "county_ingest_s"):
            counts = ingest_results(rows, new_batch(None, file_name="bench.csv"))
        figures.update(results=len(rows), results_changed=counts["changed"], results_unknown=counts["unknown"],
                       resampling_tasks=counts["resampling_tasks"])
        con = engine.connect(kind=engine.DUCKDB)
        with timed(figures, "county_coverage_s"):
            out = refresh_coverage(rnd, acting_user=SYSTEM, con=con)
    figures["county_gaps"] = out["gaps"]
    figures["county_ingest_plus_coverage_s"] = round(figures["county_ingest_s"] + figures["county_coverage_s"], 3)
    # The same coverage, split: feed (database → Arrow → DuckDB), Ibis job, plain DuckDB SQL.
    con = engine.connect(kind=engine.DUCKDB)
    with timed(figures, "county_feed_s"):
        t = engine.feed(con, round_queries(rnd.pk, rnd.starts_on, "130724"), cov.SCHEMAS)
    with timed(figures, "county_ibis_job_s"):
        ibis_rows = con.to_pyarrow(cov.rollup(cov.per_grid(cov.person_status(t, rnd.starts_on, 3)), t["divisions"]))
    with timed(figures, "county_plain_sql_s"):
        sql_rows = con.raw_sql(PLAIN_SQL.format(cutoff=_cutoff(rnd.starts_on))).to_arrow_table()
    figures["county_ratio_ibis_to_sql"] = round(figures["county_ibis_job_s"] / max(figures["county_plain_sql_s"], 1e-3), 2)
    figures["county_equal_to_plain_sql"] = _rows(ibis_rows) == _rows(sql_rows)
    landed = CoverageRollup.objects.get(round=rnd, level="county")
    figures["county_expected"], figures["county_sampled"] = landed.expected, landed.sampled
    figures["county_untested"], figures["county_duplicates"] = landed.untested, landed.duplicates
    figures["county_sampled_elsewhere"] = landed.sampled_elsewhere
    if _spark_ready(figures):  # the job (database → Arrow → engine → Arrow) on each engine, not landed
        queries = round_queries(rnd.pk, rnd.starts_on, "130724")
        runs = {}
        for kind in (engine.DUCKDB, engine.SPARK):
            job = engine.connect(kind=kind)
            with (timed_spark if kind == engine.SPARK else timed)(figures, f"county_coverage_{kind}_s"):
                runs[kind] = cov.compute_coverage(queries, starts_on=rnd.starts_on, infant_age=3, con=job)
            engine.release(job)
        figures["county_ratio_spark_to_duckdb"] = round(
            figures["county_coverage_spark_s"] / max(figures["county_coverage_duckdb_s"], 1e-3), 2)
        figures["county_spark_equal_to_duckdb"] = all(
            _sorted(getattr(runs[engine.SPARK], p)) == _sorted(getattr(runs[engine.DUCKDB], p))
            for p in ("rollup", "gaps", "site_hours"))


def _sorted(table) -> list:
    return sorted((tuple(r.values()) for r in table.to_pylist()), key=repr)


def _jvm_cpu_s() -> float:
    """CPU seconds of Spark's JVM so far (local mode: the driver and its executor threads), which
    the Python process's own CPU time (`*_cpu_s`) does not include."""
    from fangkong.analytics import spark

    pid = spark.session().sparkContext._gateway.proc.pid
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def timed_spark(figures: dict, key: str) -> Iterator[None]:
    """`timed`, plus the JVM's CPU seconds as `<key>_jvm_cpu_s`."""
    jvm = _jvm_cpu_s()
    with timed(figures, key):
        yield
    figures[f"{key[:-2]}_jvm_cpu_s"] = round(_jvm_cpu_s() - jvm, 2)


def _spark_ready(figures: dict) -> bool:
    """Whether to time Spark here; its session started once (JVM start-up reported apart)."""
    if not SPARK:
        return False
    from fangkong.analytics import spark

    if spark.missing():
        figures["spark_skipped"] = "缺少 " + "、".join(spark.missing())
        return False
    if "spark_start_s" not in figures:
        with timed(figures, "spark_start_s"):
            spark.session()
            spark.session().sparkContext.parallelize([1]).count()  # the JVM fully up
        figures["spark_master"] = spark.conf()["spark.master"]
    return True


CITY_SQL = """
CREATE OR REPLACE TABLE divisions AS
  SELECT 1 AS id, '130700' AS path, 'county' AS level
  UNION ALL SELECT 10 + t, '130700' || lpad(t::VARCHAR, 3, '0'), 'township' FROM range({townships}) r(t)
  UNION ALL SELECT 100000 + v, '130700' || lpad((v // {vpt})::VARCHAR, 3, '0') || lpad((v % {vpt})::VARCHAR, 3, '0'),
                   'village' FROM range({villages}) r(v)
  UNION ALL SELECT 1000000 + g, '130700' || lpad((g // {gpt})::VARCHAR, 3, '0')
                   || lpad(((g // {gpv}) % {vpt})::VARCHAR, 3, '0') || lpad((g % {gpv})::VARCHAR, 3, '0'), 'grid'
            FROM range({grids}) r(g);
CREATE OR REPLACE TABLE residents AS
  SELECT i AS id, 1000000 + i // {per_grid} AS grid_id, i // 3 AS household_id,
         CASE WHEN hash(i, 1) % 1000 < 912 THEN 1 ELSE 0 END AS present,
         DATE '1932-07-01' + (hash(i, 2) % 32850)::INTEGER AS birth_date
  FROM range({n}) r(i);
CREATE OR REPLACE TABLE exemptions AS
  SELECT id AS resident_id, CASE WHEN id % 2 = 0 THEN 0 ELSE 1 END AS excluding,
         CASE WHEN id % 2 = 0 THEN 1 ELSE 0 END AS bedridden
  FROM residents WHERE id % 500 = 0;
CREATE OR REPLACE TABLE samplings AS
  WITH s AS (SELECT r.id, r.grid_id, hash(r.id, 3) % 1000 AS u, row_number() OVER () - 1 AS k
             FROM residents r WHERE r.present = 1 AND hash(r.id, 3) % 1000 >= 20)
  SELECT s.id AS resident_id, k // 10 AS sample_id,
         TIMESTAMP '2022-07-04 07:00:00' + to_seconds((k // 10) % 40000) AS sampled_at,
         (grid_id - 1000000) // {gpv} AS site_id,
         CASE WHEN u < 25 THEN '130700999999' ELSE substr(d.path, 1, 12) END AS site_path,
         1 AS resulted, 0 AS single_positive, hash(k // 10, 4) % 10000 < 50 AS pool_positive,
         TIMESTAMP '2022-07-04 15:00:00' AS resulted_at
  FROM s JOIN divisions d ON d.id = s.grid_id;
CREATE OR REPLACE TABLE tasks AS SELECT resident_id FROM samplings WHERE pool_positive;
"""


def _city(figures: dict) -> None:
    from fangkong.analytics import coverage as cov
    from fangkong.analytics import engine

    con = engine.connect(kind=engine.DUCKDB)
    n = CITY
    per_grid = 840  # ~300 households of 2.8
    grids = -(-n // per_grid)
    gpv, vpt = 8, 40
    villages = -(-grids // gpv)
    townships = -(-villages // vpt)
    with timed(figures, "city_generate_s"):
        con.raw_sql(CITY_SQL.format(n=n, per_grid=per_grid, grids=grids, gpv=gpv, gpt=gpv * vpt, vpt=vpt,
                                    villages=villages, townships=townships))
    t = {name: con.table(name) for name in ("residents", "exemptions", "samplings", "tasks", "divisions")}
    day = dt.date(2022, 7, 4)
    people = cov.person_status(t, day, 3)
    with timed(figures, "city_ibis_job_s"):
        ibis_rows = con.to_pyarrow(cov.rollup(cov.per_grid(people), t["divisions"]))
    with timed(figures, "city_ibis_gaps_s"):
        gaps = con.to_pyarrow(cov.gaps(people)).num_rows
    with timed(figures, "city_plain_sql_s"):
        sql_rows = con.raw_sql(PLAIN_SQL.format(cutoff=_cutoff(day))).to_arrow_table()
    figures.update(city_residents=n, city_samplings=con.table("samplings").count().execute(), city_grids=grids,
                   city_untested=gaps, city_source="synthetic tables generated directly in DuckDB")
    figures["city_ratio_ibis_to_sql"] = round(figures["city_ibis_job_s"] / max(figures["city_plain_sql_s"], 1e-3), 2)
    figures["city_equal_to_plain_sql"] = _rows(ibis_rows) == _rows(sql_rows)
    figures["coverage_duckdb_s"] = round(figures["city_ibis_job_s"] + figures["city_ibis_gaps_s"], 3)
    if _spark_ready(figures):
        _city_spark(con, day, ibis_rows, gaps, figures)


def _city_spark(duck, day: dt.date, duck_rows, duck_gaps: int, figures: dict) -> None:
    """The same Ibis job on Spark over the same tables, handed over as Arrow (as engine.feed does)."""
    from fangkong.analytics import coverage as cov
    from fangkong.analytics import engine

    names = ("residents", "exemptions", "samplings", "tasks", "divisions")
    arrow = {name: duck.table(name).to_pyarrow() for name in names}
    con = engine.connect(kind=engine.SPARK)
    try:
        with timed_spark(figures, "city_spark_feed_s"):
            t = {name: engine.put(con, name, arrow[name]) for name in names}
        people = cov.person_status(t, day, 3)
        with timed_spark(figures, "coverage_spark_s"):  # as the job does: the people table once, then both
            people = engine.materialise(con, "people", people)
            rows = engine.to_arrow(con, cov.rollup(cov.per_grid(people), t["divisions"]))
            gaps = engine.to_arrow(con, cov.gaps(people)).num_rows
    finally:
        engine.release(con)
    figures["ratio_spark_to_duckdb"] = round(figures["coverage_spark_s"] / max(figures["coverage_duckdb_s"], 1e-3), 2)
    figures["city_spark_equal_to_duckdb"] = _rows(rows) == _rows(duck_rows) and gaps == duck_gaps


def main(db: str) -> dict:
    setup_django(db, "testing")
    figures: dict = {"population": POPULATION, "pool_size": POOL, "prevalence": PREVALENCE,
                     "load_avg_at_start": round(os.getloadavg()[0], 1), "cpus": os.cpu_count()}
    start = time.perf_counter()
    _county(db, figures)
    if db == "sqlite" and CITY:  # the city run does not touch the database: once per bench run
        _city(figures)
    figures["total_s"] = round(time.perf_counter() - start, 1)
    figures["load_avg_at_end"] = round(os.getloadavg()[0], 1)  # other jobs share the machine
    return figures
