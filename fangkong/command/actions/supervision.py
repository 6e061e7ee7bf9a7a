"""督导: a supervision group's visit, its findings, each finding's rectification dispatched to the
responsible unit (source 督导发现问题) and its re-check (复查) once the unit reports it done."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import SystemActor, action, do_create, is_system, require
from fangkong.core.choices import AuditAction
from fangkong.core.models import Division, User
from fangkong.core.notify import notify
from fangkong.core.scoping import ADD, CHANGE

from ..choices import DispatchSource, FindingCategory, FindingSeverity, FindingStatus, TaskStatus
from ..models import DispatchTask, Finding, SupervisionVisit, Unit
from .dispatch import do_dispatch, do_return, do_sign_off
from .files import read_files

Actor = User | SystemActor
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic")


def _user(acting_user: Actor) -> User | None:
    return None if is_system(acting_user) else acting_user  # type: ignore[return-value]


@action
def do_record_visit(*, acting_user: Actor, group: Unit, unit: Unit, day: dt.date, members: str,
                    unannounced: bool = False, places: str = "", summary: str = "",
                    division: Division | None = None) -> SupervisionVisit:
    """督导检查: a group's visit (暗访 when `unannounced`) to a unit, at a division of its areas
    (checked in `SupervisionVisit.clean`; only the group's members or the command centre, by scope)."""
    return do_create(SupervisionVisit, acting_user=acting_user, verb="record_supervision_visit", group=group,
                     unit=unit, division=division or unit.division, day=day, unannounced=unannounced,
                     members=(members or "").strip()[:200], places=(places or "").strip()[:200],
                     summary=(summary or "").strip(), created_by=_user(acting_user))


@action
def do_record_finding(visit: SupervisionVisit, *, acting_user: Actor, category: str, description: str,
                      severity: str = FindingSeverity.MINOR, unit: Unit | None = None, photo: Any = None) -> Finding:
    """督导发现问题: one problem of a visit, for the visited unit (or another responsible unit)."""
    require(acting_user, visit, CHANGE)
    if category not in FindingCategory.values:
        raise ValidationError({"category": _("请选择问题类别")})
    if severity not in FindingSeverity.values:
        raise ValidationError({"severity": _("请选择严重程度")})
    if not (description or "").strip():
        raise ValidationError({"description": _("请填写问题描述")})
    finding = Finding(visit=visit, unit=unit or visit.unit, division=visit.division, category=category,
                      severity=severity, description=description.strip())
    if photo:
        ((name, data, kind),) = read_files([photo])
        if kind not in IMAGE_TYPES:
            raise ValidationError({"photo": _("现场照片只能是图片（JPEG、PNG、WebP、HEIC）")})
        finding.photo.save(f"finding-{visit.pk}-{name}"[-100:], ContentFile(data), save=False)
    finding.save()
    require(acting_user, finding, ADD)
    audit.record(AuditAction.CREATE, finding, verb="record_finding",
                 changes=audit.diff({}, audit.snapshot(Finding.objects.get(pk=finding.pk))))
    return finding


def _set(finding: Finding, verb: str, **fields: Any) -> None:
    before = audit.snapshot(finding)
    for k, v in fields.items():
        setattr(finding, k, v)
    finding.save(update_fields=list(fields))
    audit.record(AuditAction.ACTION, finding, verb=verb, changes=audit.diff(before, audit.snapshot(finding)))


@action
def do_dispatch_rectification(finding: Finding, *, acting_user: Actor, due_at: dt.datetime, content: str = "",
                              now: dt.datetime | None = None) -> DispatchTask:
    """交办整改: the finding becomes a dispatch (source 督导发现问题) to its unit in the group's name,
    due at `due_at`, evidence required; the finding is 整改中 until the unit reports it done."""
    require(acting_user, finding, CHANGE)
    if finding.status != FindingStatus.OPEN:
        raise ValidationError(_("该问题已交办整改"))
    visit = finding.visit
    kind = _("暗访") if visit.unannounced else _("督导")
    dispatch = do_dispatch(
        acting_user=acting_user, title=_("整改%(c)s问题") % {"c": finding.get_category_display()},
        content="\n".join(x for x in (finding.description, (content or "").strip()) if x), units=[finding.unit],
        due_at=due_at, evidence=_("整改报告和现场照片"), needs_attachment=True, source=DispatchSource.SUPERVISION,
        source_note=_("%(g)s%(d)s%(k)s发现") % {"g": visit.group.name, "d": f"{visit.day:%m月%d日}", "k": kind},
        sender_unit=visit.group, division=visit.group.division, now=now)
    task = dispatch.tasks.get()
    _set(finding, "dispatch_rectification", task=task, due_at=due_at, status=FindingStatus.RECTIFYING)
    return task


def on_task_done(task: DispatchTask) -> None:
    """The unit reported a rectification done: its findings wait for the group's re-check (called by
    `do_report_done`, inside its action)."""
    for finding in Finding.objects.filter(task=task, status=FindingStatus.RECTIFYING).select_related("visit__group"):
        _set(finding, "await_recheck", status=FindingStatus.RECHECK)
        notify(finding.visit.group.leaders(), "dispatch", _("整改待复查：%(u)s") % {"u": task.unit.name},
               finding.description[:100], reverse("command:finding", args=[finding.pk]))


@action
def do_recheck(finding: Finding, *, acting_user: Actor, passed: bool, note: str = "",
               due_at: dt.datetime | None = None, now: dt.datetime | None = None) -> Finding:
    """复查: passed closes the finding and signs its task off; failed sends the task back to the unit
    (with a new deadline if given). The rectification's own deadline stays what it was: a finding
    passed after it counts as late."""
    require(acting_user, finding, CHANGE)
    if finding.status != FindingStatus.RECHECK or finding.task is None:
        raise ValidationError(_("责任单位报告整改完成后才能复查"))
    note = (note or "").strip()
    now = now or timezone.now()
    task = finding.task
    if passed:
        if task.status == TaskStatus.DONE:
            do_sign_off(task, acting_user=acting_user, text=_("复查通过。%(n)s") % {"n": note}, now=now)
        _set(finding, "recheck_passed", status=FindingStatus.PASSED, rectified_at=task.done_at or now,
             rechecks=finding.rechecks + 1, rechecked_at=now, recheck_note=note[:200])
        return finding
    if not note:
        raise ValidationError({"note": _("复查未通过须写明原因")})
    if task.status != TaskStatus.DONE:
        raise ValidationError(_("该整改事项已销号，请重新登记问题并交办"))
    do_return(task, acting_user=acting_user, text=_("复查未通过：%(n)s") % {"n": note}, due_at=due_at, now=now)
    _set(finding, "recheck_failed", status=FindingStatus.RECTIFYING, rechecks=finding.rechecks + 1,
         recheck_failed=finding.recheck_failed + 1, rechecked_at=now, recheck_note=note[:200])
    return finding
