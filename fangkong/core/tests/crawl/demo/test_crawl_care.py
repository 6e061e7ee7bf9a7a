"""The crawl of the 四对一 and notice pages (issue #15 items 5 and 6), started from the board, the
teams, the duties, the templates, the notices and the phone page on the demo county, as every
role of the grid line."""

from __future__ import annotations

import pytest

from fangkong.core.models import User

from ..runner import assert_pages_clean

ROLES = ("commander", "township", "village", "grid", "cdc", "auditor", "lab")
STARTS = ("/grid/care/", "/grid/care/teams/", "/grid/care/duties/?due=overdue", "/grid/care/templates/",
          "/grid/notices/", "/grid/care/my/")




@pytest.mark.parametrize("username", ROLES)
def test_it_finds_nothing_on_the_care_and_notice_pages_as(db, username):
    # the lab has no role here: refused, and offered no link to it
    assert_pages_clean(username, STARTS, max_pages=12, refused=username == "lab")


def test_the_demo_fills_the_pages(db):
    from fangkong.core.testkit import client_for
    from fangkong.grid.models import CareCheck, CareTeam, Notice, NoticeDelivery

    grid = User.objects.get(username="grid")
    assert CareTeam.objects.filter(division=grid.division).count() >= 2
    assert CareCheck.objects.filter(result="abnormal").exists()
    assert Notice.objects.count() >= 2 and NoticeDelivery.objects.filter(status="failed").exists()
    html = client_for(grid).get("/grid/care/my/").content.decode()
    assert "门磁/居家情况" in html and "正常" in html
