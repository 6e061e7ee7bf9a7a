"""The grid line's pages in English on the demo county made Latin (see test_crawl_grid.py)."""

from __future__ import annotations

import pytest

from ..demo.test_crawl_grid import ROLES, crawl_grid_pages


@pytest.mark.parametrize("username", ROLES)
def test_it_finds_no_chinese_on_the_grid_pages_as(db, username):
    crawl_grid_pages(username, "en")
