"""Coverage on the edges a new county meets first: no exemptions, no results, nothing sampled,
and a round whose coverage was never computed (issue #18, item 1).

On SQLite the engine reads through ADBC, as the page and the job do outside a transaction: from
a file copy of the test database, since ADBC opens its own connection. ADBC's SQLite driver types
an empty or all-NULL column as int64 — the crash of the demo county.
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest
from django.db import connection

from fangkong.analytics import engine
from fangkong.core import audit
from fangkong.core.actions import SYSTEM
from fangkong.core.testkit import client_for
from fangkong.testing.jobs import refresh_coverage
from fangkong.testing.models import CoverageGap, CoverageRollup, Exemption, UnmatchedResult

from .conftest import pool, present
from .test_coverage import expected_by_orm

# The tables the coverage queries read (testing.coverage.round_queries).
SOURCE_TABLES = ("core_division", "registry_resident", "testing_roundvillage", "testing_exemption",
                 "testing_sample", "testing_sampling", "testing_resamplingtask")


def _copy_tables(path) -> None:
    """Copy the source tables, as the test transaction sees them, into a file database (a backup
    of the in-memory test database would wait forever on the test's own open transaction)."""
    target = sqlite3.connect(path)
    with connection.cursor() as cur:
        for table in SOURCE_TABLES:
            cur.execute(f"SELECT * FROM {table}")
            target.execute(f"CREATE TABLE {table} ({', '.join(c[0] for c in cur.description)})")
            rows = [tuple(float(v) if isinstance(v, Decimal) else v for v in row) for row in cur.fetchall()]
            if rows:
                target.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)
    target.commit()
    target.close()


@pytest.fixture
def through_adbc(tmp_path, monkeypatch):
    """Make the engine read through ADBC from a file copy of the source tables taken at read time."""
    if connection.vendor != "sqlite":
        return  # PostgreSQL's ADBC driver types empty results from the server's description
    import adbc_driver_sqlite.dbapi as adbc

    def copy():
        path = tmp_path / "copy.sqlite3"
        path.unlink(missing_ok=True)
        _copy_tables(path)
        return adbc.connect(str(path))

    monkeypatch.setattr(engine, "use_adbc", lambda: True)
    monkeypatch.setattr(engine, "_adbc_connection", copy)


def test_it_computes_coverage_in_a_county_without_exemptions(users, rnd, site, village, through_adbc):
    assert not Exemption.objects.exists()
    with audit.audit_context(users["village"]):
        pool(site, rnd, present(village, 5), "E0001", capacity=5, by=users["village"])

    refresh_coverage(rnd, acting_user=SYSTEM)

    county = CoverageRollup.objects.get(round=rnd, level="county")
    expected = expected_by_orm(rnd)
    assert county.expected == len(expected) and county.sampled == 5 and county.exempt >= 0
    assert county.untested == len(expected) - 5 > 0
    assert CoverageGap.objects.filter(round=rnd).count() == county.untested
    page = client_for(users["commander"]).get(f"/testing/rounds/{rnd.pk}/gaps/")
    assert page.context["paginator"].count == county.untested
    assert "没有未检人员" not in page.content.decode()


def test_it_computes_coverage_when_nothing_was_sampled(users, rnd, through_adbc):
    assert not UnmatchedResult.objects.exists()
    out = refresh_coverage(rnd, acting_user=SYSTEM)

    county = CoverageRollup.objects.get(round=rnd, level="county")
    assert county.sampled == 0 and county.resulted == 0 and county.untested == county.expected > 0
    assert out["gaps"] == county.untested and out["tubes"] == 0


def test_it_says_a_coverage_was_never_computed(users, rnd):
    client = client_for(users["commander"])
    page = client.get(f"/testing/rounds/{rnd.pk}/").content.decode()
    assert "尚未计算覆盖率" in page and 'id="refresh"' in page
    gaps = client.get(f"/testing/rounds/{rnd.pk}/gaps/").content.decode()
    assert "尚未计算覆盖率" in gaps and "没有未检人员" not in gaps and 'id="refresh"' in gaps
    export = client.get(f"/testing/rounds/{rnd.pk}/export/gaps/", {"format": "csv"}, follow=True)
    assert export.redirect_chain and "尚未计算覆盖率" in export.content.decode()
