"""Actions on investigations: milestones, the itinerary, the report, the public itinerary."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import action, is_system, require
from fangkong.core.choices import AuditAction
from fangkong.core.scoping import CHANGE, VIEW

from .. import itinerary
from ..choices import ContactCategory, InvestigationStatus, MilestoneKind
from ..models import Investigation, Milestone, Segment


def _user(acting_user: Any) -> Any:
    return None if is_system(acting_user) else acting_user


def _open(investigation: Investigation) -> None:
    if investigation.status != InvestigationStatus.OPEN:
        raise ValidationError(_("该流调已结案"))


@action
def do_complete_milestone(milestone: Milestone, *, at: dt.datetime | None = None, acting_user: Any) -> Milestone:
    require(acting_user, milestone, CHANGE)
    if milestone.done_at is not None:
        raise ValidationError(_("该节点已完成"))
    milestone.done_at, milestone.done_by = at or timezone.now(), _user(acting_user)
    milestone.save(update_fields=["done_at", "done_by"])
    audit.record(AuditAction.UPDATE, milestone.investigation, verb="complete_milestone", changes={
        "milestone": [None, milestone.kind], "done_at": [None, milestone.done_at.isoformat()],
        "on_time": [None, milestone.on_time]})
    return milestone


def complete_contacts_milestone(investigation: Investigation, at: dt.datetime) -> bool:
    """密接管控到位: done (by the platform) once every close contact of the case is controlled."""
    contacts = investigation.case.contacts.filter(category=ContactCategory.CLOSE)
    if not contacts.exists() or contacts.filter(controlled_at=None).exists():
        return False
    return bool(Milestone.objects.filter(investigation=investigation, kind=MilestoneKind.CONTACTS_CONTROLLED,
                                         done_at=None).update(done_at=at))


@action
def do_save_investigation(investigation: Investigation, *, core_facts: str = "", summary: str = "",
                          acting_user: Any) -> Investigation:
    require(acting_user, investigation, CHANGE)
    before = audit.snapshot(investigation)
    investigation.core_facts, investigation.summary = core_facts, summary
    investigation.save(update_fields=["core_facts", "summary"])
    audit.record(AuditAction.UPDATE, investigation, verb="save_investigation",
                 changes=audit.diff(before, audit.snapshot(investigation)))
    return investigation


@action
def do_add_segment(investigation: Investigation, *, acting_user: Any, **fields: Any) -> Segment:
    """One segment of the itinerary; a venue of the registry gives its name when no place is typed."""
    require(acting_user, investigation, CHANGE)
    _open(investigation)
    venue = fields.get("venue")
    if venue is not None and not fields.get("place"):
        fields["place"] = f"{venue.name}（{venue.address}）"
    segment = Segment(investigation=investigation, **fields)
    segment.full_clean()
    segment.save()
    audit.record(AuditAction.CREATE, segment, verb="add_segment", changes=audit.diff({}, audit.snapshot(segment)))
    return segment


@action
def do_delete_segment(segment: Segment, *, acting_user: Any) -> None:
    require(acting_user, segment, CHANGE)
    _open(segment.investigation)
    audit.record(AuditAction.DELETE, segment, verb="delete_segment", changes={"deleted": audit.snapshot(segment)})
    segment.delete()


@action
def do_close_investigation(investigation: Investigation, *, summary: str = "", acting_user: Any) -> Investigation:
    require(acting_user, investigation, CHANGE)
    _open(investigation)
    now = timezone.now()
    investigation.status, investigation.closed_at = InvestigationStatus.CLOSED, now
    if summary:
        investigation.summary = summary
    investigation.save(update_fields=["status", "closed_at", "summary"])
    Milestone.objects.filter(investigation=investigation, kind=MilestoneKind.REPORT, done_at=None).update(done_at=now)
    audit.record(AuditAction.ACTION, investigation, verb="close_investigation",
                 changes={"status": [InvestigationStatus.OPEN, InvestigationStatus.CLOSED]})
    return investigation


@action
def do_generate_report(investigation: Investigation, *, kind: str, acting_user: Any) -> bytes:
    """流调报告 (.docx): initial / progress / closing; the download is audited (it holds personal data)."""
    from ..reports import render_report

    require(acting_user, investigation, VIEW)
    content = render_report(investigation, kind)
    audit.record(AuditAction.EXPORT, investigation, verb="generate_report", changes={"kind": [None, kind]})
    return content


@action
def do_publish_itinerary(investigation: Investigation, *, text: str, acting_user: Any) -> str:
    """公开轨迹: refused unless the linter finds nothing (综发〔2021〕103号); returns the text."""
    require(acting_user, investigation, CHANGE)
    problems = itinerary.lint_public(text, investigation.case)
    if problems:
        raise ValidationError(problems)
    audit.record(AuditAction.ACTION, investigation, verb="publish_itinerary", changes={"text": [None, text]})
    return text
