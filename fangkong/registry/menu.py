from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import MenuArea, MenuItem, register

register(
    MenuArea(
        _("基础台账"),
        [
            MenuItem(_("人员查询"), "registry:search"),
            MenuItem(_("区划浏览"), "registry:divisions"),
            MenuItem(_("台账导入"), "registry:import"),
        ],
        order=10,
    )
)
