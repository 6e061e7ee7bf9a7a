"""日报与零报告: a unit files its report of the day once; its deadline and lateness are fixed then."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import SystemActor, action, is_system, require
from fangkong.core.choices import AuditAction
from fangkong.core.models import User
from fangkong.core.scoping import ADD

from ..models import DailyReport, Unit

Actor = User | SystemActor


def deadline(unit: Unit, day: dt.date) -> dt.datetime:
    """The moment the unit's report of `day` is due (its report time that day, local time)."""
    return timezone.make_aware(dt.datetime.combine(day, unit.report_time))


def _figures(figures: Sequence[Any]) -> list[list[str]]:
    out = []
    for row in figures or ():
        label, value = (row[0], row[1]) if isinstance(row, list | tuple) and len(row) == 2 else (None, None)
        if not label:
            raise ValidationError({"figures": _("数据格式不正确，应为[名称, 数值]")})
        out.append([str(label)[:60], str(value if value is not None else "")[:60]])
    return out


@action
def do_file_report(unit: Unit, day: dt.date, *, acting_user: Actor, nothing_to_report: bool, content: str = "",
                   figures: Sequence[Any] = (), now: dt.datetime | None = None) -> DailyReport:
    """File `unit`'s report of `day`: its own lines (`content`) with the figures as confirmed, or an
    explicit zero report. Filed once: after its deadline it is late, and stays late."""
    require(acting_user, DailyReport, ADD)
    if not is_system(acting_user) and not unit.is_member(acting_user):
        raise PermissionDenied(_("只有本单位人员可以报送本单位日报"))
    now = now or timezone.now()
    if not unit.reports_daily:
        raise ValidationError(_("该单位不需报送日报"))
    if day > timezone.localdate(now):
        raise ValidationError({"day": _("不能报送未来日期的日报")})
    if DailyReport.objects.filter(unit=unit, day=day).exists():
        raise ValidationError(_("该单位当日已报送日报"))
    content = (content or "").strip()
    if nothing_to_report and content:
        raise ValidationError({"content": _("零报告不能填写情况内容；有情况请不要选择零报告")})
    if not nothing_to_report and not content:
        raise ValidationError({"content": _("请填写情况报告；当日无情况须明确选择“零报告”")})
    due = deadline(unit, day)
    report = DailyReport.objects.create(unit=unit, day=day, due_at=due, filed_at=now, late=now > due,
                                        nothing_to_report=nothing_to_report, content=content,
                                        figures=_figures(figures), filed_by=None if is_system(acting_user) else acting_user)
    require(acting_user, report, ADD)
    audit.record(AuditAction.CREATE, report, verb="file_zero_report" if nothing_to_report else "file_daily_report",
                 changes=audit.diff({}, audit.snapshot(DailyReport.objects.get(pk=report.pk))))
    return report
