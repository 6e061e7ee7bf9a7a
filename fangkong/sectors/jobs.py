"""Scheduled work of the sectors area: overdue re-inspections escalate (复查超期升级), and closing
orders whose start day has come are applied."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from fangkong.core import audit
from fangkong.core.actions import SYSTEM, action, require_role
from fangkong.core.choices import AuditAction, AuditSource, Role
from fangkong.core.models import User
from fangkong.core.notify import notify

from .actions import do_apply_order
from .choices import OrderStatus, ReinspectionStatus
from .models import Reinspection, SectorOrder

ESCALATE_TO = (Role.COMMAND_CENTER, Role.SECTOR_REGULATOR)


def overdue_reinspections(today: dt.date | None = None):
    """Re-inspections still due whose deadline has passed."""
    today = today or timezone.localdate()
    return Reinspection.objects.filter(status=ReinspectionStatus.DUE, due_on__lt=today)


def _supervisors(grid_path: str, users: list[User]) -> list[User]:
    return [u for u in users if u.division_id and grid_path.startswith(u.division.path)]


@action
def do_escalate_overdue(*, acting_user: Any, now: dt.datetime | None = None) -> int:
    """Escalate each overdue re-inspection once: claimed by a conditional update (two workers never
    escalate twice), audited, and notified to its inspector and the command centre and regulators
    above the venue's grid. Returns how many were escalated."""
    require_role(acting_user, Role.COMMAND_CENTER)
    now = now or timezone.now()
    candidates = list(overdue_reinspections(timezone.localdate(now)).filter(escalated_at=None)
                      .values_list("pk", flat=True)[:5000])
    claimed = [pk for pk in candidates
               if Reinspection.objects.filter(pk=pk, escalated_at=None).update(escalated_at=now)]
    if not claimed:
        return 0
    supervisors = list(User.objects.filter(is_active=True, roles__role__in=ESCALATE_TO)
                       .select_related("division").distinct())
    for r in Reinspection.objects.filter(pk__in=claimed).select_related("venue__grid", "assignee"):
        audit.record(AuditAction.ACTION, r, verb="escalate_reinspection",
                     changes={"due_on": r.due_on.isoformat(), "venue": r.venue.name})
        to = {u.pk: u for u in _supervisors(r.venue.grid.path, supervisors)}
        if r.assignee is not None:
            to[r.assignee.pk] = r.assignee
        notify(list(to.values()), "alert", f"复查超期：{r.venue.name}",
               f"整改期限{r.due_on:%Y-%m-%d}已过，尚未复查", reverse("sectors:reinspection", args=[r.pk]))
    return len(claimed)


def escalate_overdue(now: dt.datetime | None = None) -> int:
    with audit.audit_context(actor=SYSTEM, source=AuditSource.JOB):
        return do_escalate_overdue(acting_user=SYSTEM, now=now)


def apply_due_orders(today: dt.date | None = None) -> int:
    """Apply the closing orders whose start day has come; returns the venues changed."""
    today = today or timezone.localdate()
    changed = 0
    with audit.audit_context(actor=SYSTEM, source=AuditSource.JOB):
        for order in SectorOrder.objects.filter(status=OrderStatus.ACTIVE, applied_at=None, starts_on__lte=today):
            changed += do_apply_order(order, acting_user=SYSTEM, today=today)
    return changed


@task()
def sectors_tick() -> int:
    return apply_due_orders() + escalate_overdue()
