from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import MenuArea, MenuItem, register

from .copresence_views import may_run, may_view
from .imports import may_import
from .models import (
    Case,
    ChainSnapshot,
    Cluster,
    Contact,
    CoPresenceMatch,
    CoPresenceRun,
    Investigation,
    PositiveFinding,
    ProtocolVersion,
)

register(
    MenuArea(
        _("病例与流调"),
        [
            MenuItem(_("病例"), "tracing:case_list", model=Case),
            MenuItem(_("阳性待立案"), "tracing:positivefinding_list", model=PositiveFinding),
            MenuItem(_("流调"), "tracing:investigation_list", model=Investigation),
            MenuItem(_("接触者"), "tracing:contact_list", model=Contact),
            MenuItem(_("接触者名单导入"), "tracing:contact_import", check=may_import),
            MenuItem(_("传播链"), "tracing:chain", model=Case),
            MenuItem(_("聚集性疫情"), "tracing:cluster_list", model=Cluster),
            MenuItem(_("传播链快照"), "tracing:chainsnapshot_list", model=ChainSnapshot),
            MenuItem(_("时空伴随研判"), "tracing:copresencerun_list", model=CoPresenceRun),
            MenuItem(_("发起研判"), "tracing:copresence_new", check=may_run),
            MenuItem(_("伴随记录"), "tracing:copresencematch_list", model=CoPresenceMatch),
            MenuItem(_("记录导入批次"), "tracing:copresence_batches", check=may_view),
            MenuItem(_("方案版本"), "tracing:protocolversion_list", model=ProtocolVersion),
        ],
        order=35,
    )
)
