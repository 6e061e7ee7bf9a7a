from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import BatchStatus, Role
from ..display import stamp
from ..scoping import ScopedModel, roles


class Batch(ScopedModel):
    """批次: one import of a file or an API call, with who, when, its counts and its bad rows."""

    kind = models.CharField(_("类型"), max_length=32, db_index=True)
    channel = models.CharField(_("渠道"), max_length=32, blank=True)
    source = models.CharField(_("数据来源"), max_length=64, blank=True)
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    file_sha256 = models.CharField(_("文件摘要"), max_length=64, blank=True, db_index=True)
    file = models.FileField(_("文件"), upload_to="batches/%Y/%m/", blank=True)
    division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, related_name="batches", verbose_name=_("所属区划")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="batches",
        verbose_name=_("导入人"),
    )
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Written with each chunk's progress while running: a batch whose heartbeat stopped long ago
    # was left running by a dead process (`core.imports.fail_stale_batches`).
    heartbeat_at = models.DateTimeField(_("最近进度时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.PENDING)
    options = models.JSONField(_("选项"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("数据行数"), default=0)
    processed = models.PositiveIntegerField(_("已处理"), default=0)
    imported = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    duplicates = models.PositiveIntegerField(_("重复"), default=0)
    rejected = models.PositiveIntegerField(_("错误"), default=0)
    errors = models.JSONField(_("错误行"), default=list, blank=True)
    message = models.TextField(_("说明"), blank=True)

    scope_roles = {
        "view": roles(*Role),
        "add": roles(
            Role.COMMAND_CENTER, Role.MODULE_LEAD, Role.MODULE_ADMIN, Role.TOWNSHIP_CADRE, Role.VILLAGE_CADRE,
            Role.CDC, Role.LAB,
        ),
    }

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("批次")
        verbose_name_plural = _("批次")

    def __str__(self) -> str:
        name = self.file_name or self.kind
        return f"{name} ({stamp(self.created_at)})" if self.created_at else name

    @property
    def progress(self) -> int:
        return 100 if not self.rows else min(100, round(self.processed * 100 / self.rows))

    def outcome(self) -> dict:
        """The batch's counts as the CLI's `--json` and the API return them."""
        return {
            "batch": self.pk,
            "status": self.status,
            "rows": self.rows,
            "imported": self.imported,
            "updated": self.updated,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "errors": self.errors,
        }
