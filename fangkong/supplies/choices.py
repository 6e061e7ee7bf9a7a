"""Kinds and levels of the supplies area (物资储备)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SupplyCategory(models.TextChoices):
    PROTECTIVE = "protective", _("防护用品")
    DRUG = "drug", _("药品")
    REAGENT = "reagent", _("检测试剂")
    TUBE = "tube", _("采样管")
    DISINFECTANT = "disinfectant", _("消杀用品")


class WarehouseLevel(models.TextChoices):
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇（街道）")
    QUARANTINE_SITE = "quarantine_site", _("隔离点")
    SAMPLING_SITE = "sampling_site", _("采样点")


class MovementKind(models.TextChoices):
    """入库 adds to `to_warehouse`, 出库 takes from `from_warehouse`, 调拨 does both, 盘点调整 adds a
    signed quantity to `to_warehouse` (a count found more or less than the book)."""

    RECEIPT = "receipt", _("入库")
    ISSUE = "issue", _("出库")
    TRANSFER = "transfer", _("调拨")
    ADJUSTMENT = "adjustment", _("盘点调整")
