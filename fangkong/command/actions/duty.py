"""24小时值班: swaps (asked and approved, or made by the unit's leader), the duty log and the
handover. Shifts themselves are created, changed and deleted through `core.actions.do_create /
do_update / do_delete` (pages and API), which compute their instants in `DutyShift.clean`."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import SystemActor, action, is_system, require
from fangkong.core.choices import AuditAction
from fangkong.core.models import User
from fangkong.core.notify import notify
from fangkong.core.scoping import CHANGE

from ..choices import DutyRole, SwapStatus
from ..models import DutyLogEntry, DutyShift, DutySwap

Actor = User | SystemActor
KEEP = "keep"
FIELD = {DutyRole.LEADER: "leader", DutyRole.OFFICER: "officer"}


def _user(acting_user: Actor) -> User | None:
    return None if is_system(acting_user) else acting_user  # type: ignore[return-value]


def _check_swap(shift: DutyShift, role: str, to_user: User | None, now: dt.datetime) -> None:
    if role not in DutyRole.values:
        raise ValidationError({"role": _("请选择调班岗位")})
    if to_user is None or not to_user.is_active:
        raise ValidationError({"to_user": _("请选择替班人")})
    if shift.ends_at <= now:
        raise ValidationError(_("该班次已结束，不能调班"))
    if to_user.pk in (shift.leader_id, shift.officer_id):
        raise ValidationError({"to_user": _("替班人已在本班次值班")})


def _apply(shift: DutyShift, swap: DutySwap) -> None:
    before = audit.snapshot(shift)
    setattr(shift, FIELD[swap.role], swap.to_user)
    shift.save(update_fields=[FIELD[swap.role]])
    audit.record(AuditAction.ACTION, shift, verb="swap_duty",
                 changes={**audit.diff(before, audit.snapshot(shift)), "reason": swap.reason})
    notify([u for u in (swap.to_user, swap.from_user) if u is not None], "duty",
           _("调班：%(s)s") % {"s": shift}, _("%(r)s由%(a)s调整为%(b)s") % {
               "r": swap.get_role_display(), "a": swap.from_user or "—", "b": swap.to_user},
           reverse("command:dutyshift", args=[shift.pk]))


@action
def do_swap_duty(shift: DutyShift, *, acting_user: Actor, role: str, to_user: User, reason: str,
                 now: dt.datetime | None = None) -> DutySwap:
    """调班 made directly by whoever draws up the unit's roster (its leader, the command centre)."""
    require(acting_user, shift, CHANGE)
    now = now or timezone.now()
    _check_swap(shift, role, to_user, now)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写调班原因")})
    swap = DutySwap.objects.create(shift=shift, role=role, from_user=shift.person(role), to_user=to_user,
                                   reason=reason.strip()[:200], status=SwapStatus.APPROVED,
                                   requested_by=_user(acting_user), requested_at=now, decided_by=_user(acting_user),
                                   decided_at=now)
    _apply(shift, swap)
    return swap


@action
def do_request_swap(shift: DutyShift, *, acting_user: Actor, role: str, to_user: User, reason: str,
                    now: dt.datetime | None = None) -> DutySwap:
    """调班申请: the person on the roster asks to hand their place to `to_user`; the unit's leaders
    are asked to approve."""
    require(acting_user, shift, KEEP)
    now = now or timezone.now()
    _check_swap(shift, role, to_user, now)
    if not is_system(acting_user) and shift.person(role) != acting_user:
        raise PermissionDenied(_("只有本岗位的值班人员可以申请调班"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写调班原因")})
    if shift.swaps.filter(role=role, status=SwapStatus.PENDING).exists():
        raise ValidationError(_("该岗位已有待批准的调班申请"))
    swap = DutySwap.objects.create(shift=shift, role=role, from_user=shift.person(role), to_user=to_user,
                                   reason=reason.strip()[:200], requested_by=_user(acting_user), requested_at=now)
    audit.record(AuditAction.ACTION, shift, verb="request_duty_swap", changes={
        "role": role, "from": str(swap.from_user or ""), "to": str(to_user), "reason": swap.reason})
    notify(shift.unit.leaders(), "duty", _("调班申请：%(s)s") % {"s": shift}, swap.reason,
           reverse("command:dutyshift", args=[shift.pk]))
    return swap


@action
def do_decide_swap(swap: DutySwap, *, acting_user: Actor, approve: bool, now: dt.datetime | None = None) -> DutySwap:
    """批准 (the place changes hands) or 不批准 a pending swap request."""
    shift = swap.shift
    require(acting_user, shift, CHANGE)
    if swap.status != SwapStatus.PENDING:
        raise ValidationError(_("该调班申请已处理"))
    now = now or timezone.now()
    if approve:
        if shift.person(swap.role) != swap.from_user:
            raise ValidationError(_("该岗位值班人已变更，请重新申请"))
        _check_swap(shift, swap.role, swap.to_user, now)
    swap.status = SwapStatus.APPROVED if approve else SwapStatus.REJECTED
    swap.decided_by, swap.decided_at = _user(acting_user), now
    swap.save(update_fields=["status", "decided_by", "decided_at"])
    if approve:
        _apply(shift, swap)
    else:
        audit.record(AuditAction.ACTION, shift, verb="reject_duty_swap",
                     changes={"role": swap.role, "to": str(swap.to_user), "reason": swap.reason})
        notify([swap.requested_by] if swap.requested_by else [], "duty", _("调班申请未批准：%(s)s") % {"s": shift},
               "", reverse("command:dutyshift", args=[shift.pk]))
    return swap


@action
def do_log_duty(shift: DutyShift, *, acting_user: Actor, caller: str, content: str, caller_phone: str = "",
                handling: str = "", at: dt.datetime | None = None) -> DutyLogEntry:
    """值班记录: a call (or message) received on the shift and what was done about it."""
    require(acting_user, shift, KEEP)
    if not (caller or "").strip() or not (content or "").strip():
        raise ValidationError(_("请填写来电单位及人员和主要内容"))
    at = at or timezone.now()
    if at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"at": _("记录时间不能晚于现在")})
    entry = DutyLogEntry.objects.create(shift=shift, at=at, caller=caller.strip()[:100],
                                        caller_phone=(caller_phone or "").strip()[:20], content=content.strip(),
                                        handling=(handling or "").strip(), handled_by=_user(acting_user))
    audit.record(AuditAction.CREATE, entry, verb="log_duty_call",
                 changes=audit.diff({}, audit.snapshot(DutyLogEntry.objects.get(pk=entry.pk))))
    return entry


@action
def do_hand_over(shift: DutyShift, *, acting_user: Actor, note: str, now: dt.datetime | None = None) -> DutyShift:
    """交班: the shift's note for the next one (what is pending, what to watch); the next shift's
    people are told."""
    require(acting_user, shift, KEEP)
    if not (note or "").strip():
        raise ValidationError({"note": _("请填写交接班记录")})
    now = now or timezone.now()
    before = audit.snapshot(shift)
    shift.handover, shift.handed_over_at = note.strip(), now
    shift.save(update_fields=["handover", "handed_over_at"])
    audit.record(AuditAction.ACTION, shift, verb="hand_over_duty", changes=audit.diff(before, audit.snapshot(shift)))
    following = DutyShift.objects.filter(unit=shift.unit, starts_at__gte=shift.starts_at).exclude(pk=shift.pk).first()
    if following is not None:
        notify([u for u in (following.leader, following.officer) if u is not None], "duty",
               _("交班记录：%(s)s") % {"s": shift}, shift.handover[:100], reverse("command:dutyshift", args=[shift.pk]))
    return shift
