"""#17 probe: the audit log's immutability held only in Python. A trigger in the database refuses
raw UPDATE (and, on PostgreSQL, DELETE) of its rows; clearing a deleted account's link and the
retention job's deletion of rows past 180 days still work."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.choices import AuditAction
from fangkong.core.models import AuditLog
from fangkong.core.testkit import make_user

pytestmark = pytest.mark.django_db


def _raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:  # a savepoint: PostgreSQL aborts it
        cursor.execute(sql, params)


@pytest.fixture
def row() -> AuditLog:
    return audit.record(AuditAction.ACTION, None, object_type_="core.test", verb="append_only")


def test_raw_sql_cannot_rewrite_a_row(row):
    for sql in ("UPDATE core_auditlog SET verb = 'rewritten' WHERE id = %s",
                "UPDATE core_auditlog SET at = at WHERE id = %s",
                "UPDATE core_auditlog SET changes = '{}', actor_id = NULL WHERE id = %s"):
        with pytest.raises(DatabaseError, match="审计日志不可修改"):
            _raw(sql, [row.pk])
    assert AuditLog.objects.get(pk=row.pk).verb == "append_only"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite empties tables with DELETE (flush)")
def test_raw_sql_cannot_delete_a_recent_row(row):
    with pytest.raises(DatabaseError, match="审计日志不可删除"):
        _raw("DELETE FROM core_auditlog WHERE id = %s", [row.pk])
    with pytest.raises(DatabaseError):
        _raw("DELETE FROM core_auditlog", [])
    assert AuditLog.objects.filter(pk=row.pk).exists()


def test_the_retention_job_still_deletes_old_rows(row):
    old = AuditLog.objects.bulk_create([AuditLog(at=timezone.now() - dt.timedelta(days=400),
                                                 action=AuditAction.ACTION, object_type="core.test")])[0]
    assert AuditLog.objects.prune(timezone.now() - dt.timedelta(days=300)) == 1
    assert not AuditLog.objects.filter(pk=old.pk).exists() and AuditLog.objects.filter(pk=row.pk).exists()


def test_deleting_an_account_clears_only_its_link(db):
    user = make_user("leaver2", None)
    with audit.audit_context(user):
        row = audit.record(AuditAction.ACTION, None, object_type_="core.test")
    user.delete()
    row = AuditLog.objects.get(pk=row.pk)
    assert (row.actor, row.actor_label) == (None, "leaver2")


def test_an_imports_narrow_items_are_as_immutable_and_pruned_with_their_entry(row):
    from fangkong.core.models import AuditItem

    AuditItem.objects.create(object_type="screening.person", object_id=1, entry=row)
    with pytest.raises(DatabaseError, match="审计日志不可修改"):
        _raw("UPDATE core_audititem SET object_id = 2 WHERE entry_id = %s", [row.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="审计日志不可修改"):
            _raw("DELETE FROM core_audititem WHERE entry_id = %s", [row.pk])
    old = AuditLog.objects.bulk_create([AuditLog(at=timezone.now() - dt.timedelta(days=400),
                                                 action=AuditAction.CREATE, object_type="core.batch")])[0]
    AuditItem.objects.create(object_type="screening.person", object_id=3, entry=old)
    assert AuditLog.objects.prune(timezone.now() - dt.timedelta(days=300)) == 1
    assert list(AuditItem.objects.values_list("object_id", flat=True)) == [1]
