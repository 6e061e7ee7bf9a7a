"""The checkpoints' actions: a registration at the gate (a vehicle and the people in it, or people
on foot) and a transit vehicle leaving the county. Checkpoints and shifts themselves are created,
changed and deleted through `core.actions.do_create / do_update / do_delete` (pages and API)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import action, is_system, may, require
from fangkong.core.choices import AuditAction
from fangkong.core.scoping import ADD, VIEW

from .checkpoint_intake import Passage, PersonIn, VehicleIn, Writer, Written
from .choices import TransitStatus
from .models import Checkpoint, PersonCheck, VehicleCheck

MAX_PEOPLE = 60


@action
def do_register_passage(checkpoint: Checkpoint, *, acting_user: Any, vehicle: VehicleIn | None = None,
                        persons: Sequence[PersonIn] = (), at: dt.datetime | None = None) -> Written:
    """Register at `checkpoint` a vehicle (optional) and the people in it or on foot (cleaned
    values: `checkpoint_cleaning`). An arrival from a risk area becomes a lead at once (channel
    卡口登记), routed to the grid of their destination. Registering the same passage again (the same
    minute, plate and person) adds nothing."""
    require(acting_user, checkpoint, VIEW)
    require(acting_user, PersonCheck, ADD)
    if not checkpoint.active:
        raise ValidationError(_("该卡口已停用"))
    persons = list(persons)
    if vehicle is None and not persons:
        raise ValidationError(_("请至少登记一辆车或一名人员"))
    if len(persons) > MAX_PEOPLE:
        raise ValidationError(_("一次最多登记%(n)d人") % {"n": MAX_PEOPLE})
    for n, p in enumerate(persons, 1):
        if not (p.id_number or p.phone):
            raise ValidationError(_("第%(n)d人：身份证号和手机号至少填写一项") % {"n": n})
    at = at or timezone.now()
    if at > timezone.now() + dt.timedelta(minutes=10):
        raise ValidationError(_("登记时间不能晚于现在"))
    user = None if is_system(acting_user) else acting_user
    if vehicle is not None and vehicle.occupants is None:
        vehicle.occupants = max(len(persons), 1)
    passages = [Passage(None, checkpoint, at, vehicle, p) for p in persons] or [Passage(None, checkpoint, at, vehicle)]
    day = timezone.localdate(at)
    writer = Writer(start=day, end=day, user=user)
    written = writer.write(passages)
    writer.notify()
    return written


def open_transit(plate: str) -> VehicleCheck | None:
    """The latest transit vehicle with this plate that has not left the county (any checkpoint)."""
    return (VehicleCheck.objects.filter(plate=plate, transit=TransitStatus.IN_TRANSIT)
            .order_by("-registered_at", "-id").first())


@action
def do_record_exit(plate: str, exit_checkpoint: Checkpoint, *, acting_user: Any,
                   at: dt.datetime | None = None) -> VehicleCheck:
    """过境车辆出县: the transit vehicle with `plate` leaves through `exit_checkpoint`. The staff
    there close it whichever checkpoint let it in (they see only the plate and the times)."""
    require(acting_user, exit_checkpoint, VIEW)
    require(acting_user, VehicleCheck, ADD)
    vehicle = open_transit(plate)
    if vehicle is None:
        raise ValidationError({"plate": _("没有车牌号为%(plate)s的过境未出车辆") % {"plate": plate}})
    at = at or timezone.now()
    if at < vehicle.registered_at:
        raise ValidationError(_("出县时间不能早于入县登记时间"))
    vehicle = VehicleCheck.objects.select_for_update().get(pk=vehicle.pk)
    before = audit.snapshot(vehicle)
    vehicle.transit, vehicle.exit_checkpoint, vehicle.exited_at = TransitStatus.EXITED, exit_checkpoint, at
    vehicle.save(update_fields=["transit", "exit_checkpoint", "exited_at"])
    audit.record(AuditAction.ACTION, vehicle, verb="record_transit_exit",
                 changes=audit.diff(before, audit.snapshot(vehicle)))
    return vehicle


def may_register(user: Any) -> bool:
    """The phone screen is offered to who may register at some checkpoint in their scope."""
    return may(user, PersonCheck, ADD) and Checkpoint.objects.restrict(user).filter(active=True).exists()


def overdue_transit(hours: int = 6, now: dt.datetime | None = None):
    """Transit vehicles in the county for longer than `hours` without an exit (to follow up)."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=hours)
    return VehicleCheck.objects.filter(transit=TransitStatus.IN_TRANSIT, registered_at__lt=cutoff)
