"""The sectors area's actions: checklists, inspections and their findings, re-inspections, closing
orders by sector. Sectors and venues themselves are created, changed and deleted through
`core.actions.do_create / do_update / do_delete` (pages and API), their imports through
`sectors.imports`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import SystemActor, action, is_system, require
from fangkong.core.choices import AuditAction
from fangkong.core.models import Division, User
from fangkong.core.scoping import ADD, CHANGE, in_subtree

from .choices import Answer, Finding, OrderKind, OrderStatus, ReinspectionStatus, VenueStatus
from .models import (
    Checklist,
    ChecklistItem,
    Inspection,
    InspectionPhoto,
    Reinspection,
    Sector,
    SectorOrder,
    Venue,
)

Actor = User | SystemActor


MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = ((b"\xff\xd8\xff", "image/jpeg", "jpg"), (b"\x89PNG", "image/png", "png"))


def photo_kind(data: bytes) -> tuple[str, str] | None:
    """(content type, suffix) of a JPEG, PNG, WebP or HEIC photo by its first bytes, else None."""
    for magic, content_type, suffix in PHOTO_TYPES:
        if data.startswith(magic):
            return content_type, suffix
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "image/heic", "heic"
    return None


def _read_photos(photos: Sequence[Any]) -> list[tuple[bytes, str, str]]:
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("现场照片最多%(n)d张") % {"n": MAX_PHOTOS}})
    out = []
    for photo in photos:
        data = photo.read() if hasattr(photo, "read") else bytes(photo)
        if len(data) > MAX_PHOTO_BYTES:
            raise ValidationError({"photos": _("照片过大（每张最大10MB）")})
        kind = photo_kind(data)
        if kind is None:
            raise ValidationError({"photos": _("只能上传照片（jpg、png、webp、heic）")})
        out.append((data, *kind))
    return out


def current_checklist(sector: Sector) -> Checklist | None:
    """The sector's newest checklist version (None: the sector has none yet)."""
    return Checklist.objects.filter(sector=sector).order_by("-version").first()


@action
def do_publish_checklist(sector: Sector, items: Sequence[str], *, acting_user: Actor, note: str = "") -> Checklist:
    """A new version of `sector`'s checklist with `items` in order; older versions stay as they
    were, and the inspections that used them keep them."""
    require(acting_user, Checklist, ADD)
    texts = [t.strip() for t in items if t and t.strip()]
    if not texts:
        raise ValidationError(_("检查表至少要有一项检查内容"))
    if len(set(texts)) != len(texts):
        raise ValidationError(_("检查内容有重复"))
    last = current_checklist(sector)
    checklist = Checklist.objects.create(sector=sector, version=(last.version + 1) if last else 1, note=note[:200])
    ChecklistItem.objects.bulk_create([ChecklistItem(checklist=checklist, order=i, text=t[:100])
                                       for i, t in enumerate(texts, 1)])
    audit.record(AuditAction.CREATE, checklist, verb="publish_checklist",
                 changes={"sector": sector.name, "version": checklist.version, "items": texts})
    return checklist


def _set_status(venue: Venue, status: str, *, since: dt.date, verb: str, order: SectorOrder | None = None,
                percent: int | None = None) -> bool:
    before = audit.snapshot(venue)
    venue.status, venue.status_order, venue.limit_percent = status, order, percent
    venue.status_since = since
    venue.save(update_fields=["status", "status_order", "limit_percent", "status_since", "updated_at"])
    changes = audit.diff(before, audit.snapshot(venue))
    changes.pop("updated_at", None)
    if changes:
        audit.record(AuditAction.ACTION, venue, verb=verb, changes=changes)
    return bool(changes)


@action
def do_inspect(venue: Venue, *, acting_user: Actor, finding: str, answers: dict[str, str] | None = None,
               note: str = "", to_fix: str = "", deadline: dt.date | None = None,
               checklist: Checklist | None = None, inspected_at: dt.datetime | None = None,
               photos: Sequence[Any] = ()) -> Inspection:
    """Record an inspection of `venue` with the checklist version in force (or `checklist`) and
    its finding: 合格; 责令整改 (what to fix and a deadline: a re-inspection task due that day);
    停业整顿 (the venue is suspended). An inspection of a venue with a re-inspection due completes it.
    `photos` (files or bytes, at most six JPEG / PNG / WebP / HEIC images) are kept with it."""
    require(acting_user, venue, "view")
    require(acting_user, Inspection, ADD)
    if finding not in Finding.values:
        raise ValidationError(_("请选择检查结论"))
    checklist = checklist or current_checklist(venue.sector)
    if checklist is None:
        raise ValidationError(_("该行业尚无检查表，请先发布检查表"))
    if checklist.sector_id != venue.sector_id:
        raise ValidationError(_("检查表与场所行业不一致"))
    items = {str(pk) for pk in checklist.items.values_list("pk", flat=True)}
    answers = {str(k): v for k, v in (answers or {}).items()}
    unknown = set(answers) - items
    if unknown or any(v not in Answer.values for v in answers.values()):
        raise ValidationError(_("检查结果与检查表不符，请刷新页面后重新填写"))
    missing = items - set(answers)
    if missing:
        raise ValidationError(_("还有%(n)d项检查内容未作答") % {"n": len(missing)})
    now = inspected_at or timezone.now()
    if finding == Finding.RECTIFY:
        if not to_fix.strip():
            raise ValidationError({"to_fix": _("责令整改须写明整改内容")})
        if deadline is None or deadline < timezone.localdate(now):
            raise ValidationError({"deadline": _("责令整改须填写整改期限，且不早于检查当日")})
    elif finding == Finding.COMPLIANT and Answer.NO in answers.values():
        raise ValidationError(_("有不符合项时不能判定为合格，请责令整改或停业整顿"))
    images = _read_photos(photos)
    due = (Reinspection.objects.select_for_update()
           .filter(venue=venue, status=ReinspectionStatus.DUE).order_by("due_on").first())
    inspection = Inspection.objects.create(
        venue=venue, checklist=checklist, inspector=None if is_system(acting_user) else acting_user,
        inspected_at=now, answers=answers, note=note, finding=finding,
        to_fix=to_fix.strip() if finding != Finding.COMPLIANT else "",
        deadline=deadline if finding == Finding.RECTIFY else None, answers_task=due)
    require(acting_user, inspection, ADD)
    verb = {Finding.RECTIFY: "order_rectification", Finding.SUSPEND: "suspend_venue"}.get(finding, "inspect_venue")
    audit.record(AuditAction.CREATE, inspection, verb=verb, changes={
        "venue": venue.name, "checklist": str(checklist), "finding": finding,
        "no": sum(1 for v in answers.values() if v == Answer.NO), "deadline": deadline.isoformat() if deadline else None,
        "photos": len(images)})
    for n, (data, content_type, suffix) in enumerate(images, 1):
        photo = InspectionPhoto(inspection=inspection, content_type=content_type)
        photo.image.save(f"inspection-{inspection.pk}-{n}.{suffix}", ContentFile(data), save=False)
        photo.save()
    if due is not None:
        due.status, due.done_by = ReinspectionStatus.DONE, inspection
        due.save(update_fields=["status", "done_by"])
        audit.record(AuditAction.ACTION, due, verb="close_reinspection", changes={"finding": finding})
    if finding == Finding.RECTIFY:
        Reinspection.objects.create(venue=venue, ordered_by=inspection, due_on=deadline,
                                    assignee=None if is_system(acting_user) else acting_user)
    elif finding == Finding.SUSPEND:
        _set_status(venue, VenueStatus.SUSPENDED, since=timezone.localdate(now), verb="suspend_venue")
    return inspection


@action
def do_reopen_venue(venue: Venue, *, acting_user: Actor) -> Venue:
    """停业整顿 ends: the venue opens again (or under the sector order still in force)."""
    require(acting_user, venue, CHANGE)
    if venue.status != VenueStatus.SUSPENDED:
        raise ValidationError(_("该场所不在停业整顿中"))
    order = _order_in_force(venue)
    if order is not None:
        _apply_to(venue, order, verb="reopen_venue")
    else:
        _set_status(venue, VenueStatus.OPEN, since=timezone.localdate(), verb="reopen_venue")
    return venue


def _order_in_force(venue: Venue, exclude: SectorOrder | None = None) -> SectorOrder | None:
    today = timezone.localdate()
    orders = (SectorOrder.objects.filter(sector_id=venue.sector_id, status=OrderStatus.ACTIVE, starts_on__lte=today)
              .select_related("division").order_by("-starts_on", "-id"))
    if exclude is not None:
        orders = orders.exclude(pk=exclude.pk)
    path = venue.grid.path
    return next((o for o in orders if path.startswith(o.division.path)), None)


def _apply_to(venue: Venue, order: SectorOrder, *, verb: str) -> bool:
    if order.kind == OrderKind.CLOSE:
        return _set_status(venue, VenueStatus.CLOSED, since=order.starts_on, verb=verb, order=order)
    return _set_status(venue, VenueStatus.RESTRICTED, since=order.starts_on, verb=verb, order=order,
                       percent=order.limit_percent)


def _venues_of(order: SectorOrder):
    return in_subtree(Venue.objects.filter(sector_id=order.sector_id).select_related("grid"), "grid", order.division)


@action
def do_issue_order(sector: Sector, division: Division, *, acting_user: Actor, kind: str, starts_on: dt.date,
                   limit_percent: int | None = None, reason: str = "") -> SectorOrder:
    """关停令: close (or restrict to `limit_percent`) every venue of `sector` in `division` from
    `starts_on`; applied at once when that day has come, else by the daily job on the day."""
    if kind not in OrderKind.values:
        raise ValidationError(_("请选择措施"))
    if kind == OrderKind.RESTRICT and not (limit_percent and 0 < limit_percent < 100):
        raise ValidationError({"limit_percent": _("限流须填写1至99之间的比例")})
    order = SectorOrder(sector=sector, division=division, kind=kind, starts_on=starts_on, reason=reason[:200],
                        limit_percent=limit_percent if kind == OrderKind.RESTRICT else None,
                        created_by=None if is_system(acting_user) else acting_user)
    order.save()
    require(acting_user, order, ADD)
    if starts_on <= timezone.localdate():
        _apply(order)
    audit.record(AuditAction.CREATE, order, verb="issue_sector_order", changes=audit.diff({}, audit.snapshot(order)))
    return order


def _apply(order: SectorOrder) -> int:
    changed = 0
    for venue in _venues_of(order):
        if venue.status == VenueStatus.SUSPENDED:
            continue  # 停业整顿 outranks a sector order; reopening it applies the order
        changed += _apply_to(venue, order, verb="apply_sector_order")
    order.applied_at = timezone.now()
    order.save(update_fields=["applied_at"])
    return changed


@action
def do_apply_order(order: SectorOrder, *, acting_user: Actor, today: dt.date | None = None) -> int:
    """Apply an order whose start day has come (the daily job); returns the venues changed."""
    require(acting_user, order, CHANGE)
    if order.status != OrderStatus.ACTIVE or order.starts_on > (today or timezone.localdate()):
        return 0
    return _apply(order)


@action
def do_lift_order(order: SectorOrder, *, acting_user: Actor, lifted_on: dt.date | None = None) -> int:
    """解除: the venues the order closed or restricted open again (or fall under another order
    still in force); returns how many venues changed."""
    require(acting_user, order, CHANGE)
    if order.status != OrderStatus.ACTIVE:
        raise ValidationError(_("该关停令已解除"))
    before = audit.snapshot(order)
    order.status, order.lifted_on = OrderStatus.LIFTED, lifted_on or timezone.localdate()
    order.save(update_fields=["status", "lifted_on"])
    audit.record(AuditAction.ACTION, order, verb="lift_sector_order", changes=audit.diff(before, audit.snapshot(order)))
    changed = 0
    for venue in Venue.objects.filter(status_order=order).select_related("grid"):
        other = _order_in_force(venue, exclude=order)
        if other is not None:
            changed += _apply_to(venue, other, verb="lift_sector_order")
        else:
            changed += _set_status(venue, VenueStatus.OPEN, since=order.lifted_on, verb="lift_sector_order")
    return changed


def may_inspect(user: Any) -> bool:
    from fangkong.core.scoping import user_may

    return user_may(Inspection, user, ADD)


def require_inspector(acting_user: Actor) -> None:
    if not is_system(acting_user) and not may_inspect(acting_user):
        raise PermissionDenied(_("您没有场所检查的权限"))
