"""Chinese names of the grid line's audit verbs (shown on the audit pages)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "start_sweep": _("发起地毯式排摸"),
    "close_sweep": _("结束排摸"),
    "record_member": _("登记排摸人员情况"),
    "record_not_home": _("登记不在家"),
    "record_refused": _("登记拒绝排摸"),
    "add_found_person": _("排摸新增人员"),
    "new_questionnaire_version": _("新增排摸问卷版本"),
    "escalate_sweep_grid": _("排摸超时升级"),
}
VERBS.update({
    "create_person_away": _("登记县外人员"),
    "update_person_away": _("修改县外人员信息"),
    "refresh_away_risk": _("更新县外人员所在地风险等级"),
    "log_away_contact": _("县外人员联系记录"),
    "open_away_task": _("生成县外人员任务"),
    "close_away_task": _("办结县外人员任务"),
    "file_return_report": _("返县报备"),
    "confirm_arrival": _("确认返县人员到达"),
    "cancel_return_report": _("取消返县报备"),
    "import_return_reports": _("批量导入返岗人员报备"),
})
VERBS.update({
    "submit_tip_off": _("群众举报"),
    "tip_off_to_lead": _("群众举报转为线索"),
    "tip_off_to_inspection": _("群众举报转为行业检查"),
    "tip_off_unfounded": _("群众举报不属实"),
    "tip_off_duplicate": _("群众举报重复"),
    "tip_off_done": _("群众举报办结"),
    "form_care_team": _("组建四对一专班"),
    "move_care_team": _("四对一专班随管控措施转段"),
    "assign_care_member": _("指派四对一专班成员"),
    "record_care_check": _("登记四对一查看"),
    "escalate_care_check": _("四对一查看逾期升级"),
    "create_care_template": _("新增四对一职责模板"),
    "update_care_template": _("修改四对一职责模板"),
    "send_notice": _("发送通知"),
    "resend_notice": _("重新发送通知（未送达人员）"),
    "notice_sent": _("通知发送完成"),
})
