"""The crawl of the command pages (headquarters' structure, dispatch, daily reports, supervision,
duty), started
from the command centre's overview and lists and from a township cadre's phone list (the crawls
from the home page stop at their page limit before reaching them), on the demo county."""

from __future__ import annotations

import pytest

from fangkong.core.models import Division, User

from ..kit import Checks, crawl_as, summary
from ..runner import audit_verbs, choice_values

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
    user = User.objects.get(username=username)
    checks = Checks(choice_values() | audit_verbs(), set(User.objects.values_list("username", flat=True)),
                    set(Division.objects.values_list("path", flat=True)), english=language == "en")
    from fangkong.command.views.briefing import may_brief

    for start in STARTS.get(username, OVERSEER_STARTS):
        if start == "/command/briefing/" and not may_brief(user):
            continue  # offered only to the roles that may open the lists it links
        result = crawl_as(user, checks, language=language, start=start, max_pages=25)
        assert result.visited.get(start) == 200, f"{username}: {start} did not open ({result.visited.get(start)})"
        assert not result.findings, f"{username} from {start}:\n" + "\n".join(summary(result.findings))


@pytest.mark.parametrize("username", ROLES)
def test_it_finds_nothing_on_the_command_pages_as(db, username):
    crawl_command_pages(username, None)


@pytest.mark.parametrize("username", ("commander", "township", "cdc"))
def test_it_finds_nothing_on_the_command_dashboard_as(db, username):
    user = User.objects.get(username=username)
    checks = Checks(choice_values() | audit_verbs(), set(User.objects.values_list("username", flat=True)),
                    set(Division.objects.values_list("path", flat=True)))
    for start in ("/command/dashboard/", "/command/dashboard/?screen=1&weeks=8"):
        result = crawl_as(user, checks, start=start, max_pages=15)
        assert result.visited.get(start) == 200, f"{username}: {start} did not open ({result.visited.get(start)})"
        assert not result.findings, f"{username} from {start}:\n" + "\n".join(summary(result.findings))
