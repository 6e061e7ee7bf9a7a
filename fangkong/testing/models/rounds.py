from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.scoping import VIEW, ScopedModel, ScopedQuerySet, in_subtree

from ..choices import ExemptionReason, MissReason, TestKind
from .common import ORGANISERS, SAMPLERS, TESTING_VIEWERS

if TYPE_CHECKING:
    from fangkong.core.models import User


class SamplingSite(ScopedModel):
    """采样点: where people queue to be sampled, with its opening hours and staff."""

    name = models.CharField(_("名称"), max_length=100)
    division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, related_name="sampling_sites", verbose_name=_("所在区划")
    )
    address = models.CharField(_("地址"), max_length=255, blank=True)
    opens_at = models.TimeField(_("开始时间"), null=True, blank=True)
    closes_at = models.TimeField(_("结束时间"), null=True, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="sampling_sites", verbose_name=_("采样人员")
    )
    active = models.BooleanField(_("启用"), default=True)

    scope_roles = {"view": TESTING_VIEWERS | SAMPLERS, "add": ORGANISERS, "change": ORGANISERS | SAMPLERS,
                   "delete": ORGANISERS}

    class Meta:
        ordering = ["division__path", "name"]
        verbose_name = _("采样点")
        verbose_name_plural = _("采样点")

    def __str__(self) -> str:
        return self.name


class SamplingRound(ScopedModel):
    """检测轮次: a mass test covering chosen villages on chosen days (e.g. a third each day)."""

    name = models.CharField(_("名称"), max_length=100)
    division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, related_name="sampling_rounds", verbose_name=_("组织区划")
    )
    test_kind = models.CharField(_("检测类型"), max_length=16, choices=TestKind.choices, default=TestKind.PCR)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    pool_size = models.PositiveSmallIntegerField(_("默认混采人数"), default=10)
    infant_age = models.PositiveSmallIntegerField(
        _("免检年龄(岁以下)"), default=3, help_text=_("低于此年龄的婴幼儿不计入应检人数")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    coverage_at = models.DateTimeField(_("覆盖率计算时间"), null=True, blank=True)
    figures = models.JSONField(_("轮次指标"), default=dict, blank=True,
                               help_text=_("分析任务写入:检测周转时间等"))

    # A round is seen inside its division's subtree and by everyone below it: a grid worker sees
    # the county's round (its numbers stay scoped through the roll-up rows). See scope_refine.
    scope_division_field = None
    scope_roles = {"view": TESTING_VIEWERS | SAMPLERS, "add": ORGANISERS, "change": ORGANISERS,
                   "delete": ORGANISERS}

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("检测轮次")
        verbose_name_plural = _("检测轮次")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="round_dates_ordered",
                violation_error_message="结束日期不能早于开始日期",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_refine(cls, qs: ScopedQuerySet, user: User, action: str) -> ScopedQuerySet:
        here = user.division
        below = in_subtree(qs, "division", here)
        if action != VIEW:  # organising is not inherited: a township cadre may not edit the county's round
            return below
        return below | qs.filter(division__path__in=[*here.ancestor_paths, here.path])


class RoundVillage(models.Model):
    """A village of a round and the day it is sampled (rotating: a third of the villages a day)."""

    round = models.ForeignKey(SamplingRound, on_delete=models.CASCADE, related_name="villages", verbose_name=_("轮次"))
    village = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("村(社区)"))
    day = models.DateField(_("检测日期"))

    class Meta:
        ordering = ["round", "day", "village__path"]
        verbose_name = _("轮次检测村")
        verbose_name_plural = _("轮次检测村")
        constraints = [
            models.UniqueConstraint(fields=["round", "village"], name="roundvillage_unique",
                                    violation_error_message="该村已在本轮次中"),
        ]

    def __str__(self) -> str:
        return f"{self.village} {self.day}"


class Exemption(ScopedModel):
    """免检 / 上门采样: a resident not expected at the site, with the reason (and where, when away).

    A bedridden resident stays expected and lands on the home-sampling list. `round` empty means
    the exemption holds for every round until `until`.
    """

    resident = models.ForeignKey(
        "registry.Resident", on_delete=models.CASCADE, related_name="test_exemptions", verbose_name=_("人员")
    )
    round = models.ForeignKey(
        SamplingRound, on_delete=models.CASCADE, null=True, blank=True, related_name="exemptions",
        verbose_name=_("轮次"),
    )
    reason = models.CharField(_("原因"), max_length=16, choices=ExemptionReason.choices)
    away_to = models.CharField(_("外出去向"), max_length=128, blank=True)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    until = models.DateField(_("有效期至"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_division_field = "resident__grid"
    scope_roles = {"view": TESTING_VIEWERS | SAMPLERS, "add": SAMPLERS, "change": SAMPLERS, "delete": SAMPLERS}

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("免检登记")
        verbose_name_plural = _("免检登记")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=ExemptionReason.AWAY) | ~models.Q(away_to=""),
                name="exemption_away_needs_where", violation_error_message="外出人员必须填写外出去向",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident} {self.get_reason_display()}"


class MissRecord(ScopedModel):
    """未检原因: why an expected resident was not sampled in a round (grid worker's note)."""

    round = models.ForeignKey(SamplingRound, on_delete=models.CASCADE, related_name="miss_records", verbose_name=_("轮次"))
    resident = models.ForeignKey("registry.Resident", on_delete=models.CASCADE, related_name="+", verbose_name=_("人员"))
    reason = models.CharField(_("原因"), max_length=16, choices=MissReason.choices)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("登记人"),
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now=True)

    scope_division_field = "resident__grid"
    scope_roles = {"view": TESTING_VIEWERS | SAMPLERS, "add": SAMPLERS, "change": SAMPLERS}

    class Meta:
        ordering = ["round", "resident"]
        verbose_name = _("未检原因")
        verbose_name_plural = _("未检原因")
        constraints = [
            models.UniqueConstraint(fields=["round", "resident"], name="missrecord_unique",
                                    violation_error_message="已登记该人员的未检原因"),
        ]

    def __str__(self) -> str:
        return f"{self.resident} {self.get_reason_display()}"
