"""The checkpoints' tables: the columns their lists show and export (core.tables)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fangkong.core.tables import Column, IdNumber, Phone, Table

from .models import Checkpoint, CheckpointShift, PersonCheck, VehicleCheck
from .tables import local_time


class CheckpointTable(Table):
    model = Checkpoint
    columns = (Column("name", link=True), Column("code"), Column("kind"), Column("division.name", _("所在区划")),
               Column("road"), Column("active", _("启用"), getter=lambda c: _("是") if c.active else _("否")),
               Column("opened_on"))
    select_related = ("division",)


class CheckpointShiftTable(Table):
    model = CheckpointShift
    columns = (Column("checkpoint.name", _("卡口"), link=True),
               Column("starts_at", _("开始时间"), getter=lambda s: local_time(s.starts_at)),
               Column("ends_at", _("结束时间"), getter=lambda s: local_time(s.ends_at)),
               Column("leader"), Phone("leader_phone", _("负责人电话")), Column("staff"))
    select_related = ("checkpoint",)


def _yes(value: bool) -> str:
    return str(_("是")) if value else ""


class VehicleCheckTable(Table):
    model = VehicleCheck
    columns = (Column("registered_at", _("登记时间"), link=True, getter=lambda v: local_time(v.registered_at)),
               Column("checkpoint.name", _("卡口")), Column("plate"), Column("vehicle_type"), Column("occupants"),
               Column("cargo"), Column("origin"), Column("stopovers"), Column("transit"),
               Column("exited_at", _("出县时间"), getter=lambda v: local_time(v.exited_at)),
               Column("from_risk", _("途经风险区"), getter=lambda v: _yes(v.from_risk)), Column("risk_area"))
    select_related = ("checkpoint",)


class PersonCheckTable(Table):
    model = PersonCheck
    columns = (Column("registered_at", _("登记时间"), link=True, getter=lambda p: local_time(p.registered_at)),
               Column("checkpoint.name", _("卡口")), Column("name"), IdNumber(), Phone(),
               Column("vehicle.plate", _("车牌号")), Column("origin"), Column("destination"),
               Column("destination_division.name", _("目的地网格")), Column("health_code"), Column("itinerary"),
               Column("test_result"), Column("from_risk", _("来自风险区"), getter=lambda p: _yes(p.from_risk)),
               Column("risk_area"), Column("lead_id", _("推送线索编号")))
    select_related = ("checkpoint", "vehicle", "destination_division")
