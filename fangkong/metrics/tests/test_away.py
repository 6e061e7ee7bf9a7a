"""The people-away figures (#15 item 8): people away by origin province and risk level, the watch
list, return reports due today and tomorrow, arrivals confirmed and overdue — each number equal
to the rows of the list it links to (page, export and API), scoped to the user."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from fangkong.core.actions import SYSTEM
from fangkong.core.models import AuditLog
from fangkong.core.testkit import api_client_for, client_for
from fangkong.core.testkit.view_tests import page_object_ids
from fangkong.grid.actions import do_cancel_return_report, do_confirm_arrival
from fangkong.grid.choices import ReturnStatus
from fangkong.grid.models import ReturnReport
from fangkong.grid.tests import factories_away as F
from fangkong.metrics.away import away_figures
from fangkong.metrics.catalog import METRICS

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(users):
    grid, other = users["grid"].division, users["grid_other"].division
    F.away(grid, risk_level="high")
    F.away(grid, watch=True, province="广东省", city="广州市", county="")
    F.away(grid, status="returned")  # back home: not counted as away
    F.away(other)  # outside the grid worker's scope
    F.report(grid, days=0, hour=23)
    confirmed = F.report(grid, days=0, hour=23)
    do_confirm_arrival(confirmed, acting_user=SYSTEM)
    F.report(grid, days=1)
    cancelled = F.report(grid, days=1)
    do_cancel_return_report(cancelled, acting_user=SYSTEM)
    F.report(other, days=1)
    late = F.report(grid, days=0, hour=23)
    ReturnReport.objects.filter(pk=late.pk).update(arrive_on=timezone.localdate() - dt.timedelta(days=1))


def _by_name(figures) -> dict[str, int]:
    out = {figures.people.name: figures.people.value, figures.watch.name: figures.watch.value}
    out.update({f.name: f.value for f in figures.returns})
    return out


def test_the_figures_are_scoped_and_named_in_the_catalog(users, known):
    mine = away_figures(users["grid"])
    assert _by_name(mine) == {"away.people": 2, "away.watch": 1, "returns.due_today": 2, "returns.due_tomorrow": 1,
                              "returns.arrived": 1, "returns.overdue": 1}
    assert {f.label: f.value for f in mine.by_province} == {"河北省": 1, "广东省": 1}
    assert {f.label: f.value for f in mine.by_risk}["高风险区"] == 1
    county = away_figures(users["commander"])
    assert county.people.value == 3 and county.returns[1].value == 2
    for f in [mine.people, mine.watch, *mine.by_province, *mine.by_risk, *mine.returns]:
        assert f.name in METRICS


def test_each_number_opens_its_list_with_the_same_rows(users, known):
    client = client_for(users["grid"])
    figures = away_figures(users["grid"])
    for f in [figures.people, figures.watch, *figures.by_province, *figures.by_risk, *figures.returns]:
        response = client.get(f.url)
        assert response.status_code == 200, f.url
        assert len(page_object_ids(response)) == f.value, (f.name, f.label, f.url)


def test_the_board_page_links_every_number(users, known):
    html = client_for(users["grid"]).get("/grid/away/board/").content.decode()
    figures = away_figures(users["grid"])
    for f in [figures.people, figures.watch, *figures.returns]:
        assert f'href="{f.url.replace("&", "&amp;")}"' in html
    assert client_for(users["lab"]).get("/grid/away/board/").status_code == 403


def test_a_list_behind_a_number_exports_to_excel_audited(users, known):
    figures = away_figures(users["grid"])
    due = figures.returns[0]
    response = client_for(users["grid"]).get(due.url + "&export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(filename=__import__("io").BytesIO(b"".join(response.streaming_content)
                                                             if response.streaming else response.content)).active
    assert sheet.max_row == due.value + 1  # the header and one row per report
    assert AuditLog.objects.filter(action="export", object_type="grid.returnreport").exists()


def test_the_api_gives_the_same_figures(users, known):
    data = api_client_for(users["grid"]).get("/api/grid/away/figures/").json()
    assert data["people"]["value"] == 2 and data["watch"]["value"] == 1
    assert {f["name"]: f["value"] for f in data["returns"]}["returns.arrived"] == 1
    listed = api_client_for(users["grid"]).get("/api/grid/returns/", {"due": "today"}).json()
    count = listed.get("count", len(listed.get("results", listed)))
    assert count == {f["name"]: f["value"] for f in data["returns"]}["returns.due_today"]
    assert ReturnReport.objects.filter(status=ReturnStatus.ARRIVED).count() == 1
