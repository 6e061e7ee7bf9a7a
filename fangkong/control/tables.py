"""Control's tables: the columns its lists show and export (core.tables); personal data in
IdNumber / Phone columns, masked unless an allowed role exports full values with a reason."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.tables import Column, IdNumber, Phone, Table

from .models import Measure, PolicyVersion, RiskArea, Transfer


def local_time(value: datetime | None) -> str:
    """A moment in local time, as the page and the spreadsheet show it (Excel takes no time zones)."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class MeasureTable(Table):
    model = Measure
    columns = (
        Column("person.name", _("姓名"), link=True),
        IdNumber("person.id_number", _("身份证号")),
        Phone("person.phone", _("联系电话")),
        Column("kind", _("管控措施")),
        Column("status", _("状态")),
        Column("division.name", _("管理区划")),
        Column("site.name", _("隔离点")),
        Column("room.number", _("房间")),
        Column("starts_on", _("开始日期")),
        Column("ends_on", _("解除日期")),
        Column("policy_version.number", _("方案版本")),
        Column("rule", _("规则"), getter=lambda m: m.rule.name if m.rule else _("手工")),
    )
    select_related = ("person", "division", "site", "room", "policy_version", "rule")


class TransferTable(Table):
    model = Transfer
    columns = (
        Column("measure.person.name", _("人员"), link=True),
        Column("from_place"),
        Column("site.name", _("目的隔离点")),
        Column("vehicle"),
        Column("driver"),
        Column("escort"),
        Column("planned_at", _("计划出发"), getter=lambda t: local_time(t.planned_at)),
        Column("status"),
        Column("departed_at", getter=lambda t: local_time(t.departed_at)),
        Column("arrived_at", getter=lambda t: local_time(t.arrived_at)),
    )
    select_related = ("measure__person", "site")


class RiskAreaTable(Table):
    model = RiskArea
    columns = (
        Column("place", _("地点")),
        Column("level"),
        Column("effective_from"),
        Column("lifted_on"),
        Column("source"),
    )


class PolicyVersionTable(Table):
    model = PolicyVersion
    columns = (
        Column("number", _("版本"), getter=lambda v: _("第%(n)s版") % {"n": v.number}),
        Column("title", _("方案名称"), link=True),
        Column("status"),
        Column("published_at", _("发布时间"), getter=lambda v: local_time(v.published_at)),
    )
