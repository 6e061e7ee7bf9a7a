"""Actions on quarantine sites: sites, their staff and rooms, room assignment and transfers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.actions import action, is_system, require
from fangkong.core.choices import AuditAction, MeasureKind, Role
from fangkong.core.models import User
from fangkong.core.scoping import ADD, CHANGE, VIEW, in_subtree

from .. import rollups
from ..choices import RoomStatus, TransferStatus
from ..models import Measure, QuarantineSite, Room, Transfer
from ..roles import BROAD_ROLES
from .common import room_occupants

SITE_FIELDS = ("name", "division", "address", "manager_name", "phone", "active")


def staff_candidates(acting_user: Any) -> QuerySet[User]:
    """Active site-staff accounts the acting user may assign to a site: those in their division subtree."""
    qs = User.objects.filter(is_active=True, roles__role=Role.SITE_STAFF).distinct().order_by("username")
    if is_system(acting_user):
        return qs
    division = getattr(acting_user, "division", None)
    return in_subtree(qs, "division", division) if division is not None else qs.none()


def _works_at_own_sites_only(acting_user: Any) -> bool:
    return not is_system(acting_user) and Role.SITE_STAFF in acting_user.role_names and not (
        acting_user.role_names & BROAD_ROLES)


def _set_staff(site: QuarantineSite, staff: Iterable[User], acting_user: Any) -> dict:
    staff = list(staff)
    allowed = set(staff_candidates(acting_user).filter(pk__in=[u.pk for u in staff]).values_list("pk", flat=True))
    refused = [u.username for u in staff if u.pk not in allowed]
    if refused:
        raise ValidationError(f"只能指定管辖范围内的隔离点工作人员账号:{'、'.join(refused)}")
    before = sorted(site.staff.values_list("username", flat=True))
    site.staff.set(staff)
    after = sorted(u.username for u in staff)
    return {"staff": [before, after]} if before != after else {}


@action
def do_create_quarantine_site(*, acting_user: Any, staff: Iterable[User] = (), **fields: Any) -> QuarantineSite:
    """新增隔离点 with its staff. Site staff who create a site work at it (else they could not see it)."""
    require(acting_user, QuarantineSite, ADD)
    site = QuarantineSite(**{k: v for k, v in fields.items() if k in SITE_FIELDS})
    site.full_clean()
    site.save()
    staff = list(staff)
    if _works_at_own_sites_only(acting_user) and acting_user not in staff:
        staff.append(acting_user)
    changes = audit.diff({}, audit.snapshot(site))
    changes.update(_set_staff(site, staff, acting_user))
    require(acting_user, site, ADD)
    audit.record(AuditAction.CREATE, site, verb="create_quarantine_site", changes=changes)
    return site


@action
def do_set_site_staff(site: QuarantineSite, staff: Iterable[User], *, acting_user: Any) -> QuarantineSite:
    """指定隔离点工作人员: the site-staff accounts that see and run this site."""
    require(acting_user, site, CHANGE)
    changes = _set_staff(site, staff, acting_user)
    if changes:
        audit.record(AuditAction.UPDATE, site, verb="set_site_staff", changes=changes)
    return site


@action
def do_add_rooms(site: QuarantineSite, numbers: Iterable[str], *, floor: str = "", beds: int = 1,
                 acting_user: Any) -> list[Room]:
    """新增隔离房间: numbers the site already has are left as they are (re-submitting changes nothing)."""
    require(acting_user, site, CHANGE)
    existing = set(site.rooms.values_list("number", flat=True))
    new = [Room(site=site, number=str(n), floor=floor, beds=beds) for n in numbers if str(n) not in existing]
    Room.objects.bulk_create(new)
    audit.record_many(AuditAction.CREATE, Room.objects.filter(site=site, number__in=[r.number for r in new]),
                      verb="add_rooms")
    return new


@action
def do_assign_room(measure: Measure, room: Room, *, acting_user: Any) -> Measure:
    """Put a person under central quarantine into a room with a free bed."""
    require(acting_user, measure, CHANGE)
    require(acting_user, room, VIEW)
    room = Room.objects.select_for_update().get(pk=room.pk)
    if measure.kind != MeasureKind.CENTRAL_QUARANTINE or not measure.is_active:
        raise ValidationError("只有正在集中隔离的人员才能分配房间")
    if room.status != RoomStatus.AVAILABLE:
        raise ValidationError(f"房间{room.number}当前状态为“{room.get_status_display()}”,不能入住")
    if room_occupants(room) >= room.beds:
        raise ValidationError(f"房间{room.number}已满({room.beds}张床位)")
    before = audit.snapshot(measure)
    measure.site, measure.room = room.site, room
    with rollups.tracking([measure.pk]):
        measure.save(update_fields=["site", "room"])
    require(acting_user, measure, CHANGE)
    audit.record(AuditAction.ACTION, measure, verb="assign_room", changes=audit.diff(before, audit.snapshot(measure)))
    return measure


@action
def do_transfer(measure: Measure, *, site: QuarantineSite, vehicle: str, escort: str, planned_at: dt.datetime,
                from_place: str = "", driver: str = "", acting_user: Any) -> Transfer:
    """派车: plan a point-to-point trip of one person to a site."""
    require(acting_user, measure, CHANGE)
    require(acting_user, site, VIEW)
    if measure.kind != MeasureKind.CENTRAL_QUARANTINE or not measure.is_active:
        raise ValidationError("只有正在集中隔离的人员才能转运")
    if Transfer.objects.filter(measure=measure, status__in=[TransferStatus.PLANNED, TransferStatus.EN_ROUTE]).exists():
        raise ValidationError("该人员已有未完成的转运")
    transfer = Transfer(measure=measure, site=site, vehicle=vehicle, escort=escort, planned_at=planned_at,
                        from_place=from_place or measure.person.address or "住址", driver=driver)
    transfer.full_clean()
    transfer.save()
    audit.record(AuditAction.CREATE, transfer, verb="transfer", changes=audit.diff({}, audit.snapshot(transfer)))
    return transfer


@action
def do_advance_transfer(transfer: Transfer, *, at: dt.datetime | None = None, acting_user: Any) -> Transfer:
    """Next step of the closed loop: planned → en route → arrived (the person is then at the site)."""
    at = at or timezone.now()
    require(acting_user, transfer, CHANGE)
    before = audit.snapshot(transfer)
    if transfer.status == TransferStatus.PLANNED:
        transfer.status, transfer.departed_at, verb = TransferStatus.EN_ROUTE, at, "transfer_depart"
    elif transfer.status == TransferStatus.EN_ROUTE:
        transfer.status, transfer.arrived_at, verb = TransferStatus.ARRIVED, at, "transfer_arrive"
        measure = transfer.measure
        if measure.site_id != transfer.site_id:
            measure.site, measure.room = transfer.site, None
            with rollups.tracking([measure.pk]):
                measure.save(update_fields=["site", "room"])
    else:
        raise ValidationError("该转运已结束")
    transfer.save()
    audit.record(AuditAction.ACTION, transfer, verb=verb, changes=audit.diff(before, audit.snapshot(transfer)))
    return transfer
