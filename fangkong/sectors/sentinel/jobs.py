"""Scheduled sentinel work: the signals of yesterday and today, computed every half hour (a
count that grows past its baseline during the day signals the same day), overdue signals
escalated, and the daily counts rebuilt from the records (`rebuild_sentinel_counts`)."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task

from fangkong.core import audit
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditSource

from .signals import do_escalate_signals, do_raise_signals


def raise_recent_signals(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    today = timezone.localdate(now)
    with audit.audit_context(actor=SYSTEM, source=AuditSource.JOB):
        return len(do_raise_signals(today - dt.timedelta(days=1), today, acting_user=SYSTEM, now=now))


def escalate_signals(now: dt.datetime | None = None) -> int:
    with audit.audit_context(actor=SYSTEM, source=AuditSource.JOB):
        return do_escalate_signals(acting_user=SYSTEM, now=now)


def rebuild_sentinel_counts() -> int:
    """Recompute `SentinelCount` from the records (after writes that went around the intake);
    returns the rows written."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM sectors_sentinelcount")
        cur.execute("INSERT INTO sectors_sentinelcount (venue_id, day, kind, division_id, n) "
                    "SELECT venue_id, day, kind, division_id, COUNT(*) FROM sectors_sentinelrecord "
                    "GROUP BY venue_id, day, kind, division_id")
        return cur.rowcount


@task()
def sentinel_tick() -> int:
    return raise_recent_signals() + escalate_signals()


@task()
def rebuild_sentinel_counts_task() -> int:
    return rebuild_sentinel_counts()
