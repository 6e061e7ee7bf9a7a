"""Chinese names of the tracing audit verbs (shown on the audit pages)."""

VERBS: dict = {
    # Protocol versions (the disease as configuration).
    "create_protocol": "新建方案版本",
    "update_protocol": "修改方案版本",
    "delete_protocol": "删除方案版本",
    "save_protocol_category": "设置人员类别管控要求",
    "delete_protocol_category": "删除人员类别管控要求",
    "activate_protocol": "启用方案版本",
    "retire_protocol": "停用方案版本",
    # Cases.
    "record_positive": "登记阳性待立案",
    "open_case": "立案",
    "classify_case": "病例订正分类",
    "update_case": "修改病例信息",
    # Investigations.
    "complete_milestone": "完成流调节点",
    "escalate_milestone": "流调超时升级",
    "save_investigation": "填写流调信息",
    "add_segment": "录入活动轨迹",
    "delete_segment": "删除活动轨迹",
    "close_investigation": "流调结案",
    "generate_report": "生成流调报告",
    "publish_itinerary": "发布公开轨迹",
    # Contacts.
    "add_contact": "判定接触者",
    "push_contact": "接触者推送核查",
    "plan_contact": "计算接触者管控计划",
    "upgrade_contact": "次密接升级为密接",
    "contact_controlled": "接触者落地管控",
    "import_contacts": "导入接触者名单",
}
VERBS.update({
    # Co-presence (时空伴随), #14 item 6.
    "import_scans": "导入场所码扫码记录",
    "import_locations": "导入位置记录",
    "start_copresence_run": "发起时空伴随研判",
    "finish_copresence_run": "完成时空伴随研判",
    "purge_copresence_records": "到期删除时空伴随记录",
})
VERBS.update({
    # Transmission chains (传播链), #14 item 5.
    "link_cases": "关联传染来源",
    "update_link": "修改传播关系",
    "unlink_cases": "删除传播关系",
    "create_cluster": "新建聚集性疫情",
    "update_cluster": "修改聚集性疫情",
    "delete_cluster": "删除聚集性疫情",
    "cluster_cases": "聚集性疫情纳入或移出病例",
    "freeze_chain": "冻结传播链快照",
})
