"""The crawl of the command pages (headquarters' structure, dispatch, daily reports, supervision,
duty), started
from the command centre's overview and lists and from a township cadre's phone list (the crawls
from the home page stop at their page limit before reaching them), on the demo county."""

from __future__ import annotations

import pytest

from fangkong.core.models import User

from ..runner import assert_pages_clean

ROLES = ("commander", "township", "cdc", "regulator", "big_data_lead", "lab", "auditor", "grid")
STARTS = {
    "township": ["/command/my/", "/command/reports/file/", "/command/tasks/", "/command/duty/", "/command/findings/"],
    "grid": ["/"],
    "lab": ["/command/my/", "/command/units/"],
}
OVERSEER_STARTS = ["/command/reports/overview/", "/command/briefing/", "/command/units/", "/command/dispatches/", "/command/tasks/",
                   "/command/my/", "/command/duty/", "/command/visits/", "/command/findings/", "/command/shifts/",
                   "/command/duty-log/"]



def crawl_command_pages(username: str, language: str | None) -> None:
    from fangkong.command.views.briefing import may_brief

    user = User.objects.get(username=username)
    # the county report is offered only to the roles that may open the lists it links
    starts = [s for s in STARTS.get(username, OVERSEER_STARTS) if s != "/command/briefing/" or may_brief(user)]
    assert_pages_clean(username, starts, max_pages=25, language=language)


@pytest.mark.parametrize("username", ROLES)
def test_it_finds_nothing_on_the_command_pages_as(db, username):
    crawl_command_pages(username, None)


@pytest.mark.parametrize("username", ("commander", "township", "cdc"))
def test_it_finds_nothing_on_the_command_dashboard_as(db, username):
    assert_pages_clean(username, ("/command/dashboard/", "/command/dashboard/?screen=1&weeks=8"), max_pages=15)
