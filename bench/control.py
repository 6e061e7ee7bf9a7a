"""bench/run control — re-evaluating a new policy version against 100,000 persons under measure,
the 14-day capacity forecast for 50 quarantine sites, and 管控总览 read from its roll-up counts
(`dashboard_s`, target 0.3 s) and counted live (`dashboard_live_s`), before and after the policy
is re-applied. BENCH_CONTROL_PERSONS lowers the size for a quick look.

Each step is timed through the application code (Django ORM, set-based) and, in the same run,
as hand-written plain SQL on the same database; the figures include the ratio app / SQL.
A per-person matching loop on a sample is extrapolated to show what set-based saves.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time

from bench.common import setup_django, timed

PERSONS = int(os.environ.get("BENCH_CONTROL_PERSONS", 100_000))
SITES = 50
ROOMS_PER_SITE = 100
AREAS = 2_000
SAMPLE = 300
TODAY = dt.date(2022, 8, 10)
PROVINCES = ["河北省", "北京市", "山西省", "内蒙古自治区", "辽宁省", "上海市", "广东省", "海南省", "新疆维吾尔自治区", "西藏自治区"]


def _build(rng: random.Random) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from fangkong.control.choices import ContactType, MeasureStatus, OriginLevel, RiskLevel
    from fangkong.control.models import CheckIn, DoorCheck, Exposure, Measure, QuarantineSite, RiskArea, Room
    from fangkong.control.rollups import rebuild_control_rollups
    from fangkong.control.rules import plan_chain, refresh_origin_levels, rule_case, version_rules
    from fangkong.control.tests.factories import standard_policy
    from fangkong.core.choices import MeasureKind, Module
    from fangkong.core.models import Division
    from fangkong.registry.generator import CountySpec, generate_county
    from fangkong.screening.models import Person

    figures: dict = {}
    with timed(figures, "build_county_s"):
        generate_county(CountySpec(population=5_000, seed=11))
    grids = list(Division.objects.filter(level="grid"))
    county = Division.objects.get(level="county")
    places = [(p, f"{p[:2]}市{i}", f"第{j}区", f"第{k}街道") for i, p in enumerate(PROVINCES)
              for j in range(10) for k in range(20)]
    with timed(figures, "build_data_s"), transaction.atomic():
        RiskArea.objects.bulk_create([
            RiskArea(level=lvl, rank={"high": 3, "medium": 2, "low": 1}[lvl], province=pl[0], city=pl[1], county=pl[2],
                     township=pl[3] if rng.random() < 0.7 else "",
                     effective_from=TODAY - dt.timedelta(days=rng.randint(5, 30)),
                     lifted_on=TODAY - dt.timedelta(days=rng.randint(0, 4)) if rng.random() < 0.3 else None)
            for pl, lvl in ((rng.choice(places), rng.choice(list(RiskLevel))) for _ in range(AREAS))
        ], batch_size=2000)
        persons = Person.objects.bulk_create([
            Person(name=f"人员{i}", id_number=f"B{i:017d}", division=grids[i % len(grids)]) for i in range(PERSONS)
        ], batch_size=5000)
        exposures = []
        for p in persons:
            pl = rng.choice(places)
            start = TODAY - dt.timedelta(days=rng.randint(0, 9))
            left = start - dt.timedelta(days=rng.randint(0, 9))
            exposures.append(Exposure(
                person=p, channel=rng.choice(list(Module)), left_on=left, days_since_leaving=(start - left).days,
                contact_type=rng.choice([ContactType.CLOSE_CONTACT, ContactType.SECONDARY_CONTACT, "", "", ""]),
                origin_province=pl[0], origin_city=pl[1], origin_county=pl[2], origin_township=pl[3],
                from_abroad=rng.random() < 0.05, origin_level=OriginLevel.NONE,
            ))
            exposures[-1].plan_start = start
        Exposure.objects.bulk_create(exposures, batch_size=5000)
    with timed(figures, "refresh_origin_levels_s"):
        refresh_origin_levels(audited=False)  # building data, as bulk_create above: nothing to audit
    v1 = standard_policy()
    rules = {r.pk: r for r in version_rules(v1)}
    with timed(figures, "start_measures_set_based_s"), transaction.atomic():
        matched = dict(Exposure.objects.annotate(r=rule_case(list(rules.values()))).values_list("id", "r"))
        measures = []
        for e in exposures:
            rule = rules.get(matched[e.pk])
            plan = rule.plan() if rule else [(MeasureKind.HEALTH_MONITORING, 7)]
            chain = plan_chain(plan, e.plan_start)
            step = next((s for s in chain if s.starts_on <= TODAY < s.ends_on), chain[-1])
            measures.append(Measure(person_id=e.person_id, exposure=e, kind=step.kind, status=MeasureStatus.ACTIVE,
                                    plan_start_on=e.plan_start, plan_days=sum(d for _, d in plan), step=step.step,
                                    starts_on=step.starts_on, ends_on=step.ends_on, policy_version=v1 if rule else None,
                                    rule=rule, division_id=e.person.division_id))
        Measure.objects.bulk_create(measures, batch_size=5000)
    with timed(figures, "build_sites_s"), transaction.atomic():
        sites = QuarantineSite.objects.bulk_create([QuarantineSite(name=f"隔离点{i:02d}", division=county)
                                                    for i in range(SITES)])
        rooms = Room.objects.bulk_create([Room(site=s, number=str(n), beds=rng.choice([1, 1, 2]))
                                          for s in sites for n in range(1, ROOMS_PER_SITE + 1)], batch_size=5000)
        central = [m for m in measures if m.kind == MeasureKind.CENTRAL_QUARANTINE]
        occupied = rng.sample(rooms, min(len(rooms) * 4 // 5, len(central)))
        for m, room in zip(central, occupied, strict=False):
            m.site_id, m.room_id = room.site_id, room.pk
        for m in central[len(occupied):len(occupied) + 200]:
            m.site_id = rng.choice(sites).pk  # waiting for a room
        Measure.objects.bulk_update(central[:len(occupied) + 200], ["site_id", "room_id"], batch_size=1000)
    with timed(figures, "build_checks_s"), transaction.atomic():
        at = dt.datetime.combine(TODAY, dt.time(9), tzinfo=timezone.get_current_timezone())
        home = [m for m in measures if m.kind in (MeasureKind.HOME_ISOLATION, MeasureKind.HOME_MONITORING,
                                                  MeasureKind.HEALTH_MONITORING)]
        DoorCheck.objects.bulk_create([DoorCheck(measure=m, at=at - dt.timedelta(days=d), outcome="present")
                                       for m in home for d in range(3) if rng.random() < 0.6], batch_size=5000)
        CheckIn.objects.bulk_create([CheckIn(measure=m, on=TODAY - dt.timedelta(days=d), at=at, source="self")
                                     for m in measures for d in range(3) if rng.random() < 0.7], batch_size=5000)
    # Built around the actions above: the dashboard's counts are rebuilt from the rows, as the daily job does.
    with timed(figures, "rebuild_control_rollups_s"):
        rebuild_control_rollups()
    figures.update(persons=PERSONS, measures=len(measures), risk_areas=AREAS, sites=SITES, rooms=len(rooms),
                   central_quarantine=len(central))
    return figures


def _dashboard(figures: dict, suffix: str = "") -> None:
    """管控总览 as the commander (whole county) and a township cadre see it, from the roll-up counts
    and counted live; the two must agree."""
    from fangkong.core.models import User
    from fangkong.metrics.control import control_figures, control_figures_live

    commander = User.objects.get(username="commander")
    with timed(figures, f"dashboard{suffix}_s"):
        kept = control_figures(commander, TODAY)
    with timed(figures, f"dashboard_live{suffix}_s"):
        figures[f"dashboard_equals_live{suffix}"] = kept == control_figures_live(commander, TODAY)
    township = User.objects.get(username="township")
    with timed(figures, f"dashboard_township{suffix}_s"):
        control_figures(township, TODAY)
    figures[f"in_force{suffix}"] = kept.total


def _draft():
    from fangkong.control.actions import do_create_draft, do_save_rule
    from fangkong.control.models import PolicyVersion
    from fangkong.core.actions import SYSTEM
    from fangkong.core.choices import MeasureKind

    draft = do_create_draft(PolicyVersion.in_force(), acting_user=SYSTEM)
    do_save_rule(draft.rules.get(name="中风险区"), [(MeasureKind.CENTRAL_QUARANTINE, 3), (MeasureKind.HOME_ISOLATION, 4)],
                 acting_user=SYSTEM)
    do_save_rule(draft.rules.get(name="密接"), [(MeasureKind.CENTRAL_QUARANTINE, 10)], acting_user=SYSTEM)
    return draft


def _sql_rule_cond(rule, params: list) -> str:
    parts = ["1=1"]
    for field, col in (("channel", "channel"), ("contact_type", "contact_type"), ("origin_level", "origin_level")):
        if getattr(rule, field):
            parts.append(f"e.{col} = %s")
            params.append(getattr(rule, field))
    if rule.max_days_since_leaving is not None:
        parts.append("e.days_since_leaving <= %s")
        params.append(rule.max_days_since_leaving)
    for field in ("from_abroad", "vaccinated"):
        if getattr(rule, field):
            parts.append(f"e.{field} = %s")
            params.append(getattr(rule, field) == "yes")
    return " AND ".join(parts)


def _sql_kind_whens(rule, cond: str, cond_params: list, params: list) -> list[str]:
    whens, cum = [], 0
    for kind, days in rule.plan():
        cum += days
        whens.append(f"WHEN {cond} AND m.plan_start_on > %s THEN %s")
        params.extend([*cond_params, TODAY - dt.timedelta(days=cum), kind])
    whens.append(f"WHEN {cond} THEN m.kind")
    params.extend(cond_params)
    return whens


def plain_sql_reevaluate(version) -> list[int]:
    """The same re-evaluation written by hand as one SQL statement (the baseline)."""
    from django.db import connection

    from fangkong.control.rules import current_rules, version_rules

    rules = version_rules(version)
    current = current_rules()
    params: list = []
    cur_whens = []
    for r in current:
        cur_whens += _sql_kind_whens(r, "m.rule_id = %s", [r.pk], params)
    new_whens = []
    for r in rules:
        cp: list = []
        cond = _sql_rule_cond(r, cp)
        new_whens += _sql_kind_whens(r, cond, cp, params)
    days_whens = []
    for r in rules:
        cp = []
        cond = _sql_rule_cond(r, cp)
        days_whens.append(f"WHEN {cond} THEN %s")
        params.extend([*cp, r.total_days])
    sql = f"""
        SELECT id FROM (
          SELECT m.id, m.plan_days,
                 CASE {' '.join(cur_whens)} ELSE m.kind END AS kind_today,
                 CASE {' '.join(new_whens)} ELSE '' END AS new_kind,
                 CASE {' '.join(days_whens)} ELSE 0 END AS new_days
          FROM control_measure m JOIN control_exposure e ON e.id = m.exposure_id
          WHERE m.status = 'active' AND m.rule_id IS NOT NULL
        ) t WHERE t.new_kind <> t.kind_today OR t.new_days <> t.plan_days"""
    with connection.cursor() as c:
        c.execute(sql, params)
        return [row[0] for row in c.fetchall()]


def plain_sql_forecast() -> dict[int, tuple]:
    """The same forecast by hand: rooms and beds, persons and waiting, free rooms for 14 days."""
    from django.db import connection

    out: dict[int, tuple] = {}
    with connection.cursor() as c:
        c.execute("SELECT id FROM control_quarantinesite")
        sites = [r[0] for r in c.fetchall()]
        c.execute("SELECT site_id, COUNT(*), SUM(beds) FROM control_room WHERE status <> 'out_of_service' "
                  "GROUP BY site_id")
        rooms = {r[0]: (r[1], r[2]) for r in c.fetchall()}
        c.execute("SELECT site_id, COUNT(*), SUM(CASE WHEN room_id IS NULL THEN 1 ELSE 0 END) FROM control_measure "
                  "WHERE status = 'active' AND site_id IS NOT NULL GROUP BY site_id")
        persons = {r[0]: (r[1], r[2]) for r in c.fetchall()}
        # An occupant past the planned release is still there today: release no earlier than tomorrow.
        c.execute("""SELECT site_id, last, COUNT(*) FROM (
                       SELECT room_id, site_id, MAX(ends_on) AS last FROM control_measure
                       WHERE status = 'active' AND room_id IS NOT NULL
                       GROUP BY room_id, site_id) r GROUP BY site_id, last""")
        lasts: dict[int, list[tuple[dt.date, int]]] = {}
        for site_id, last, n in c.fetchall():
            last = dt.date.fromisoformat(last) if isinstance(last, str) else last
            lasts.setdefault(site_id, []).append((max(last, TODAY + dt.timedelta(days=1)), n))
        c.execute("SELECT site_id, ends_on, COUNT(*) FROM control_measure WHERE status = 'active' "
                  "AND site_id IS NOT NULL AND room_id IS NULL GROUP BY site_id, ends_on")
        waiting: dict[int, list[tuple[dt.date, int]]] = {}
        for site_id, last, n in c.fetchall():
            last = dt.date.fromisoformat(last) if isinstance(last, str) else last
            waiting.setdefault(site_id, []).append((max(last, TODAY + dt.timedelta(days=1)), n))
    for site_id in sites:
        n_rooms, beds = rooms.get(site_id, (0, 0))
        days = [TODAY + dt.timedelta(days=d) for d in range(14)]
        occ = [sum(n for last, n in lasts.get(site_id, []) if last > day) for day in days]
        res = [sum(n for last, n in waiting.get(site_id, []) if last > day) for day in days]
        out[site_id] = (n_rooms, beds, *persons.get(site_id, (0, 0)),
                        [max(n_rooms - o - r, 0) for o, r in zip(occ, res, strict=True)])
    return out


def best_of(figures: dict, key: str, fn, n: int = 3):
    """Best of n runs (the first warms the caches for whichever side runs first)."""
    times, result = [], None
    for _ in range(n):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    figures[key] = round(min(times), 3)
    return result


def main(db: str) -> dict:
    setup_django(db, "control")
    from fangkong.control import rules as R
    from fangkong.control.actions import reapply_policy
    from fangkong.control.capacity import forecast
    from fangkong.control.models import Exposure, QuarantineSite
    from fangkong.core.actions import SYSTEM

    figures = _build(random.Random(5))
    _dashboard(figures)
    draft = _draft()

    changed_app = sorted(best_of(figures, "reevaluate_app_s",
                                 lambda: list(R.reevaluate(draft, TODAY).values_list("id", flat=True))))
    changed_sql = sorted(best_of(figures, "reevaluate_sql_s", lambda: plain_sql_reevaluate(draft)))
    assert changed_app == changed_sql, "application and baseline disagree"
    with timed(figures, "preview_summary_s"):
        summary = R.preview_summary(R.reevaluate(draft, TODAY))
    figures["changed_persons"] = len(changed_app)
    figures["changes_by_kind"] = {f"{s['kind']}→{s['new_kind'] or 'released'}": s["n"] for s in summary}
    figures["reevaluate_ratio_app_to_sql"] = round(figures["reevaluate_app_s"] / max(figures["reevaluate_sql_s"], 1e-6), 2)

    sample = list(Exposure.objects.order_by("id")[:SAMPLE])
    start = time.perf_counter()
    for e in sample:
        R.match_rule(draft, e)
    per_person = (time.perf_counter() - start) / SAMPLE
    figures["per_person_loop_estimate_s"] = round(per_person * PERSONS, 1)
    figures["set_based_speedup_vs_loop"] = round(per_person * PERSONS / max(figures["reevaluate_app_s"], 1e-6), 1)

    sites = QuarantineSite.objects.all()
    caps = best_of(figures, "forecast_app_s", lambda: forecast(sites, TODAY))
    free_sql = best_of(figures, "forecast_sql_s", plain_sql_forecast)
    assert {c.site_id: (c.rooms, c.beds, c.persons, c.waiting, c.free) for c in caps} == free_sql, \
        "forecast and baseline disagree"
    figures["forecast_ratio_app_to_sql"] = round(figures["forecast_app_s"] / max(figures["forecast_sql_s"], 1e-6), 2)
    figures["free_rooms_today"] = sum(c.free[0] for c in caps)
    figures["free_rooms_day14"] = sum(c.free[-1] for c in caps)

    draft.status = "published"
    with timed(figures, "reapply_bulk_s"):
        figures["reapplied"] = reapply_policy(draft, TODAY, acting_user=SYSTEM)
    _dashboard(figures, "_after_reapply")
    from fangkong.control.rollups import live_counts, stored_counts

    figures["control_rollups_equal_live"] = stored_counts() == live_counts()
    figures["target_dashboard_s"] = 0.3
    return figures
