from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import MenuArea, MenuItem, register

from .actions import may_inspect
from .imports import may_import
from .models import (
    Checklist,
    EventCheck,
    EventRules,
    FamilyEvent,
    Inspection,
    Reinspection,
    ResumptionApplication,
    ResumptionStaff,
    Sector,
    SectorOrder,
    Venue,
)

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
            MenuItem(_("红白事报备"), "sectors:familyevent_add", model=FamilyEvent, action="add", phone=True),
            MenuItem(_("红白事"), "sectors:familyevent_list", model=FamilyEvent),
            MenuItem(_("红白事现场检查"), "sectors:eventcheck_list", model=EventCheck),
            MenuItem(_("红白事报备规则"), "sectors:event_rules", model=EventRules, action="change"),
            MenuItem(_("复工复产申请"), "sectors:resumptionapplication_list", model=ResumptionApplication),
            MenuItem(_("复工人员"), "sectors:resumptionstaff_list", model=ResumptionStaff),
        ],
        order=45,
    )
)

# 卡口 (checkpoints)
from .actions_checkpoints import may_register  # noqa: E402
from .imports_checkpoints import may_import as may_import_checkpoints  # noqa: E402
from .models import Checkpoint, CheckpointShift, PersonCheck, VehicleCheck  # noqa: E402

register(
    MenuArea(
        _("卡口"),
        [
            MenuItem(_("卡口登记"), "sectors:checkpoint_register_pick", check=may_register, phone=True),
            MenuItem(_("卡口数据"), "sectors:checkpoint_report", model=Checkpoint),
            MenuItem(_("车辆登记"), "sectors:vehiclecheck_list", model=VehicleCheck),
            MenuItem(_("人员登记"), "sectors:personcheck_list", model=PersonCheck),
            MenuItem(_("卡口"), "sectors:checkpoint_list", model=Checkpoint),
            MenuItem(_("卡口班次"), "sectors:checkpointshift_list", model=CheckpointShift),
            MenuItem(_("卡口登记导入"), "sectors:checkpoint_import", check=may_import_checkpoints),
        ],
        order=44,
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
