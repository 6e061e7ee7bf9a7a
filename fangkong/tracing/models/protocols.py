"""防控方案(诊疗/防控方案版本): the disease as configuration, one version in force at a time."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import MeasureKind, TestKind
from fangkong.core.scoping import ScopedModel

from ..choices import ContactCategory, MilestoneKind, ProtocolStatus
from ..roles import PROTOCOL_EDITORS, PROTOCOL_VIEWERS


def parse_days(text: str) -> list[int]:
    """"1,2,3,5,7" (also 、，or spaces) → [1, 2, 3, 5, 7]; a Chinese error otherwise."""
    parts = [p for p in str(text).replace("、", ",").replace("，", ",").replace(" ", ",").split(",") if p]
    try:
        days = sorted({int(p) for p in parts})
    except ValueError:
        raise ValidationError(_("检测日只能填写数字，用逗号分隔，例如 1,2,3,5,7")) from None
    if any(d < 1 or d > 60 for d in days):
        raise ValidationError(_("检测日必须在第1天到第60天之间"))
    return days


class ProtocolVersion(ScopedModel):
    """方案版本 (第八版, 第九版, a local addendum): look-back, contact categories, co-presence
    parameters and investigation deadlines. Every date computed from it keeps a reference to it."""

    code = models.CharField(_("版本"), max_length=32, help_text=_("如：第九版、第九版本地补充"))
    title = models.CharField(_("方案名称"), max_length=128)
    look_back_days = models.PositiveSmallIntegerField(
        _("追溯天数"), validators=[MinValueValidator(1), MaxValueValidator(21)],
        help_text=_("发病（或采样）前追溯的天数：第八版2天，第九版4天"))
    on_site_hours = models.PositiveSmallIntegerField(_("到达现场时限（小时）"), default=2)
    core_facts_hours = models.PositiveSmallIntegerField(_("核心信息时限（小时）"), default=4)
    contacts_hours = models.PositiveSmallIntegerField(_("密接管控时限（小时）"), default=12)
    report_hours = models.PositiveSmallIntegerField(_("流调报告时限（小时）"), default=24)
    copresence_overlap_minutes = models.PositiveSmallIntegerField(_("时空伴随最短重叠（分钟）"), default=10)
    copresence_scan_window_minutes = models.PositiveSmallIntegerField(_("同场所扫码前后（分钟）"), default=30)
    copresence_days = models.PositiveSmallIntegerField(_("时空伴随研判天数"), default=14)
    status = models.CharField(_("状态"), max_length=16, choices=ProtocolStatus.choices, default=ProtocolStatus.DRAFT)
    note = models.TextField(_("说明"), blank=True)
    activated_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope_division_field = None  # reference data: one protocol for the county
    scope_roles = {"view": PROTOCOL_VIEWERS, "add": PROTOCOL_EDITORS, "change": PROTOCOL_EDITORS,
                   "delete": PROTOCOL_EDITORS}

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("防控方案版本")
        verbose_name_plural = _("防控方案版本")
        constraints = [
            models.UniqueConstraint(fields=["code"], name="protocol_code_unique",
                                    violation_error_message="该方案版本已存在"),
            models.UniqueConstraint(fields=["status"], condition=models.Q(status=ProtocolStatus.ACTIVE),
                                    name="protocol_one_active",
                                    violation_error_message="同一时间只能有一个执行中的方案版本"),
        ]

    def __str__(self) -> str:
        return self.title if self.code in self.title else f"{self.title}（{self.code}）"

    @classmethod
    def in_force(cls) -> ProtocolVersion | None:
        return cls.objects.filter(status=ProtocolStatus.ACTIVE).first()

    def milestone_hours(self) -> dict[str, int]:
        return {MilestoneKind.ON_SITE: self.on_site_hours, MilestoneKind.CORE_FACTS: self.core_facts_hours,
                MilestoneKind.CONTACTS_CONTROLLED: self.contacts_hours, MilestoneKind.REPORT: self.report_hours}

    def category(self, category: str) -> ProtocolCategory | None:
        return next((c for c in self.categories.all() if c.category == category), None)


class ProtocolCategory(ScopedModel):
    """What one contact category gets under a version: days of central quarantine, then days
    at home, and the test days counted from day 1 (the day after the last exposure)."""

    version = models.ForeignKey(ProtocolVersion, on_delete=models.CASCADE, related_name="categories",
                                verbose_name=_("方案版本"))
    category = models.CharField(_("人员类别"), max_length=16, choices=ContactCategory.choices)
    central_days = models.PositiveSmallIntegerField(_("集中隔离天数"), default=0, validators=[MaxValueValidator(60)])
    home_days = models.PositiveSmallIntegerField(_("居家天数"), default=0, validators=[MaxValueValidator(60)])
    home_kind = models.CharField(_("居家措施"), max_length=32, choices=MeasureKind.choices,
                                 default=MeasureKind.HOME_MONITORING)
    test_days = models.CharField(_("检测日"), max_length=64, blank=True, help_text=_("例如 1,2,3,5,7"))
    test_kind = models.CharField(_("检测方式"), max_length=16, choices=TestKind.choices, default=TestKind.PCR)

    scope_division_field = None
    scope_roles = ProtocolVersion.scope_roles

    class Meta:
        ordering = ["version", "category"]
        verbose_name = _("人员类别管控要求")
        verbose_name_plural = _("人员类别管控要求")
        constraints = [
            models.UniqueConstraint(fields=["version", "category"], name="protocolcategory_unique",
                                    violation_error_message="同一方案版本的同一人员类别只能设置一次"),
        ]

    def __str__(self) -> str:
        return f"{self.version.code} {self.get_category_display()}：{self.describe()}"

    def clean(self) -> None:
        if self.test_days:
            self.test_days = ",".join(str(d) for d in parse_days(self.test_days))

    @property
    def test_day_list(self) -> list[int]:
        return parse_days(self.test_days) if self.test_days else []

    def plan(self) -> list[tuple[str, int]]:
        """(measure kind, days) in order, as control's rules hold them."""
        out = [(MeasureKind.CENTRAL_QUARANTINE.value, self.central_days)] if self.central_days else []
        return out + ([(str(self.home_kind), self.home_days)] if self.home_days else [])

    @property
    def total_days(self) -> int:
        return self.central_days + self.home_days

    def describe(self) -> str:
        parts = []
        if self.central_days:
            parts.append(gettext("集中隔离%(n)s天") % {"n": self.central_days})
        if self.home_days:
            parts.append(gettext("%(kind)s%(n)s天") % {"kind": MeasureKind(self.home_kind).label, "n": self.home_days})
        days = self.test_day_list
        if days:
            parts.append(gettext("第%(days)s天各检测一次") % {"days": "、".join(map(str, days))})
        return "＋".join(parts) or gettext("无需管控")
