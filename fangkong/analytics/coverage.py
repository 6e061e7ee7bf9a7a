"""Coverage of a sampling round (应检尽检、不漏一人) and the other bulk testing numbers, as
portable Ibis expressions over plain tables. Nothing here is DuckDB-specific: feed the same
tables to `ibis.pyspark` and the same functions run on Spark.

Input tables (see `source_queries`):
  residents(id, grid_id, household_id, status, birth_date)          — the round's villages
  exemptions(resident_id, reason)                                   — valid for the round
  samplings(resident_id, sample_id, sampled_at, site_id, site_path, kind, result, resulted_at)
  tasks(resident_id)                                                — open re-sampling tasks
  grids(id, path, village_path)  divisions(id, path, level)
"""

from __future__ import annotations

import datetime as dt

import ibis
from ibis import _

BEDRIDDEN = "bedridden"
EXCLUDING = ("infant", "away", "other")
PATH_LENGTHS = {"grid": 15, "village": 12, "township": 9, "county": 6}
COUNT_COLUMNS = ("registered", "exempt", "home_sampling", "expected", "sampled", "sampled_elsewhere", "duplicates",
                 "resulted", "positive", "awaiting_resample", "untested")


SCHEMAS = {
    "residents": {"id": "int64", "grid_id": "int64", "household_id": "int64", "status": "string",
                  "birth_date": "date"},
    "exemptions": {"resident_id": "int64", "reason": "string"},
    "samplings": {"resident_id": "int64", "sample_id": "int64", "sampled_at": "timestamp", "site_id": "int64",
                  "site_path": "string", "kind": "string", "result": "string", "resulted_at": "timestamp"},
    "tasks": {"resident_id": "int64"},
    "tested": {"resident_id": "int64"},
    "divisions": {"id": "int64", "path": "string", "level": "string"},
}


def source_queries(round_id: int, starts_on: dt.date, county_path: str) -> dict[str, str]:
    """Dialect-neutral SELECTs (SQLite and PostgreSQL alike); ids and dates are ours, not input."""
    rid = int(round_id)
    day = starts_on.isoformat()
    villages = f"SELECT village_id FROM testing_roundvillage WHERE round_id = {rid}"
    return {
        "residents": (
            "SELECT r.id, r.grid_id, COALESCE(r.household_id, 0) AS household_id, r.status, "
            "COALESCE(r.birth_date, '1900-01-01') AS birth_date FROM registry_resident r "
            f"JOIN core_division g ON g.id = r.grid_id WHERE g.parent_id IN ({villages}) "
            "AND r.status IN ('present', 'away')"
        ),
        "exemptions": (
            "SELECT resident_id, reason FROM testing_exemption "
            f"WHERE (round_id = {rid} OR round_id IS NULL) AND (until IS NULL OR until >= '{day}')"
        ),
        "samplings": (
            "SELECT COALESCE(sp.resident_id, 0) AS resident_id, sp.sample_id, sp.sampled_at, "
            "COALESCE(s.site_id, 0) AS site_id, d.path AS site_path, s.kind, s.result, "
            "COALESCE(s.resulted_at, sp.sampled_at) AS resulted_at FROM testing_sampling sp "
            "JOIN testing_sample s ON s.id = sp.sample_id JOIN core_division d ON d.id = s.division_id "
            f"WHERE sp.round_id = {rid}"
        ),
        "tasks": f"SELECT COALESCE(resident_id, 0) AS resident_id FROM testing_resamplingtask "
                 f"WHERE round_id = {rid} AND status = 'open'",
        "divisions": f"SELECT id, path, level FROM core_division WHERE path LIKE '{county_path}%'",
    }


def person_status(t: dict[str, ibis.Table], starts_on: dt.date, infant_age: int) -> ibis.Table:
    """One row per registered resident of the round with its coverage flags."""
    res, ex, sp, tasks = t["residents"], t["exemptions"], t["samplings"], t["tasks"]
    ex_p = ex.group_by("resident_id").aggregate(
        excluded=ex.reason.isin(EXCLUDING).any(), bedridden=(ex.reason == BEDRIDDEN).any())
    grids = t["divisions"].filter(_.level == "grid").select(grid_id=_.id, grid_path=_.path)
    home_village = res.select(rid=res.id, grid_id=res.grid_id).inner_join(grids, "grid_id")
    sp_r = sp.filter(sp.resident_id != 0).inner_join(home_village, sp.resident_id == home_village.rid)
    sp_p = sp_r.group_by("resident_id").aggregate(
        n_samplings=_.count(),
        at_home=_.site_path.startswith(_.grid_path.substr(0, 12)).any(),
        resulted=(_.result != "pending").any(),
        positive=((_.kind == "single") & (_.result == "positive")).any(),
    )
    open_tasks = tasks.select("resident_id").distinct().mutate(awaiting=ibis.literal(True))
    cutoff = ibis.date(starts_on.year - infant_age, starts_on.month, min(starts_on.day, 28))
    p = (res.left_join(ex_p, res.id == ex_p.resident_id).drop("resident_id")
         .left_join(sp_p, _.id == sp_p.resident_id).drop("resident_id")
         .left_join(open_tasks, _.id == open_tasks.resident_id).drop("resident_id")
         .inner_join(grids, "grid_id"))
    present = p.status == "present"
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
    return ibis.memtable({"level": list(PATH_LENGTHS), "length": list(PATH_LENGTHS.values())})


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
    tubes = samplings.filter(samplings.result != "pending").group_by("sample_id").aggregate(
        sampled_at=_.sampled_at.cast("timestamp").min(), resulted_at=_.resulted_at.cast("timestamp").max())
    hours = tubes.mutate(h=(tubes.resulted_at.epoch_seconds() - tubes.sampled_at.epoch_seconds()) / 3600.0)
    return hours.aggregate(tubes=_.count(), tat_avg_h=_.h.mean(), tat_p90_h=_.h.quantile(0.9),
                           tat_max_h=_.h.max())


# --- households: 全县N户,本周落实了N户N人的检测要求 ---------------------------------------------

def household_queries(week_start: dt.date, county_path: str) -> dict[str, str]:
    a, b = week_start.isoformat(), (week_start + dt.timedelta(days=7)).isoformat()
    return {
        "residents": (
            "SELECT r.id, r.grid_id, COALESCE(r.household_id, 0) AS household_id, r.status, "
            "COALESCE(r.birth_date, '1900-01-01') AS birth_date FROM registry_resident r "
            f"JOIN core_division g ON g.id = r.grid_id WHERE g.path LIKE '{county_path}%' AND r.status = 'present'"
        ),
        "exemptions": (
            f"SELECT resident_id, reason FROM testing_exemption WHERE round_id IS NULL AND (until IS NULL OR "
            f"until >= '{a}')"
        ),
        "tested": (
            "SELECT DISTINCT resident_id FROM testing_sampling "
            f"WHERE resident_id IS NOT NULL AND sampled_at >= '{a}' AND sampled_at < '{b}'"
        ),
        "divisions": f"SELECT id, path, level FROM core_division WHERE path LIKE '{county_path}%'",
    }


def household_week(t: dict[str, ibis.Table], week_start: dt.date, infant_age: int = 3) -> ibis.Table:
    res, ex, tested = t["residents"], t["exemptions"], t["tested"]
    excluded = ex.filter(ex.reason.isin(EXCLUDING)).select("resident_id").distinct()
    cutoff = ibis.date(week_start.year - infant_age, week_start.month, min(week_start.day, 28))
    grids = t["divisions"].filter(_.level == "grid").select(grid_id=_.id, grid_path=_.path)
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
