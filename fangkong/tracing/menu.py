from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import MenuArea, MenuItem, register

ITEMS: list = []

# Co-presence (时空伴随), #14 item 6.
from .copresence_views import may_run, may_view  # noqa: E402
from .models import CoPresenceMatch, CoPresenceRun  # noqa: E402

ITEMS += [
    MenuItem(_("时空伴随研判"), "tracing:copresencerun_list", model=CoPresenceRun),
    MenuItem(_("发起研判"), "tracing:copresence_new", check=may_run),
    MenuItem(_("伴随记录"), "tracing:copresencematch_list", model=CoPresenceMatch),
    MenuItem(_("记录导入批次"), "tracing:copresence_batches", check=may_view),
]

register(MenuArea(_("病例与流调"), ITEMS, order=40))
