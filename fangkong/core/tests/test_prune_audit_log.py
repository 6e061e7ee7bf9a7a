"""The retention job is the only way audit rows disappear, and only after AUDIT_RETENTION_DAYS."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from fangkong.core.choices import AuditAction
from fangkong.core.models import AuditLog


def _row(days_old: float) -> AuditLog:
    row = AuditLog(at=timezone.now() - dt.timedelta(days=days_old), action=AuditAction.VIEW, object_type="t")
    row.save()
    return row


def test_it_keeps_179_days_and_deletes_older_than_180(db, settings):
    settings.AUDIT_RETENTION_DAYS = 180
    young, old = _row(179), _row(181)
    call_command("prune_audit_log")
    assert AuditLog.objects.filter(pk=young.pk).exists()
    assert not AuditLog.objects.filter(pk=old.pk).exists()
    report = AuditLog.objects.get(verb="prune_audit_log")
    assert report.changes["deleted"] >= 1 and report.source == "job"


def test_it_never_keeps_less_than_180_days(db, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    young = _row(100)
    call_command("prune_audit_log")
    assert AuditLog.objects.filter(pk=young.pk).exists()
    with pytest.raises(PermissionError):
        AuditLog.objects.prune(timezone.now() - dt.timedelta(days=100))


def test_no_other_path_deletes_or_changes_rows(db):
    row = _row(1)
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=row.pk).delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=row.pk).update(verb="x")
    row.verb = "x"
    with pytest.raises(PermissionError):
        row.save()
