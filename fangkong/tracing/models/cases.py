"""病例: confirmed / asymptomatic / suspected cases with their classification history, and the
positive results waiting for a case to be opened (阳性待立案)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.scoping import ScopedModel

from ..choices import CaseClass, CaseOutcome, FoundBy
from ..roles import TRACERS, TRACING_VIEWERS

CASE_ROLES = {"view": TRACING_VIEWERS, "add": TRACERS, "change": TRACERS, "delete": TRACERS}


class Case(ScopedModel):
    """病例 (or 无症状感染者, 疑似病例): one infected person, where they live, how they were found.

    `look_back_from` is the first day of the itinerary to trace, computed from the onset (or
    sampling) date under `protocol`, the version in force when the case was opened."""

    code = models.CharField(_("病例编号"), max_length=32)
    name = models.CharField(_("姓名"), max_length=40)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    sex = models.CharField(_("性别"), max_length=4, blank=True)
    age = models.PositiveSmallIntegerField(_("年龄"), null=True, blank=True)
    address = models.CharField(_("现住址"), max_length=255, blank=True)
    employer = models.CharField(_("工作单位"), max_length=128, blank=True)
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("所属区划"))
    classification = models.CharField(_("病例分类"), max_length=16, choices=CaseClass.choices)
    onset_on = models.DateField(_("发病日期"), null=True, blank=True)
    sampled_on = models.DateField(_("阳性采样日期"), null=True, blank=True)
    found_by = models.CharField(_("发现途径"), max_length=16, choices=FoundBy.choices, default=FoundBy.TESTING)
    found_note = models.CharField(_("发现经过"), max_length=255, blank=True)
    reported_at = models.DateTimeField(_("报告时间"))
    hospital = models.CharField(_("收治医院"), max_length=128, blank=True)
    outcome = models.CharField(_("转归"), max_length=16, choices=CaseOutcome.choices, default=CaseOutcome.TREATING)
    protocol = models.ForeignKey("tracing.ProtocolVersion", on_delete=models.PROTECT, related_name="cases",
                                 verbose_name=_("方案版本"))
    look_back_from = models.DateField(_("追溯起始日"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("立案人"))

    scope_division_field = "division"
    scope_roles = CASE_ROLES

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("病例")
        verbose_name_plural = _("病例")
        constraints = [
            models.UniqueConstraint(fields=["code"], name="case_code_unique", violation_error_message="病例编号已存在"),
        ]
        indexes = [models.Index(fields=["reported_at"], name="case_reported_at")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def index_date(self):
        """The day the look-back counts back from: onset, or sampling for the asymptomatic."""
        return self.onset_on or self.sampled_on


class CaseClassification(ScopedModel):
    """病例分类记录: each (re)classification, e.g. 无症状感染者 → 确诊病例 (订正)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="classifications",
                             verbose_name=_("病例"))
    classification = models.CharField(_("病例分类"), max_length=16, choices=CaseClass.choices)
    previous = models.CharField(_("原分类"), max_length=16, choices=CaseClass.choices, blank=True)
    at = models.DateTimeField(_("分类时间"))
    note = models.CharField(_("依据"), max_length=255, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+", verbose_name=_("操作人"))

    scope_division_field = "case__division"
    scope_roles = CASE_ROLES

    class Meta:
        ordering = ["case", "at", "id"]
        verbose_name = _("病例分类记录")
        verbose_name_plural = _("病例分类记录")

    def __str__(self) -> str:
        return f"{self.case.code} {self.get_classification_display()}"


class PositiveFinding(ScopedModel):
    """阳性待立案: an individual positive result from testing, offered as "立案" until a case is opened."""

    name = models.CharField(_("姓名"), max_length=40, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    sampled_at = models.DateTimeField(_("采样时间"), null=True, blank=True)
    source = models.CharField(_("检测来源"), max_length=128, blank=True)
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("所属区划"))
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="findings",
                             verbose_name=_("病例"))
    created_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    scope_division_field = "division"
    scope_roles = CASE_ROLES

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("阳性待立案")
        verbose_name_plural = _("阳性待立案")
        constraints = [
            models.UniqueConstraint(fields=["id_number", "sampled_at"], name="positivefinding_unique",
                                    violation_error_message="该阳性结果已登记"),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.id_number[-4:]} {self.source}"
