"""流调: one investigation per case, its milestone deadlines and the itinerary it records."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.scoping import ScopedModel

from ..choices import EvidenceSource, InvestigationStatus, MilestoneKind, Transport
from .cases import CASE_ROLES


class Investigation(ScopedModel):
    """流调: opened with its case; the itinerary over the look-back, the people named, the report."""

    case = models.OneToOneField("tracing.Case", on_delete=models.CASCADE, related_name="investigation",
                                verbose_name=_("病例"))
    status = models.CharField(_("状态"), max_length=16, choices=InvestigationStatus.choices,
                              default=InvestigationStatus.OPEN)
    opened_at = models.DateTimeField(_("开始时间"))
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    investigator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("流调人员"))
    core_facts = models.TextField(_("核心信息"), blank=True,
                                  help_text=_("发病就诊、暴露史、疫苗接种、同住人员等"))
    summary = models.TextField(_("调查结论"), blank=True)

    scope_division_field = "case__division"
    scope_roles = CASE_ROLES

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("流调")
        verbose_name_plural = _("流调")

    def __str__(self) -> str:
        return f"{self.case} 流调"


class Milestone(ScopedModel):
    """流调时限节点: due `hours` after the report time; escalated once when overdue."""

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="milestones",
                                      verbose_name=_("流调"))
    kind = models.CharField(_("节点"), max_length=32, choices=MilestoneKind.choices)
    due_at = models.DateTimeField(_("时限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("完成人"))
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    protocol = models.ForeignKey("tracing.ProtocolVersion", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("方案版本"))

    scope_division_field = "investigation__case__division"
    scope_roles = CASE_ROLES

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("流调时限")
        verbose_name_plural = _("流调时限")
        constraints = [
            models.UniqueConstraint(fields=["investigation", "kind"], name="milestone_unique",
                                    violation_error_message="同一流调的同一节点只能有一个"),
        ]
        # The escalation job reads open milestones by deadline; done ones never enter the index.
        indexes = [models.Index(fields=["due_at"], condition=models.Q(done_at=None, escalated_at=None),
                                name="milestone_open_due")]

    def __str__(self) -> str:
        return f"{self.investigation.case.code} {self.get_kind_display()}"

    @property
    def on_time(self) -> bool | None:
        return None if self.done_at is None else self.done_at <= self.due_at


class Segment(ScopedModel):
    """活动轨迹: one segment of the case's itinerary (a place, from–to, what, how, with whom, how known)."""

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="segments",
                                      verbose_name=_("流调"))
    on = models.DateField(_("日期"))
    start = models.TimeField(_("开始时间"))
    end = models.TimeField(_("结束时间"))
    venue = models.ForeignKey("sectors.Venue", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("重点场所"))
    place = models.CharField(_("地点"), max_length=255, help_text=_("场所名称或详细地址"))
    activity = models.CharField(_("活动"), max_length=128, blank=True)
    transport = models.CharField(_("交通方式"), max_length=16, choices=Transport.choices, blank=True)
    transport_detail = models.CharField(_("车次/航班/座位"), max_length=64, blank=True)
    companions = models.CharField(_("同行人员"), max_length=255, blank=True)
    evidence = models.CharField(_("信息来源"), max_length=16, choices=EvidenceSource.choices,
                                default=EvidenceSource.SELF)
    public = models.BooleanField(_("对外公布"), default=True, help_text=_("居家等不涉及公共场所的轨迹可不公布"))

    scope_division_field = "investigation__case__division"
    scope_roles = CASE_ROLES

    class Meta:
        ordering = ["investigation", "on", "start", "id"]
        verbose_name = _("活动轨迹")
        verbose_name_plural = _("活动轨迹")
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="segment_end_after_start",
                                   violation_error_message="结束时间必须晚于开始时间"),
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.start:%H:%M}-{self.end:%H:%M} {self.place}"

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("结束时间必须晚于开始时间（跨零点请分两段填写）")})
