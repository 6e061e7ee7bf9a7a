"""Alerts that become dispatches: a positive result (testing's `result_recorded`) is dispatched at
once to the township unit where the person lives or was sampled, due in ALERT_HOURS, in the name of
the headquarters above it. Nothing is dispatched where no township unit exists yet."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditSource, DivisionLevel
from fangkong.core.models import Division
from fangkong.core.notify import notify

from .actions import do_dispatch
from .choices import DispatchSource, UnitKind
from .models import Unit
from .models.duty import centre_on_duty

ALERT_HOURS = 2
POSITIVE = "positive"  # the result value of core.signals.result_recorded (testing's TestStatus)


def township_unit_of(division: Division | None) -> Unit | None:
    """The township unit whose township holds `division` (a grid, village or the township)."""
    if division is None:
        return None
    paths = [*division.ancestor_paths, division.path]
    townships = Division.objects.filter(path__in=paths, level=DivisionLevel.TOWNSHIP)
    return Unit.objects.filter(kind=UnitKind.TOWNSHIP, division__in=townships).select_related("parent").first()


def on_result_recorded(sender: Any, result: str = "", resident: Any = None, sample: Any = None, **kwargs: Any) -> None:
    if result != POSITIVE:
        return
    division = getattr(resident, "grid", None) or getattr(sample, "division", None)
    unit = township_unit_of(division)
    if unit is None:
        return
    hq = unit.parent if unit.parent is not None and unit.parent.kind == UnitKind.HEADQUARTERS else None
    code = getattr(getattr(sample, "sample", None), "barcode", "") or getattr(sample, "pk", "")
    now = timezone.now()
    with audit.audit_context(actor=SYSTEM, source=AuditSource.JOB):
        dispatch = do_dispatch(acting_user=SYSTEM, title=_("核酸阳性人员管控（样本%(code)s）") % {"code": code},
                    content=_("检测结果为阳性：请立即找到本人，落实管控和转运，排查密切接触者，并反馈落实情况"),
                    units=[unit], due_at=now + dt.timedelta(hours=ALERT_HOURS), source=DispatchSource.POSITIVE,
                    source_note=_("检测机构报告阳性结果"), sender_unit=hq,
                    division=hq.division if hq is not None else unit.division, now=now)
    # The person on duty in the command centre hears of it at once, whatever the hour.
    notify(centre_on_duty(dispatch.division, now), "alert", _("阳性预警：%(u)s") % {"u": unit.name}, dispatch.title,
           reverse("command:dispatch", args=[dispatch.pk]))
