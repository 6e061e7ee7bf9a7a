from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import MenuArea, MenuItem, register

from .actions import may_inspect
from .imports import may_import
from .models import Checklist, Inspection, Reinspection, Sector, SectorOrder, Venue

register(
    MenuArea(
        _("行业监管"),
        [
            MenuItem(_("场所检查"), "sectors:inspect_pick", check=may_inspect, phone=True),
            MenuItem(_("重点场所"), "sectors:venue_list", model=Venue),
            MenuItem(_("行业监管数据"), "sectors:report", model=Venue),
            MenuItem(_("检查记录"), "sectors:inspection_list", model=Inspection),
            MenuItem(_("复查任务"), "sectors:reinspection_list", model=Reinspection),
            MenuItem(_("关停令"), "sectors:sectororder_list", model=SectorOrder),
            MenuItem(_("检查表"), "sectors:checklist_list", model=Checklist),
            MenuItem(_("行业"), "sectors:sector_list", model=Sector),
            MenuItem(_("场所导入"), "sectors:venue_import", check=may_import),
        ],
        order=45,
    )
)

# 哨点监测: the counter entry (a phone entry), the records, signals, report, catalogue and rules.
from .models import Drug, SentinelRecord, Signal, SignalRule  # noqa: E402
from .sentinel.actions import may_enter  # noqa: E402
from .sentinel.imports import may_import_sentinels  # noqa: E402

register(
    MenuArea(
        _("哨点监测"),
        [
            MenuItem(_("哨点登记"), "sectors:sentinel_entry", check=may_enter, phone=True),
            MenuItem(_("哨点监测数据"), "sectors:sentinel_report", model=SentinelRecord),
            MenuItem(_("哨点登记记录"), "sectors:sentinelrecord_list", model=SentinelRecord),
            MenuItem(_("预警信号"), "sectors:signal_list", model=Signal),
            MenuItem(_("药品目录"), "sectors:drug_list", model=Drug),
            MenuItem(_("预警规则"), "sectors:signalrule_list", model=SignalRule),
            MenuItem(_("哨点登记导入"), "sectors:sentinel_import", check=may_import_sentinels),
        ],
        order=46,
    )
)
