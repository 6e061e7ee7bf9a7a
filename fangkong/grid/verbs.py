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
