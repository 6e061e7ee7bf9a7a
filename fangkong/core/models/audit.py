from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import AuditAction, AuditSource
from ..display import stamp


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("审计日志不可修改")

    def delete(self):
        raise PermissionError("审计日志不可删除")

    def prune(self, before: dt.datetime) -> int:
        """Remove rows older than `before`: the retention job's path, and the only deletion path.

        Refuses a cut-off inside AUDIT_RETENTION_DAYS (never below 180 days), whatever the caller.
        """
        keep_from = timezone.now() - dt.timedelta(days=max(180, settings.AUDIT_RETENTION_DAYS))
        if before > keep_from:
            raise PermissionError("审计日志至少保留 180 天")
        old = AuditLog.objects.filter(at__lt=before)
        AuditItem.objects.filter(entry_id__in=old.values("pk"))._raw_delete(self.db)
        return old._raw_delete(self.db)


class AuditLog(models.Model):
    """One audited event: a change with before/after values, or a view / export of personal data.

    Append-only: `save` refuses to update an existing row and `delete` refuses outright;
    `AuditLog.objects.update()` and `.delete()` raise too; only `prune(before)`, called by the
    retention job, removes rows older than AUDIT_RETENTION_DAYS (≥ 180).
    """

    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("操作人"),
    )
    actor_label = models.CharField(_("操作人名称"), max_length=150, blank=True)
    # No single-column indexes on action, object_type or object_id: the log takes a row per
    # imported person and task (a million-row list writes 1.3 million), and each index is paid
    # per row; `at`, `division_path` and (object_type, object_id, at) answer the searches.
    action = models.CharField(_("动作"), max_length=16, choices=AuditAction.choices)
    verb = models.CharField(_("业务动作"), max_length=64, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
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
        return f"{stamp(self.at)} {self.actor_label} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("审计日志不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志不可删除")


class AuditItemQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("审计日志不可修改")

    def delete(self):
        raise PermissionError("审计日志不可删除")


class AuditItem(models.Model):
    """One object of a bulk audited act (a row of an import): which object, nothing more.

    Who, when, from where, which batch and what was done sit once on its `entry`, an `AuditLog`
    row per village the act touched. A million-row list writes 1.3 million of these narrow rows
    and about a thousand entries, instead of 1.3 million full audit rows with four indexes each:
    the per-row audit cost most of a big import's time. An object's history reads both
    (`core.audit.about`). Append-only like the log; pruned with its entry.
    """

    # The primary key is the one index: (object_type, object_id) finds an object's entries.
    pk = models.CompositePrimaryKey("object_type", "object_id", "entry")
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.BigIntegerField(_("对象编号"))
    entry = models.ForeignKey(AuditLog, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                              related_name="+", verbose_name=_("审计日志"))

    objects = AuditItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计明细")
        verbose_name_plural = _("审计明细")

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_id} @ {self.entry_id}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionError("审计日志不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志不可删除")
