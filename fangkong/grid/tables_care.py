"""The columns of the 四对一 and notice lists (page and export)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.tables import Column, Phone, Table

from .models import CareCheck, CareDuty, CareTeam, CareTemplate, Notice, NoticeDelivery
from .tables import when, yes_no


def overdue(row: CareDuty) -> str:
    return str(_("已逾期")) if row.due_at < timezone.now() else ""


class CareTemplateTable(Table):
    model = CareTemplate
    columns = (
        Column("measure_kind", link=True),
        Column("role"),
        Column("item"),
        Column("every_hours"),
        Column("frequency", _("频次"), getter=lambda r: r.frequency),
        yes_no("active"),
    )


class CareTeamTable(Table):
    model = CareTeam
    columns = (
        Column("person.name", _("管控人员"), link=True),
        Column("measure.kind", _("管控措施"), getter=lambda r: r.measure.get_kind_display()),
        Column("measure.status", _("状态"), getter=lambda r: r.measure.get_status_display()),
        Column("measure.ends_on", _("解除日期"), getter=lambda r: r.measure.ends_on.isoformat()),
        Column("division.name", _("管理区划")),
        when("formed_at"),
    )
    select_related = ("person", "measure", "division")


class CareDutyTable(Table):
    model = CareDuty
    columns = (
        Column("team.person.name", _("管控人员")),
        Column("team.division.name", _("管理区划")),
        Column("member.role", _("岗位"), getter=lambda r: r.member.get_role_display()),
        Column("member.holder", _("专班成员"), getter=lambda r: r.member.holder),
        Column("item"),
        when("due_at"),
        Column("overdue", _("逾期"), getter=overdue),
        when("last_at"),
        when("escalated_at"),
    )
    select_related = ("team__person", "team__division", "member__user")


class CareCheckTable(Table):
    model = CareCheck
    columns = (
        Column("team.person.name", _("管控人员"), link=True),
        Column("item"),
        Column("result"),
        when("at"),
        Column("member.role", _("岗位"), getter=lambda r: r.member.get_role_display() if r.member else ""),
        Column("by.full_name", _("登记人")),
        Column("note"),
        yes_no("late"),
    )
    select_related = ("team__person", "member", "by")


class NoticeTable(Table):
    model = Notice
    columns = (
        Column("text", link=True),
        Column("audience"),
        Column("division.name", _("通知范围")),
        Column("status"),
        Column("recipients"),
        Column("sent"),
        Column("delivered"),
        Column("failed"),
        Column("no_phone"),
        Column("created_by.full_name", _("发送人")),
        when("created_at"),
    )
    select_related = ("division", "created_by")


class NoticeDeliveryTable(Table):
    model = NoticeDelivery
    columns = (
        Column("name"),
        Phone(),
        Column("grid.name", _("所属网格")),
        Column("status"),
        Column("error"),
        Column("attempts"),
        when("sent_at"),
        Column("notice.text", _("通知内容"), link=True),
    )
    select_related = ("grid", "notice")
