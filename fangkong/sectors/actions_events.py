"""红白事 actions: a report (its limits evaluated against the rules in force), the supervising
officer, the on-site check, cancelling, and the rules themselves."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import action, is_system, require
from fangkong.core.choices import AuditAction, DivisionLevel, Role
from fangkong.core.identity import InvalidValue, clean_phone
from fangkong.core.models import Division, User
from fangkong.core.notify import notify
from fangkong.core.scoping import ADD, CHANGE

from .choices import EventKind, EventStatus
from .models import EventCheck, EventRules, FamilyEvent

EVENT_FIELDS = ("kind", "host_name", "host_phone", "place", "event_date", "tables", "guests", "outside_guests",
                "outside_origins", "measures")


def _township_officers(division: Division) -> list[User]:
    """The township cadres above `division`: who is told of a report and may supervise it."""
    return [u for u in User.objects.filter(is_active=True, roles__role=Role.TOWNSHIP_CADRE)
            .select_related("division").distinct() if u.division_id and division.path.startswith(u.division.path)]


@action
def do_report_event(division: Division, *, acting_user: Any, now: dt.datetime | None = None,
                    **fields: Any) -> FamilyEvent:
    """A family event reported in `division` (a village, or a grid of it when its grid worker reports).
    The rules in force flag what it breaks; the township's officers are told, at once if flagged."""
    if division.level not in (DivisionLevel.VILLAGE, DivisionLevel.GRID):
        raise ValidationError({"division": _("红白事须报备到村（社区）或网格")})
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    now = now or timezone.now()
    if fields.get("host_phone"):
        try:
            fields["host_phone"] = clean_phone(fields["host_phone"])
        except InvalidValue as exc:
            raise ValidationError({"host_phone": str(exc)}) from exc
    event = FamilyEvent(division=division, reported_at=now,
                        reported_by=None if is_system(acting_user) else acting_user, **fields)
    if event.kind not in EventKind.values:
        raise ValidationError({"kind": _("请选择红白事类别")})
    if event.guests is not None and event.outside_guests > event.guests:
        raise ValidationError({"outside_guests": _("县外来宾人数不能多于预计人数")})
    if event.outside_guests and not event.outside_origins.strip():
        raise ValidationError({"outside_origins": _("有县外来宾时请填写来源地")})
    event.flags = event.evaluate(EventRules.current(), now=now)
    event.full_clean()
    event.save()
    require(acting_user, event, ADD)  # after the write: the event must lie in the reporter's area
    audit.record(AuditAction.CREATE, event, verb="report_family_event",
                 changes=audit.diff({}, audit.snapshot(event)))
    title = f"红白事报备：{event.host_name}{event.get_kind_display()}（{event.event_date:%m月%d日}）"
    notify(_township_officers(division), "alert" if event.flags else "info", title,
           "；".join(event.flags) or _("请指派督导人"), reverse("sectors:familyevent", args=[event.pk]))
    return event


@action
def do_assign_event_supervisor(event: FamilyEvent, supervisor: User, *, acting_user: Any) -> FamilyEvent:
    """A township officer (or the command centre) to supervise the event and check it on site."""
    require(acting_user, event, CHANGE)
    if event.status in (EventStatus.CHECKED, EventStatus.CANCELLED):
        raise ValidationError(_("该红白事已办结，不能再指派督导人"))
    if not supervisor.is_active or not may_supervise(supervisor, event):
        raise ValidationError({"supervisor": _("督导人须为该乡镇（或县指挥部）有督导权限的在岗人员")})
    before = audit.snapshot(event)
    event.supervisor, event.status = supervisor, EventStatus.SUPERVISING
    event.save(update_fields=["supervisor", "status"])
    audit.record(AuditAction.UPDATE, event, verb="assign_event_supervisor",
                 changes=audit.diff(before, audit.snapshot(event)))
    notify([supervisor], "task", f"请督导红白事：{event.host_name}{event.get_kind_display()}",
           f"{event.event_date:%Y-%m-%d} {event.place}，预计{event.guests}人",
           reverse("sectors:familyevent", args=[event.pk]))
    return event


def may_supervise(user: User, event: FamilyEvent) -> bool:
    try:
        require(user, event, CHANGE)
    except PermissionDenied:
        return False
    return True


@action
def do_check_event(event: FamilyEvent, *, actual_people: int, compliant: bool, note: str = "",
                   acting_user: Any, now: dt.datetime | None = None) -> EventCheck:
    """The on-site check: how many came, whether it kept to the rules, what was found."""
    require(acting_user, event, CHANGE)
    if event.status == EventStatus.CANCELLED:
        raise ValidationError(_("该红白事已取消"))
    if actual_people is None or actual_people < 0:
        raise ValidationError({"actual_people": _("请填写实到人数")})
    rules = EventRules.current()
    if actual_people > rules.max_people and compliant:
        raise ValidationError({"compliant": _("实到%(n)d人，超过%(max)d人上限，不能判定为符合要求")
                               % {"n": actual_people, "max": rules.max_people}})
    check = EventCheck(event=event, checked_at=now or timezone.now(), actual_people=actual_people,
                       compliant=compliant, note=note.strip(), checker=None if is_system(acting_user) else acting_user)
    check.full_clean()
    check.save()
    before = audit.snapshot(event)
    event.status = EventStatus.CHECKED
    if event.supervisor_id is None and not is_system(acting_user):
        event.supervisor = acting_user
    event.save(update_fields=["status", "supervisor"])
    audit.record(AuditAction.CREATE, check, verb="check_family_event", changes=audit.diff({}, audit.snapshot(check)))
    audit.record(AuditAction.UPDATE, event, verb="check_family_event", changes=audit.diff(before, audit.snapshot(event)))
    return check


@action
def do_cancel_event(event: FamilyEvent, *, reason: str, acting_user: Any) -> FamilyEvent:
    require(acting_user, event, CHANGE)
    if event.status == EventStatus.CHECKED:
        raise ValidationError(_("已现场检查的红白事不能取消"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写取消原因")})
    before = audit.snapshot(event)
    event.status = EventStatus.CANCELLED
    event.save(update_fields=["status"])
    audit.record(AuditAction.UPDATE, event, verb="cancel_family_event",
                 changes={**audit.diff(before, audit.snapshot(event)), "reason": reason.strip()})
    return event


@action
def do_set_event_rules(*, acting_user: Any, **limits: Any) -> EventRules:
    """New limits for future reports; reports already made keep the flags they were given."""
    rules = EventRules.objects.order_by("pk").first() or EventRules()
    require(acting_user, EventRules, CHANGE)  # one county-wide row: the role decides
    before = audit.snapshot(rules) if rules.pk else {}
    for name, value in limits.items():
        setattr(rules, name, value)
    rules.full_clean()
    rules.save()
    audit.record(AuditAction.UPDATE if before else AuditAction.CREATE, rules, verb="set_event_rules",
                 changes=audit.diff(before, audit.snapshot(rules)))
    return rules
