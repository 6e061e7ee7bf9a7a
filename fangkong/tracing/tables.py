"""The tracing area's tables: the columns its lists show and export (core.tables)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.tables import Column, IdNumber, Phone, Table

from .models import Case, Contact, Investigation, PositiveFinding, ProtocolVersion


def local_time(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class ProtocolVersionTable(Table):
    model = ProtocolVersion
    columns = (Column("code", link=True), Column("title"), Column("look_back_days"), Column("status"),
               Column("activated_at", _("启用时间"), getter=lambda p: local_time(p.activated_at)))


class CaseTable(Table):
    model = Case
    columns = (Column("code", link=True), Column("name"), IdNumber(), Phone(), Column("classification"),
               Column("division.name", _("所属区划")), Column("onset_on"), Column("sampled_on"),
               Column("found_by"), Column("reported_at", _("报告时间"), getter=lambda c: local_time(c.reported_at)),
               Column("hospital"), Column("outcome"), Column("protocol.code", _("方案版本")))
    select_related = ("division", "protocol")


class PositiveFindingTable(Table):
    model = PositiveFinding
    columns = (Column("name", link=True), IdNumber(), Phone(), Column("source"), Column("division.name", _("所属区划")),
               Column("sampled_at", _("采样时间"), getter=lambda f: local_time(f.sampled_at)),
               Column("case.code", _("病例编号")))
    select_related = ("division", "case")


class InvestigationTable(Table):
    model = Investigation
    columns = (Column("case.code", _("病例编号"), link=True), Column("case.name", _("姓名")), Column("status"),
               Column("opened_at", _("开始时间"), getter=lambda i: local_time(i.opened_at)),
               Column("investigator.full_name", _("流调人员")),
               Column("closed_at", _("结案时间"), getter=lambda i: local_time(i.closed_at)))
    select_related = ("case", "investigator")


class ContactTable(Table):
    model = Contact
    columns = (Column("name", link=True), IdNumber(), Phone(), Column("category"), Column("case.code", _("关联病例")),
               Column("place"), Column("last_exposure_at", _("末次接触时间"),
                                       getter=lambda c: local_time(c.last_exposure_at)),
               Column("evidence"), Column("status"), Column("plan.described", _("管控要求")),
               Column("plan.protocol.code", _("方案版本")))
    select_related = ("case", "plan__protocol")
