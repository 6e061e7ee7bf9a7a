"""bench/run sweeps — a 地毯式排摸 over the whole 300,000-resident county (about 107,000 households).

The sweep is started through its action (`do_start_sweep`: one visit per registry household,
bulk-inserted in chunks, one audit row) and timed (`create_s`, target < 10 s). Then 250,000
recorded persons are written set-based (answers and visit counters as the actions leave them:
visited, not at home, 未遇, refused, people found), plus a sample of real `do_record_member` calls
(`record_member_ms`, per call). Coverage per grid is computed by the page's code
(`coverage_s`, target < 2 s) and by plain SQL over the same table in the same run
(`coverage_sql_s`, `ratio_coverage` = app / SQL); both must agree. Finally the grid worker's
household list page is fetched (`household_list_s`, target < 0.3 s). BENCH_POPULATION and
BENCH_ANSWERS lower the sizes for a quick look.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time

from bench.common import setup_django, timed

POPULATION = int(os.environ.get("BENCH_POPULATION", "300000"))
ANSWERS = int(os.environ.get("BENCH_ANSWERS", "250000"))
SAMPLE = 200
CHUNK = 5000

PLAIN_SQL = """
SELECT grid_id, COUNT(*) AS households, SUM(members) AS people, SUM(found) AS found,
       SUM(CASE WHEN status = 'visited' THEN 1 ELSE 0 END) AS visited,
       SUM(CASE WHEN status = 'not_home' THEN 1 ELSE 0 END) AS not_home,
       SUM(CASE WHEN status = 'unmet' THEN 1 ELSE 0 END) AS unmet,
       SUM(CASE WHEN status = 'refused' THEN 1 ELSE 0 END) AS refused,
       SUM(CASE WHEN status IN ('pending', 'not_home') THEN 1 ELSE 0 END) AS unvisited,
       SUM(CASE WHEN status = 'visited' THEN answered ELSE 0 END) AS people_visited,
       SUM(CASE WHEN status = 'unmet' THEN members ELSE 0 END) AS people_unmet,
       SUM(CASE WHEN status = 'refused' THEN members ELSE 0 END) AS people_refused
FROM grid_visit WHERE sweep_id = %s GROUP BY grid_id
"""


def _record(sweep, rng: random.Random) -> dict:
    """The state 250,000 recorded persons leave, written set-based (the actions' own effect)."""
    from django.db import transaction
    from django.db.models import F

    from fangkong.grid.choices import MemberKind, VisitStatus
    from fangkong.grid.models import MemberAnswer, Visit
    from fangkong.registry.models import Resident

    visits = list(Visit.objects.filter(sweep=sweep).values_list("pk", "household_id", "members"))
    rng.shuffle(visits)
    by_status: dict[str, list[int]] = {s: [] for s in VisitStatus.values}
    answered_households, persons = [], 0
    for pk, household, members in visits:
        r = rng.random()
        if r < 0.90 and persons >= ANSWERS:
            continue  # the recorded persons are all written: the rest is still to visit
        if r < 0.90:
            by_status[VisitStatus.VISITED].append(pk)
            answered_households.append((pk, household))
            persons += members
        elif r < 0.93:
            by_status[VisitStatus.NOT_HOME].append(pk)
        elif r < 0.96:
            by_status[VisitStatus.UNMET].append(pk)
        elif r < 0.97:
            by_status[VisitStatus.REFUSED].append(pk)
    q = sweep.questionnaire
    answers = q.defaults()
    visit_of = dict((h, v) for v, h in answered_households)
    with transaction.atomic():
        for status, pks in by_status.items():
            for i in range(0, len(pks), CHUNK):
                extra = {"answered": F("members")} if status == VisitStatus.VISITED else {}
                Visit.objects.filter(pk__in=pks[i:i + CHUNK]).update(status=status, **extra)
        rows = []
        for rid, name, household in Resident.objects.filter(household_id__in=list(visit_of)).values_list(
                "pk", "name", "household_id").iterator(chunk_size=CHUNK):
            rows.append(MemberAnswer(visit_id=visit_of[household], resident_id=rid, name=name, questionnaire=q,
                                     answers=answers, unchanged=True))
            if len(rows) >= CHUNK:
                MemberAnswer.objects.bulk_create(rows, batch_size=CHUNK)
                rows = []
        found = [pk for pk, _h in answered_households[: max(1, len(answered_households) // 50)]]
        rows += [MemberAnswer(visit_id=pk, kind=MemberKind.VISITOR, name="来访人员", questionnaire=q, answers=answers)
                 for pk in found]
        MemberAnswer.objects.bulk_create(rows, batch_size=CHUNK)
        Visit.objects.filter(pk__in=found).update(found=F("found") + 1)
    return {"answers_written": MemberAnswer.objects.filter(visit__sweep=sweep).count(),
            "households_visited": len(by_status[VisitStatus.VISITED])}


def _sample_actions(sweep, commander) -> float:
    """Real `do_record_member` calls (one tap each) on pending households: ms per call."""
    from fangkong.grid.actions import do_record_member
    from fangkong.grid.choices import VisitStatus
    from fangkong.grid.models import Visit
    from fangkong.registry.models import Resident

    visits = list(Visit.objects.filter(sweep=sweep, status=VisitStatus.PENDING, members__gt=0)[:SAMPLE])
    firsts = {r.household_id: r for r in Resident.objects.filter(household_id__in=[v.household_id for v in visits])}
    start = time.perf_counter()
    done = 0
    for v in visits:
        member = firsts.get(v.household_id)
        if member is not None:
            do_record_member(v, member, acting_user=commander)
            done += 1
    return round((time.perf_counter() - start) * 1000 / max(done, 1), 2)


def main(db: str) -> dict:
    setup_django(db, "sweeps")
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from fangkong.core.choices import DivisionLevel
    from fangkong.core.models import AuditLog, Division, User
    from fangkong.grid.actions import do_start_sweep
    from fangkong.grid.coverage import HOUSEHOLD_FIGURES, PEOPLE_FIGURES, coverage, grid_counts
    from fangkong.grid.models import Visit
    from fangkong.registry.generator import CountySpec, generate_county
    from fangkong.registry.models import Household

    figures: dict = {"population": POPULATION}
    rng = random.Random(2022)
    with timed(figures, "build_county_s"):
        generate_county(CountySpec(population=POPULATION, seed=2022))
    commander = User.objects.get(username="commander")
    county = Division.objects.get(level=DivisionLevel.COUNTY)
    figures["households"] = Household.objects.count()
    audit_before = AuditLog.objects.count()
    with timed(figures, "create_s"):
        sweep = do_start_sweep(acting_user=commander, name="全县地毯式排摸", areas=[county],
                               due_at=timezone.now() + dt.timedelta(days=3))
    figures["items_created"] = Visit.objects.filter(sweep=sweep).count()
    figures["audit_rows_of_create"] = AuditLog.objects.count() - audit_before
    assert figures["items_created"] == figures["households"] == sweep.households
    with timed(figures, "record_s"):
        figures.update(_record(sweep, rng))
    figures["record_member_ms"] = _sample_actions(sweep, commander)

    visits = Visit.objects.restrict(commander).filter(sweep=sweep)
    with timed(figures, "coverage_s"):
        rows, total = coverage(visits, DivisionLevel.GRID)
    with timed(figures, "coverage_township_s"):
        coverage(visits, DivisionLevel.TOWNSHIP)
    with timed(figures, "coverage_sql_s"), connection.cursor() as cur:
        cur.execute(PLAIN_SQL, [sweep.pk])
        names = [c[0] for c in cur.description]
        plain = {r[0]: dict(zip(names[1:], r[1:], strict=True)) for r in cur.fetchall()}
    app = grid_counts(visits)
    keys = HOUSEHOLD_FIGURES + PEOPLE_FIGURES
    assert {g: {k: f[k] for k in keys} for g, f in app.items()} == \
        {g: {k: int(f[k] or 0) for k in keys} for g, f in plain.items()}, "coverage differs from plain SQL"
    figures["grids"] = len(rows)
    figures["coverage_total"] = total.figures
    figures["ratio_coverage"] = round(figures["coverage_s"] / max(figures["coverage_sql_s"], 1e-6), 2)

    grid = Division.objects.filter(level=DivisionLevel.GRID, pk__in=[r.division.pk for r in rows]).first()
    worker = User.objects.filter(division=grid, roles__role="grid_worker").first()
    client = Client()
    client.force_login(worker)
    url = reverse("grid:my_households", args=[sweep.pk])
    client.get(url + "?all=1")  # warm the session
    with timed(figures, "household_list_s"):
        response = client.get(url + "?all=1")
    assert response.status_code == 200
    figures["household_list_rows"] = response.content.count(b'href="/grid/visits/')
    figures["targets"] = {"create_s": 10, "coverage_s": 2, "household_list_s": 0.3}
    return figures
