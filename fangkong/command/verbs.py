"""Chinese names of the command audit verbs (shown on the audit pages)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "create_unit": _("新增指挥部单位"),
    "update_unit": _("修改指挥部单位"),
    "delete_unit": _("删除指挥部单位"),
    "add_unit_member": _("增加单位成员"),
    "remove_unit_member": _("移除单位成员"),
    "set_unit_coverage": _("设置包联区划和负责行业"),
    "dispatch": _("交办"),
    "acknowledge_task": _("签收交办事项"),
    "report_task_progress": _("反馈交办进展"),
    "report_task_done": _("办结反馈"),
    "sign_off_task": _("对账销号"),
    "return_task": _("退回重办"),
    "close_dispatch": _("交办单销号"),
    "escalate_task": _("交办超期升级"),
    "file_daily_report": _("报送日报"),
    "file_zero_report": _("报送零报告"),
    "export_briefing": _("导出工作汇报"),
    "replace_briefing_template": _("更换工作汇报模板"),
    "reset_briefing_template": _("恢复默认工作汇报模板"),
}
