"""Alerts of lab results to the command centre and the CDC (预警).

A positive pooled tube (混管阳性) means up to twenty people may be infected: the command centre
and the CDC hear of it at once, with the tube, its site and how many members are being
re-sampled, not only the grid workers who go to the doors.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from fangkong.core.choices import Role
from fangkong.core.models import User
from fangkong.core.notify import notify

from .choices import Result, SampleKind
from .models import Sample

ALERT_KIND = "alert"
ALERT_ROLES = (Role.COMMAND_CENTER, Role.CDC)


def alert_recipients() -> list[User]:
    return list(User.objects.filter(roles__role__in=ALERT_ROLES, is_active=True).distinct().order_by("id"))


def alert_pool_positives(changed: Iterable[tuple[int, str, str]]) -> int:
    """One alert (in-app and SMS) to the command centre and the CDC for the positive pooled tubes
    among `changed` = (sample id, kind, result), as `after_results` receives them. Returns the
    number of notifications written."""
    ids = [sid for sid, kind, res in changed if kind == SampleKind.POOL and res == Result.POSITIVE]
    if not ids:
        return 0
    tubes = list(Sample.objects.filter(pk__in=ids).select_related("site", "division").order_by("barcode"))
    members = sum(t.members for t in tubes)
    where = "、".join(f"{t.barcode}({t.site or t.division},{t.members}人)" for t in tubes[:10])
    more = f"等{len(tubes)}管" if len(tubes) > 10 else ""
    title = f"核酸混管阳性:{len(tubes)}管,涉及{members}人"
    body = f"采样管 {where}{more}。已对管内人员派发上门单采任务,请及时调度流调和转运。"
    return notify(alert_recipients(), ALERT_KIND, title, body, url=reverse("testing:resampling"), sms=True)
