from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import MenuArea, MenuItem, register

from .imports import may_import
from .models import Household, Resident

register(
    MenuArea(
        _("基础台账"),
        [
            MenuItem(_("人员查询"), "registry:search", model=Resident, phone=True),
            MenuItem(_("户"), "registry:household_list", model=Household),
            MenuItem(_("区划浏览"), "registry:divisions", model=Resident),
            MenuItem(_("台账导入"), "registry:import", check=may_import),
        ],
        order=10,
    )
)
