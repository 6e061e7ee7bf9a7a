"""Models of the analytics area (分析引擎)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import BatchStatus


class AnalyticsRun(models.Model):
    """One run of an analytics job (覆盖率、同时空、去重): on which engine, how it ended, and why
    it failed. `subject` is the caller's key for what was computed (e.g. "round:12"); the engine
    knows no app's tables. A run is never left "running": it ends done or failed (runs.recorded)."""

    job = models.CharField(_("分析任务"), max_length=32)
    subject = models.CharField(_("计算对象"), max_length=64)
    engine = models.CharField(_("分析引擎"), max_length=16)
    status = models.CharField(_("状态"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.RUNNING)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    seconds = models.FloatField(_("耗时（秒）"), null=True, blank=True)
    error = models.TextField(_("失败原因"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["job", "subject", "-started_at"], name="analytics_run_job_subject")]
        verbose_name = _("分析任务运行")
        verbose_name_plural = _("分析任务运行")

    def __str__(self) -> str:
        return f"{self.job} {self.subject} ({self.engine}, {self.status})"
