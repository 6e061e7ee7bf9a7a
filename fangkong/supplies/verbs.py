"""Chinese names of the supplies audit verbs (shown on the audit pages)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "create_supply_item": _("新增物资品目"),
    "update_supply_item": _("修改物资品目"),
    "delete_supply_item": _("删除物资品目"),
    "create_warehouse": _("新增仓库"),
    "update_warehouse": _("修改仓库"),
    "delete_warehouse": _("删除仓库"),
    "create_reserve_rule": _("新增储备标准"),
    "update_reserve_rule": _("修改储备标准"),
    "delete_reserve_rule": _("删除储备标准"),
    "supply_receipt": _("物资入库"),
    "supply_issue": _("物资出库"),
    "supply_transfer": _("物资调拨"),
    "supply_adjustment": _("物资盘点调整"),
    "import_supply_receipts": _("导入物资入库单"),
}
