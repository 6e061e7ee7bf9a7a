from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import MenuArea, MenuItem, register

from .roles import CONTROL_VIEWERS, POLICY_EDITORS

register(
    MenuArea(
        _("管控"),
        [
            MenuItem(_("管控总览"), "control:dashboard", CONTROL_VIEWERS),
            MenuItem(_("管控人员"), "control:measures", CONTROL_VIEWERS, phone=True),
            MenuItem(_("开始管控"), "control:start", CONTROL_VIEWERS),
            MenuItem(_("逾期未检"), "control:overdue", CONTROL_VIEWERS),
            MenuItem(_("隔离点"), "control:sites", CONTROL_VIEWERS),
            MenuItem(_("转运"), "control:transfers", CONTROL_VIEWERS),
            MenuItem(_("风险区"), "control:areas", CONTROL_VIEWERS),
            MenuItem(_("防控方案"), "control:policies", CONTROL_VIEWERS | POLICY_EDITORS),
        ],
        order=30,
    )
)
