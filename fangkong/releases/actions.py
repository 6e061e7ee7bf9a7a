"""信息发布's actions: draft, edit, submit (personal-data check), review, approve (the check
again), return, publish, and draft a correction of a published release. The reviewer and the
approver may not be the author; every step is audited and kept in the release's history."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import SystemActor, action, is_system, require
from fangkong.core.choices import AuditAction
from fangkong.core.models import Division, User
from fangkong.core.scoping import ADD, CHANGE

from .choices import EDITABLE, ReleaseKind, ReleaseStatus, ReleaseStep
from .lint import lint_release
from .models import ReleaseEvent, ReleaseNote

Actor = User | SystemActor
REVIEW, APPROVE = "review", "approve"


def _user(acting_user: Actor) -> User | None:
    return None if is_system(acting_user) else acting_user  # type: ignore[return-value]


def _event(
    note: ReleaseNote, step: str, acting_user: Actor, remark: str = "", other: ReleaseNote | None = None
) -> None:
    ReleaseEvent.objects.create(
        note=note, step=step, at=timezone.now(), by=_user(acting_user), remark=remark[:200], other=other
    )


def _move(
    note: ReleaseNote, to: str, verb: str, step: str, acting_user: Actor, remark: str = "", **fields: Any
) -> ReleaseNote:
    before = note.status
    note.status = to
    for k, v in fields.items():
        setattr(note, k, v)
    note.save()
    _event(note, step, acting_user, remark)
    audit.record(
        AuditAction.ACTION,
        note,
        verb=verb,
        changes={"status": [before, to], **({"remark": [None, remark]} if remark else {})},
    )
    return note


def _expect(note: ReleaseNote, *states: str) -> None:
    if note.status not in states:
        raise ValidationError(_("发布稿当前为“%(s)s”，不能进行此操作") % {"s": note.get_status_display()})


def _not_author(note: ReleaseNote, acting_user: Actor, what: str) -> None:
    if not is_system(acting_user) and note.author_id == acting_user.pk:  # type: ignore[union-attr]
        raise PermissionDenied(_("%(what)s不能由起草人本人进行") % {"what": what})


def _check_text(note: ReleaseNote) -> None:
    problems = lint_release(note)
    if problems:
        raise ValidationError([_("个人信息检查未通过：%(p)s") % {"p": p} for p in problems])


def _clean(kind: str, title: str, body: str) -> tuple[str, str]:
    if kind not in ReleaseKind.values:
        raise ValidationError({"kind": _("请选择类别")})
    title, body = (title or "").strip(), (body or "").strip()
    if not title or not body:
        raise ValidationError(_("请填写标题和正文"))
    return title[:120], body


@action
def do_draft_release(
    *,
    acting_user: Actor,
    kind: str,
    title: str,
    body: str,
    division: Division | None = None,
    case: Any = None,
    corrects: ReleaseNote | None = None,
) -> ReleaseNote:
    """起草: a new draft by `acting_user` (its author), in their division unless another is given."""
    require(acting_user, ReleaseNote, ADD)
    title, body = _clean(kind, title, body)
    author = _user(acting_user)
    if author is None:
        raise ValidationError(_("发布稿须有起草人"))
    division = division or author.division
    if kind == ReleaseKind.ITINERARY and case is None:
        raise ValidationError({"case": _("活动轨迹须关联病例")})
    note = ReleaseNote.objects.create(
        kind=kind, title=title, body=body, division=division, case=case, corrects=corrects, author=author
    )
    require(acting_user, note, ADD)  # in the author's scope
    if case is not None and not is_system(acting_user):
        from fangkong.tracing.models import Case

        if not Case.objects.restrict(acting_user).filter(pk=case.pk).exists():
            raise PermissionDenied(_("关联病例不在您的管辖范围内"))
    _event(note, ReleaseStep.DRAFTED, acting_user, other=corrects)
    audit.record(
        AuditAction.CREATE,
        note,
        verb="correct_release" if corrects else "draft_release",
        changes=audit.diff({}, audit.snapshot(note)),
    )
    return note


@action
def do_edit_release(
    note: ReleaseNote, *, acting_user: Actor, title: str, body: str, kind: str | None = None, case: Any = None
) -> ReleaseNote:
    """修改: the author changes a draft or a returned release."""
    require(acting_user, note, CHANGE)
    _expect(note, *EDITABLE)
    if not is_system(acting_user) and note.author_id != acting_user.pk:  # type: ignore[union-attr]
        raise PermissionDenied(_("只有起草人可以修改发布稿"))
    kind = kind or note.kind
    title, body = _clean(kind, title, body)
    before = audit.snapshot(note)
    note.kind, note.title, note.body = kind, title, body
    if case is not None:
        note.case = case
    note.save()
    changes = audit.diff(before, audit.snapshot(note))
    if changes:
        _event(note, ReleaseStep.EDITED, acting_user)
        audit.record(AuditAction.UPDATE, note, verb="edit_release", changes=changes)
    return note


@action
def do_submit_release(note: ReleaseNote, *, acting_user: Actor) -> ReleaseNote:
    """提交审核: refused with the list of personal-data problems until there are none."""
    require(acting_user, note, CHANGE)
    _expect(note, *EDITABLE)
    if not is_system(acting_user) and note.author_id != acting_user.pk:  # type: ignore[union-attr]
        raise PermissionDenied(_("只有起草人可以提交审核"))
    _check_text(note)
    return _move(
        note, ReleaseStatus.SUBMITTED, "submit_release", ReleaseStep.SUBMITTED, acting_user, return_reason=""
    )


@action
def do_review_release(note: ReleaseNote, *, acting_user: Actor, remark: str = "") -> ReleaseNote:
    """审核通过: by a reviewer who is not the author."""
    require(acting_user, note, REVIEW)
    _expect(note, ReleaseStatus.SUBMITTED)
    _not_author(note, acting_user, _("审核"))
    return _move(
        note,
        ReleaseStatus.REVIEWED,
        "review_release",
        ReleaseStep.REVIEWED,
        acting_user,
        remark,
        reviewed_by=_user(acting_user),
    )


@action
def do_approve_release(note: ReleaseNote, *, acting_user: Actor, remark: str = "") -> ReleaseNote:
    """批准: by an approver who is not the author, after the personal-data check passes again."""
    require(acting_user, note, APPROVE)
    _expect(note, ReleaseStatus.REVIEWED)
    _not_author(note, acting_user, _("批准"))
    _check_text(note)
    return _move(
        note,
        ReleaseStatus.APPROVED,
        "approve_release",
        ReleaseStep.APPROVED,
        acting_user,
        remark,
        approved_by=_user(acting_user),
    )


@action
def do_return_release(note: ReleaseNote, *, acting_user: Actor, reason: str) -> ReleaseNote:
    """退回: a reviewer (待审核) or an approver (待批准, 已批准) sends it back with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写退回原因")})
    require(acting_user, note, REVIEW if note.status == ReleaseStatus.SUBMITTED else APPROVE)
    _expect(note, ReleaseStatus.SUBMITTED, ReleaseStatus.REVIEWED, ReleaseStatus.APPROVED)
    _not_author(note, acting_user, _("退回"))
    return _move(
        note,
        ReleaseStatus.RETURNED,
        "return_release",
        ReleaseStep.RETURNED,
        acting_user,
        reason,
        return_reason=reason[:200],
    )


@action
def do_publish_release(note: ReleaseNote, *, acting_user: Actor) -> ReleaseNote:
    """发布: an approved release goes on the public page; a correction marks its original 已更正."""
    require(acting_user, note, APPROVE)
    _expect(note, ReleaseStatus.APPROVED)
    now = timezone.now()
    _move(
        note, ReleaseStatus.PUBLISHED, "publish_release", ReleaseStep.PUBLISHED, acting_user, published_at=now
    )
    if note.corrects_id:
        _event(note.corrects, ReleaseStep.CORRECTED, acting_user, other=note)
    return note


@action
def do_correct_release(original: ReleaseNote, *, acting_user: Actor, title: str, body: str) -> ReleaseNote:
    """更正: a new draft of the same kind and case, linked to the published `original`; it goes
    through review and approval like any release."""
    require(acting_user, original, "view")
    _expect(original, ReleaseStatus.PUBLISHED)
    return do_draft_release(
        kind=original.kind,
        title=title,
        body=body,
        division=original.division,
        case=original.case,
        corrects=original,
        acting_user=acting_user,
    )
