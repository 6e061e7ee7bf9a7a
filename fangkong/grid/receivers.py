"""Receivers of other areas' events (core.signals): a place listed as a risk area opens calls to
the people away there; a lead naming a watch-listed person alerts their village."""

from __future__ import annotations

import logging
from typing import Any

from fangkong.core import audit
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditSource

from . import actions
from .models import PersonAway

log = logging.getLogger(__name__)


def on_risk_areas_listed(sender: Any, areas: list[dict[str, Any]] | None = None, **kwargs: Any) -> None:
    if not areas or not PersonAway.objects.exists():
        return
    with audit.audit_context(source=AuditSource.JOB):
        try:
            actions.do_open_call_tasks(list(areas), acting_user=SYSTEM)
        except Exception:  # the list is applied already; a failure here must not break it
            log.exception("call tasks for %s risk areas not opened", len(areas))


def on_leads_received(sender: Any, channel: str = "", people: list[tuple] | None = None, **kwargs: Any) -> None:
    if not people or not PersonAway.objects.filter(watch=True).exists():
        return
    with audit.audit_context(source=AuditSource.JOB):
        try:
            actions.do_alert_watch_seen(list(people), channel, acting_user=SYSTEM)
        except Exception:
            log.exception("watch-list alerts for %s leads not sent", len(people))


def on_inspection_saved(sender: Any, instance: Any = None, created: bool = False, **kwargs: Any) -> None:
    """A venue inspected closes the tip-offs sent to it as inspections (in the inspection's transaction)."""
    if not created or instance is None:
        return
    from .choices import TipOffStatus
    from .models import TipOff

    if not TipOff.objects.filter(venue_id=instance.venue_id, status=TipOffStatus.TO_INSPECTION).exists():
        return
    actions.do_close_tip_offs_inspected(instance, acting_user=SYSTEM)
def on_measure_started(sender: Any, measure_id: int = 0, kind: str = "", **kwargs: Any) -> None:
    """A home measure started: its 四对一 team is formed (or moved over from the previous step)."""
    from fangkong.control.models import Measure

    from .models.care import TEAM_KINDS

    if kind not in TEAM_KINDS:
        return
    measure = Measure.objects.filter(pk=measure_id).select_related("division", "responsible").first()
    if measure is None:
        return
    with audit.audit_context(source=AuditSource.JOB):
        try:
            actions.do_form_care_team(measure, acting_user=SYSTEM)
        except Exception:  # the measure stands; the tick forms the team later
            log.exception("care team of measure %s not formed", measure_id)
