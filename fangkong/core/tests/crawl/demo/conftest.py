"""The crawls on the demo county share one county: built once for the package (seed_demo_activity
takes half a minute), rolled back at its end. The suite's scheduler (conftest.py at the root)
keeps the package on one worker."""

from __future__ import annotations

import pytest

from ..scenarios import county, seed_demo


@pytest.fixture(scope="package", autouse=True)
def demo_county(django_db_setup, django_db_blocker):
    with county(django_db_blocker, seed_demo):
        yield
