from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import MeasureKind, Module
from fangkong.core.scoping import ScopedModel

from ..choices import ContactType, OriginLevel, PolicyStatus, TestKind, Tristate
from ..roles import CONTROL_VIEWERS, POLICY_EDITORS


def parse_test_days(text: str) -> list[int]:
    """"1,2,3,5,7" (also with 、 or spaces) → [1, 2, 3, 5, 7]; raises ValidationError in Chinese."""
    parts = [p for p in text.replace("、", ",").replace(",", ",").replace(" ", ",").split(",") if p]
    try:
        days = sorted({int(p) for p in parts})
    except ValueError:
        raise ValidationError(_("检测日只能填写数字,用逗号分隔,例如 1,2,3,5,7")) from None
    if any(d < 1 or d > 60 for d in days):
        raise ValidationError(_("检测日必须在第1天到第60天之间"))
    return days


class PolicyVersion(ScopedModel):
    """防控方案的一个版本: an ordered list of rules. One version is in force (published) at a time;
    a new version is a draft copied from the current one, previewed, then published."""

    number = models.PositiveIntegerField(_("版本号"), unique=True)
    title = models.CharField(_("方案名称"), max_length=128)
    note = models.TextField(_("修订说明"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT,
                              db_index=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("发布人"))

    scope_division_field = None
    scope_roles = {"view": CONTROL_VIEWERS, "add": POLICY_EDITORS, "change": POLICY_EDITORS,
                   "delete": POLICY_EDITORS}

    class Meta:
        ordering = ["-number"]
        verbose_name = _("防控方案")
        verbose_name_plural = _("防控方案")
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=models.Q(status=PolicyStatus.PUBLISHED), name="policyversion_one_published",
                violation_error_message="同一时间只能有一个生效的防控方案版本",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(title)s(第%(number)s版)") % {"title": self.title, "number": self.number}

    @classmethod
    def in_force(cls) -> PolicyVersion | None:
        return cls.objects.filter(status=PolicyStatus.PUBLISHED).first()


class Rule(ScopedModel):
    """规则: who (conditions; empty means "any") → a sequence of measures and a test schedule.

    Rules of a version are tried in `priority` order and the first that matches wins. Days
    since leaving are counted on the day the measure starts: leaving on 1 August and starting
    on 8 August is day 7.
    """

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="rules",
                                verbose_name=_("方案版本"))
    priority = models.PositiveIntegerField(_("优先级"), default=10, help_text=_("数字小的先匹配"))
    name = models.CharField(_("规则名称"), max_length=128)
    channel = models.CharField(_("线索渠道"), max_length=32, choices=Module.choices, blank=True)
    contact_type = models.CharField(_("接触类型"), max_length=32, choices=ContactType.choices, blank=True)
    origin_level = models.CharField(_("来源地风险等级"), max_length=8, choices=OriginLevel.choices, blank=True)
    max_days_since_leaving = models.PositiveSmallIntegerField(
        _("离开后不超过(天)"), null=True, blank=True, validators=[MaxValueValidator(60)],
        help_text=_("留空表示不限;离开当天为第0天"),
    )
    from_abroad = models.CharField(_("境外返回"), max_length=3, choices=Tristate.choices, blank=True)
    vaccinated = models.CharField(_("已完成疫苗接种"), max_length=3, choices=Tristate.choices, blank=True)
    test_days = models.CharField(_("检测日"), max_length=64, blank=True,
                                 help_text=_("第几天检测,用逗号分隔,例如 1,2,3,5,7(N天M检)"))
    test_kind = models.CharField(_("检测方式"), max_length=16, choices=TestKind.choices, default=TestKind.PCR)

    scope_division_field = None
    scope_roles = PolicyVersion.scope_roles

    class Meta:
        ordering = ["version", "priority", "id"]
        verbose_name = _("规则")
        verbose_name_plural = _("规则")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.test_days:
            self.test_days = ",".join(str(d) for d in parse_test_days(self.test_days))

    @property
    def test_day_list(self) -> list[int]:
        return parse_test_days(self.test_days) if self.test_days else []

    def plan(self) -> list[tuple[str, int]]:
        """The sequence of (measure kind, days), e.g. [("central_quarantine", 7), ("home_monitoring", 3)]."""
        return [(s.kind, s.days) for s in self.steps.all()]

    @property
    def total_days(self) -> int:
        return sum(d for _, d in self.plan())

    def describe(self) -> str:
        plan = " → ".join(gettext("%(kind)s%(days)s天") % {"kind": MeasureKind(k).label, "days": d}
                          for k, d in self.plan()) or gettext("无需管控")
        days = self.test_day_list
        if not days:
            return plan
        return plan + gettext(",%(total)s天%(n)s检(第%(days)s天)") % {
            "total": self.total_days, "n": len(days), "days": gettext("、").join(map(str, days))}


class RuleStep(ScopedModel):
    """One measure of a rule's sequence: `days` days of `kind`."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="steps", verbose_name=_("规则"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    kind = models.CharField(_("管控措施"), max_length=32, choices=MeasureKind.choices)
    days = models.PositiveSmallIntegerField(_("天数"), validators=[MinValueValidator(1), MaxValueValidator(60)])

    scope_division_field = None
    scope_roles = PolicyVersion.scope_roles

    class Meta:
        ordering = ["rule", "order", "id"]
        verbose_name = _("措施步骤")
        verbose_name_plural = _("措施步骤")

    def __str__(self) -> str:
        return gettext("%(kind)s%(days)s天") % {"kind": self.get_kind_display(), "days": self.days}
