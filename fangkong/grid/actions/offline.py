"""The phone's queue of answers made without signal (离线填报): each answer carries an idempotency
key the phone made; the first arrival claims it and applies the answer through the same audited
action as the online page, a replay returns the first result. An answer whose household or task
was reassigned or closed meanwhile is a conflict, kept and returned (the phone lists it for the
worker to acknowledge), never dropped."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fangkong.control.actions import do_door_check
from fangkong.control.choices import DoorCheckOutcome, MeasureStatus
from fangkong.control.models import Measure
from fangkong.core.actions import action, is_system
from fangkong.core.scoping import CHANGE
from fangkong.registry.models import Resident
from fangkong.screening.actions import do_mark_stage, do_record_attempt
from fangkong.screening.choices import AttemptKind, Stage, VerificationStatus
from fangkong.screening.models import Verification

from ..choices import UNVISITED, OfflineKind, OfflineResult, SweepStatus
from ..models import MemberAnswer, OfflineSubmission, Visit
from .visits import do_record_member, do_record_not_home, do_record_refused


class Conflict(Exception):
    """The answer no longer fits: its household or task moved on while the phone was offline."""


@dataclass
class OfflineAnswer:
    """One answer as the phone queued it (already parsed from its JSON)."""

    key: uuid.UUID
    kind: str
    target: int  # the visit (sweep answers) or the task (contact attempts, stages)
    resident: int | None = None
    unchanged: bool = False
    answers: dict[str, Any] = field(default_factory=dict)
    phone: str = ""
    note: str = ""
    choice: str = ""  # an attempt's kind, a stage
    recorded_at: dt.datetime | None = None


def _visit(a: OfflineAnswer, user: Any) -> Visit:
    v = Visit.objects.select_related("sweep").filter(pk=a.target).first()
    if v is None:
        raise Conflict(_("该户已不在本轮排摸中"))
    if (v.assignee_id and v.assignee_id != user.pk) or not Visit.objects.restrict(user, CHANGE).filter(pk=v.pk).exists():
        raise Conflict(_("该户已改派给其他网格员，本条未保存"))
    if v.sweep.status != SweepStatus.OPEN:
        raise Conflict(_("本轮排摸已结束，本条未保存"))
    return v


def _task(a: OfflineAnswer, user: Any) -> Verification:
    v = Verification.objects.select_related("person").filter(pk=a.target).first()
    if v is None:
        raise Conflict(_("该核查任务已不存在"))
    if v.assignee_id != user.pk or not Verification.objects.restrict(user, CHANGE).filter(pk=v.pk).exists():
        raise Conflict(_("该核查任务已改派给其他人员，本条未保存"))
    if v.status == VerificationStatus.CLOSED:
        raise Conflict(_("该核查任务已办结，本条未保存"))
    return v


def _member(a: OfflineAnswer, user: Any) -> Any:
    v = _visit(a, user)
    resident = Resident.objects.restrict(user).filter(pk=a.resident or 0).first()
    if resident is None or resident.household_id != v.household_id:
        raise Conflict(_("该人员已不在此户"))
    done = MemberAnswer.objects.filter(visit=v, resident=resident).select_related("by").first()
    if done is not None:
        raise Conflict(_("该人员本轮已由%(who)s登记，本条未保存") % {"who": done.by or _("他人")})
    if a.unchanged:
        return do_record_member(v, resident, acting_user=user)
    return do_record_member(v, resident, a.answers, acting_user=user, phone=a.phone)


def _note(fn: Any) -> Any:
    def apply(a: OfflineAnswer, user: Any) -> Any:
        v = _visit(a, user)
        if v.status not in UNVISITED:
            raise Conflict(_("该户已登记走访结果（%(status)s），本条未保存") % {"status": v.get_status_display()})
        return fn(v, acting_user=user, note=a.note)
    return apply


def _attempt(a: OfflineAnswer, user: Any) -> Any:
    if a.choice not in AttemptKind.values:
        raise ValidationError(_("联系情况无效"))
    return do_record_attempt(_task(a, user), a.choice, a.note, acting_user=user, now=a.recorded_at)


def _stage(a: OfflineAnswer, user: Any) -> Any:
    if a.choice not in Stage.values:
        raise ValidationError(_("核查节点无效"))
    return do_mark_stage(_task(a, user), a.choice, acting_user=user, at=a.recorded_at)


def _measure(a: OfflineAnswer, user: Any) -> Measure:
    m = Measure.objects.filter(pk=a.target).first()
    if m is None:
        raise Conflict(_("该管控措施已不存在"))
    if m.responsible_id != user.pk or not Measure.objects.restrict(user, CHANGE).filter(pk=m.pk).exists():
        raise Conflict(_("该管控对象已改派给其他人员，本条未保存"))
    if m.status != MeasureStatus.ACTIVE:
        raise Conflict(_("该管控措施已解除（%(status)s），本条未保存") % {"status": m.get_status_display()})
    return m


def _door_check(a: OfflineAnswer, user: Any) -> Any:
    if a.choice not in DoorCheckOutcome.values:
        raise ValidationError(_("查看结果无效"))
    return do_door_check(_measure(a, user), outcome=a.choice, note=a.note, at=a.recorded_at, acting_user=user)


APPLY = {OfflineKind.DOOR_CHECK: _door_check, OfflineKind.MEMBER: _member, OfflineKind.NOT_HOME: _note(do_record_not_home),
         OfflineKind.REFUSED: _note(do_record_refused), OfflineKind.ATTEMPT: _attempt, OfflineKind.STAGE: _stage}


@action
def do_apply_offline_answer(answer: OfflineAnswer, *, acting_user: Any) -> tuple[OfflineSubmission, bool]:
    """Apply one queued answer once: (its submission record, whether this call applied it). A
    key already used returns its first record; a key of another user is refused."""
    if is_system(acting_user) or answer.kind not in APPLY:
        raise PermissionDenied(_("离线填报只能由网格员本人提交"))
    first = OfflineSubmission.objects.filter(key=answer.key).first()
    if first is None:
        sub = OfflineSubmission(key=answer.key, user=acting_user, kind=answer.kind, target_id=answer.target,
                                recorded_at=answer.recorded_at)
        try:
            with transaction.atomic():
                sub.save()  # the claim: a concurrent replay waits here, then finds the first
        except IntegrityError:
            first = OfflineSubmission.objects.get(key=answer.key)
    if first is not None:
        if first.user_id != acting_user.pk:
            raise PermissionDenied(_("该填报编号已被他人使用"))
        return first, False
    try:
        with transaction.atomic():
            made = APPLY[answer.kind](answer, acting_user)
        sub.result, sub.object_id, sub.message = OfflineResult.DONE, getattr(made, "pk", None), _("已保存")
    except Conflict as exc:
        sub.result, sub.message = OfflineResult.CONFLICT, str(exc)[:255]
    except (ValidationError, PermissionDenied) as exc:
        sub.result, sub.message = OfflineResult.INVALID, _message(exc)[:255]
    sub.save(update_fields=["result", "object_id", "message"])
    return sub, True


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(str(m) for m in exc.messages)
    return str(exc) or _("超出您的管辖范围或没有此权限")
