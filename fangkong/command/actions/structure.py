"""The headquarters' structure: members of a unit, what it covers, and a unit per township.
Units themselves are created, changed and deleted through `core.actions.do_create / do_update /
do_delete` (pages and API)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import SystemActor, action, require
from fangkong.core.choices import AuditAction, DivisionLevel
from fangkong.core.models import Division, User
from fangkong.core.scoping import ADD, CHANGE

from ..choices import MemberPosition, UnitKind
from ..models import Unit, UnitMember

Actor = User | SystemActor


@action
def do_add_member(unit: Unit, *, acting_user: Actor, name: str, position: str = MemberPosition.MEMBER,
                  title: str = "", seconded_from: str = "", phone: str = "", user: User | None = None) -> UnitMember:
    """A member of `unit` (组长, 副组长, 成员, 联络员), seconded from a department when `seconded_from`."""
    require(acting_user, unit, CHANGE)
    name = (name or (user.full_name or user.username if user else "")).strip()
    if not name:
        raise ValidationError({"name": _("请填写成员姓名")})
    if position not in MemberPosition.values:
        raise ValidationError({"position": _("请选择分工")})
    if user is not None and unit.members.filter(user=user).exists():
        raise ValidationError({"user": _("该账号已是本单位成员")})
    member = UnitMember.objects.create(unit=unit, user=user, name=name[:40], position=position, title=title[:64],
                                       seconded_from=seconded_from.strip()[:64], phone=phone.strip()[:20],
                                       order=unit.members.count() + 1)
    audit.record(AuditAction.ACTION, unit, verb="add_unit_member", changes={
        "member": member.name, "position": position, "seconded_from": member.seconded_from,
        "user": user.username if user else None})
    return member


@action
def do_remove_member(member: UnitMember, *, acting_user: Actor) -> None:
    unit = member.unit
    require(acting_user, unit, CHANGE)
    audit.record(AuditAction.ACTION, unit, verb="remove_unit_member",
                 changes={"member": member.name, "position": member.position})
    member.delete()


@action
def do_set_coverage(unit: Unit, *, acting_user: Actor, covers: Iterable[Division] = (),
                    sectors: Iterable[Any] = ()) -> Unit:
    """The divisions a unit covers (包联) and the sectors it is responsible for."""
    require(acting_user, unit, CHANGE)
    covers, sectors = list(covers), list(sectors)
    outside = [d.name for d in covers if not unit.division.contains(d) and not d.contains(unit.division)]
    if outside:
        raise ValidationError({"covers": _("包联区划不在本单位所在区划内：%(d)s") % {"d": "、".join(outside)}})
    before = {"covers": sorted(unit.covers.values_list("name", flat=True)),
              "sectors": sorted(unit.sectors.values_list("name", flat=True))}
    unit.covers.set(covers)
    unit.sectors.set(sectors)
    after = {"covers": sorted(d.name for d in covers), "sectors": sorted(s.name for s in sectors)}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:
        audit.record(AuditAction.ACTION, unit, verb="set_unit_coverage", changes=changes)
    return unit


@action
def do_add_township_units(hq: Unit, *, acting_user: Actor, reports_daily: bool = True) -> list[Unit]:
    """A unit for every township of the headquarters' division that has none yet (its cadres are its
    members), under `hq`; returns the units made."""
    require(acting_user, Unit, ADD)
    require(acting_user, hq, CHANGE)
    have = set(Unit.objects.filter(kind=UnitKind.TOWNSHIP).values_list("division_id", flat=True))
    townships = Division.objects.subtree(hq.division).filter(level=DivisionLevel.TOWNSHIP)
    made = []
    for n, township in enumerate(townships.exclude(pk__in=have), 1):
        unit = Unit.objects.create(name=township.name, kind=UnitKind.TOWNSHIP, division=township, parent=hq,
                                   reports_daily=reports_daily, order=100 + n)
        require(acting_user, unit, ADD)
        audit.record(AuditAction.CREATE, unit, verb="create_unit", changes=audit.diff({}, audit.snapshot(unit)))
        made.append(unit)
    return made
