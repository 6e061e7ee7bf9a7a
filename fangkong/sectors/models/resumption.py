"""复工复产: a business applies to resume (its prevention plan, staff list with their 14-day
whereabouts, closed-loop arrangements); the regulator inspects on site with the sector's
checklist and approves, approves with conditions, or refuses; approved businesses are inspected
again every N days."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.scoping import ScopedModel

from ..choices import ResumptionStatus
from ..roles import RESUMPTION_EDITORS, SECTOR_VIEWERS
from .inspections import Inspection
from .venues import Venue


class ResumptionApplication(ScopedModel):
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="resumptions", verbose_name=_("申请单位"))
    applicant_name = models.CharField(_("申请人"), max_length=40)
    applicant_phone = models.CharField(_("申请人电话"), max_length=20, blank=True)
    plan = models.TextField(_("防控方案"), max_length=4000)
    closed_loop = models.CharField(_("闭环管理安排"), max_length=500, blank=True,
                                   help_text=_("如：员工集中住宿、点对点接送、不与外界接触"))
    applied_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    status = models.CharField(_("状态"), max_length=20, choices=ResumptionStatus.choices,
                              default=ResumptionStatus.APPLIED)
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("现场验收检查"))
    conditions = models.CharField(_("复工条件 / 不予复工理由"), max_length=500, blank=True)
    every_days = models.PositiveSmallIntegerField(_("复工后检查周期（天）"), default=7)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("验收人"))
    decided_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("录入人"))

    scope_division_field = "venue__grid"
    scope_roles = {"view": SECTOR_VIEWERS, "add": RESUMPTION_EDITORS, "change": RESUMPTION_EDITORS}

    class Meta:
        ordering = ["-applied_at", "-id"]
        verbose_name = _("复工复产申请")
        verbose_name_plural = _("复工复产申请")

    def __str__(self) -> str:
        return f"{self.venue.name} {self.get_status_display()}"


class ResumptionStaff(ScopedModel):
    """An employee on an application's staff list, with where they were in the last 14 days."""

    application = models.ForeignKey(ResumptionApplication, on_delete=models.CASCADE, related_name="staff",
                                    verbose_name=_("复工复产申请"))
    name = models.CharField(_("姓名"), max_length=40)
    id_number = models.CharField(_("身份证号"), max_length=18)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    whereabouts = models.CharField(_("14天内行程"), max_length=255, blank=True)
    closed_loop = models.BooleanField(_("闭环管理"), default=False)

    scope_division_field = "application__venue__grid"
    scope_roles = {"view": SECTOR_VIEWERS, "add": RESUMPTION_EDITORS, "change": RESUMPTION_EDITORS}

    class Meta:
        ordering = ["application", "id"]
        verbose_name = _("复工人员")
        verbose_name_plural = _("复工人员")
        constraints = [models.UniqueConstraint(fields=["application", "id_number"], name="resumptionstaff_unique",
                                               violation_error_message="该人员已在名单中")]

    def __str__(self) -> str:
        return self.name
