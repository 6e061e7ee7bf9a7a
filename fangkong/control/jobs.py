"""Scheduled work of the control area: missed-test alerts (漏检提醒)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from fangkong.core import audit
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditSource
from fangkong.core.models import Notification, User
from fangkong.core.notify import notify, resolve

from .alerts import alert_recipients, raise_alert
from .choices import MeasureStatus, TestStatus
from .models import ScheduledTest


def overdue_tests(qs: QuerySet[ScheduledTest] | None = None, today: dt.date | None = None) -> QuerySet[ScheduledTest]:
    """Pending tests whose due day has passed, of persons still under a measure."""
    today = today or timezone.localdate()
    qs = ScheduledTest.objects.all() if qs is None else qs
    return qs.filter(status=TestStatus.PENDING, due_on__lt=today, measure__status=MeasureStatus.ACTIVE)


def alert_missed_tests(now: dt.datetime | None = None) -> int:
    """Alert once per missed test: each is claimed by a conditional update, so two workers
    running at once never alert twice (healthchecks' sendalerts)."""
    now = now or timezone.now()
    settle_missed_alerts(timezone.localdate(now))
    candidates = list(overdue_tests(today=timezone.localdate(now)).filter(missed_alerted_at=None)
                      .values_list("pk", flat=True)[:5000])
    claimed = []
    for pk in candidates:
        if ScheduledTest.objects.filter(pk=pk, missed_alerted_at=None).update(missed_alerted_at=now):
            claimed.append(pk)
    if not claimed:
        return 0
    by_user = defaultdict(list)
    tests = ScheduledTest.objects.filter(pk__in=claimed).select_related("measure__responsible", "person")
    for t in tests:
        if t.measure.responsible:
            by_user[t.measure.responsible].append(t)
    with audit.audit_context(actor=SYSTEM, source=AuditSource.JOB):
        for user, items in by_user.items():
            names = "、".join(sorted({t.person.name for t in items})[:10])
            notify([user], "alert", f"漏检提醒：{len(items)}人次未按时检测", names, reverse("control:overdue"))
        raise_alert(f"漏检提醒：{len(claimed)}人次管控人员未按时检测", "", reverse("control:overdue"))
    return len(claimed)


def settle_missed_alerts(today: dt.date | None = None) -> int:
    """漏检提醒 is done once its tests are recorded (or their measures ended): the responsible
    person's when none of theirs is overdue, the command centre's and the CDC's when none in the
    county is. Marks them read for the users concerned; returns how many."""
    url = reverse("control:overdue")
    waiting = set(Notification.objects.filter(url=url, kind="alert", read_at__isnull=True)
                  .values_list("user_id", flat=True))
    if not waiting:
        return 0
    overdue = overdue_tests(today=today)
    busy = set(overdue.filter(measure__responsible_id__in=waiting).values_list("measure__responsible_id", flat=True))
    if overdue.exists():
        busy |= {u.pk for u in alert_recipients()}
    done = waiting - busy
    return resolve(url=url, kinds=["alert"], users=[User(pk=pk) for pk in done]) if done else 0


@task()
def alert_missed_tests_task() -> int:
    return alert_missed_tests()
