"""The crawl of issue #18 on an empty county: divisions and accounts, no residents, no activity.
Every page must open on it (empty lists and zero figures, never a crash or a broken link)."""

from __future__ import annotations

import pytest

from .runner import assert_clean, assert_known_fixed, known_params
from .scenarios import ROLES, county, empty_registry

SCENARIO = "empty"


@pytest.fixture(scope="module", autouse=True)
def empty_county(django_db_setup, django_db_blocker):
    with county(django_db_blocker, empty_registry):
        yield


@pytest.mark.parametrize("username", ROLES)
def test_it_finds_nothing_as(db, username):
    assert_clean(SCENARIO, username, max_pages=60)


@pytest.mark.parametrize("known", known_params(SCENARIO))
def test_it_no_longer_finds(db, known):
    assert_known_fixed(SCENARIO, known, max_pages=60)
