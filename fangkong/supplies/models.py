"""物资储备: the catalogue of supplies, the warehouses that hold them, the reserve rules, and the
movements (入库, 出库, 调拨, 盘点调整) whose sum is the stock on hand (`metrics.supplies.on_hand`)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.core.scoping import ScopedModel

from .choices import MovementKind, SupplyCategory, WarehouseLevel
from .roles import CATALOGUE_EDITORS, SUPPLY_KEEPERS, SUPPLY_VIEWERS

CATALOGUE_ROLES = {
    "view": SUPPLY_VIEWERS,
    "add": CATALOGUE_EDITORS,
    "change": CATALOGUE_EDITORS,
    "delete": CATALOGUE_EDITORS,
}


class SupplyItem(ScopedModel):
    """物资品目: one kind of supply in its unit of measure; a reagent says how many tests a unit
    holds (1 盒 = 48 人份), a sampling tube how many persons it pools (1, 5, 10 or 20)."""

    name = models.CharField(_("品名"), max_length=64)
    category = models.CharField(_("类别"), max_length=16, choices=SupplyCategory.choices)
    unit = models.CharField(_("计量单位"), max_length=8, help_text=_("如：个、盒、支、瓶、箱"))
    spec = models.CharField(_("规格"), max_length=64, blank=True)
    tests_per_unit = models.PositiveIntegerField(
        _("每单位检测人份"), null=True, blank=True, help_text=_("检测试剂填写，如 1 盒 = 48 人份")
    )
    persons_per_tube = models.PositiveSmallIntegerField(
        _("每管混采人数"), null=True, blank=True, help_text=_("采样管填写：单采 1，混采 5、10、20")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    scope_division_field = None  # reference data: one catalogue for the county
    scope_roles = CATALOGUE_ROLES

    class Meta:
        ordering = ["category", "order", "name"]
        verbose_name = _("物资品目")
        verbose_name_plural = _("物资品目")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "spec"],
                name="supplies_item_name_unique",
                violation_error_message="已有同名同规格的物资品目",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.spec}）" if self.spec else self.name

    def clean(self) -> None:
        super().clean()
        if self.category == SupplyCategory.REAGENT and not self.tests_per_unit:
            raise ValidationError({"tests_per_unit": _("检测试剂须填写每单位检测人份")})
        if self.category == SupplyCategory.TUBE and not self.persons_per_tube:
            raise ValidationError({"persons_per_tube": _("采样管须填写每管混采人数")})


class Warehouse(ScopedModel):
    """仓库: where supplies are kept — the county's reserve, a township's, a quarantine site's or a
    sampling site's store — in a division, tied to the site when it is one."""

    name = models.CharField(_("仓库名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=16, choices=WarehouseLevel.choices)
    division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, related_name="warehouses", verbose_name=_("所在区划")
    )
    quarantine_site = models.ForeignKey(
        "control.QuarantineSite",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="warehouses",
        verbose_name=_("隔离点"),
    )
    sampling_site = models.ForeignKey(
        "testing.SamplingSite",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="warehouses",
        verbose_name=_("采样点"),
    )
    address = models.CharField(_("地址"), max_length=128, blank=True)
    keeper = models.CharField(_("保管人"), max_length=40, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    scope_division_field = "division"
    scope_roles = {
        "view": SUPPLY_VIEWERS,
        "add": CATALOGUE_EDITORS,
        "change": CATALOGUE_EDITORS,
        "delete": CATALOGUE_EDITORS,
    }

    class Meta:
        ordering = ["division__path", "level", "name"]
        verbose_name = _("仓库")
        verbose_name_plural = _("仓库")
        constraints = [
            models.UniqueConstraint(
                fields=["name"], name="supplies_warehouse_name_unique", violation_error_message="已有同名仓库"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.level == WarehouseLevel.QUARANTINE_SITE and not self.quarantine_site_id:
            raise ValidationError({"quarantine_site": _("隔离点仓库须选择隔离点")})
        if self.level == WarehouseLevel.SAMPLING_SITE and not self.sampling_site_id:
            raise ValidationError({"sampling_site": _("采样点仓库须选择采样点")})


class ReserveRule(ScopedModel):
    """储备标准: for a category of supplies (or one item) at a level of warehouse, the daily usage
    at full load and the days it must cover (e.g. 满负荷 30 天). An item's own rule wins over its
    category's."""

    category = models.CharField(_("物资类别"), max_length=16, choices=SupplyCategory.choices)
    item = models.ForeignKey(
        SupplyItem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rules",
        verbose_name=_("物资品目"),
        help_text=_("空则适用于该类别的所有品目"),
    )
    level = models.CharField(_("仓库层级"), max_length=16, choices=WarehouseLevel.choices)
    full_load_daily = models.PositiveIntegerField(_("满负荷日用量"), help_text=_("按品目的计量单位"))
    min_days = models.PositiveSmallIntegerField(_("最低储备天数"), default=30)
    note = models.CharField(_("依据"), max_length=128, blank=True)

    scope_division_field = None  # reference data
    scope_roles = CATALOGUE_ROLES

    class Meta:
        ordering = ["category", "level", "item"]
        verbose_name = _("储备标准")
        verbose_name_plural = _("储备标准")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "level"],
                condition=models.Q(item=None),
                name="supplies_rule_category_unique",
                violation_error_message="该类别该层级已有储备标准",
            ),
            models.UniqueConstraint(
                fields=["item", "level"],
                name="supplies_rule_item_unique",
                violation_error_message="该品目该层级已有储备标准",
            ),
        ]

    def __str__(self) -> str:
        what = str(self.item) if self.item_id else self.get_category_display()
        return gettext("%(what)s %(level)s ≥%(days)s天") % {
            "what": what, "level": self.get_level_display(), "days": self.min_days}

    def clean(self) -> None:
        super().clean()
        if self.item_id and self.item.category != self.category:
            raise ValidationError({"item": _("品目不属于所选类别")})


class StockMovement(ScopedModel):
    """出入库记录: one receipt, issue, transfer or count adjustment. Never changed or deleted: a
    mistake is put right by an adjustment. Its division is the division of the warehouse whose
    keeper records it (the source of an issue or a transfer, the destination of a receipt)."""

    kind = models.CharField(_("类型"), max_length=16, choices=MovementKind.choices)
    item = models.ForeignKey(
        SupplyItem, on_delete=models.PROTECT, related_name="movements", verbose_name=_("物资")
    )
    quantity = models.IntegerField(_("数量"), help_text=_("盘点调整可为负数"))
    from_warehouse = models.ForeignKey(
        Warehouse,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outgoing",
        verbose_name=_("调出仓库"),
    )
    to_warehouse = models.ForeignKey(
        Warehouse,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incoming",
        verbose_name=_("调入仓库"),
    )
    division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区划")
    )
    at = models.DateTimeField(_("发生时间"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("经办人"),
    )
    recipient = models.CharField(
        _("领用/来源单位"), max_length=64, blank=True, help_text=_("出库填领用单位，入库填供货或调拨来源")
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_division_field = "division"
    scope_view_also = ("to_warehouse__division",)  # the receiving keeper sees an incoming transfer
    scope_roles = {"view": SUPPLY_VIEWERS, "add": SUPPLY_KEEPERS}

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("出入库记录")
        verbose_name_plural = _("出入库记录")
        indexes = [models.Index(fields=["item", "at"], name="supplies_movement_item_at")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(quantity=0),
                name="supplies_movement_nonzero",
                violation_error_message="数量不能为0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.item} {self.quantity}{self.item.unit}"

    @property
    def warehouse(self) -> Warehouse | None:
        """The warehouse whose keeper records it: the source, or the destination of a receipt."""
        return self.from_warehouse or self.to_warehouse
