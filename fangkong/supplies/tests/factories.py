"""Supplies for tests: items, warehouses, rules and movements made through the actions."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.models import Division
from fangkong.supplies.actions import do_record_movement
from fangkong.supplies.choices import MovementKind, SupplyCategory, WarehouseLevel
from fangkong.supplies.models import ReserveRule, StockMovement, SupplyItem, Warehouse

_n = itertools.count(1)


def item(
    name: str = "", category: str = SupplyCategory.PROTECTIVE, unit: str = "个", **fields: Any
) -> SupplyItem:
    return SupplyItem.objects.create(
        name=name or f"测试物资{next(_n)}", category=category, unit=unit, **fields
    )


def warehouse(
    division: Division, level: str = WarehouseLevel.TOWNSHIP, name: str = "", **fields: Any
) -> Warehouse:
    return Warehouse.objects.create(
        name=name or f"测试仓库{next(_n)}", level=level, division=division, **fields
    )


def rule(category: str, level: str, full_load_daily: int, min_days: int = 30, **fields: Any) -> ReserveRule:
    return ReserveRule.objects.create(
        category=category, level=level, full_load_daily=full_load_daily, min_days=min_days, **fields
    )


def move(
    kind: str,
    it: SupplyItem,
    quantity: int,
    *,
    src: Warehouse | None = None,
    dst: Warehouse | None = None,
    days_ago: float = 0,
    user: Any = SYSTEM,
    now: dt.datetime | None = None,
    **fields: Any,
) -> StockMovement:
    at = (now or timezone.now()) - dt.timedelta(days=days_ago)
    return do_record_movement(
        kind=kind,
        item=it,
        quantity=quantity,
        from_warehouse=src,
        to_warehouse=dst,
        at=at,
        acting_user=user,
        **fields,
    )


def receive(it: SupplyItem, quantity: int, dst: Warehouse, **kw: Any) -> StockMovement:
    return move(MovementKind.RECEIPT, it, quantity, dst=dst, **kw)


def issue(it: SupplyItem, quantity: int, src: Warehouse, **kw: Any) -> StockMovement:
    return move(MovementKind.ISSUE, it, quantity, src=src, **kw)
