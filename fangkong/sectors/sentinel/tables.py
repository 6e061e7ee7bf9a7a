"""The sentinel lists' columns (page and Excel export)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fangkong.core.tables import Column, IdNumber, Phone, Table

from ..models import Drug, SentinelRecord, Signal, SignalRule
from ..tables import local_time


class DrugTable(Table):
    model = Drug
    columns = (Column("name", link=True), Column("drug_class"), Column("aliases"))


class SignalRuleTable(Table):
    model = SignalRule
    columns = (Column("name", link=True), Column("sector.name", _("适用行业"), getter=lambda r: r.sector.name if r.sector
                                                   else str(_("默认（全部哨点）"))),
               Column("threshold"), Column("percentile"), Column("weeks"), Column("min_count"),
               Column("response_hours"), Column("active", _("启用"), getter=lambda r: str(_("是") if r.active else _("否"))))
    select_related = ("sector",)


class SentinelRecordTable(Table):
    model = SentinelRecord
    columns = (
        Column("occurred_at", _("购药/就诊时间"), link=True, getter=lambda r: local_time(r.occurred_at)),
        Column("venue.name", _("哨点")), Column("kind"), Column("drug_class"), Column("drug_name"),
        Column("quantity"), Column("name"), IdNumber(), Phone(), Column("temperature"), Column("symptoms"),
        Column("division.name", _("所属网格")),
        Column("verification.status", _("核查状态"), getter=lambda r: r.verification.get_status_display()
               if r.verification_id and r.verification else ""),
    )
    select_related = ("venue", "division", "verification")


class SignalTable(Table):
    model = Signal
    columns = (
        Column("day", _("日期"), link=True), Column("venue.name", _("哨点")), Column("count"), Column("baseline"),
        Column("threshold"), Column("method"), Column("status"),
        Column("due_at", _("响应时限"), getter=lambda s: local_time(s.due_at)),
        Column("responded_at", _("响应时间"), getter=lambda s: local_time(s.responded_at)),
        Column("response"), Column("escalated_at", _("超时升级时间"), getter=lambda s: local_time(s.escalated_at)),
        Column("division.name", _("所属网格")),
    )
    select_related = ("venue", "division")
