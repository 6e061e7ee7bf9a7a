"""Roll-up tables filled by the analytics job (fangkong.analytics.coverage); pages read these."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.scoping import ScopedModel

from .common import SAMPLERS, TESTING_VIEWERS
from .rounds import SamplingRound, SamplingSite


class CoverageRollup(ScopedModel):
    """应检尽检: expected vs sampled vs resulted of one round in one division (grid → county)."""

    round = models.ForeignKey(SamplingRound, on_delete=models.CASCADE, related_name="coverage", verbose_name=_("轮次"))
    division = models.ForeignKey("core.Division", on_delete=models.CASCADE, related_name="+", verbose_name=_("区划"))
    level = models.CharField(_("层级"), max_length=16, db_index=True)
    registered = models.PositiveIntegerField(_("台账人数"), default=0)
    exempt = models.PositiveIntegerField(_("免检"), default=0)
    home_sampling = models.PositiveIntegerField(_("上门采样"), default=0)
    expected = models.PositiveIntegerField(_("应检"), default=0)
    sampled = models.PositiveIntegerField(_("已采"), default=0)
    sampled_elsewhere = models.PositiveIntegerField(_("异地采样"), default=0)
    duplicates = models.PositiveIntegerField(_("重复采样"), default=0)
    resulted = models.PositiveIntegerField(_("已出结果"), default=0)
    positive = models.PositiveIntegerField(_("阳性"), default=0)
    awaiting_resample = models.PositiveIntegerField(_("待单采"), default=0)
    untested = models.PositiveIntegerField(_("未检"), default=0)
    computed_at = models.DateTimeField(_("计算时间"))

    scope_roles = {"view": TESTING_VIEWERS | SAMPLERS}

    class Meta:
        ordering = ["round", "division__path"]
        verbose_name = _("检测覆盖汇总")
        verbose_name_plural = _("检测覆盖汇总")
        constraints = [
            models.UniqueConstraint(fields=["round", "division"], name="coveragerollup_unique",
                                    violation_error_message="该轮次该区划已有汇总"),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.division}: {self.sampled}/{self.expected}"

    @property
    def rate(self) -> float:
        return round(100 * self.sampled / self.expected, 1) if self.expected else 100.0


class CoverageGap(ScopedModel):
    """未检人员: an expected resident of a round not yet sampled, for the grid worker to chase."""

    round = models.ForeignKey(SamplingRound, on_delete=models.CASCADE, related_name="gaps", verbose_name=_("轮次"))
    resident = models.ForeignKey("registry.Resident", on_delete=models.CASCADE, related_name="+", verbose_name=_("人员"))
    division = models.ForeignKey("core.Division", on_delete=models.CASCADE, related_name="+", verbose_name=_("网格"))
    home_sampling = models.BooleanField(_("需上门采样"), default=False)

    scope_roles = {"view": TESTING_VIEWERS | SAMPLERS}

    class Meta:
        ordering = ["round", "division", "resident"]
        verbose_name = _("未检人员")
        verbose_name_plural = _("未检人员")
        indexes = [models.Index(fields=["round", "division"], name="coveragegap_round_division")]

    def __str__(self) -> str:
        return f"{self.round}: {self.resident_id}"


class SiteHourRollup(models.Model):
    """Throughput of a site per hour in a round (persons sampled, tubes opened)."""

    round = models.ForeignKey(SamplingRound, on_delete=models.CASCADE, related_name="site_hours", verbose_name=_("轮次"))
    site = models.ForeignKey(SamplingSite, on_delete=models.CASCADE, related_name="+", verbose_name=_("采样点"))
    hour = models.DateTimeField(_("时段"))
    persons = models.PositiveIntegerField(_("采样人数"), default=0)
    tubes = models.PositiveIntegerField(_("采样管数"), default=0)

    class Meta:
        ordering = ["round", "site", "hour"]
        verbose_name = _("采样点时段产能")
        verbose_name_plural = _("采样点时段产能")

    def __str__(self) -> str:
        return f"{self.site} {self.hour:%m-%d %H}时 {self.persons}"


class HouseholdWeekRollup(ScopedModel):
    """全县N户,本周落实了N户N人的检测要求 — per division and ISO week."""

    division = models.ForeignKey("core.Division", on_delete=models.CASCADE, related_name="+", verbose_name=_("区划"))
    week_start = models.DateField(_("周起始日"))
    households = models.PositiveIntegerField(_("户数"), default=0)
    households_done = models.PositiveIntegerField(_("落实户数"), default=0)
    persons_done = models.PositiveIntegerField(_("落实人数"), default=0)
    computed_at = models.DateTimeField(_("计算时间"))

    scope_roles = {"view": TESTING_VIEWERS | SAMPLERS}

    class Meta:
        ordering = ["-week_start", "division__path"]
        verbose_name = _("每周户检测落实")
        verbose_name_plural = _("每周户检测落实")
        constraints = [
            models.UniqueConstraint(fields=["division", "week_start"], name="householdweek_unique",
                                    violation_error_message="该区划该周已有汇总"),
        ]

    def __str__(self) -> str:
        return f"{self.division} {self.week_start}: {self.households_done}/{self.households}"
