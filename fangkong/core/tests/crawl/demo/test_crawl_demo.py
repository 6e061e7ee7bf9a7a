"""The crawl of issue #18 on the demo county (the test county with `seed_demo_activity`), as every
role: every page reachable from the menu opens, and shows no raw code or Python repr."""

from __future__ import annotations

import pytest

from ..runner import (
    assert_clean,
    assert_coverage_opens,
    assert_known_fixed,
    known_params,
)
from ..scenarios import ROLES

SCENARIO = "demo"



@pytest.mark.parametrize("username", ROLES)
def test_it_finds_nothing_as(db, username):
    assert_clean(SCENARIO, username, max_pages=100)


@pytest.mark.parametrize("known", known_params(SCENARIO))
def test_it_no_longer_finds(db, known):
    assert_known_fixed(SCENARIO, known, max_pages=100)


def test_it_computes_coverage_and_shows_the_round(db, users):
    """Coverage of the demo round (results, no exemptions: the county of #18.1) is computed and shown."""
    assert_coverage_opens(users["commander"])
