from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import MenuArea, MenuItem, register
from fangkong.core.scoping import ADD, user_may

from .models import ReserveRule, StockMovement, SupplyItem, Warehouse


def may_compare_rounds(user) -> bool:
    from fangkong.testing.models import SamplingRound

    return user_may(SamplingRound, user) and user_may(Warehouse, user)


register(
    MenuArea(
        _("物资储备"),
        [
            MenuItem(_("物资库存"), "supplies:stock", model=Warehouse),
            MenuItem(_("低于储备"), "supplies:low", model=Warehouse),
            MenuItem(_("登记出入库"), "supplies:movement_create", model=StockMovement, action=ADD),
            MenuItem(_("出入库记录"), "supplies:stockmovement_list", model=StockMovement),
            MenuItem(_("导入入库单"), "supplies:receipt_import", model=StockMovement, action=ADD),
            MenuItem(_("检测轮次试剂保障"), "supplies:rounds", check=may_compare_rounds),
            MenuItem(_("仓库"), "supplies:warehouse_list", model=Warehouse),
            MenuItem(_("物资品目"), "supplies:supplyitem_list", model=SupplyItem),
            MenuItem(_("储备标准"), "supplies:reserverule_list", model=ReserveRule),
        ],
        order=55,
    )
)
