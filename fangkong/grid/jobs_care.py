"""Scheduled work of the 四对一 teams and the notices: teams for home measures that have none
(measures moved in bulk by a policy re-evaluation send no event), overdue checks escalated to the
township once per due time, notices left sending by a dead worker failed; and the sending itself."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from fangkong.control.choices import MeasureStatus
from fangkong.control.models import Measure
from fangkong.core import audit
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditAction, AuditSource, Role
from fangkong.core.models import User
from fangkong.core.notify import notify

from .away import users_with, village_of
from .care import township_of
from .models import CareDuty
from .models.care import TEAM_KINDS

log = logging.getLogger(__name__)
ESCALATION_KIND = "grid.care_overdue"
TEAMS_PER_TICK = 500


def form_missing_teams(limit: int = TEAMS_PER_TICK) -> int:
    """Form the team of every home measure in force that has none (up to `limit` a tick)."""
    from .actions import do_form_care_team

    pending = list(
        Measure.objects.filter(status=MeasureStatus.ACTIVE, kind__in=TEAM_KINDS, care_team__isnull=True)
        .select_related("division", "responsible")
        .order_by("id")[:limit]
    )
    with audit.audit_context(actor=SYSTEM, source=AuditSource.JOB):
        for m in pending:
            try:
                do_form_care_team(m, acting_user=SYSTEM)
            except Exception:  # one bad row must not stop the others
                log.exception("care team of measure %s not formed", m.pk)
    return len(pending)


def overdue_duties(now: dt.datetime):
    return CareDuty.objects.filter(
        due_at__lt=now, escalated_at=None, team__measure__status=MeasureStatus.ACTIVE
    )


def escalate_overdue_checks(now: dt.datetime | None = None) -> int:
    """逾期未查: each overdue duty is claimed once per due time by a conditional update, audited as
    the system, and told to its township's cadres (and the village's), the seat holder reminded."""
    now = now or timezone.now()
    candidates = list(overdue_duties(now).values_list("pk", flat=True)[:5000])
    claimed = [
        pk for pk in candidates if CareDuty.objects.filter(pk=pk, escalated_at=None).update(escalated_at=now)
    ]
    if not claimed:
        return 0
    by_user: dict[User, list[CareDuty]] = defaultdict(list)
    rows = CareDuty.objects.filter(pk__in=claimed).select_related(
        "team__person", "team__division", "member__user"
    )
    with audit.audit_context(actor=SYSTEM, source=AuditSource.JOB):
        for duty in rows:
            audit.record(
                AuditAction.UPDATE,
                duty.team,
                verb="escalate_care_check",
                changes={
                    "item": [None, duty.item],
                    "role": [None, duty.member.role],
                    "due_at": [None, duty.due_at.isoformat()],
                },
            )
            division = duty.team.division
            for user in [
                *users_with(Role.TOWNSHIP_CADRE, township_of(division)),
                *users_with(Role.VILLAGE_CADRE, village_of(division)),
                duty.member.user,
            ]:
                if user is not None:
                    by_user[user].append(duty)
        for user, duties in by_user.items():
            names = "、".join(
                sorted({f"{d.team.person.name[:1]}**{d.get_item_display()}" for d in duties})[:10]
            )
            url = (
                reverse("grid:careteam", args=[duties[0].team_id])
                if len({d.team_id for d in duties}) == 1
                else reverse("grid:careduty_list") + "?due=overdue"
            )
            notify(
                [user],
                ESCALATION_KIND,
                _("四对一查看逾期：%(n)s项未按时查看") % {"n": len(duties)},
                names,
                url,
            )
    return len(claimed)


def care_tick(now: dt.datetime | None = None) -> dict[str, int]:
    from .actions.notices import fail_stale_notices

    return {
        "teams": form_missing_teams(),
        "escalated": escalate_overdue_checks(now),
        "stale_notices": fail_stale_notices(now),
    }


@task()
def care_tick_task() -> dict[str, int]:
    return care_tick()


@task()
def send_notice_task(notice_id: int) -> int:
    """Send one notice's queued deliveries (grid.actions.notices.send_queued)."""
    from .actions.notices import send_queued

    with audit.audit_context(actor=SYSTEM, source=AuditSource.JOB):
        notice = send_queued(notice_id)
    return notice.sent if notice else 0
