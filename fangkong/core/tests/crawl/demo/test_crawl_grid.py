"""The crawl of the grid line's pages, started from the demo's sweep in progress (the crawls from
the home page stop at their page limit before the sweep's coverage and comparison pages), on the
demo county; test_crawl_grid_english.py does the same in English on the county made Latin."""

from __future__ import annotations

import pytest

from ..runner import assert_pages_clean

ROLES = ("commander", "township", "village", "grid", "auditor")



def crawl_grid_pages(username: str, language: str | None) -> None:
    """Crawl from the sweep's own pages (the grid worker: from their phone list)."""
    from fangkong.grid.choices import SweepStatus
    from fangkong.grid.models import Sweep

    sweep = Sweep.objects.get(status=SweepStatus.OPEN)
    starts = ["/grid/my/", f"/grid/sweeps/{sweep.pk}/mine/?all=1"] if username == "grid" else [
        f"/grid/sweeps/{sweep.pk}/", f"/grid/sweeps/{sweep.pk}/coverage/?level=grid", f"/grid/sweeps/{sweep.pk}/diff/"]
    assert_pages_clean(username, starts, max_pages=15, language=language)


@pytest.mark.parametrize("username", ROLES)
def test_it_finds_nothing_on_the_grid_pages_as(db, username):
    crawl_grid_pages(username, None)
