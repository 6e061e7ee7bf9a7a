"""督办 / 交办: send an instruction to units, their acknowledgement, progress and completion (with
evidence), the sender's sign-off (对账销号) or return; escalation is the job's (command.jobs)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import SystemActor, action, is_system, require
from fangkong.core.choices import AuditAction, Role
from fangkong.core.models import Division, User
from fangkong.core.notify import notify
from fangkong.core.scoping import ADD, CHANGE

from ..choices import OPEN_TASK_STATUSES, DispatchSource, DispatchStatus, ReplyKind, TaskStatus
from ..models import Dispatch, DispatchAttachment, DispatchReply, DispatchTask, Unit
from .files import read_files

Actor = User | SystemActor
SIGN_OFF = "sign_off"
CLOSED_TASKS = (TaskStatus.SIGNED_OFF, TaskStatus.WITHDRAWN)


def next_code(now: dt.datetime) -> str:
    """督办单编号: 督<year>-<serial of the year>, e.g. 督2026-0012."""
    prefix = f"督{timezone.localtime(now).year}-"
    last = (Dispatch.objects.filter(code__startswith=prefix).order_by("-code").values_list("code", flat=True).first())
    n = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{n:04d}"


def _user(acting_user: Actor) -> User | None:
    return None if is_system(acting_user) else acting_user  # type: ignore[return-value]


def may_dispatch_as(user: Any, sender_unit: Unit | None) -> bool:
    """The command centre dispatches in its own name or any unit's; a department head only in the
    name of a unit they lead (组长, 副组长)."""
    if is_system(user) or user.has_role(Role.COMMAND_CENTER):
        return True
    return sender_unit is not None and Unit.led_by(user).filter(pk=sender_unit.pk).exists()


@action
def do_dispatch(*, acting_user: Actor, title: str, content: str, units: Iterable[Unit], due_at: dt.datetime,
                evidence: str = "", needs_attachment: bool = False, source: str = DispatchSource.LEADER,
                source_note: str = "", sender_unit: Unit | None = None, division: Division | None = None,
                now: dt.datetime | None = None) -> Dispatch:
    """交办: one task per unit, each due at `due_at`, its members notified."""
    require(acting_user, Dispatch, ADD)
    now = now or timezone.now()
    if not may_dispatch_as(acting_user, sender_unit):
        raise PermissionDenied(_("只有指挥部或本组组长、副组长可以以该单位名义交办"))
    units = list({u.pk: u for u in units}.values())
    if not units:
        raise ValidationError({"units": _("请选择承办单位")})
    if not is_system(acting_user):
        visible = set(Unit.objects.restrict(acting_user).filter(pk__in=[u.pk for u in units]).values_list("pk", flat=True))
        if len(visible) != len(units):
            raise PermissionDenied(_("承办单位超出您的管辖范围"))
    if not title.strip() or not content.strip():
        raise ValidationError(_("请填写交办事项和交办内容"))
    if due_at <= now:
        raise ValidationError({"due_at": _("办结时限应晚于当前时间")})
    if source not in DispatchSource.values:
        raise ValidationError({"source": _("请选择来源")})
    division = division or (sender_unit.division if sender_unit else None) or getattr(acting_user, "division", None)
    if division is None:
        raise ValidationError(_("无法确定交办区划"))
    dispatch = Dispatch.objects.create(
        code=next_code(now), title=title.strip()[:100], content=content.strip(), evidence=evidence.strip()[:200],
        needs_attachment=needs_attachment, source=source, source_note=source_note.strip()[:200], division=division,
        sender_unit=sender_unit, created_by=_user(acting_user), due_at=due_at)
    require(acting_user, dispatch, ADD)
    tasks = DispatchTask.objects.bulk_create([DispatchTask(dispatch=dispatch, unit=u, due_at=due_at) for u in units])
    audit.record(AuditAction.CREATE, dispatch, verb="dispatch", changes=audit.diff({}, audit.snapshot(Dispatch.objects.get(pk=dispatch.pk))))
    audit.record_many(AuditAction.CREATE, tasks, verb="dispatch",
                      changes_of=lambda t: {"unit": t.unit.name, "due_at": timezone.localtime(t.due_at).isoformat()})
    for task in tasks:
        _notify_unit(task, _("新的交办事项：%(t)s") % {"t": dispatch.title},
                     _("请于%(d)s前办结并反馈") % {"d": f"{timezone.localtime(due_at):%m-%d %H:%M}"})
    return dispatch


def _notify_unit(task: DispatchTask, title: str, body: str) -> None:
    users = {m.user.pk: m.user for m in task.unit.members.filter(user__isnull=False).select_related("user")}
    users.update({u.pk: u for u in task.unit.leaders()})
    notify(list(users.values()), "dispatch", title, body, reverse("command:dispatchtask", args=[task.pk]))


def _reply(task: DispatchTask, kind: str, acting_user: Actor, text: str = "", files: Sequence[Any] = (),
           now: dt.datetime | None = None) -> DispatchReply:
    reply = DispatchReply.objects.create(task=task, kind=kind, text=text.strip(), by=_user(acting_user),
                                         at=now or timezone.now())
    for name, data, content_type in read_files(files) if files else ():
        attachment = DispatchAttachment(reply=reply, name=name, content_type=content_type, size=len(data))
        suffix = name.rsplit(".", 1)[-1][:8] if "." in name else "bin"
        attachment.file.save(f"dispatch-{task.pk}-{reply.pk}.{suffix}", ContentFile(data), save=False)
        attachment.save()
    return reply


def _set(task: DispatchTask, verb: str, **fields: Any) -> None:
    before = audit.snapshot(task)
    for k, v in fields.items():
        setattr(task, k, v)
    task.save(update_fields=list(fields))
    audit.record(AuditAction.ACTION, task, verb=verb, changes=audit.diff(before, audit.snapshot(task)))


def _require_open(task: DispatchTask) -> None:
    if task.status not in OPEN_TASK_STATUSES:
        raise ValidationError(_("该事项已办结或已销号，不能再反馈"))


@action
def do_acknowledge(task: DispatchTask, *, acting_user: Actor, now: dt.datetime | None = None) -> DispatchTask:
    """签收: a member of the unit takes the task on."""
    require(acting_user, task, CHANGE)
    if task.status != TaskStatus.ISSUED:
        raise ValidationError(_("该事项已签收"))
    now = now or timezone.now()
    _reply(task, ReplyKind.ACKNOWLEDGE, acting_user, now=now)
    _set(task, "acknowledge_task", status=TaskStatus.ACKNOWLEDGED, acknowledged_at=now,
         acknowledged_by=_user(acting_user))
    return task


def _acknowledged(task: DispatchTask, acting_user: Actor, now: dt.datetime) -> None:
    if task.status == TaskStatus.ISSUED:  # reporting on a task takes it on
        do_acknowledge(task, acting_user=acting_user, now=now)


@action
def do_report_progress(task: DispatchTask, *, acting_user: Actor, text: str, files: Sequence[Any] = (),
                       now: dt.datetime | None = None) -> DispatchReply:
    """进展反馈: what the unit has done so far, with files if any."""
    require(acting_user, task, CHANGE)
    _require_open(task)
    if not text.strip():
        raise ValidationError({"text": _("请填写进展情况")})
    now = now or timezone.now()
    _acknowledged(task, acting_user, now)
    reply = _reply(task, ReplyKind.PROGRESS, acting_user, text, files, now)
    audit.record(AuditAction.ACTION, task, verb="report_task_progress",
                 changes={"text": reply.text[:200], "files": reply.attachments.count()})
    return reply


@action
def do_report_done(task: DispatchTask, *, acting_user: Actor, text: str, files: Sequence[Any] = (),
                   now: dt.datetime | None = None) -> DispatchTask:
    """办结反馈: the unit reports the task done, with the evidence the dispatch asks for; it waits
    for the sender's sign-off."""
    require(acting_user, task, CHANGE)
    _require_open(task)
    if not text.strip():
        raise ValidationError({"text": _("请填写办理结果")})
    if task.dispatch.needs_attachment and not files:
        raise ValidationError({"files": _("本交办单要求办结时上传佐证材料：%(e)s") % {"e": task.dispatch.evidence or _("佐证材料")}})
    now = now or timezone.now()
    _acknowledged(task, acting_user, now)
    _reply(task, ReplyKind.DONE, acting_user, text, files, now)
    _set(task, "report_task_done", status=TaskStatus.DONE, done_at=now)
    from .supervision import on_task_done  # a rectification waits for its re-check

    on_task_done(task)
    sender = task.dispatch.created_by
    notify([sender] if sender else [], "dispatch", _("%(u)s已办结：%(t)s") % {"u": task.unit.name, "t": task.dispatch.title},
           _("请核对后销号或退回"), reverse("command:dispatchtask", args=[task.pk]))
    return task


@action
def do_sign_off(task: DispatchTask, *, acting_user: Actor, text: str = "", now: dt.datetime | None = None) -> DispatchTask:
    """对账销号: the sender accepts what the unit reported; the dispatch closes with its last task."""
    require(acting_user, task, SIGN_OFF)
    if task.status != TaskStatus.DONE:
        raise ValidationError(_("只有已办结待销号的事项可以销号"))
    now = now or timezone.now()
    _reply(task, ReplyKind.SIGN_OFF, acting_user, text, now=now)
    _set(task, "sign_off_task", status=TaskStatus.SIGNED_OFF, signed_off_at=now)
    dispatch = task.dispatch
    if not dispatch.tasks.exclude(status__in=CLOSED_TASKS).exists():
        before = audit.snapshot(dispatch)
        dispatch.status, dispatch.closed_at = DispatchStatus.CLOSED, now
        dispatch.save(update_fields=["status", "closed_at"])
        audit.record(AuditAction.ACTION, dispatch, verb="close_dispatch", changes=audit.diff(before, audit.snapshot(dispatch)))
    return task


@action
def do_return(task: DispatchTask, *, acting_user: Actor, text: str, due_at: dt.datetime | None = None,
              now: dt.datetime | None = None) -> DispatchTask:
    """退回重办: the sender sends the unit's report back with the reason (and a new deadline)."""
    require(acting_user, task, SIGN_OFF)
    if task.status != TaskStatus.DONE:
        raise ValidationError(_("只有已办结待销号的事项可以退回"))
    if not text.strip():
        raise ValidationError({"text": _("请填写退回原因")})
    now = now or timezone.now()
    if due_at is not None and due_at <= now:
        raise ValidationError({"due_at": _("新的办结时限应晚于当前时间")})
    _reply(task, ReplyKind.RETURN, acting_user, text, now=now)
    fields: dict[str, Any] = {"status": TaskStatus.RETURNED, "done_at": None, "returned": task.returned + 1}
    if due_at is not None:
        fields.update(due_at=due_at, escalation_level=0, escalated_at=None)
    _set(task, "return_task", **fields)
    _notify_unit(task, _("交办事项被退回：%(t)s") % {"t": task.dispatch.title}, text.strip()[:100])
    return task
