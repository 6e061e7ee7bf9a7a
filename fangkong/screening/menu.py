from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import Role
from fangkong.core.navigation import MenuArea, MenuItem, register

from .models import SCREENING_EDITORS, SCREENING_VIEWERS, DailyClearance

MANAGERS = frozenset({Role.COMMAND_CENTER, Role.MODULE_LEAD, Role.MODULE_ADMIN, Role.REVIEWER,
                      Role.TOWNSHIP_CADRE})

register(
    MenuArea(
        _("风险排查"),
        [
            MenuItem(_("我的核查任务"), "screening:my_tasks", SCREENING_EDITORS, phone=True),
            MenuItem(_("入户排查登记"), "screening:door_screening", SCREENING_EDITORS, phone=True),
            MenuItem(_("日清日结看板"), "screening:board", SCREENING_VIEWERS),
            MenuItem(_("核查任务"), "screening:verifications", SCREENING_VIEWERS),
            MenuItem(_("名单导入"), "screening:import", MANAGERS),
            MenuItem(_("疑似重复人员"), "screening:merges", MANAGERS),
            MenuItem(_("跨省协查"), "screening:assist", SCREENING_VIEWERS),
            MenuItem(_("日结"), "screening:close_day", model=DailyClearance, action="add"),
            MenuItem(_("群众自报入口"), "screening:self_report"),
        ],
        order=20,
    )
)
