"""The command area's tables: the columns its lists show and export (core.tables)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.tables import Column, Table

from .models import DailyReport, Dispatch, DispatchTask, Unit


def local_time(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _yes(value: bool) -> str:
    return str(_("是")) if value else str(_("否"))


class UnitTable(Table):
    model = Unit
    columns = (Column("name", link=True), Column("kind"), Column("parent.name", _("上级单位")),
               Column("division.name", _("所在区划")), Column("duties"),
               Column("reports_daily", _("报送日报"), getter=lambda u: _yes(u.reports_daily)))
    select_related = ("parent", "division")


class DispatchTable(Table):
    model = Dispatch
    columns = (Column("code", link=True), Column("title"), Column("source"), Column("sender_unit.name", _("交办单位")),
               Column("created_by.full_name", _("交办人")),
               Column("created_at", _("交办时间"), getter=lambda d: local_time(d.created_at)),
               Column("due_at", _("办结时限"), getter=lambda d: local_time(d.due_at)), Column("status"))
    select_related = ("sender_unit", "created_by")


def _task_state(task: DispatchTask) -> str:
    label = task.get_status_display()
    return f"{label}（{_('已超期')}）" if task.is_overdue else str(label)


class DispatchTaskTable(Table):
    model = DispatchTask
    columns = (Column("dispatch.code", _("编号"), link=True), Column("dispatch.title", _("事项")),
               Column("unit.name", _("承办单位")), Column("due_at", _("办结时限"), getter=lambda t: local_time(t.due_at)),
               Column("status", _("状态"), getter=_task_state), Column("escalation_level"),
               Column("done_at", _("办结时间"), getter=lambda t: local_time(t.done_at)))
    select_related = ("dispatch", "unit")


class DailyReportTable(Table):
    model = DailyReport
    columns = (Column("day", link=True), Column("unit.name", _("报送单位")),
               Column("filed_at", _("报送时间"), getter=lambda r: local_time(r.filed_at)),
               Column("late", _("迟报"), getter=lambda r: _yes(r.late)),
               Column("nothing_to_report", _("零报告"), getter=lambda r: _yes(r.nothing_to_report)),
               Column("content"), Column("filed_by.full_name", _("报送人")))
    select_related = ("unit", "filed_by")
