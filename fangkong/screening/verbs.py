"""Chinese names of risk screening's audit verbs (shown on the audit pages)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "ingest_lead": _("接收线索"),
    "import_leads": _("导入线索名单"),
    "assign_id_number": _("补录身份证号"),
    "receipt_lookup": _("查询报备回执"),
    "record_attempt": _("登记联系记录"),
    "mark_located": _("标记已落地"),
    "mark_sampled": _("标记已采样"),
    "mark_result": _("标记已出结果"),
    "submit_outcome": _("填报核查结果"),
    "review": _("审核核查结果"),
    "approve": _("审核通过"),
    "reject": _("审核退回"),
    "reassign": _("改派核查任务"),
    "escalate": _("核查超时升级"),
    "merge_persons": _("合并疑似同一人"),
    "unmerge_persons": _("撤销合并"),
    "not_duplicate": _("确认非同一人"),
    "create_assist": _("登记协查"),
    "reply_assist": _("回复协查"),
    "close_day": _("日清日结"),
}
