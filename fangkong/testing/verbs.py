"""Chinese names of the testing area's audit verbs (shown on the audit pages)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "create_round": _("新建检测轮次"),
    "add_exemption": _("登记免检"),
    "record_miss": _("登记未检原因"),
    "create_sampling_site": _("新增采样点"),
    "open_tube": _("开管采样"),
    "bind_sample": _("采样绑定人员"),
    "seal_tube": _("封管"),
    "record_result": _("录入检测结果"),
    "import_results": _("导入检测结果"),
    "import_samplings": _("导入采样名单"),
    "create_resampling": _("生成上门单采任务"),
    "complete_resampling": _("完成上门单采"),
    "cancel_resampling": _("取消上门单采"),
    "flag_overdue_resampling": _("上门单采超时提醒"),
    "create_key_group": _("新建重点人群"),
    "change_key_group": _("修改重点人群"),
    "add_key_group_member": _("添加重点人群成员"),
    "remove_key_group_member": _("移除重点人群成员"),
    "view_sampling_qr": _("查看个人采样码"),
}
