"""The command area's tables: the columns its lists show and export (core.tables)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.tables import Column, Phone, Table

from .models import (
    DailyReport,
    Dispatch,
    DispatchTask,
    DutyLogEntry,
    DutyShift,
    Finding,
    SupervisionVisit,
    Unit,
)


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


class SupervisionVisitTable(Table):
    model = SupervisionVisit
    columns = (Column("day", link=True), Column("group.name", _("督导组")), Column("unit.name", _("被督导单位")),
               Column("division.name", _("督导区划")), Column("unannounced", _("暗访"), getter=lambda v: _yes(v.unannounced)),
               Column("members"), Column("places"), Column("summary"))
    select_related = ("group", "unit", "division")


def _finding_due(f: Finding) -> str:
    return local_time(f.due_at)


def _on_time(f: Finding) -> str:
    state = f.on_time
    return "" if state is None else _yes(state)


class FindingTable(Table):
    model = Finding
    columns = (Column("category", link=True), Column("unit.name", _("责任单位")), Column("severity"),
               Column("description"), Column("visit.day", _("督导日期")), Column("visit.group.name", _("督导组")),
               Column("status"), Column("due_at", _("整改时限"), getter=_finding_due),
               Column("task.dispatch.code", _("整改交办单")), Column("on_time", _("按期整改"), getter=_on_time))
    select_related = ("unit", "visit__group", "task__dispatch")


def _time(t) -> str:
    return t.strftime("%H:%M") if t else ""


def _hours(s: DutyShift) -> str:
    nxt = str(_("次日")) if s.ends_at.date() != s.starts_at.date() or s.end <= s.start else ""
    return f"{_time(s.start)}–{nxt}{_time(s.end)}"


class DutyShiftTable(Table):
    model = DutyShift
    columns = (Column("day", link=True), Column("unit.name", _("值班单位")), Column("hours", _("值班时段"), getter=_hours),
               Column("leader.full_name", _("带班领导")), Phone("leader.phone", _("带班领导电话")),
               Column("officer.full_name", _("值班员")), Phone("officer.phone", _("值班员电话")),
               Column("handed_over_at", _("交班时间"), getter=lambda s: local_time(s.handed_over_at)))
    select_related = ("unit", "leader", "officer")


class DutyLogEntryTable(Table):
    model = DutyLogEntry
    columns = (Column("at", _("时间"), link=True, getter=lambda e: local_time(e.at)),
               Column("shift.unit.name", _("值班单位")), Column("caller"), Phone("caller_phone", _("来电号码")),
               Column("content"), Column("handling"), Column("handled_by.full_name", _("记录人")))
    select_related = ("shift__unit", "handled_by")
