"""Testing's tables: the columns its lists show and export (core.tables); personal data in
IdNumber / Phone columns, masked unless an allowed role exports full values with a reason."""

from __future__ import annotations

from datetime import datetime, time

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.tables import Column, IdNumber, Phone, Table

from .models import KeyGroup, ResamplingTask, SamplingSite


def local_time(value: datetime | None) -> str:
    """A moment in local time, as the page and the spreadsheet show it (Excel takes no time zones)."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def opening_hours(site: SamplingSite) -> str:
    def hhmm(t: time | None) -> str:
        return t.strftime("%H:%M") if t else ""

    return f"{hhmm(site.opens_at)}–{hhmm(site.closes_at)}" if site.opens_at else ""


class ResamplingTaskTable(Table):
    model = ResamplingTask
    columns = (
        Column("name", getter=lambda t: t.name or "-"),
        IdNumber(),
        Column("division.name", _("网格")),
        Phone(),
        Column("cause"),
        Column("source_sample.barcode", _("原样本条码")),
        Column("due_at", getter=lambda t: local_time(t.due_at)),
        Column("assignee", _("负责网格员"), getter=lambda t: str(t.assignee) if t.assignee else "-"),
        Column("status"),
    )
    select_related = ("division", "assignee", "source_sample")


class SamplingSiteTable(Table):
    model = SamplingSite
    columns = (
        Column("name", link=True),
        Column("division.name", _("所在区划")),
        Column("address"),
        Column("opens_at", _("开放时间"), getter=opening_hours),
    )
    select_related = ("division",)


class KeyGroupTable(Table):
    model = KeyGroup
    columns = (
        Column("name", link=True),
        Column("test_kind"),
        Column("every_days"),
        Column("division.name", _("区划")),
        Column("n", _("人数")),
    )
    select_related = ("division",)
