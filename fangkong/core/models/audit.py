from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import AuditAction, AuditSource


class AuditLogQuerySet(models.QuerySet):
    """Append-only: no update, no delete — except `prune_before`, the retention path."""

    def update(self, **kwargs):
        raise PermissionError("审计日志不可修改")

    def delete(self):
        raise PermissionError("审计日志不可删除,只能按保留期限清理")

    def prune_before(self, cutoff: datetime.datetime) -> int:
        """Delete rows older than `cutoff`; refuses a cutoff inside the retention period.

        The one way rows leave the log (the retention command calls it). Returns the number
        of rows deleted.
        """
        limit = timezone.now() - datetime.timedelta(days=settings.AUDIT_RETENTION_DAYS)
        if cutoff > limit:
            raise PermissionError(f"审计日志至少保留{settings.AUDIT_RETENTION_DAYS}天,不能清理此日期之后的记录")
        deleted, _by_model = models.QuerySet.delete(self.filter(at__lt=cutoff))
        return deleted


class AuditLog(models.Model):
    """One audited event: a change with before/after values, or a view / export of personal data.

    Append-only: `save` refuses to update an existing row and `delete` refuses outright;
    `AuditLog.objects.update()` and `.delete()` raise too; only `prune_before(cutoff)`, called
    by the retention command, removes rows older than AUDIT_RETENTION_DAYS (≥ 180).
    """

    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("操作人"),
    )
    actor_label = models.CharField(_("操作人名称"), max_length=150, blank=True)
    action = models.CharField(_("动作"), max_length=16, choices=AuditAction.choices, db_index=True)
    verb = models.CharField(_("业务动作"), max_length=64, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=64, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    division_path = models.CharField(_("区划路径"), max_length=15, blank=True, db_index=True)
    source = models.CharField(_("来源"), max_length=8, choices=AuditSource.choices, default=AuditSource.WEB)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=32, blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        indexes = [models.Index(fields=["object_type", "object_id", "at"], name="audit_object_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("审计日志不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志不可删除")
