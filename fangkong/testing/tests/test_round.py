"""Round dashboard, drill-down, exports, households of the week, API."""

import datetime as dt

from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.models import AuditLog
from fangkong.core.testkit import client_for
from fangkong.registry.models import Resident
from fangkong.testing.ingest import ResultRow, TubeRow, import_samplings, ingest_results, new_batch
from fangkong.testing.jobs import refresh_coverage, refresh_household_week, testing_tick, week_start_of
from fangkong.testing.models import CoverageRollup, HouseholdWeekRollup

from .conftest import present


def test_it_shows_the_round_and_drills_down(users, rnd, site, village):
    people = present(village, 20)
    now = timezone.now()
    import_samplings([TubeRow("R1", [p.id_number for p in people[:10]], now, site.pk),
                      TubeRow("R2", [p.id_number for p in people[10:]], now + dt.timedelta(minutes=70), site.pk)],
                     round_id=rnd.pk, division_id=village.pk)
    ingest_results([ResultRow(1, "R1", "negative", None, None, now + dt.timedelta(hours=4))],
                   new_batch(users["lab"]), now=now)
    client = client_for(users["commander"])
    client.post(f"/testing/rounds/{rnd.pk}/")  # 立即重算
    page = client.get(f"/testing/rounds/{rnd.pk}/")
    assert page.context["total"].sampled == 20 and page.context["total"].resulted == 10
    assert rnd.__class__.objects.get(pk=rnd.pk).figures["tat_avg_h"] == 4.0
    assert sum(h.persons for h in page.context["site_hours"]) == 20 and len(page.context["site_hours"]) >= 2
    export = client.get(f"/testing/rounds/{rnd.pk}/export/throughput/", {"format": "csv"}).content.decode("utf-8-sig")
    assert site.name in export and export.count("\n") == 1 + len(page.context["site_hours"])
    township = village.parent
    down = client.get(f"/testing/rounds/{rnd.pk}/", {"division": township.pk})
    assert village.pk in [r.division_id for r in down.context["children"]]
    # A village cadre sees only their village's rows.
    mine = client_for(users["village"]).get(f"/testing/rounds/{rnd.pk}/")
    assert mine.context["total"].division_id == village.pk and mine.context["total"].sampled == 20
    assert client_for(users["village"]).get(f"/testing/rounds/{rnd.pk}/", {"division": township.pk}).status_code == 404
    assert client_for(users["grid"]).post(f"/testing/rounds/{rnd.pk}/").status_code == 403


def test_it_exports_coverage_and_the_untested_list_masked(users, rnd):
    refresh_coverage(rnd, acting_user=SYSTEM)
    client = client_for(users["commander"])
    r = client.get(f"/testing/rounds/{rnd.pk}/export/coverage/", {"format": "csv"})
    assert r.status_code == 200 and "覆盖率%" in r.content.decode("utf-8-sig")
    r = client.get(f"/testing/rounds/{rnd.pk}/export/gaps/", {"format": "csv"})
    body = r.content.decode("utf-8-sig")
    one = Resident.objects.get(pk=rnd.gaps.first().resident_id)
    assert one.name in body and one.id_number not in body and "****" in body
    assert AuditLog.objects.filter(action="export", object_type="testing.gaps").exists()
    assert client.get(f"/testing/rounds/{rnd.pk}/export/gaps/").status_code == 200  # xlsx


def test_it_counts_households_done_this_week(users, county, village, site):
    week = week_start_of(timezone.localdate())
    grid = users["grid"].division
    households = {}
    for r in Resident.objects.filter(grid=grid, status="present").order_by("household_id", "id"):
        households.setdefault(r.household_id, []).append(r)
    done_hh = [m for m in households.values() if all(p.birth_date and p.birth_date < dt.date(2015, 1, 1) for p in m)][:3]
    ids = [p.id_number for m in done_hh for p in m]
    import_samplings([TubeRow(f"H{i}", ids[i * 10:(i + 1) * 10], timezone.now(), site.pk)
                      for i in range((len(ids) + 9) // 10)], round_id=None, division_id=village.pk)
    refresh_household_week(county, week)
    row = HouseholdWeekRollup.objects.get(division=grid, week_start=week)
    assert row.households_done == 3 and row.persons_done == len(ids)
    top = HouseholdWeekRollup.objects.get(division=county, week_start=week)
    assert top.households >= row.households > 3
    page = client_for(users["commander"]).get("/testing/")
    text = page.content.decode()
    assert f"{top.households}户,本周落实了{top.households_done}户{top.persons_done}人的检测要求" in text


def test_a_sampling_just_after_local_midnight_on_monday_counts_in_that_week(users, county, village, site):
    """Samplings are stored in UTC: Monday 00:30 in the county is Sunday 16:30 UTC, and belongs to
    Monday's week (it did not when the bound was compared as a date)."""
    week = week_start_of(timezone.localdate()) - dt.timedelta(days=7)
    at = timezone.make_aware(dt.datetime.combine(week, dt.time(0, 30)))
    grid = users["grid"].division
    member = Resident.objects.filter(grid=grid, status="present", birth_date__lt=dt.date(2015, 1, 1)).first()
    import_samplings([TubeRow("M1", [member.id_number], at, site.pk)], round_id=None, division_id=village.pk)
    refresh_household_week(county, week)
    assert HouseholdWeekRollup.objects.get(division=grid, week_start=week).persons_done == 1
    refresh_household_week(county, week - dt.timedelta(days=7))
    assert HouseholdWeekRollup.objects.get(division=grid, week_start=week - dt.timedelta(days=7)).persons_done == 0


def test_it_runs_the_periodic_tick_and_serves_the_api(users, rnd):
    out = testing_tick.call()
    assert out["rounds"] >= 1
    client = client_for(users["village"])
    api = client.get("/api/testing/coverage/", {"round": rnd.pk, "level": "village"})
    assert api.status_code == 200
    rows = api.json()["results"] if isinstance(api.json(), dict) else api.json()
    assert [r["division"] for r in rows] == [users["village"].division_id]
    gaps = client.get("/api/testing/gaps/", {"round": rnd.pk}).json()
    gaps = gaps["results"] if isinstance(gaps, dict) else gaps
    assert gaps and "*" in gaps[0]["id_number"]
    assert CoverageRollup.objects.filter(round=rnd, level="county").exists()


def test_it_creates_rounds_and_sites_inside_the_organisers_scope(users, county):
    from fangkong.core.models import Division
    from fangkong.testing.models import SamplingRound, SamplingSite

    township = users["township"]
    villages = list(Division.objects.filter(parent=township.division).order_by("path"))
    client = client_for(township)
    r = client.post("/testing/rounds/new/", {"name": "乡全员核酸", "starts_on": "2022-07-10", "days": 3,
                                             "pool_size": 10, "villages": [v.pk for v in villages]})
    rnd = SamplingRound.objects.get(name="乡全员核酸")
    assert r.status_code == 302 and rnd.villages.count() == len(villages)
    days = sorted({rv.day for rv in rnd.villages.all()})
    assert days[0] == dt.date(2022, 7, 10) and len(days) == min(3, len(villages))
    other = Division.objects.filter(level="village").exclude(parent=township.division).first()
    bad = client.post("/testing/rounds/new/", {"name": "越权", "starts_on": "2022-07-10", "days": 3,
                                               "pool_size": 10, "villages": [other.pk]})
    assert bad.status_code == 200 and not SamplingRound.objects.filter(name="越权").exists()
    r = client.post("/testing/sites/new/", {"name": "乡卫生院采样点", "division": villages[0].pk})
    assert r.status_code == 302 and SamplingSite.objects.filter(name="乡卫生院采样点").exists()
    assert client_for(users["grid"]).get("/testing/rounds/new/").status_code == 403


def test_it_queues_one_coverage_refresh_per_round_after_results(users, rnd, site, village,
                                                                django_capture_on_commit_callbacks):
    from django.core.cache import cache

    from fangkong.testing.jobs import request_coverage_refresh

    cache.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert request_coverage_refresh([rnd.pk, rnd.pk, None]) == 1
        assert request_coverage_refresh([rnd.pk]) == 0  # debounced
    assert len(callbacks) == 1
