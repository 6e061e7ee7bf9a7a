"""四对一 teams: formed when a home measure starts, seats assigned, checks recorded; an abnormal
check alerts the command centre and the CDC at once (control's alerts)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.control.alerts import raise_alert
from fangkong.control.choices import MeasureStatus
from fangkong.control.models import Measure
from fangkong.core import audit
from fangkong.core.actions import action, is_system, require
from fangkong.core.choices import AuditAction, Role
from fangkong.core.models import User
from fangkong.core.notify import resolve
from fangkong.core.pii import mask_name
from fangkong.core.scoping import ADD, CHANGE

from ..away import users_with
from ..care import covers, default_holder, township_of
from ..choices import CheckResult
from ..models import CareCheck, CareDuty, CareMember, CareTeam, CareTemplate
from ..models.care import TEAM_KINDS

ESCALATION_KIND = "grid.care_overdue"


def _user(acting_user: Any) -> User | None:
    return None if is_system(acting_user) else acting_user


def team_url(team: CareTeam) -> str:
    return reverse("grid:careteam", args=[team.pk])


def _duties(team: CareTeam, kind: str, now: dt.datetime) -> int:
    """The seats and duties of the template of `kind` that the team lacks (a new team has none;
    a team moved to the next step gets what the new kind adds). The first check of each is due
    one interval after the team is formed."""
    templates = list(CareTemplate.objects.filter(measure_kind=kind, active=True))
    members = {m.role: m for m in team.members.all()}
    made = 0
    for t in templates:
        member = members.get(t.role)
        if member is None:
            holder = default_holder(t.role, team.division, team.measure.responsible)
            member = members[t.role] = CareMember.objects.create(
                team=team, role=t.role, user=holder, assigned_at=now if holder else None
            )
        _, created = CareDuty.objects.get_or_create(
            member=member,
            item=t.item,
            defaults={
                "team": team,
                "every_hours": t.every_hours,
                "due_at": now + dt.timedelta(hours=t.every_hours),
            },
        )
        made += created
    return made


@action
def do_form_care_team(
    measure: Measure, *, acting_user: Any, now: dt.datetime | None = None
) -> CareTeam | None:
    """组建四对一专班 for a person under a home measure: the seats of the template of its kind, each
    filled by the matching user of the person's grid, village and township (待指派 when there is
    none). A measure that follows a home measure of the same person takes that team over.
    Returns the team, or None for a measure that gets none (not a home kind, not in force)."""
    now = now or timezone.now()
    if measure.kind not in TEAM_KINDS or measure.status != MeasureStatus.ACTIVE:
        return None
    existing = CareTeam.objects.filter(measure=measure).first()
    if existing is not None:
        return existing
    team = CareTeam.objects.filter(measure_id=measure.previous_id).first() if measure.previous_id else None
    if team is not None:
        before = {"measure": team.measure_id}
        team.measure, team.division = measure, measure.division
        team.save(update_fields=["measure", "division"])
        require(acting_user, team, ADD)
        added = _duties(team, measure.kind, now)
        audit.record(
            AuditAction.UPDATE,
            team,
            verb="move_care_team",
            changes={"measure": [before["measure"], measure.pk], "duties_added": [None, added]},
        )
        return team
    team = CareTeam.objects.create(
        person_id=measure.person_id, measure=measure, division_id=measure.division_id
    )
    require(acting_user, team, ADD)
    _duties(team, measure.kind, now)
    seats = {m.get_role_display(): m.holder for m in team.members.select_related("user")}
    audit.record(
        AuditAction.CREATE,
        team,
        verb="form_care_team",
        changes={"measure": [None, measure.pk], "kind": [None, measure.kind], "seats": [None, seats]},
    )
    return team


@action
def do_assign_care_member(
    member: CareMember, *, acting_user: Any, user: User | None = None, name: str = "", phone: str = ""
) -> CareMember:
    """指派 a seat: an account of the platform (whose area must hold the person, so they can open
    them on their phone), or a name and phone for someone without one (the police officer)."""
    require(acting_user, member, CHANGE)
    team = member.team
    if user is not None:
        if not user.is_active:
            raise ValidationError(_("该账号已停用，不能指派"))
        if not covers(user, team.division):
            raise ValidationError(
                _("%(user)s的辖区不包含该管控人员，无法在手机上查看其情况") % {"user": user}
            )
        name, phone = "", ""
    elif not name.strip():
        raise ValidationError(_("请选择人员账号，或填写姓名和电话"))
    before = audit.snapshot(member)
    member.user, member.name, member.phone = user, name.strip(), phone.strip()
    member.assigned_at = timezone.now()
    member.full_clean()
    member.save()
    audit.record(
        AuditAction.UPDATE,
        member,
        verb="assign_care_member",
        changes=audit.diff(before, audit.snapshot(member)),
    )
    return member


def _may_record(acting_user: Any, duty: CareDuty) -> None:
    """The seat's holder records its checks; a cadre above (or the command centre) may record for
    a holder without an account. Another grid worker may not."""
    if is_system(acting_user) or duty.member.user_id == acting_user.pk:
        return
    if acting_user.role_names & {Role.COMMAND_CENTER, Role.TOWNSHIP_CADRE, Role.VILLAGE_CADRE}:
        return
    raise ValidationError(_("只有该岗位的专班成员或上级干部可以登记此项查看"))


@action
def do_record_care_check(
    duty: CareDuty,
    *,
    acting_user: Any,
    result: str = CheckResult.NORMAL,
    note: str = "",
    at: dt.datetime | None = None,
) -> CareCheck:
    """登记一次查看: the duty's next due time moves on by its interval from now, its escalation is
    cleared; an abnormal result (a note is required) alerts the command centre, the CDC, the
    township's cadres and the responsible grid worker at once."""
    require(acting_user, duty, CHANGE)
    require(acting_user, CareCheck, ADD)
    _may_record(acting_user, duty)
    team = duty.team
    if not Measure.objects.filter(pk=team.measure_id, status=MeasureStatus.ACTIVE).exists():
        raise ValidationError(_("该人员的管控措施已解除，无需再查看"))
    if result not in CheckResult.values:
        raise ValidationError(_("请选择查看结果"))
    note = note.strip()
    if result == CheckResult.ABNORMAL and not note:
        raise ValidationError(_("结果异常时请填写情况说明"))
    at = at or timezone.now()
    late = duty.due_at < at
    check = CareCheck.objects.create(
        duty=duty,
        team=team,
        member=duty.member,
        item=duty.item,
        at=at,
        result=result,
        note=note[:255],
        by=_user(acting_user),
        late=late,
    )
    before = audit.snapshot(duty)
    duty.last_at, duty.due_at, duty.escalated_at = at, at + dt.timedelta(hours=duty.every_hours), None
    duty.save(update_fields=["last_at", "due_at", "escalated_at"])
    audit.record(
        AuditAction.CREATE,
        check,
        verb="record_care_check",
        changes={
            **audit.diff({}, audit.snapshot(check)),
            "due_at": [before.get("due_at"), duty.due_at.isoformat()],
        },
    )
    url = team_url(team)
    if not CareDuty.objects.filter(team=team, due_at__lt=at).exists():
        resolve(url=url, kinds=[ESCALATION_KIND])
    if result == CheckResult.ABNORMAL:
        _alert(check, url)
    return check


def _alert(check: CareCheck, url: str) -> None:
    team = check.team
    township = township_of(team.division)
    extra = [*users_with(Role.TOWNSHIP_CADRE, township), team.measure.responsible]
    title = _("居家管控人员异常：%(name)s（%(item)s）") % {
        "name": mask_name(team.person.name),
        "item": check.get_item_display(),
    }
    body = f"{check.member.get_role_display() if check.member else ''}：{check.note}"
    transaction.on_commit(lambda: raise_alert(title, body, url, extra=extra))
