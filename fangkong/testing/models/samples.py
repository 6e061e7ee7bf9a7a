from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.scoping import ScopedModel

from ..choices import POOL_SIZES, ResamplingCause, Result, SampleKind, SampleStatus, TaskStatus, TestKind
from .common import RESULT_WRITERS, SAMPLERS, TESTING_VIEWERS
from .rounds import SamplingRound, SamplingSite


class Sample(ScopedModel):
    """采样管: one tube with its barcode, single (单采) or pooled (混采 5/10/20合1), and its result."""

    barcode = models.CharField(_("条码"), max_length=40, unique=True)
    kind = models.CharField(_("采样方式"), max_length=8, choices=SampleKind.choices, default=SampleKind.POOL)
    capacity = models.PositiveSmallIntegerField(_("管容量"), default=10, choices=[(n, f"{n}") for n in POOL_SIZES])
    test_kind = models.CharField(_("检测类型"), max_length=16, choices=TestKind.choices, default=TestKind.PCR)
    round = models.ForeignKey(
        SamplingRound, on_delete=models.PROTECT, null=True, blank=True, related_name="samples", verbose_name=_("轮次")
    )
    site = models.ForeignKey(
        SamplingSite, on_delete=models.PROTECT, null=True, blank=True, related_name="samples", verbose_name=_("采样点")
    )
    division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("采样区划")
    )
    status = models.CharField(_("状态"), max_length=12, choices=SampleStatus.choices, default=SampleStatus.OPEN)
    members = models.PositiveSmallIntegerField(_("人数"), default=0)
    opened_at = models.DateTimeField(_("开管时间"))
    sealed_at = models.DateTimeField(_("封管时间"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("采样人"),
    )
    result = models.CharField(_("结果"), max_length=12, choices=Result.choices, default=Result.PENDING, db_index=True)
    ct_orf1ab = models.FloatField(_("ORF1ab Ct值"), null=True, blank=True)
    ct_n = models.FloatField(_("N基因 Ct值"), null=True, blank=True)
    resulted_at = models.DateTimeField(_("结果时间"), null=True, blank=True)
    lab = models.CharField(_("检测机构"), max_length=100, blank=True)
    result_batch = models.ForeignKey(
        "core.Batch", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("结果批次")
    )

    scope_roles = {"view": TESTING_VIEWERS | SAMPLERS, "add": SAMPLERS, "change": SAMPLERS | RESULT_WRITERS}

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("采样管")
        verbose_name_plural = _("采样管")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(members__lte=models.F("capacity")), name="sample_within_capacity",
                violation_error_message="该管已满",
            ),
        ]
        indexes = [models.Index(fields=["round", "result"], name="sample_round_result")]

    def __str__(self) -> str:
        return self.barcode

    @property
    def is_full(self) -> bool:
        return self.members >= self.capacity


class Sampling(ScopedModel):
    """采样记录: one person sampled into one tube. `grid` is the person's home grid (registry),
    which may differ from the site's village — coverage counts them at home."""

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="samplings", verbose_name=_("采样管"))
    round = models.ForeignKey(
        SamplingRound, on_delete=models.PROTECT, null=True, blank=True, related_name="samplings", verbose_name=_("轮次")
    )
    resident = models.ForeignKey(
        "registry.Resident", on_delete=models.SET_NULL, null=True, blank=True, related_name="samplings",
        verbose_name=_("常住人口"),
    )
    id_number = models.CharField(_("身份证号"), max_length=18, db_index=True)
    name = models.CharField(_("姓名"), max_length=40, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区划"),
        help_text=_("常住人口的网格;非本县人员为采样点所在区划"),
    )
    sampled_at = models.DateTimeField(_("采样时间"), db_index=True)

    scope_roles = {"view": TESTING_VIEWERS | SAMPLERS}

    class Meta:
        ordering = ["sample", "id"]
        verbose_name = _("采样记录")
        verbose_name_plural = _("采样记录")
        constraints = [
            models.UniqueConstraint(fields=["sample", "id_number"], name="sampling_once_per_tube",
                                    violation_error_message="此人已在该管中"),
        ]
        indexes = [models.Index(fields=["round", "resident"], name="sampling_round_resident")]

    def __str__(self) -> str:
        return f"{self.name or self.id_number} → {self.sample_id}"


class UnmatchedResult(ScopedModel):
    """未匹配结果: a lab result for a tube barcode the platform does not know — kept, never lost."""

    barcode = models.CharField(_("条码"), max_length=40, db_index=True)
    result = models.CharField(_("结果"), max_length=12, choices=Result.choices)
    ct_orf1ab = models.FloatField(_("ORF1ab Ct值"), null=True, blank=True)
    ct_n = models.FloatField(_("N基因 Ct值"), null=True, blank=True)
    resulted_at = models.DateTimeField(_("结果时间"), null=True, blank=True)
    lab = models.CharField(_("检测机构"), max_length=100, blank=True)
    batch = models.ForeignKey("core.Batch", on_delete=models.CASCADE, related_name="+", verbose_name=_("批次"))
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划"))
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    scope_roles = {"view": TESTING_VIEWERS, "change": RESULT_WRITERS}

    class Meta:
        ordering = ["-id"]
        verbose_name = _("未匹配结果")
        verbose_name_plural = _("未匹配结果")
        constraints = [
            models.UniqueConstraint(fields=["batch", "barcode"], name="unmatched_once_per_batch",
                                    violation_error_message="同一批次中条码重复"),
        ]

    def __str__(self) -> str:
        return f"{self.barcode} {self.get_result_display()}"


class ResamplingTask(ScopedModel):
    """上门单采任务: re-sample one member of a positive / invalid pool at their door, by a deadline."""

    resident = models.ForeignKey(
        "registry.Resident", on_delete=models.CASCADE, null=True, blank=True, related_name="resampling_tasks",
        verbose_name=_("人员"),
    )
    id_number = models.CharField(_("身份证号"), max_length=18, db_index=True)
    name = models.CharField(_("姓名"), max_length=40, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("网格"))
    source_sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="resampling_tasks",
                                      verbose_name=_("原混管"))
    round = models.ForeignKey(SamplingRound, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("轮次"))
    cause = models.CharField(_("原因"), max_length=16, choices=ResamplingCause.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="resampling_tasks",
        verbose_name=_("负责网格员"),
    )
    status = models.CharField(_("状态"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN,
                              db_index=True)
    created_at = models.DateTimeField(_("创建时间"))
    due_at = models.DateTimeField(_("完成时限"), db_index=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_sample = models.ForeignKey(Sample, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("单采管"))
    overdue_notified_at = models.DateTimeField(_("超时提醒时间"), null=True, blank=True)

    scope_roles = {"view": TESTING_VIEWERS | SAMPLERS, "change": SAMPLERS}

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("上门单采任务")
        verbose_name_plural = _("上门单采任务")
        constraints = [
            models.UniqueConstraint(fields=["source_sample", "id_number"], name="resampling_once_per_member",
                                    violation_error_message="该人员已有此混管的单采任务"),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.id_number} {self.get_cause_display()}"
