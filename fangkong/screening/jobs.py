"""Background work of screening: the escalation loop and the board's roll-up rebuild (django-tasks).
Large imports run in the platform's one import task, `core.imports.run_batch_task`."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from fangkong.core import audit
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditSource

from .actions import do_escalate
from .choices import VerificationStatus
from .models import Verification
from .notices import send_overdue_digest
from .routing import Router


def escalate_overdue(now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Escalate every task whose `escalate_at` has passed; each is claimed once (conditional update).
    Then, at most once an hour, the command centre and the module leads get one digest of the
    overdue tasks per township (`notices.send_overdue_digest`)."""
    now = now or timezone.now()
    due = list(Verification.objects.filter(escalate_at__lte=now).exclude(status=VerificationStatus.CLOSED)
               .select_related("person", "assignee").order_by("escalate_at")[:limit])
    escalated = 0
    with audit.audit_context(source=AuditSource.JOB):
        if due:
            router = Router.load()
            escalated = sum(1 for v in due if do_escalate(v, now=now, router=router, acting_user=SYSTEM))
        send_overdue_digest(now)
    return escalated


@task()
def escalate_overdue_task() -> int:
    return escalate_overdue()


@task()
def rebuild_board_rollups_task() -> dict[str, int]:
    """Daily: the roll-up counts of the board, 001's sentences and 管控总览 recomputed from the live
    rows (they are kept by every write; this repairs rows written around the actions and imports,
    e.g. by hand in the database)."""
    from fangkong.control.rollups import rebuild_control_rollups

    from .rollups import rebuild_board_rollups

    return {**rebuild_board_rollups(), **rebuild_control_rollups()}
