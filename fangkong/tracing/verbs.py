"""Chinese names of the tracing audit verbs (shown on the audit pages)."""

VERBS: dict = {}

# Co-presence (时空伴随), #14 item 6.
from django.utils.translation import gettext_lazy as _  # noqa: E402

VERBS.update({
    "import_scans": _("导入场所码扫码记录"),
    "import_locations": _("导入位置记录"),
    "start_copresence_run": _("发起时空伴随研判"),
    "finish_copresence_run": _("完成时空伴随研判"),
    "purge_copresence_records": _("到期删除时空伴随记录"),
})
