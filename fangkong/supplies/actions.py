"""物资储备's actions: record a receipt, an issue, a transfer or a count adjustment. The catalogue,
warehouses and reserve rules are created and changed through `core.actions.do_create / do_update /
do_delete` (pages and API). A movement is never changed afterwards: a mistake is adjusted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import SystemActor, action, is_system, require
from fangkong.core.choices import AuditAction
from fangkong.core.models import User
from fangkong.core.scoping import ADD, VIEW

from .choices import MovementKind
from .models import StockMovement, SupplyItem, Warehouse

Actor = User | SystemActor
VERB = {
    MovementKind.RECEIPT: "supply_receipt",
    MovementKind.ISSUE: "supply_issue",
    MovementKind.TRANSFER: "supply_transfer",
    MovementKind.ADJUSTMENT: "supply_adjustment",
}


def _check_shape(kind: str, quantity: int, source: Warehouse | None, dest: Warehouse | None) -> None:
    if kind not in MovementKind.values:
        raise ValidationError({"kind": _("请选择出入库类型")})
    if not isinstance(quantity, int) or quantity == 0:
        raise ValidationError({"quantity": _("数量不能为0")})
    if kind != MovementKind.ADJUSTMENT and quantity < 0:
        raise ValidationError({"quantity": _("数量应为正数（只有盘点调整可以为负数）")})
    need_source = kind in (MovementKind.ISSUE, MovementKind.TRANSFER)
    need_dest = kind in (MovementKind.RECEIPT, MovementKind.TRANSFER, MovementKind.ADJUSTMENT)
    if need_source and source is None:
        raise ValidationError({"from_warehouse": _("请选择调出（出库）仓库")})
    if need_dest and dest is None:
        raise ValidationError({"to_warehouse": _("请选择调入（入库）仓库")})
    if not need_source and source is not None:
        raise ValidationError(
            {"from_warehouse": _("%(kind)s不填调出仓库") % {"kind": MovementKind(kind).label}}
        )
    if not need_dest and dest is not None:
        raise ValidationError(
            {"to_warehouse": _("%(kind)s不填调入仓库") % {"kind": MovementKind(kind).label}}
        )
    if kind == MovementKind.TRANSFER and source.pk == dest.pk:  # type: ignore[union-attr]
        raise ValidationError({"to_warehouse": _("调入仓库不能与调出仓库相同")})
    for w in (source, dest):
        if w is not None and not w.active:
            raise ValidationError(_("仓库“%(w)s”已停用") % {"w": w.name})


def _in_scope(acting_user: Actor, warehouse: Warehouse) -> None:
    if (
        not is_system(acting_user)
        and not Warehouse.objects.restrict(acting_user, VIEW).filter(pk=warehouse.pk).exists()
    ):
        raise PermissionDenied(_("仓库“%(w)s”不在您的管辖范围内") % {"w": warehouse.name})


@action
def do_record_movement(
    *,
    acting_user: Actor,
    kind: str,
    item: SupplyItem,
    quantity: int,
    from_warehouse: Warehouse | None = None,
    to_warehouse: Warehouse | None = None,
    at: dt.datetime | None = None,
    recipient: str = "",
    note: str = "",
) -> StockMovement:
    """入库 / 出库 / 调拨 / 盘点调整 of `quantity` units of `item`. An issue, a transfer or a negative
    adjustment of more than the warehouse holds (at `at` and now) is refused."""
    from fangkong.metrics.supplies import on_hand_of  # the one definition of 库存

    require(acting_user, StockMovement, ADD)
    _check_shape(kind, quantity, from_warehouse, to_warehouse)
    now = timezone.now()
    at = at or now
    if at > now + dt.timedelta(minutes=5):
        raise ValidationError({"at": _("发生时间不能晚于现在")})
    for w in (from_warehouse, to_warehouse):
        if w is not None:
            _in_scope(acting_user, w)
            Warehouse._base_manager.select_for_update().filter(pk=w.pk).first()  # one writer per warehouse
    taken_from = from_warehouse if from_warehouse is not None else (to_warehouse if quantity < 0 else None)
    if taken_from is not None:
        out = abs(quantity)
        have = min(on_hand_of(taken_from, item, at), on_hand_of(taken_from, item))
        if out > have:
            raise ValidationError(
                {
                    "quantity": _("%(w)s的%(item)s库存只有%(have)d%(unit)s，不能%(kind)s%(n)d%(unit)s")
                    % {
                        "w": taken_from.name,
                        "item": item,
                        "have": have,
                        "unit": item.unit,
                        "kind": MovementKind(kind).label,
                        "n": out,
                    }
                }
            )
    recorder = from_warehouse if from_warehouse is not None else to_warehouse
    movement = StockMovement.objects.create(
        kind=kind,
        item=item,
        quantity=quantity,
        from_warehouse=from_warehouse,
        to_warehouse=to_warehouse,
        division=recorder.division,
        at=at,
        by=None if is_system(acting_user) else acting_user,  # type: ignore[union-attr]
        recipient=recipient.strip()[:64],
        note=note.strip()[:200],
    )
    require(acting_user, movement, ADD)  # the recording warehouse must lie in the keeper's scope
    audit.record(
        AuditAction.CREATE,
        movement,
        verb=VERB[MovementKind(kind)],
        changes=audit.diff({}, audit.snapshot(movement)),
    )
    return movement


def movement_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of `do_record_movement` from a form's or a serializer's clean data."""
    keys = ("kind", "item", "quantity", "from_warehouse", "to_warehouse", "at", "recipient", "note")
    return {k: data[k] for k in keys if data.get(k) not in (None, "")}
