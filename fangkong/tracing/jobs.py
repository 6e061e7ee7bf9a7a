"""Scheduled work of tracing: investigation milestones past their deadline are escalated to the
CDC and the command centre, once each (claimed by a conditional update, like screening's tasks)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from fangkong.core import audit
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditAction, AuditSource
from fangkong.core.notify import notify

from .actions.cases import alert_recipients
from .choices import InvestigationStatus
from .models import Milestone


def escalate_overdue_milestones(now: dt.datetime | None = None) -> int:
    """Each open milestone past due is escalated once; returns how many."""
    now = now or timezone.now()
    due = list(Milestone.objects.filter(done_at=None, escalated_at=None, due_at__lt=now,
                                        investigation__status=InvestigationStatus.OPEN)
               .order_by("due_at").values_list("pk", flat=True)[:2000])
    claimed = [pk for pk in due if Milestone.objects.filter(pk=pk, escalated_at=None).update(escalated_at=now)]
    if not claimed:
        return 0
    recipients = alert_recipients()
    with audit.audit_context(actor=SYSTEM, source=AuditSource.JOB):
        for m in Milestone.objects.filter(pk__in=claimed).select_related("investigation__case"):
            case = m.investigation.case
            late = now - m.due_at
            audit.record(AuditAction.UPDATE, m.investigation, verb="escalate_milestone",
                         changes={"milestone": [None, m.kind], "due_at": [None, m.due_at.isoformat()]})
            notify(recipients, "alert", _("流调超时：%(code)s %(kind)s") % {"code": case.code, "kind": m.get_kind_display()},
                   _("时限 %(due)s，已超时 %(min)s 分钟，请督办") % {
                       "due": timezone.localtime(m.due_at).strftime("%m-%d %H:%M"), "min": int(late.total_seconds() // 60)},
                   url=reverse("tracing:investigation", args=[m.investigation_id]), sms=True)
    return len(claimed)


@task()
def escalate_overdue_milestones_task() -> int:
    return escalate_overdue_milestones()
