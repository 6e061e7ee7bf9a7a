from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import MenuArea, MenuItem, register

from .models import (
    AwayTask,
    CareCheck,
    CareDuty,
    CareTeam,
    CareTemplate,
    ContactLog,
    MemberAnswer,
    Notice,
    PersonAway,
    Questionnaire,
    ReturnReport,
    Sweep,
    TipOff,
    Visit,
)
from .roles import CARE_SEATS, WALKERS

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
register(
    MenuArea(
        _("居家管控专班"),
        [
            MenuItem(_("我的居家人员"), "grid:my_care", CARE_SEATS, model=CareDuty, phone=True),
            MenuItem(_("专班与通知概况"), "grid:care_board", model=CareTeam),
            MenuItem(_("四对一专班"), "grid:careteam_list", model=CareTeam),
            MenuItem(_("专班职责（到期与逾期）"), "grid:careduty_list", model=CareDuty),
            MenuItem(_("专班查看记录"), "grid:carecheck_list", model=CareCheck),
            MenuItem(_("四对一职责模板"), "grid:caretemplate_list", model=CareTemplate),
            MenuItem(_("通知全覆盖"), "grid:notice_list", model=Notice),
            MenuItem(_("发送通知"), "grid:notice_add", model=Notice, action="add"),
        ],
        order=27,
    )
)
