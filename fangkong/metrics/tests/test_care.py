"""The 四对一 and notice figures: each equal to the rows of the list it links to, scoped to the
user, named in the catalog; the API gives the same."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.testkit import api_client_for, client_for
from fangkong.core.testkit.view_tests import page_object_ids
from fangkong.grid.actions import do_assign_care_member, do_record_care_check, do_send_notice
from fangkong.grid.actions.notices import send_queued
from fangkong.grid.choices import CareItem, CareRole, CheckResult, NoticeAudience
from fangkong.grid.models import CareDuty
from fangkong.grid.tests import factories_away as AF
from fangkong.grid.tests import factories_care as F
from fangkong.metrics.care import care_figures, notice_figures
from fangkong.metrics.catalog import METRICS

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(users, settings):
    settings.SMS_GATEWAY = "fangkong.grid.tests.test_notices.FlakyGateway"
    grid, other = users["grid"].division, users["grid_other"].division
    a, b = F.team(grid), F.team(grid, "home_monitoring")
    F.team(other)  # outside the village
    for team in (a, b):  # every seat filled on b: only a has vacant seats
        for m in team.members.filter(user__isnull=True):
            if team is b:
                do_assign_care_member(m, name="某某", acting_user=SYSTEM)
    door = a.duties.get(member__role=CareRole.GRID_WORKER, item=CareItem.DOOR)
    do_record_care_check(door, acting_user=SYSTEM, result=CheckResult.ABNORMAL, note="门磁报警")
    CareDuty.objects.filter(team=b).update(due_at=timezone.now() - dt.timedelta(hours=1))
    AF.away(grid, phone="13700000666", risk_level="high")  # the gateway refuses this one
    AF.away(grid, phone="13800000001", risk_level="high")
    notice = do_send_notice(division=grid.parent, audience=NoticeAudience.AWAY_IN_RISK, text="通知",
                            acting_user=SYSTEM)
    send_queued(notice.pk)


def test_the_figures_are_scoped_and_each_opens_its_list(users, known):
    figures = {f.name: f for f in [*care_figures(users["village"]), *notice_figures(users["village"])]}
    b_duties = CareDuty.objects.filter(team__members__name="某某").distinct().count()
    assert {k: f.value for k, f in figures.items()} == {
        "care.teams": 2, "care.vacant": 1, "care.overdue": b_duties, "care.checks_today": 1,
        "care.abnormal_today": 1, "notices.sent": 1, "notices.recipients": 2, "notices.not_reached": 1}
    client = client_for(users["village"])
    for f in figures.values():
        assert f.name in METRICS
        if f.name == "notices.sent" or f.name == "notices.recipients":
            continue
        response = client.get(f.url)
        assert response.status_code == 200, f.url
        assert len(page_object_ids(response)) == f.value, (f.name, f.url)
    assert care_figures(users["commander"])[0].value == 3


def test_the_board_and_the_api_give_the_same_figures(users, known):
    html = client_for(users["village"]).get("/grid/care/").content.decode()
    data = api_client_for(users["village"]).get("/api/grid/care-teams/figures/").json()["figures"]
    for f in [*care_figures(users["village"]), *notice_figures(users["village"])]:
        assert f'href="{f.url.replace("&", "&amp;")}"' in html
        assert {d["name"]: d["value"] for d in data}[f.name] == f.value
