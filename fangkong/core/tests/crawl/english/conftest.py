"""The English crawls share one demo county with every stored text made Latin
(scenarios.latinize_data), built once for the package and rolled back at its end."""

from __future__ import annotations

import pytest

from ..scenarios import county, latinize_data, seed_demo


@pytest.fixture(scope="package", autouse=True)
def latin_county(django_db_setup, django_db_blocker):
    with county(django_db_blocker, seed_demo, latinize_data):
        yield
