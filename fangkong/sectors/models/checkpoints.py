"""卡口: county-border traffic checkpoints and village / compound gates, their shifts, and what
they register — vehicles and the people in them (or on foot).

Registrations are written a few at a time from the phone screen and the API, and two hundred
thousand at a time from the province's checkpoint system, so, like the screening intake tables,
their references are kept without database constraints (`db_constraint=False`: no per-row
trigger on PostgreSQL, no parent lookup on SQLite), each row carries its checkpoint's division
(scoping and counting without a join), and a dedup key makes importing a list again add nothing.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.display import stamp
from fangkong.core.scoping import ScopedModel

from ..choices import CheckpointKind, HealthCode, ItineraryCode, TestResult, TransitStatus, VehicleType
from ..roles import CHECKPOINT_DELETERS, CHECKPOINT_EDITORS, CHECKPOINT_STAFF, CHECKPOINT_VIEWERS

# References without a database constraint or an index of their own (see the module docstring).
REF = {"on_delete": models.DO_NOTHING, "db_constraint": False, "db_index": False, "related_name": "+"}


class Checkpoint(ScopedModel):
    """卡口: a county-border traffic checkpoint or a village / compound gate, in one division."""

    code = models.CharField(_("卡口编号"), max_length=32, help_text=_("省卡口系统中的编号，导入时按此或名称识别"))
    name = models.CharField(_("卡口名称"), max_length=64)
    kind = models.CharField(_("卡口类型"), max_length=16, choices=CheckpointKind.choices,
                            default=CheckpointKind.COUNTY_BORDER)
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="checkpoints",
                                 verbose_name=_("所在区划"))
    road = models.CharField(_("道路 / 位置"), max_length=100, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    opened_on = models.DateField(_("设立日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope_division_field = "division"
    scope_roles = {"view": CHECKPOINT_VIEWERS, "add": CHECKPOINT_EDITORS, "change": CHECKPOINT_EDITORS,
                   "delete": CHECKPOINT_DELETERS}

    class Meta:
        ordering = ["kind", "code", "id"]
        verbose_name = _("卡口")
        verbose_name_plural = _("卡口")
        constraints = [models.UniqueConstraint(fields=["code"], name="checkpoint_code_unique",
                                               violation_error_message="卡口编号已存在")]

    def __str__(self) -> str:
        return self.name


class CheckpointShift(ScopedModel):
    """卡口班次: who is on duty at a checkpoint from when to when."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="shifts",
                                   verbose_name=_("卡口"))
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    leader = models.CharField(_("带班负责人"), max_length=40)
    leader_phone = models.CharField(_("负责人电话"), max_length=20, blank=True)
    staff = models.CharField(_("值守人员"), max_length=255, blank=True, help_text=_("多人用顿号分隔"))

    scope_division_field = "checkpoint__division"
    scope_roles = {"view": CHECKPOINT_VIEWERS, "add": CHECKPOINT_EDITORS, "change": CHECKPOINT_EDITORS,
                   "delete": CHECKPOINT_EDITORS}

    class Meta:
        ordering = ["-starts_at", "id"]
        verbose_name = _("卡口班次")
        verbose_name_plural = _("卡口班次")
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="checkpointshift_ends_after_start",
                                              violation_error_message="结束时间必须晚于开始时间")]

    def __str__(self) -> str:
        return f"{self.checkpoint} {stamp(self.starts_at, '%m-%d %H:%M')}"

    def save(self, *args, **kwargs) -> None:
        # Kept in UTC in memory too, as read back from the database (the audit row compares them).
        for name in ("starts_at", "ends_at"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is not None:
                setattr(self, name, value.astimezone(dt.UTC))
        super().save(*args, **kwargs)

    def staff_list(self) -> list[str]:
        import re

        return [s for s in re.split(r"[、,，;；\s]+", self.staff or "") if s]


class VehicleCheck(ScopedModel):
    """卡口车辆登记: one vehicle through a checkpoint; a transit vehicle (过境) stays open until it
    is registered leaving the county."""

    checkpoint = models.ForeignKey(Checkpoint, verbose_name=_("卡口"), **REF)
    division = models.ForeignKey("core.Division", verbose_name=_("所在区划"), **REF)
    registered_at = models.DateTimeField(_("登记时间"))
    plate = models.CharField(_("车牌号"), max_length=16)
    vehicle_type = models.CharField(_("车辆类型"), max_length=16, choices=VehicleType.choices, default=VehicleType.CAR)
    occupants = models.PositiveSmallIntegerField(_("车上人数"), default=1)
    cargo = models.CharField(_("货物"), max_length=100, blank=True)
    origin = models.CharField(_("出发地"), max_length=100, blank=True)
    stopovers = models.CharField(_("14天内途经地"), max_length=255, blank=True)
    transit = models.CharField(_("过境"), max_length=16, choices=TransitStatus.choices,
                               default=TransitStatus.NOT_TRANSIT)
    exit_checkpoint = models.ForeignKey(Checkpoint, null=True, blank=True, verbose_name=_("出县卡口"), **REF)
    exited_at = models.DateTimeField(_("出县时间"), null=True, blank=True)
    from_risk = models.BooleanField(_("途经风险区"), default=False)
    risk_area = models.CharField(_("涉及风险区"), max_length=200, blank=True)
    batch = models.ForeignKey("core.Batch", null=True, blank=True, verbose_name=_("导入批次"), **REF)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, verbose_name=_("登记人"), **REF)
    dedup_key = models.CharField(_("去重键"), max_length=40, editable=False)

    scope_division_field = "division"
    scope_roles = {"view": CHECKPOINT_VIEWERS, "add": CHECKPOINT_STAFF, "change": CHECKPOINT_STAFF,
                   "delete": CHECKPOINT_DELETERS}

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = _("卡口车辆登记")
        verbose_name_plural = _("卡口车辆登记")
        constraints = [models.UniqueConstraint(fields=["dedup_key"], name="vehiclecheck_dedup")]
        indexes = [models.Index(fields=["checkpoint", "registered_at"], name="vehiclecheck_cp_at"),
                   models.Index(fields=["division", "registered_at"], name="vehiclecheck_div_at"),
                   models.Index(fields=["plate"], name="vehiclecheck_transit_plate",
                                condition=models.Q(transit=TransitStatus.IN_TRANSIT))]

    def __str__(self) -> str:
        return f"{self.plate} {stamp(self.registered_at, '%m-%d %H:%M')}"


class PersonCheck(ScopedModel):
    """卡口人员登记: one person through a checkpoint (in a vehicle or on foot). An arrival from a
    risk area becomes a lead of the screening pipeline (channel 卡口登记), handed point to point
    (点对点) to the grid of their destination."""

    checkpoint = models.ForeignKey(Checkpoint, verbose_name=_("卡口"), **REF)
    division = models.ForeignKey("core.Division", verbose_name=_("所在区划"), **REF)
    vehicle = models.ForeignKey(VehicleCheck, null=True, blank=True, verbose_name=_("所乘车辆"), **REF)
    registered_at = models.DateTimeField(_("登记时间"))
    name = models.CharField(_("姓名"), max_length=40, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    origin = models.CharField(_("出发地"), max_length=100, blank=True)
    destination = models.CharField(_("目的地"), max_length=100, blank=True)
    destination_division = models.ForeignKey("core.Division", null=True, blank=True, verbose_name=_("目的地网格"),
                                             **REF)
    health_code = models.CharField(_("健康码"), max_length=16, choices=HealthCode.choices, default=HealthCode.GREEN)
    itinerary = models.CharField(_("行程卡"), max_length=16, choices=ItineraryCode.choices,
                                 default=ItineraryCode.NORMAL)
    test_result = models.CharField(_("最近核酸结果"), max_length=16, choices=TestResult.choices,
                                   default=TestResult.NONE)
    tested_on = models.DateField(_("最近核酸日期"), null=True, blank=True)
    from_risk = models.BooleanField(_("来自风险区"), default=False)
    risk_area = models.CharField(_("涉及风险区"), max_length=200, blank=True)
    lead = models.ForeignKey("screening.Lead", null=True, blank=True, verbose_name=_("推送线索"), **REF)
    batch = models.ForeignKey("core.Batch", null=True, blank=True, verbose_name=_("导入批次"), **REF)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, verbose_name=_("登记人"), **REF)
    dedup_key = models.CharField(_("去重键"), max_length=40, editable=False)

    scope_division_field = "division"
    scope_roles = {"view": CHECKPOINT_VIEWERS, "add": CHECKPOINT_STAFF, "change": CHECKPOINT_STAFF,
                   "delete": CHECKPOINT_DELETERS}

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = _("卡口人员登记")
        verbose_name_plural = _("卡口人员登记")
        constraints = [models.UniqueConstraint(fields=["dedup_key"], name="personcheck_dedup")]
        indexes = [models.Index(fields=["checkpoint", "registered_at"], name="personcheck_cp_at"),
                   models.Index(fields=["division", "registered_at"], name="personcheck_div_at"),
                   models.Index(fields=["vehicle"], name="personcheck_vehicle", condition=models.Q(vehicle__isnull=False))]

    def __str__(self) -> str:
        return f"{self.name or self.phone} {stamp(self.registered_at, '%m-%d %H:%M')}"
