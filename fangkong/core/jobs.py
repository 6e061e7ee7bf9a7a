"""Scheduled core work: the audit-log retention job (a django-task, also run by `prune_audit_log`)
and failing the import batches a dead process left running."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from . import audit
from .choices import AuditAction, AuditSource
from .models import AuditLog


def prune_audit_log(now: dt.datetime | None = None) -> int:
    """Delete rows older than AUDIT_RETENTION_DAYS (≥ 180) and leave one audit row saying how many."""
    days = max(180, settings.AUDIT_RETENTION_DAYS)
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    deleted = AuditLog.objects.prune(cutoff)
    with audit.audit_context(source=AuditSource.JOB):
        audit.record(AuditAction.DELETE, None, verb="prune_audit_log", object_type_="core.auditlog",
                     object_repr=f"< {cutoff:%Y-%m-%d}", changes={"deleted": deleted, "retention_days": days})
    return deleted


@task()
def prune_audit_log_task() -> int:
    return prune_audit_log()


@task()
def fail_stale_batches_task() -> int:
    """Batches left "running" by a process that died are failed with the reason."""
    from .imports import fail_stale_batches

    return fail_stale_batches()
