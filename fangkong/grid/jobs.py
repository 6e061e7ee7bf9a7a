"""Scheduled work of the grid line: grids whose sweep is past its deadline with households
still unvisited are escalated to their village and township cadres, once per grid."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from fangkong.core import audit
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditAction, AuditSource, DivisionLevel, Role
from fangkong.core.models import Division, User
from fangkong.core.notify import notify

from .choices import UNVISITED, SweepStatus
from .models import SweepGrid, Visit

ESCALATE_TO = (Role.VILLAGE_CADRE, Role.TOWNSHIP_CADRE)


def overdue_grids(now: dt.datetime) -> list[int]:
    """SweepGrid ids of open sweeps past their deadline whose grid still has unvisited households,
    not yet escalated."""
    candidates = list(SweepGrid.objects.filter(sweep__status=SweepStatus.OPEN, sweep__due_at__lt=now,
                                               escalated_at=None).values_list("pk", "sweep_id", "grid_id")[:5000])
    if not candidates:
        return []
    open_pairs = set(Visit.objects.filter(sweep_id__in={s for _, s, _ in candidates}, status__in=UNVISITED)
                     .order_by().values_list("sweep_id", "grid_id").distinct())
    return [pk for pk, s, g in candidates if (s, g) in open_pairs]


def _cadres(grid: Division) -> list[User]:
    paths = [p for p in grid.ancestor_paths if len(p) >= 9]  # its village and township
    return list(User.objects.filter(is_active=True, division__path__in=paths, roles__role__in=ESCALATE_TO).distinct())


def escalate_overdue_sweeps(now: dt.datetime | None = None) -> int:
    """Escalate each overdue grid once: claimed by a conditional update (a second worker or a late
    tick never notifies twice), then one message per cadre, audited as the system."""
    now = now or timezone.now()
    claimed = [pk for pk in overdue_grids(now) if SweepGrid.objects.filter(pk=pk, escalated_at=None)
               .update(escalated_at=now)]
    if not claimed:
        return 0
    by_user: dict[User, list[SweepGrid]] = defaultdict(list)
    rows = SweepGrid.objects.filter(pk__in=claimed).select_related("sweep", "grid")
    with audit.audit_context(actor=SYSTEM, source=AuditSource.JOB):
        for sg in rows:
            left = Visit.objects.filter(sweep_id=sg.sweep_id, grid_id=sg.grid_id, status__in=UNVISITED).count()
            audit.record(AuditAction.UPDATE, sg.sweep, verb="escalate_sweep_grid",
                         changes={"grid": [None, sg.grid.name], "unvisited": [None, left]})
            for user in _cadres(sg.grid):
                by_user[user].append(sg)
        for user, grids in by_user.items():
            sweep = grids[0].sweep
            names = "、".join(sorted(g.grid.name for g in grids)[:10])
            notify([user], "grid.sweep_overdue", _("排摸超时：%(n)s个网格仍有未走访户") % {"n": len(grids)}, names,
                   reverse("grid:coverage", args=[sweep.pk]) + f"?level={DivisionLevel.GRID.value}")
    return len(claimed)


@task()
def escalate_overdue_sweeps_task() -> int:
    return escalate_overdue_sweeps()


def refresh_away_risk(today: dt.date | None = None) -> int:
    """The people away's risk levels as of today (`grid.actions.do_refresh_away_risk`)."""
    from .actions import do_refresh_away_risk

    with audit.audit_context(actor=SYSTEM, source=AuditSource.JOB):
        return do_refresh_away_risk(acting_user=SYSTEM, today=today)


@task()
def refresh_away_risk_task() -> int:
    return refresh_away_risk()


def open_arrival_tasks(today: dt.date | None = None) -> int:
    """返县报备 due today (or in the last week) without a confirmed arrival: a check for the grid
    worker, once per report (`grid.actions.do_open_arrival_tasks`)."""
    from .actions import do_open_arrival_tasks

    with audit.audit_context(actor=SYSTEM, source=AuditSource.JOB):
        return do_open_arrival_tasks(acting_user=SYSTEM, today=today)


@task()
def open_arrival_tasks_task() -> int:
    return open_arrival_tasks()
