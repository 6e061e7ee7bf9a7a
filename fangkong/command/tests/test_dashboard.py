"""指挥大屏: the map's numbers are the metrics' numbers, the four rates on crafted data, the scope
of a township's cadre, the query count of one measure, and the page itself."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fangkong.control.tests import factories as F
from fangkong.core import shapes
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import MeasureKind
from fangkong.core.models import Division
from fangkong.core.testkit import client_for
from fangkong.metrics import catalog
from fangkong.metrics.control import control_figures
from fangkong.metrics.dashboard import MEASURES, four_rates
from fangkong.screening import actions
from fangkong.screening.choices import Channel, Outcome, ReviewDecision
from fangkong.screening.intake import LeadInput
from fangkong.screening.reports import board_counts
from fangkong.screening.tests.helpers import resident_of_grid
from fangkong.testing.tests import factories as T
from fangkong.tracing.tests import factories as C

DATA = "/command/dashboard/data.json"
SHAPES = "/command/dashboard/shapes.json"


def lead(grid: Division, n: int, channel: str = Channel.BIG_DATA):
    r = resident_of_grid(grid, n)
    made, _ = actions.do_submit_lead(
        LeadInput(name=r.name, id_number=r.id_number, phone=r.phone), channel=channel, acting_user=SYSTEM
    )
    return made.verification


def close(users, v, outcome: str, measure: str = "") -> None:
    actions.do_submit_outcome(v, outcome, measure_kind=measure, place="本地", acting_user=users["grid"])
    actions.do_review(v, ReviewDecision.APPROVED, acting_user=users["commander"])


def data(user, measure: str, **params) -> dict:
    response = client_for(user).get(DATA, {"measure": measure, **params})
    assert response.status_code == 200, response.content
    return response.json()


def by_name(payload: dict) -> dict[str, int]:
    return {i["name"]: i["value"] for i in payload["items"]}


def test_the_map_prints_the_boards_open_tasks_per_township(users):
    grid, other = users["grid"].division, users["grid_other"].division
    for n in range(3):
        lead(grid, n)
    lead(other, 0)
    commander, today = users["commander"], timezone.localdate()
    board = board_counts(commander, today, today)["township"]
    payload = data(commander, "leads")
    names = dict(Division.objects.filter(level="township").values_list("pk", "name"))
    expected = {names[t]: row.get("pending", 0) + row.get("overdue", 0) for t, row in board.items() if t}
    assert {k: v for k, v in by_name(payload).items() if v} == expected
    assert sum(expected.values()) >= 4
    assert payload["label"] == str(catalog.get("map.leads_open").label)
    township = grid.parent.parent
    item = next(i for i in payload["items"] if i["id"] == township.pk)
    listed = client_for(commander).get(item["url"])  # the number opens its list, filtered to the township
    assert listed.status_code == 200
    assert listed.context["paginator"].count == item["value"] == 3
    assert {v.division.path[:9] for v in listed.context["object_list"]} == {township.path}


def test_the_map_prints_control_figures_per_township_and_village(users):
    F.standard_policy()
    today = timezone.localdate()
    for kind in (MeasureKind.HOME_ISOLATION, MeasureKind.HEALTH_MONITORING, MeasureKind.HOME_ISOLATION):
        F.start(F.person(), today, kind=kind)
    commander = users["commander"]
    figures = control_figures(commander, today)
    payload = data(commander, "measures")
    assert {k: v for k, v in by_name(payload).items() if v} == {
        name: total for name, _c, total in figures.by_township
    }
    assert sum(by_name(payload).values()) == figures.total >= 3
    township = max(payload["items"], key=lambda i: i["value"])
    villages = data(commander, "measures", level="village", parent=township["id"])
    assert villages["level"] == "village"
    assert {i["code"][:9] for i in villages["items"]} == {township["code"][:9]}
    assert sum(i["value"] for i in villages["items"]) == township["value"]
    assert f"division={township['id']}" in township["url"] and township["url"].startswith(
        "/control/measures/"
    )


def test_the_other_measures_count_their_rows(users, county):
    today = timezone.localdate()
    grid = users["grid"].division
    township = grid.parent.parent
    T.make_task(grid)
    T.make_task(grid)
    F.area(
        "high",
        today - dt.timedelta(days=2),
        code=grid.parent.code,
        province="河北省",
        city="张家口市",
        county=county.name,
    )
    F.area(
        "medium", today - dt.timedelta(days=9), today - dt.timedelta(days=1), code=grid.parent.code
    )  # lifted
    commander = users["commander"]
    assert by_name(data(commander, "alerts"))[township.name] == 2
    assert by_name(data(commander, "risk_areas"))[township.name] == 1
    area_url = next(i["url"] for i in data(commander, "risk_areas")["items"] if i["id"] == township.pk)
    assert client_for(commander).get(area_url).context["paginator"].count == 1


def test_the_four_rates_against_hand_counts(users):
    F.standard_policy()
    grid = users["grid"].division
    today = timezone.localdate()
    tasks = [lead(grid, n) for n in range(5)]  # 5 leads received
    for v in tasks[:3]:
        close(
            users, v, Outcome.CONTROLLED, MeasureKind.HOME_ISOLATION
        )  # 3 verified, 3 to be put under a measure
    from fangkong.control.models import Measure

    persons = [v.person_id for v in tasks[:3]]
    with_measure = set(Measure.objects.filter(person_id__in=persons).values_list("person_id", flat=True))
    for v in tasks[:2]:
        if v.person_id not in with_measure:
            F.start(v.person, today, kind=MeasureKind.HOME_ISOLATION)
    if tasks[2].person_id in with_measure:
        Measure.objects.filter(person_id=tasks[2].person_id).delete()
    rnd = T.make_round(users["commander"].division)
    from fangkong.testing.models import CoverageRollup

    CoverageRollup.objects.create(
        round=rnd,
        division=users["commander"].division,
        level="county",
        expected=200,
        sampled=150,
        computed_at=timezone.now(),
    )
    rnd.coverage_at = timezone.now()
    rnd.save(update_fields=["coverage_at"])
    C.activate()
    C.open_case(grid, classification="confirmed", hospital="县医院")
    C.open_case(grid, classification="asymptomatic")
    C.open_case(grid, classification="suspected", hospital="县医院")  # not counted
    rates = {r.metric: r for r in four_rates(users["commander"], today - dt.timedelta(days=27), today)}
    assert (rates["rate.verified"].done, rates["rate.verified"].due) == (3, 5)
    assert (rates["rate.tested"].done, rates["rate.tested"].due) == (150, 200)
    assert (rates["rate.isolated"].done, rates["rate.isolated"].due) == (2, 3)
    assert (rates["rate.treated"].done, rates["rate.treated"].due) == (1, 2)
    assert rates["rate.treated"].percent == 50.0 and rates["rate.isolated"].percent == 66.7
    page = client_for(users["commander"]).get("/command/dashboard/")
    html = page.content.decode()
    for name in rates:  # each rate with its definition, opening its list
        assert str(catalog.get(name).definition) in html
        assert rates[name].url.replace("&", "&amp;") in html
    assert "60.0%" in html and "75.0%" in html


def test_a_township_cadre_sees_only_their_township(users):
    cadre = users["township"]
    own = cadre.division
    shapes = client_for(cadre).get(SHAPES).json()
    assert [f["properties"]["id"] for f in shapes["features"]] == [own.pk]
    assert all(i["id"] == own.pk for i in data(cadre, "measures")["items"])
    villages = client_for(cadre).get(SHAPES, {"level": "village", "parent": own.pk}).json()
    assert villages["features"] and all(
        f["properties"]["code"].startswith(own.path) for f in villages["features"]
    )
    foreign = Division.objects.filter(level="township").exclude(pk=own.pk).first()
    assert (
        client_for(cadre)
        .get(DATA, {"measure": "leads", "level": "village", "parent": foreign.pk})
        .status_code
        == 404
    )
    assert client_for(cadre).get(SHAPES, {"level": "village", "parent": foreign.pk}).status_code == 404
    for name in ("grid", "regulator", "lab"):
        assert client_for(users[name]).get("/command/dashboard/").status_code == 403
        assert client_for(users[name]).get(DATA, {"measure": "leads"}).status_code == 403
    assert client_for(users["commander"]).get(DATA, {"measure": "nothing"}).status_code == 400


def test_the_county_shapes_are_served_with_every_township(users, county, django_capture_on_commit_callbacks):
    payload = client_for(users["commander"]).get(SHAPES).json()
    assert payload["type"] == "FeatureCollection"
    assert {f["properties"]["id"] for f in payload["features"]} == set(
        county.children.values_list("pk", flat=True)
    )
    township = county.children.order_by("path").first()
    square = {"type": "Polygon", "coordinates": [[[100, 30], [100.1, 30], [100.1, 30.1], [100, 30.1], [100, 30]]]}
    feature = {"type": "Feature", "properties": {"code": township.code}, "geometry": square}
    text = json.dumps({"type": "FeatureCollection", "features": [feature]})
    with django_capture_on_commit_callbacks(execute=True):
        assert shapes.import_shapes(text, "township", "code").matched == [township.code]
    again = client_for(users["commander"]).get(SHAPES).json()  # the cached copy is not served any more
    assert next(f["geometry"] for f in again["features"] if f["properties"]["id"] == township.pk) == square


@pytest.mark.parametrize("measure", list(MEASURES))
def test_one_measure_is_a_few_queries_whatever_the_number_of_divisions(users, measure):
    client = client_for(users["commander"])
    client.get(DATA, {"measure": measure})  # the session and the user, loaded once
    township = Division.objects.filter(level="township").first()
    counts = []
    for params in ({}, {"level": "village"}, {"level": "village", "parent": township.pk}):
        with CaptureQueriesContext(connection) as queries:
            payload = client.get(DATA, {"measure": measure, **params}).json()
        counts.append((len(queries), len(payload["items"])))
    assert counts[1][1] > counts[0][1] > 0  # more divisions …
    assert counts[0][0] == counts[1][0] <= 10  # … the same queries: grouped in SQL, never one per division
    assert counts[2][0] <= counts[0][0] + 1  # the parent looked up


def test_the_page_explains_its_figures_and_opens_in_big_screen_mode(users):
    client = client_for(users["commander"])
    html = client.get("/command/dashboard/").content.decode()
    for name in (
        "map.leads_open",
        "control.in_force",
        "map.risk_areas",
        "map.alerts",
        "board.overdue",
        "command.tasks_overdue",
        "command.reports_missing",
        "trend.received",
    ):
        assert str(catalog.get(name).label) in html
    assert "vendor/echarts.min.js" in html and "/command/dashboard/" in html
    assert 'href="/command/briefing/"' in html  # the county report is one click from the dashboard
    screen = client.get("/command/dashboard/", {"screen": "1", "weeks": "8"})
    assert 'class="dash screen"' in screen.content.decode() and screen.context["weeks"] == 8
    assert len(screen.context["trend"]["days"]) == 56
    with CaptureQueriesContext(connection) as queries:
        client.get("/command/dashboard/")
    assert len(queries) <= 30  # a fixed set of grouped queries, whatever the county's size
    home = client.get("/").content.decode()
    assert "/command/dashboard/" in home
