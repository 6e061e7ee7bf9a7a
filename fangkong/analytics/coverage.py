"""Coverage of a sampling round (应检尽检、不漏一人) and the other bulk testing numbers, as
portable Ibis expressions over plain tables. Nothing here is DuckDB-specific: feed the same
tables to `ibis.pyspark` and the same functions run on Spark.

The engine knows no app's tables: the caller (the testing area) hands it SELECTs that produce
these input tables, codes already turned into 0/1 flags, and gets Arrow tables back
(`compute_coverage`, `compute_household_week`):
  residents(id, grid_id, household_id, present, birth_date)   — the round's villages
  exemptions(resident_id, excluding, bedridden)                — valid for the round
  samplings(resident_id, sample_id, sampled_at, site_id, site_path, resulted, single_positive,
            resulted_at)
  tasks(resident_id)                                           — open re-sampling tasks
  tested(resident_id)                                          — sampled in the week (households)
  divisions(id, path, level)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import ibis
import pyarrow as pa
from ibis import _

from fangkong.core.choices import DivisionLevel

from . import engine

PATH_LENGTHS = {DivisionLevel.GRID: 15, DivisionLevel.VILLAGE: 12, DivisionLevel.TOWNSHIP: 9,
                DivisionLevel.COUNTY: 6}
COUNT_COLUMNS = ("registered", "exempt", "home_sampling", "expected", "sampled", "sampled_elsewhere", "duplicates",
                 "resulted", "positive", "awaiting_resample", "untested")
GRID = str(DivisionLevel.GRID)
YES = 1  # flags of the input tables are 0/1 integers (SQLite and PostgreSQL alike)

SCHEMAS = {
    "residents": {"id": "int64", "grid_id": "int64", "household_id": "int64", "present": "int64",
                  "birth_date": "date"},
    "exemptions": {"resident_id": "int64", "excluding": "int64", "bedridden": "int64"},
    "samplings": {"resident_id": "int64", "sample_id": "int64", "sampled_at": "timestamp", "site_id": "int64",
                  "site_path": "string", "resulted": "int64", "single_positive": "int64",
                  "resulted_at": "timestamp"},
    "tasks": {"resident_id": "int64"},
    "tested": {"resident_id": "int64"},
    "divisions": {"id": "int64", "path": "string", "level": "string"},
}
COVERAGE_INPUTS = ("residents", "exemptions", "samplings", "tasks", "divisions")
HOUSEHOLD_INPUTS = ("residents", "exemptions", "tested", "divisions")


@dataclass(frozen=True)
class Coverage:
    """What `compute_coverage` returns: Arrow tables for the caller to land, and the figures."""

    rollup: pa.Table      # division_id, level, *COUNT_COLUMNS — one row per division of the county
    gaps: pa.Table        # resident_id, division_id (grid), home_sampling — 未检人员
    site_hours: pa.Table  # site_id, hour, persons, tubes
    turnaround: dict[str, Any]  # tubes, tat_avg_h, tat_p90_h, tat_max_h


def _check_inputs(queries: Mapping[str, str], names: tuple[str, ...]) -> None:
    missing = [n for n in names if n not in queries]
    if missing:
        raise ValueError(f"missing input tables: {', '.join(missing)}")


def compute_coverage(queries: Mapping[str, str], *, starts_on: dt.date, infant_age: int,
                     con: ibis.BaseBackend | None = None) -> Coverage:
    """A round's coverage from the input tables the `queries` produce (see the module docstring)."""
    _check_inputs(queries, COVERAGE_INPUTS)
    with engine.opened(con) as con:
        t = engine.feed(con, {n: queries[n] for n in COVERAGE_INPUTS}, SCHEMAS)
        # Materialised once: the roll-up and the untested list both read it.
        people = engine.materialise(con, "people", person_status(t, starts_on, infant_age))
        return Coverage(
            rollup=engine.to_arrow(con, rollup(per_grid(people), t["divisions"])),
            gaps=engine.to_arrow(con, gaps(people)),
            site_hours=engine.to_arrow(con, site_hours(t["samplings"])),
            turnaround=engine.to_arrow(con, turnaround(t["samplings"])).to_pylist()[0],
        )


def compute_household_week(queries: Mapping[str, str], *, week_start: dt.date, infant_age: int = 3,
                           con: ibis.BaseBackend | None = None) -> pa.Table:
    """Households done in the week per division: division_id, households, households_done, persons_done."""
    _check_inputs(queries, HOUSEHOLD_INPUTS)
    with engine.opened(con) as con:
        t = engine.feed(con, {n: queries[n] for n in HOUSEHOLD_INPUTS}, SCHEMAS)
        return engine.to_arrow(con, household_week(t, week_start, infant_age))


def person_status(t: dict[str, ibis.Table], starts_on: dt.date, infant_age: int) -> ibis.Table:
    """One row per registered resident of the round with its coverage flags."""
    res, ex, sp, tasks = t["residents"], t["exemptions"], t["samplings"], t["tasks"]
    ex_p = ex.group_by("resident_id").aggregate(
        excluded=(ex.excluding == YES).any(), bedridden=(ex.bedridden == YES).any())
    grids = t["divisions"].filter(_.level == GRID).select(grid_id=_.id, grid_path=_.path)
    home_village = res.select(rid=res.id, grid_id=res.grid_id).inner_join(grids, "grid_id")
    sp_r = sp.filter(sp.resident_id != 0).inner_join(home_village, sp.resident_id == home_village.rid)
    sp_p = sp_r.group_by("resident_id").aggregate(
        n_samplings=_.count(),
        at_home=_.site_path.startswith(_.grid_path.substr(0, 12)).any(),
        resulted=(_.resulted == YES).any(),
        positive=(_.single_positive == YES).any(),
    )
    open_tasks = tasks.select("resident_id").distinct().mutate(awaiting=ibis.literal(True))
    cutoff = ibis.date(starts_on.year - infant_age, starts_on.month, min(starts_on.day, 28))
    p = (res.left_join(ex_p, res.id == ex_p.resident_id).drop("resident_id")
         .left_join(sp_p, _.id == sp_p.resident_id).drop("resident_id")
         .left_join(open_tasks, _.id == open_tasks.resident_id).drop("resident_id")
         .inner_join(grids, "grid_id"))
    present = p.present == YES
    exempt = (~present) | p.excluded.fill_null(False) | (p.birth_date.cast("date") > cutoff)
    sampled = p.n_samplings.notnull()
    expected = ~exempt
    return p.select(
        "id", "grid_id", "household_id", "grid_path",
        exempt=exempt,
        home_sampling=expected & p.bedridden.fill_null(False),
        expected=expected,
        sampled=expected & sampled,
        sampled_elsewhere=expected & sampled & ~p.at_home.fill_null(False),
        duplicate=expected & (p.n_samplings.fill_null(0) > 1),
        resulted=expected & p.resulted.fill_null(False),
        positive=expected & p.positive.fill_null(False),
        awaiting=expected & p.awaiting.fill_null(False),
        untested=expected & ~sampled,
    )


def per_grid(people: ibis.Table) -> ibis.Table:
    def n(flag):
        return flag.cast("int64").sum()

    return people.group_by(["grid_id", "grid_path"]).aggregate(
        registered=_.count(), exempt=n(_.exempt), home_sampling=n(_.home_sampling), expected=n(_.expected),
        sampled=n(_.sampled), sampled_elsewhere=n(_.sampled_elsewhere), duplicates=n(_.duplicate),
        resulted=n(_.resulted), positive=n(_.positive), awaiting_resample=n(_.awaiting), untested=n(_.untested),
    )


def _levels() -> ibis.Table:
    return ibis.memtable({"level": [str(k) for k in PATH_LENGTHS], "length": list(PATH_LENGTHS.values())})


def rollup(grid_rows: ibis.Table, divisions: ibis.Table) -> ibis.Table:
    """Grid rows summed up to village, township and county: one row per division and level.
    One pass: each grid row meets the four levels (a cross join with a 4-row table)."""
    g = grid_rows.cross_join(_levels())
    g = g.mutate(path=g.grid_path.substr(0, g.length))
    agg = g.group_by(["path", "level"]).aggregate(**{c: g[c].sum() for c in COUNT_COLUMNS})
    d = divisions.select(division_id=_.id, path=_.path)
    return agg.inner_join(d, "path").select("division_id", "level", *COUNT_COLUMNS)


def gaps(people: ibis.Table) -> ibis.Table:
    """未检人员: expected, not sampled — the grid worker's list (bedridden flagged for home sampling)."""
    return people.filter(people.untested).select(resident_id=_.id, division_id=_.grid_id,
                                                  home_sampling=_.home_sampling)


def site_hours(samplings: ibis.Table) -> ibis.Table:
    sp = samplings.filter(samplings.site_id != 0)
    return sp.group_by(["site_id", sp.sampled_at.cast("timestamp").truncate("h").name("hour")]).aggregate(
        persons=_.count(), tubes=_.sample_id.nunique())


def turnaround(samplings: ibis.Table) -> ibis.Table:
    """Hours from sampling (first person into the tube) to result, over resulted tubes."""
    tubes = samplings.filter(samplings.resulted == YES).group_by("sample_id").aggregate(
        sampled_at=_.sampled_at.cast("timestamp").min(), resulted_at=_.resulted_at.cast("timestamp").max())
    hours = tubes.mutate(h=(tubes.resulted_at.epoch_seconds() - tubes.sampled_at.epoch_seconds()) / 3600.0)
    return hours.aggregate(tubes=_.count(), tat_avg_h=_.h.mean(), tat_p90_h=_.h.quantile(0.9),
                           tat_max_h=_.h.max())


# --- households: 全县N户,本周落实了N户N人的检测要求 ---------------------------------------------

def household_week(t: dict[str, ibis.Table], week_start: dt.date, infant_age: int = 3) -> ibis.Table:
    res, ex, tested = t["residents"], t["exemptions"], t["tested"]
    excluded = ex.filter(ex.excluding == YES).select("resident_id").distinct()
    cutoff = ibis.date(week_start.year - infant_age, week_start.month, min(week_start.day, 28))
    grids = t["divisions"].filter(_.level == GRID).select(grid_id=_.id, grid_path=_.path)
    people = (res.filter(res.household_id != 0)
              .anti_join(excluded, res.id == excluded.resident_id)
              .filter(_.birth_date.cast("date") <= cutoff)
              .left_join(tested.mutate(done=ibis.literal(True)), _.id == tested.resident_id)
              .inner_join(grids, "grid_id"))
    hh = people.group_by(["household_id", "grid_path"]).aggregate(
        members=_.count(), done_members=_.done.fill_null(False).cast("int64").sum())
    g = hh.cross_join(_levels())
    g = g.mutate(path=g.grid_path.substr(0, g.length))
    agg = g.group_by("path").aggregate(
        households=_.count(),
        households_done=(_.done_members == _.members).cast("int64").sum(),
        persons_done=_.done_members.sum(),
    )
    d = t["divisions"].select(division_id=_.id, path=_.path)
    return agg.inner_join(d, "path").select("division_id", "households", "households_done", "persons_done")
