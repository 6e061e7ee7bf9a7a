"""Scheduled work of co-presence: records past the retention period are deleted (PIPL), and the
yield of recent runs is counted again as test results arrive."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task

from fangkong.core import audit
from fangkong.core.choices import AuditAction, AuditSource
from fangkong.core.models import Batch

from .copresence_choices import LOCATION_BATCH_KIND, SCAN_BATCH_KIND, RunStatus
from .models import CoPresenceRun, LocationRecord, ScanRecord

DELETE_CHUNK = 200_000
YIELD_DAYS = 28  # runs younger than this have their yield counted again


def retention_cutoff(now: dt.datetime | None = None, days: int | None = None) -> dt.datetime:
    days = settings.FANGKONG_COPRESENCE_RETENTION_DAYS if days is None else days
    return (now or timezone.now()) - dt.timedelta(days=days)


def _delete_before(model, column: str, cutoff: dt.datetime) -> int:
    """Delete in chunks by id (a county's 20 million rows never in one transaction)."""
    table = model._meta.db_table
    value = cutoff if connection.vendor == "postgresql" else cutoff.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    deleted = 0
    while True:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} WHERE {column} < %s LIMIT %s)",
                        [value, DELETE_CHUNK])
            n = cur.rowcount
        deleted += n
        if n < DELETE_CHUNK:
            return deleted


def purge_expired_records(now: dt.datetime | None = None, days: int | None = None) -> dict[str, int]:
    """Delete venue scans and location records older than the retention period (by scan time /
    entry time; default FANGKONG_COPRESENCE_RETENTION_DAYS = 21 days); audited once."""
    cutoff = retention_cutoff(now, days)
    out = {"scans": _delete_before(ScanRecord, "scanned_at", cutoff),
           "locations": _delete_before(LocationRecord, "entered_at", cutoff)}
    _forget_bad_rows(cutoff)
    if out["scans"] or out["locations"]:
        with audit.audit_context(source=AuditSource.JOB):
            audit.record(AuditAction.DELETE, None, verb="purge_copresence_records", object_type_="tracing.scanrecord",
                         changes={**out, "before": cutoff.isoformat()})
    return out


def _forget_bad_rows(cutoff: dt.datetime) -> int:
    """The values of rejected rows (names, ID numbers, phones as written) are personal data too:
    record batches older than the period keep only each bad row's number and reasons."""
    n = 0
    old = Batch.objects.filter(kind__in=(SCAN_BATCH_KIND, LOCATION_BATCH_KIND), created_at__lt=cutoff)
    for batch in old.exclude(errors=[]).only("pk", "errors"):
        if any(e.get("values") for e in batch.errors):
            errors = [{"row": e.get("row"), "reasons": e.get("reasons", [])} for e in batch.errors]
            Batch.objects.filter(pk=batch.pk).update(errors=errors)
            n += 1
    return n


def refresh_recent_yields(now: dt.datetime | None = None) -> int:
    from .copresence import refresh_yield

    since = (now or timezone.now()) - dt.timedelta(days=YIELD_DAYS)
    n = 0
    for run in CoPresenceRun.objects.filter(status=RunStatus.DONE, created_at__gte=since):
        refresh_yield(run)
        n += 1
    return n


@task()
def copresence_tick() -> None:
    """Daily: expired records deleted, recent runs' yield counted again."""
    purge_expired_records()
    refresh_recent_yields()
