"""Scheduled work of the command area: overdue dispatch tasks escalate up the chain (交办超期升级),
and units that have not filed their daily report are reminded before its deadline (日报提醒). Both
reach, besides the people named below, whoever is on duty in the command centre at that moment.

A task still open at its deadline climbs one step of the chain at each threshold past it:

1. at the deadline: the unit's own leaders (a township: its cadres) and the sender;
2. ESCALATION_STEPS[1] later: the leaders of the unit above it (the group a task force belongs
   to, or the headquarters);
3. ESCALATION_STEPS[2] later: the command centre over the dispatch's division.

Each step is claimed by a conditional update on `escalation_level`, so two workers (or a late
tick) never notify twice; a tick that finds a task several steps behind takes all of them at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from fangkong.core import audit
from fangkong.core.actions import SYSTEM, action, require_role
from fangkong.core.choices import AuditAction, AuditSource, Role
from fangkong.core.models import User
from fangkong.core.notify import notify

from .choices import OPEN_TASK_STATUSES, ReplyKind
from .models import DailyReport, DispatchReply, DispatchTask, Unit
from .models.duty import centre_on_duty

ESCALATION_STEPS = (dt.timedelta(0), dt.timedelta(hours=24), dt.timedelta(hours=72))
STEP_LABELS = (gettext_lazy("承办单位负责人"), gettext_lazy("上级单位负责人"), gettext_lazy("指挥部"))


def due_level(task: DispatchTask, now: dt.datetime) -> int:
    """How many steps of the chain an open task has reached by `now` (0: not overdue)."""
    if task.status not in OPEN_TASK_STATUSES or now <= task.due_at:
        return 0
    return sum(1 for step in ESCALATION_STEPS if now > task.due_at + step)


def step_recipients(task: DispatchTask, level: int) -> list[User]:
    """Who an escalation to `level` (1, 2, 3) reaches."""
    if level == 1:
        users = task.unit.leaders()
        if task.dispatch.created_by_id:
            users.append(task.dispatch.created_by)
        return users
    if level == 2:
        above = task.unit.parent or task.dispatch.sender_unit
        return above.leaders() if above is not None else []
    division = task.dispatch.division
    centre = User.objects.filter(is_active=True, roles__role=Role.COMMAND_CENTER).select_related("division").distinct()
    return [u for u in centre if u.division_id and u.division.contains(division)] + centre_on_duty(division)


def overdue_tasks(now: dt.datetime | None = None):
    """Open tasks past their deadline (the 超期 list)."""
    return DispatchTask.objects.filter(status__in=OPEN_TASK_STATUSES, due_at__lt=now or timezone.now())


@action
def do_escalate_overdue_tasks(*, acting_user: Any, now: dt.datetime | None = None) -> int:
    """Escalate every overdue task to the step it has reached; returns the steps taken."""
    require_role(acting_user, Role.COMMAND_CENTER)
    now = now or timezone.now()
    first = now - ESCALATION_STEPS[-1]
    candidates = overdue_tasks(now).filter(
        Q(escalation_level=0) | Q(escalation_level=1, due_at__lt=now - ESCALATION_STEPS[1])
        | Q(escalation_level=2, due_at__lt=first)).select_related("dispatch__created_by", "dispatch__division",
                                                                  "unit__parent", "dispatch__sender_unit")[:5000]
    steps = 0
    for t in candidates:
        old, new = t.escalation_level, due_level(t, now)
        if new <= old:
            continue
        if not DispatchTask.objects.filter(pk=t.pk, escalation_level=old).update(escalation_level=new, escalated_at=now):
            continue  # another worker took it
        reached = [str(STEP_LABELS[k - 1]) for k in range(old + 1, new + 1)]
        audit.record(AuditAction.ACTION, t, verb="escalate_task",
                     changes={"escalation_level": [old, new], "due_at": timezone.localtime(t.due_at).isoformat()})
        DispatchReply.objects.create(task=t, kind=ReplyKind.ESCALATE, at=now,
                                     text=_("超期未办结，已升级至：%(to)s") % {"to": "、".join(reached)})
        to: dict[int, User] = {}
        for level in range(old + 1, new + 1):
            to.update({u.pk: u for u in step_recipients(t, level)})
        notify(list(to.values()), "alert", _("交办超期：%(unit)s") % {"unit": t.unit.name},
               _("%(title)s（时限%(due)s）超期未办结") % {"title": t.dispatch.title,
                                                   "due": f"{timezone.localtime(t.due_at):%m-%d %H:%M}"},
               reverse("command:dispatchtask", args=[t.pk]))
        steps += new - old
    return steps


def escalate_overdue_tasks(now: dt.datetime | None = None) -> int:
    with audit.audit_context(actor=SYSTEM, source=AuditSource.JOB):
        return do_escalate_overdue_tasks(acting_user=SYSTEM, now=now)


REMIND_BEFORE = dt.timedelta(hours=1)


@action
def do_remind_daily_reports(*, acting_user: Any, now: dt.datetime | None = None) -> int:
    """日报提醒: once a day, REMIND_BEFORE ahead of its deadline, each reporting unit that has not
    filed is reminded — its leaders and members, and whoever is on duty in the command centre then.
    Claimed per unit and day by a conditional update on `Unit.reminded_on`. Returns the units reminded."""
    from .actions import deadline

    require_role(acting_user, Role.COMMAND_CENTER)
    now = now or timezone.now()
    day = timezone.localdate(now)
    reminded = 0
    units = Unit.objects.filter(reports_daily=True).exclude(reminded_on=day).select_related("division")
    for unit in units:
        due = deadline(unit, day)
        if day < unit.reports_from() or not (due - REMIND_BEFORE <= now < due):
            continue
        if DailyReport.objects.filter(unit=unit, day=day).exists():
            continue
        if not Unit.objects.filter(pk=unit.pk).exclude(reminded_on=day).update(reminded_on=day):
            continue  # another worker took it
        audit.record(AuditAction.ACTION, unit, verb="remind_daily_report", changes={"day": day.isoformat()})
        to = {u.pk: u for u in unit.leaders()}
        to.update({m.user.pk: m.user for m in unit.members.filter(user__is_active=True).select_related("user")})
        to.update({u.pk: u for u in centre_on_duty(unit.division, now)})
        notify(list(to.values()), "alert", _("日报提醒：%(unit)s") % {"unit": unit.name},
               _("今日日报%(due)s截止，尚未报送（无情况也须报零报告）") % {"due": f"{timezone.localtime(due):%H:%M}"},
               reverse("command:report_file") + f"?unit={unit.pk}")
        reminded += 1
    return reminded


def remind_daily_reports(now: dt.datetime | None = None) -> int:
    with audit.audit_context(actor=SYSTEM, source=AuditSource.JOB):
        return do_remind_daily_reports(acting_user=SYSTEM, now=now)


@task()
def command_tick() -> int:
    return escalate_overdue_tasks() + remind_daily_reports()
