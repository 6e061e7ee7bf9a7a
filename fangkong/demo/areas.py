"""The demo's risk areas (风险区): a few realistic high, medium and low areas with their dates of
effect, one already lifted, applied through control's own preview-and-apply action before any
lead arrives, so the policy's risk-area rules can be seen deciding the demo's measures.

The demo's lead origins (`seed_demo_activity.ORIGINS`) name places in these areas.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fangkong.control.areas import AreaRow, do_apply_risk_areas, plan_changes
from fangkong.control.choices import RiskLevel
from fangkong.control.models import RiskArea

SOURCE = "演示数据:省级风险区名单"

# (province, city, county, township, community), level, in force since N days ago, lifted N days ago.
# A municipality is listed without a city: an empty part matches any origin below it.
AREAS: list[tuple[tuple[str, str, str, str, str], str, int, int | None]] = [
    (("河北省", "石家庄市", "藁城区", "", ""), RiskLevel.HIGH, 21, None),
    (("北京市", "", "朝阳区", "望京街道", ""), RiskLevel.MEDIUM, 12, None),
    (("内蒙古自治区", "呼和浩特市", "赛罕区", "", ""), RiskLevel.MEDIUM, 16, None),
    (("上海市", "", "浦东新区", "张江镇", ""), RiskLevel.LOW, 14, None),
    (("天津市", "", "河西区", "友谊路街道", ""), RiskLevel.HIGH, 40, 26),  # lifted before anyone arrived
]


def demo_area_rows(today: dt.date) -> list[AreaRow]:
    """The demo's list as a province would publish it, dated relative to `today`."""
    return [AreaRow(i, names, level, today - dt.timedelta(days=since),
                    today - dt.timedelta(days=lifted) if lifted is not None else None)
            for i, (names, level, since, lifted) in enumerate(AREAS, start=1)]


def seed_risk_areas(today: dt.date, *, acting_user: Any) -> int:
    """Apply the demo's list once (a second run changes nothing); returns the number of changes."""
    if RiskArea.objects.filter(source=SOURCE).exists():
        return 0
    return do_apply_risk_areas(plan_changes(demo_area_rows(today)), source=SOURCE, acting_user=acting_user)
