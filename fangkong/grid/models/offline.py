from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import OfflineKind, OfflineResult


class OfflineSubmission(models.Model):
    """离线填报记录: one answer from the phone's queue, by the idempotency key the phone made for it.

    The key is claimed before the answer is applied, in the same transaction, so a replay (the
    phone did not hear the first answer) returns the first result and never applies it twice.
    A conflict or a refused answer is kept too: the replay gets the same refusal.
    """

    key = models.UUIDField(_("幂等键"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("填报人"))
    kind = models.CharField(_("类别"), max_length=24, choices=OfflineKind.choices)
    target_id = models.PositiveBigIntegerField(_("对象编号"))
    result = models.CharField(_("处理结果"), max_length=16, choices=OfflineResult.choices, default=OfflineResult.DONE)
    message = models.CharField(_("说明"), max_length=255, blank=True)
    object_id = models.PositiveBigIntegerField(_("生成记录编号"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("手机记录时间"), null=True, blank=True)
    at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("离线填报记录")
        verbose_name_plural = _("离线填报记录")
        constraints = [models.UniqueConstraint(fields=["key"], name="offline_submission_key_unique",
                                               violation_error_message="该填报已提交")]
        indexes = [models.Index(fields=["user", "at"], name="offline_submission_user_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"
