"""The crawl of issue #18 on a county with activity but without exemptions, risk areas or test
results: the edges that crashed the testing coverage in the field test (#18.1)."""

from __future__ import annotations

import pytest

from .runner import assert_clean, assert_coverage_opens, assert_known_fixed, known_params
from .scenarios import county, seed_demo, strip_exemptions_and_risk_areas

SCENARIO = "bare"
ROLES = ("commander", "cdc", "lab", "township", "village", "grid", "big_data_admin")


@pytest.fixture(scope="module", autouse=True)
def bare_county(django_db_setup, django_db_blocker):
    with county(django_db_blocker, lambda: seed_demo(results=False), strip_exemptions_and_risk_areas):
        yield


@pytest.mark.parametrize("username", ROLES)
def test_it_finds_nothing_as(db, username):
    assert_clean(SCENARIO, username, max_pages=60)


@pytest.mark.parametrize("known", known_params(SCENARIO))
def test_it_no_longer_finds(db, known):
    assert_known_fixed(SCENARIO, known, max_pages=60)



def test_it_computes_coverage_and_shows_the_round(db, users):
    """The round page's 立即重算 (and the job after every upload) on the bare county: the coverage
    is computed, and the round and its untested list open as the commander."""
    assert_coverage_opens(users["commander"])
