"""The columns of the people-away lists and return reports (page and export)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fangkong.control.choices import OriginLevel
from fangkong.core.tables import Column, IdNumber, Phone, Table

from .models import AwayTask, ContactLog, PersonAway, ReturnReport
from .tables import when, yes_no


def level(field: str) -> Column:
    """A risk level in words (高风险区 … 非风险区)."""
    def get(row: object) -> str:
        value = getattr(row, field)
        return str(OriginLevel(value).label) if value in OriginLevel.values else ""
    return Column(field, getter=get)


def day(field: str) -> Column:
    return Column(field, getter=lambda row: getattr(row, field).isoformat() if getattr(row, field) else "")


class PersonAwayTable(Table):
    model = PersonAway
    columns = (Column("name", link=True), IdNumber(), Phone(), Column("grid.name", _("户籍网格")),
               Column("place", _("所在地"), getter=lambda r: r.place), level("risk_level"), day("since"),
               Column("plan"), day("plan_return_on"), yes_no("watch"), Column("status"),
               Column("liaison.full_name", _("包联干部")))
    select_related = ("grid", "liaison")


class ReturnReportTable(Table):
    model = ReturnReport
    columns = (Column("name", link=True), Column("code"), IdNumber(), Phone(),
               Column("origin", _("出发地"), getter=lambda r: r.origin), level("risk_level"), when("arrive_at"),
               Column("division.name", _("目的地")), Column("address"), Column("filed_by"), Column("employer"),
               Column("status"), when("arrived_at"))
    select_related = ("division",)


class AwayTaskTable(Table):
    model = AwayTask
    columns = (Column("kind", link=True), Column("person.name", _("县外人员")), Column("report.name", _("返县人员")),
               Column("reason"), day("due_on"), Column("division.name", _("所属区划")),
               Column("assignee.full_name", _("承办人")), Column("status"), Column("result"), when("closed_at"))
    select_related = ("person", "report", "division", "assignee")


class ContactLogTable(Table):
    model = ContactLog
    columns = (Column("person.name", _("县外人员"), link=True), Column("method"), Column("advice"), Column("note"),
               when("at"), Column("by.full_name", _("联系人")))
    select_related = ("person", "by")

