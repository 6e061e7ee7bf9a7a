"""The crawl of the grid line's pages, started from the demo's sweep in progress (the crawls from
the home page stop at their page limit before the sweep's coverage and comparison pages), on the
demo county; test_crawl_grid_english.py does the same in English on the county made Latin."""

from __future__ import annotations

import pytest

from fangkong.core.models import Division, User

from ..kit import Checks, crawl_as, summary
from ..runner import audit_verbs, choice_values

ROLES = ("commander", "township", "village", "grid", "auditor")



def crawl_grid_pages(username: str, language: str | None) -> None:
    """Crawl from the sweep's own pages (the grid worker: from their phone list)."""
    from fangkong.grid.choices import SweepStatus
    from fangkong.grid.models import Sweep

    sweep = Sweep.objects.get(status=SweepStatus.OPEN)
    user = User.objects.get(username=username)
    checks = Checks(choice_values() | audit_verbs(), set(User.objects.values_list("username", flat=True)),
                    set(Division.objects.values_list("path", flat=True)), english=language == "en")
    starts = ["/grid/my/", f"/grid/sweeps/{sweep.pk}/mine/?all=1"] if username == "grid" else [
        f"/grid/sweeps/{sweep.pk}/", f"/grid/sweeps/{sweep.pk}/coverage/?level=grid", f"/grid/sweeps/{sweep.pk}/diff/"]
    for start in starts:
        result = crawl_as(user, checks, language=language, start=start, max_pages=15)
        assert result.visited.get(start) == 200, f"{username}: {start} did not open"
        assert not result.findings, f"{username} from {start}:\n" + "\n".join(summary(result.findings))


@pytest.mark.parametrize("username", ROLES)
def test_it_finds_nothing_on_the_grid_pages_as(db, username):
    crawl_grid_pages(username, None)
