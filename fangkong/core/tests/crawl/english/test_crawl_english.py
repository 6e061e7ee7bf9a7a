"""The crawl of issue #18 with the English switch on: no Chinese left on the pages.

The county is the demo county with every stored text made Latin (scenarios.latinize_data), so
any Han character on an English page is the platform's own text, untranslated. Text the page
marks as Chinese on purpose (`lang="zh…"`: the header names of a Chinese spreadsheet, the
switch back to 中文) is not counted."""

from __future__ import annotations

import pytest

from ..runner import assert_clean, assert_known_fixed, known_params

SCENARIO = "english"
ROLES = ("commander", "cdc", "lab", "site", "township", "grid", "auditor", "big_data_admin", "sysadmin")



@pytest.mark.parametrize("username", ROLES)
def test_it_finds_no_chinese_as(db, username):
    assert_clean(SCENARIO, username, language="en", max_pages=60)


@pytest.mark.parametrize("known", known_params(SCENARIO))
def test_it_no_longer_finds(db, known):
    assert_known_fixed(SCENARIO, known, language="en", max_pages=60)
