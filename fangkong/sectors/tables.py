"""The sectors area's tables: the columns its lists show and export (core.tables)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.tables import Column, IdNumber, Phone, Table

from .models import (
    Checklist,
    EventCheck,
    FamilyEvent,
    Inspection,
    Reinspection,
    ResumptionApplication,
    ResumptionStaff,
    Sector,
    SectorOrder,
    Venue,
)


def local_time(value: datetime | None) -> str:
    """A moment in local time, as the page and the spreadsheet show it (Excel takes no time zones)."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class SectorTable(Table):
    model = Sector
    columns = (Column("name", link=True), Column("aliases"), Column("order"))


def _status(venue: Venue) -> str:
    label = venue.get_status_display()
    return f"{label} {venue.limit_percent}%" if venue.limit_percent else label


class VenueTable(Table):
    model = Venue
    columns = (
        Column("name", link=True), Column("credit_code"), Column("sector.name", _("行业")), Column("address"),
        Column("grid.name", _("所属网格")), Column("manager_name"), Phone("manager_phone", _("内部经理电话")),
        Column("regulator_unit"), Column("regulator_name"), Column("capacity"),
        Column("status", _("营业状态"), getter=_status),
    )
    select_related = ("sector", "grid")


class ChecklistTable(Table):
    model = Checklist
    columns = (Column("sector.name", _("行业"), link=True), Column("version"), Column("note"),
               Column("published_at", _("发布时间"), getter=lambda c: local_time(c.published_at)))
    select_related = ("sector",)


class InspectionTable(Table):
    model = Inspection
    columns = (
        Column("inspected_at", _("检查时间"), link=True, getter=lambda i: local_time(i.inspected_at)), Column("venue.name", _("场所")), Column("venue.sector.name", _("行业")),
        Column("checklist", _("检查表版本"), getter=lambda i: f"v{i.checklist.version}"),
        Column("inspector.full_name", _("检查人")), Column("finding"), Column("to_fix"), Column("deadline"),
    )
    select_related = ("venue__sector", "checklist", "inspector")


class ReinspectionTable(Table):
    model = Reinspection
    columns = (Column("venue.name", _("场所"), link=True), Column("due_on"), Column("status"),
               Column("ordered_by.to_fix", _("整改内容")), Column("assignee.full_name", _("复查人")),
               Column("escalated_at", _("超期升级时间"), getter=lambda r: local_time(r.escalated_at)))
    select_related = ("venue", "ordered_by", "assignee")


class SectorOrderTable(Table):
    model = SectorOrder
    columns = (Column("sector.name", _("行业"), link=True), Column("division.name", _("范围")), Column("kind"),
               Column("limit_percent"), Column("starts_on"), Column("status"), Column("lifted_on"), Column("reason"))
    select_related = ("sector", "division")


def _flags(event) -> str:
    return "；".join(event.flags or [])


class FamilyEventTable(Table):
    model = FamilyEvent
    columns = (
        Column("host_name", link=True), Phone("host_phone", _("事主电话")), Column("kind"), Column("event_date"), Column("division.name", _("村（社区）")),
        Column("place"), Column("guests"), Column("tables"), Column("outside_guests"), Column("outside_origins"),
        Column("status"), Column("supervisor.full_name", _("督导人")), Column("flags", _("超出规定"), getter=_flags),
        Column("reported_at", _("报备时间"), getter=lambda e: local_time(e.reported_at)),
    )
    select_related = ("division", "supervisor")


class EventCheckTable(Table):
    model = EventCheck
    columns = (
        Column("checked_at", _("检查时间"), link=True, getter=lambda c: local_time(c.checked_at)),
        Column("event.host_name", _("事主")), Column("event.division.name", _("村（社区）")),
        Column("checker.full_name", _("检查人")), Column("actual_people"), Column("compliant"), Column("note"),
    )
    select_related = ("event__division", "checker")


class ResumptionTable(Table):
    model = ResumptionApplication
    columns = (
        Column("venue.name", _("申请单位"), link=True), Column("venue.sector.name", _("行业")),
        Column("applicant_name"), Column("status"), Column("conditions"),
        Column("applied_at", _("申请时间"), getter=lambda a: local_time(a.applied_at)),
        Column("decided_by.full_name", _("验收人")),
        Column("decided_at", _("验收时间"), getter=lambda a: local_time(a.decided_at)), Column("every_days"),
    )
    select_related = ("venue__sector", "decided_by")


class ResumptionStaffTable(Table):
    model = ResumptionStaff
    columns = (Column("name", link=True), IdNumber("id_number", _("身份证号")), Phone("phone", _("联系电话")),
               Column("whereabouts"), Column("closed_loop"), Column("application.venue.name", _("单位")))
    select_related = ("application__venue",)
