"""core.bulk: keys reserved ahead, lookups by key, rows inserted as tuples, on either database."""

from __future__ import annotations

import datetime as dt
import gc
from decimal import Decimal

import pytest
from django.db import connection, transaction

from fangkong.core.bulk import _counted_rows, analyze, fetch_in, import_session, insert_rows, reserve_ids
from fangkong.core.models import Batch

pytestmark = pytest.mark.django_db


def test_reserved_keys_are_not_taken_by_later_inserts(county):
    with transaction.atomic():
        reserved = list(reserve_ids(Batch, 5))
    assert len(set(reserved)) == 5
    later = Batch.objects.create(kind="leads", channel="big_data", division=county)
    assert later.pk not in reserved and later.pk > max(reserved)
    with transaction.atomic():
        assert min(reserve_ids(Batch, 3)) > later.pk


def test_rows_inserted_with_reserved_keys_are_found_by_key(county):
    with transaction.atomic():
        pks = list(reserve_ids(Batch, 3))
        naive = dt.datetime(2022, 7, 1, 8, 0)  # noqa: DTZ001 — stored as UTC, as Django's connections run
        # JSON columns: PostgreSQL takes this table as text COPY (the leads' tables go in binary).
        insert_rows(Batch, ("id", "kind", "channel", "source", "file_name", "file_sha256", "file", "status",
                            "options", "rows", "processed", "imported", "updated", "duplicates", "rejected",
                            "errors", "message", "created_at", "division_id"),
                    [(pk, "leads", "big_data", "", f"{pk}.csv", "", "", "done", "{}", 0, 0, 0, 0, 0, 0, "[]", "",
                      naive, county.pk) for pk in pks])
    names = {pk: name for pk, name in fetch_in("SELECT id, file_name FROM core_batch WHERE {in}", "id", pks)}
    assert names == {pk: f"{pk}.csv" for pk in pks}
    found = list(fetch_in("SELECT id FROM core_batch WHERE {in}", "file_name", [f"{pks[0]}.csv", "无此文件.csv", ""]))
    assert found == [(pks[0],)]
    assert Batch.objects.get(pk=pks[0]).created_at == naive.replace(tzinfo=dt.UTC)


def test_an_import_session_pauses_the_garbage_collector_and_puts_it_back():
    assert gc.isenabled()
    with import_session():
        assert not gc.isenabled()
        with import_session():  # nested (a writer process inherits its parent's state)
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError), import_session():
        1 / 0  # noqa: B018
    assert gc.isenabled()
    gc.disable()
    try:
        with import_session():
            pass
        assert not gc.isenabled()  # a caller that had paused it keeps it paused
    finally:
        gc.enable()


def _batches(county, n: int) -> None:
    Batch.objects.bulk_create([Batch(kind="leads", channel="big_data", division=county) for _ in range(n)])


def test_statistics_are_refreshed_only_for_a_table_a_load_grew_by_more_than_a_tenth(county):
    _batches(county, 200)
    analyze(Batch)
    rows = Batch.objects.count()
    assert _counted_rows(["core_batch"]) == [rows]
    _batches(county, 50 + rows // 10)  # not more than 50 + a tenth: the statistics stand
    analyze(Batch, added=50 + rows // 10)
    assert _counted_rows(["core_batch"]) == [rows]
    _batches(county, 80)
    analyze(Batch, added=80)
    assert _counted_rows(["core_batch"]) == [Batch.objects.count()]


def test_numbers_with_decimals_are_inserted_as_tuples(county):
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE bulk_numeric_probe (id integer PRIMARY KEY, t numeric(4, 1))")
    insert_rows("bulk_numeric_probe", ("id", "t"), [(1, Decimal("37.5")), (2, None), (3, 38)])
    with connection.cursor() as cur:
        cur.execute("SELECT id, t FROM bulk_numeric_probe ORDER BY id")
        rows = cur.fetchall()
    assert [(pk, None if t is None else Decimal(str(t))) for pk, t in rows] == \
        [(1, Decimal("37.5")), (2, None), (3, Decimal("38"))]
