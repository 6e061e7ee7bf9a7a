"""Chinese names of the control area's audit verbs (shown on the audit pages)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "start_measure": _("开始管控"),
    "start_measure_on_verify": _("核查落地后开始管控"),
    "start_measure_step": _("转入下一管控措施"),
    "record_exposure": _("登记风险来源"),
    "check_in": _("健康打卡"),
    "record_test_result": _("录入计划检测结果"),
    "extend_measure": _("延长管控"),
    "release_measure": _("解除管控"),
    "early_release_measure": _("提前解除管控"),
    "assign_room": _("分配隔离房间"),
    "door_check": _("上门查看"),
    "transfer": _("安排转运"),
    "transfer_depart": _("转运出发"),
    "transfer_arrive": _("转运送达"),
    "create_policy_draft": _("新建防控方案草稿"),
    "save_rule": _("保存方案规则"),
    "delete_rule": _("删除方案规则"),
    "publish_policy": _("发布防控方案"),
    "retire_policy": _("停用防控方案"),
    "reapply_policy": _("按新方案重新判定"),
    "import_risk_area": _("导入风险区"),
    "change_risk_level": _("风险等级变更"),
    "lift_risk_area": _("解除风险区"),
    "refresh_origin_level": _("来源地风险等级变更"),
    "create_quarantine_site": _("新增隔离点"),
    "set_site_staff": _("指定隔离点工作人员"),
    "add_rooms": _("新增隔离房间"),
    "create_person_for_control": _("管控登记新增人员"),
}
