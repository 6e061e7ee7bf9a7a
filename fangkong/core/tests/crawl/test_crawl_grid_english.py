"""The grid line's pages in English on the demo county made Latin (see test_crawl_grid.py)."""

from __future__ import annotations

import pytest

from .scenarios import county, latinize_data, seed_demo
from .test_crawl_grid import ROLES, crawl_grid_pages


@pytest.fixture(scope="module")
def latin_county(django_db_setup, django_db_blocker):
    with county(django_db_blocker, seed_demo, latinize_data):
        yield


@pytest.mark.parametrize("username", ROLES)
def test_it_finds_no_chinese_on_the_grid_pages_as(latin_county, db, username):
    crawl_grid_pages(username, "en")
