"""Chinese names of the sectors area's audit verbs (shown on the audit pages)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "create_sector": _("新增行业"),
    "update_sector": _("修改行业"),
    "delete_sector": _("删除行业"),
    "create_venue": _("登记重点场所"),
    "update_venue": _("修改重点场所"),
    "delete_venue": _("删除重点场所"),
    "import_venue": _("导入重点场所"),
    "import_venues": _("导入重点场所名单"),
    "publish_checklist": _("发布检查表"),
    "inspect_venue": _("场所检查"),
    "order_rectification": _("责令整改"),
    "suspend_venue": _("停业整顿"),
    "reopen_venue": _("恢复营业"),
    "close_reinspection": _("完成复查"),
    "escalate_reinspection": _("复查超期升级"),
    "issue_sector_order": _("下达关停令"),
    "apply_sector_order": _("执行关停令"),
    "lift_sector_order": _("解除关停令"),
    # 哨点监测
    "record_sentinel": _("哨点登记"),
    "import_sentinel_records": _("导入哨点登记"),
    "import_sentinel_sales": _("导入哨点登记名单"),
    "raise_signal": _("哨点预警"),
    "escalate_signal": _("哨点预警超时升级"),
    "respond_signal": _("响应哨点预警"),
    "create_drug": _("新增药品"),
    "update_drug": _("修改药品"),
    "delete_drug": _("删除药品"),
    "create_signal_rule": _("新增预警规则"),
    "update_signal_rule": _("修改预警规则"),
    "delete_signal_rule": _("删除预警规则"),
}

# 卡口 (checkpoints)
VERBS |= {
    "create_checkpoint": _("新增卡口"),
    "update_checkpoint": _("修改卡口"),
    "delete_checkpoint": _("删除卡口"),
    "create_checkpoint_shift": _("新增卡口班次"),
    "update_checkpoint_shift": _("修改卡口班次"),
    "delete_checkpoint_shift": _("删除卡口班次"),
    "register_checkpoint_passage": _("卡口登记"),
    "import_checkpoint_registrations": _("导入卡口登记"),
    "import_checkpoint_list": _("导入卡口登记名单"),
    "record_transit_exit": _("过境车辆出县登记"),
}
VERBS |= {
    "report_family_event": _("红白事报备"),
    "assign_event_supervisor": _("指派红白事督导人"),
    "check_family_event": _("红白事现场检查"),
    "cancel_family_event": _("取消红白事报备"),
    "set_event_rules": _("修改红白事报备规则"),
}
VERBS |= {
    "apply_resumption": _("复工复产申请"),
    "decide_resumption": _("复工复产验收"),
}
