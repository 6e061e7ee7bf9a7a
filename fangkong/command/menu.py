from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import MenuArea, MenuItem, register
from fangkong.core.scoping import ADD

from .models import (
    DailyReport,
    Dispatch,
    DispatchTask,
    DutyLogEntry,
    DutyShift,
    Finding,
    SupervisionVisit,
    Unit,
)
from .views.briefing import may_brief
from .views.dashboard import may_see_dashboard
from .views.dispatch import may_see_tasks
from .views.duty import may_see_duty
from .views.reports import may_file, may_oversee

register(
    MenuArea(
        _("指挥调度"),
        [
            MenuItem(_("指挥大屏"), "command:dashboard", check=may_see_dashboard),
            MenuItem(_("今日值班"), "command:on_duty", check=may_see_duty, phone=True),
            MenuItem(_("我的交办"), "command:my_tasks", check=may_see_tasks, phone=True),
            MenuItem(_("报送日报"), "command:report_file", check=may_file, phone=True),
            MenuItem(_("日报报送情况"), "command:report_overview", check=may_oversee),
            MenuItem(_("生成工作汇报"), "command:briefing", check=may_brief),
            MenuItem(_("交办"), "command:dispatch_create", model=Dispatch, action=ADD),
            MenuItem(_("交办单"), "command:dispatch_list", model=Dispatch),
            MenuItem(_("交办事项"), "command:dispatchtask_list", model=DispatchTask),
            MenuItem(_("日报"), "command:dailyreport_list", model=DailyReport),
            MenuItem(_("督导检查"), "command:supervisionvisit_list", model=SupervisionVisit),
            MenuItem(_("督导发现问题"), "command:finding_list", model=Finding),
            MenuItem(_("值班表"), "command:dutyshift_list", model=DutyShift),
            MenuItem(_("值班记录"), "command:dutylogentry_list", model=DutyLogEntry),
            MenuItem(_("指挥部架构"), "command:unit_list", model=Unit),
        ],
        order=50,
    )
)
