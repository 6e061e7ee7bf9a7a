from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import MenuArea, MenuItem, register

from .models import (
    AwayTask,
    ContactLog,
    MemberAnswer,
    PersonAway,
    Questionnaire,
    ReturnReport,
    Sweep,
    TipOff,
    Visit,
)
from .roles import WALKERS

register(
    MenuArea(
        _("网格"),
        [
            MenuItem(_("我的排摸"), "grid:my_sweeps", WALKERS, model=Visit, phone=True),
            MenuItem(_("离线填报"), "grid:offline", WALKERS, model=Visit, phone=True),
            MenuItem(_("地毯式排摸"), "grid:sweep_list", model=Sweep),
            MenuItem(_("发起排摸"), "grid:sweep_start", model=Sweep, action="add"),
            MenuItem(_("排摸户"), "grid:visit_list", model=Visit),
            MenuItem(_("排摸人员登记"), "grid:memberanswer_list", model=MemberAnswer),
            MenuItem(_("排摸问卷"), "grid:questionnaire_list", model=Questionnaire),
            MenuItem(_("群众举报"), "grid:tipoff_list", model=TipOff),
            MenuItem(_("群众举报统计"), "grid:tipoff_board", model=TipOff),
        ],
        order=25,
    )
)
register(
    MenuArea(
        _("县外人员"),
        [
            MenuItem(_("县外人员与返县报备"), "grid:away_board", model=PersonAway),
            MenuItem(_("县外人员底数"), "grid:personaway_list", model=PersonAway),
            MenuItem(_("县外人员任务"), "grid:awaytask_list", model=AwayTask, phone=True),
            MenuItem(_("联系记录"), "grid:contactlog_list", model=ContactLog),
            MenuItem(_("返县报备"), "grid:returnreport_list", model=ReturnReport, phone=True),
            MenuItem(_("代为返县报备"), "grid:returnreport_add", model=ReturnReport, action="add"),
            MenuItem(_("返岗人员导入"), "grid:returnreport_import", model=ReturnReport, action="add"),
        ],
        order=26,
    )
)
