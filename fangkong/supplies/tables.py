"""The supplies area's tables: the columns its lists show and export (core.tables)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.tables import Column, Table

from .models import ReserveRule, StockMovement, SupplyItem, Warehouse


class SupplyItemTable(Table):
    model = SupplyItem
    columns = (
        Column("name", link=True),
        Column("spec"),
        Column("category"),
        Column("unit"),
        Column("tests_per_unit"),
        Column("persons_per_tube"),
    )


class WarehouseTable(Table):
    model = Warehouse
    columns = (
        Column("name", link=True),
        Column("level"),
        Column("division.name", _("所在区划")),
        Column("quarantine_site.name", _("隔离点")),
        Column("sampling_site.name", _("采样点")),
        Column("keeper"),
        Column("active", _("启用"), getter=lambda w: _("是") if w.active else _("否")),
    )
    select_related = ("division", "quarantine_site", "sampling_site")


class ReserveRuleTable(Table):
    model = ReserveRule
    columns = (
        Column("category", link=True),
        Column("item.name", _("物资品目")),
        Column("level"),
        Column("full_load_daily"),
        Column("min_days"),
        Column("note"),
    )
    select_related = ("item",)


class StockMovementTable(Table):
    model = StockMovement
    columns = (
        Column("at", _("发生时间"), getter=lambda m: timezone.localtime(m.at).strftime("%Y-%m-%d %H:%M")),
        Column("kind", link=True),
        Column("item.name", _("物资")),
        Column("quantity"),
        Column("item.unit", _("计量单位")),
        Column("from_warehouse.name", _("调出仓库")),
        Column("to_warehouse.name", _("调入仓库")),
        Column("recipient"),
        Column("by.full_name", _("经办人")),
        Column("note"),
    )
    select_related = ("item", "from_warehouse", "to_warehouse", "by")
