from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RateCount(models.Model):
    """How often one key (an action and a client address) was used in one time window.

    Kept in the database so that every app-server process counts against one quota
    (`core.ratelimit`); rows of past windows are deleted as new ones come."""

    key = models.CharField(_("键"), max_length=200)
    window_start = models.BigIntegerField(_("时间窗"))  # the window's start, in seconds since the epoch
    n = models.PositiveIntegerField(_("次数"), default=0)

    class Meta:
        verbose_name = _("频率计数")
        verbose_name_plural = _("频率计数")
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="core_ratecount_key_window")]
        indexes = [models.Index(fields=["window_start"], name="core_ratecount_window")]

    def __str__(self) -> str:
        return f"{self.key} @{self.window_start}: {self.n}"
