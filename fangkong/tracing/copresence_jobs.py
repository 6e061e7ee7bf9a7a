"""Scheduled work of co-presence: records past the retention period are deleted (PIPL), and the
yield of recent runs is counted again as test results arrive."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from fangkong.core import audit
from fangkong.core.choices import AuditAction, AuditSource
from fangkong.core.models import Batch

from .copresence_choices import LOCATION_BATCH_KIND, SCAN_BATCH_KIND, RunStatus
from .models import CoPresenceRun

YIELD_DAYS = 28  # runs younger than this have their yield counted again


def retention_cutoff(now: dt.datetime | None = None, days: int | None = None) -> dt.datetime:
    days = settings.FANGKONG_COPRESENCE_RETENTION_DAYS if days is None else days
    return (now or timezone.now()) - dt.timedelta(days=days)


def purge_expired_records(now: dt.datetime | None = None, days: int | None = None) -> dict[str, int]:
    """Delete venue scans and location records older than the retention period (by scan time /
    entry time; default FANGKONG_COPRESENCE_RETENTION_DAYS = 21 days) from the record store,
    and merge the files of days that many small imports left; audited once."""
    from .copresence_import import LOCATIONS, SCANS

    cutoff = retention_cutoff(now, days)
    naive = cutoff.astimezone(dt.UTC).replace(tzinfo=None)
    out = {"scans": SCANS.store.purge(naive), "locations": LOCATIONS.store.purge(naive)}
    SCANS.store.compact()
    LOCATIONS.store.compact()
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
