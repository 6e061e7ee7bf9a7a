"""检查: versioned checklists per sector, inspections that keep the version they used, and the
re-inspection task a rectification order opens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.display import stamp
from fangkong.core.scoping import ScopedModel

from ..choices import Answer, Finding, ReinspectionStatus
from ..roles import INSPECTORS, SECTOR_EDITORS, SECTOR_VIEWERS, VENUE_DELETERS
from .venues import Sector, Venue


class Checklist(ScopedModel):
    """检查表: one version of a sector's checklist; a new version never changes an old one."""

    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="checklists", verbose_name=_("行业"))
    version = models.PositiveIntegerField(_("版本"))
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    scope_division_field = None
    scope_roles = {"view": SECTOR_VIEWERS, "add": SECTOR_EDITORS, "change": SECTOR_EDITORS, "delete": VENUE_DELETERS}

    class Meta:
        ordering = ["sector__order", "-version"]
        verbose_name = _("检查表")
        verbose_name_plural = _("检查表")
        constraints = [models.UniqueConstraint(fields=["sector", "version"], name="checklist_sector_version",
                                               violation_error_message="该行业已有此版本的检查表")]

    def __str__(self) -> str:
        return f"{self.sector.name} v{self.version}"


class ChecklistItem(models.Model):
    """检查项: one line of a checklist version (张贴防疫公示牌, 48小时核酸查验 …)."""

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items", verbose_name=_("检查表"))
    order = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("检查内容"), max_length=100)

    class Meta:
        ordering = ["checklist", "order"]
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")

    def __str__(self) -> str:
        return self.text


class Inspection(ScopedModel):
    """检查记录: one visit to a venue, its answers to the checklist version it used, and the finding."""

    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("场所"))
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="inspections",
                                  verbose_name=_("检查表版本"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="inspections", verbose_name=_("检查人"))
    inspected_at = models.DateTimeField(_("检查时间"), db_index=True)
    answers = models.JSONField(_("检查结果"), default=dict, blank=True)  # {item id: Answer}
    note = models.TextField(_("备注"), blank=True)
    finding = models.CharField(_("检查结论"), max_length=16, choices=Finding.choices)
    to_fix = models.TextField(_("整改内容"), blank=True)
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    answers_task = models.ForeignKey("sectors.Reinspection", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("对应复查任务"))

    scope_division_field = "venue__grid"
    scope_roles = {"view": SECTOR_VIEWERS, "add": INSPECTORS, "change": INSPECTORS, "delete": VENUE_DELETERS}

    class Meta:
        ordering = ["-inspected_at", "-id"]
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")

    def __str__(self) -> str:
        return f"{self.venue} {stamp(self.inspected_at, '%Y-%m-%d')}"

    def answer_rows(self) -> list[tuple[ChecklistItem, str]]:
        labels = dict(Answer.choices)
        return [(item, labels.get(self.answers.get(str(item.pk), ""), "")) for item in self.checklist.items.all()]


class InspectionPhoto(models.Model):
    """现场照片: a photo taken at an inspection, served only through the inspection's scope."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos",
                                   verbose_name=_("检查记录"))
    image = models.FileField(_("照片"), upload_to="inspections/%Y/%m/")
    content_type = models.CharField(_("类型"), max_length=32)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["inspection", "id"]
        verbose_name = _("现场照片")
        verbose_name_plural = _("现场照片")

    def __str__(self) -> str:
        return f"{self.inspection} #{self.pk}"


class Reinspection(ScopedModel):
    """复查任务: a rectification order's re-inspection, due on its deadline; overdue ones escalate."""

    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="reinspections", verbose_name=_("场所"))
    ordered_by = models.OneToOneField(Inspection, on_delete=models.PROTECT, related_name="reinspection",
                                      verbose_name=_("整改通知"))
    due_on = models.DateField(_("复查期限"), db_index=True)
    status = models.CharField(_("状态"), max_length=16, choices=ReinspectionStatus.choices,
                              default=ReinspectionStatus.DUE)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="reinspections", verbose_name=_("复查人"))
    done_by = models.ForeignKey(Inspection, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("复查记录"))
    escalated_at = models.DateTimeField(_("超期升级时间"), null=True, blank=True)

    scope_division_field = "venue__grid"
    scope_roles = {"view": SECTOR_VIEWERS, "add": INSPECTORS, "change": INSPECTORS, "delete": VENUE_DELETERS}

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("复查任务")
        verbose_name_plural = _("复查任务")

    def __str__(self) -> str:
        return f"{self.venue} {self.due_on:%Y-%m-%d}"
