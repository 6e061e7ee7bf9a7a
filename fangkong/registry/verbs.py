"""Chinese names of the registry's audit verbs (shown on the audit pages)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "generate_county": _("生成示范县"),
    "import_residents": _("导入常住人口台账"),
    "learn_from_sweep": _("排摸更新台账"),
}
