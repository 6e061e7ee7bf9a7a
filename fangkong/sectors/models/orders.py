"""关停令: close or restrict a whole sector in a division from a date, until lifted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.scoping import ScopedModel

from ..choices import OrderKind, OrderStatus
from ..roles import SECTOR_EDITORS, SECTOR_VIEWERS
from .venues import Sector


class SectorOrder(ScopedModel):
    """关停令 / 限流令 ("密闭经营场所暂不开放"): a sector in a division, from a date."""

    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="orders", verbose_name=_("行业"))
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="sector_orders",
                                 verbose_name=_("范围"))
    kind = models.CharField(_("措施"), max_length=16, choices=OrderKind.choices)
    limit_percent = models.PositiveSmallIntegerField(_("限流比例（%）"), null=True, blank=True)
    starts_on = models.DateField(_("起始日期"))
    reason = models.CharField(_("依据"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.ACTIVE)
    applied_at = models.DateTimeField(_("执行时间"), null=True, blank=True)
    lifted_on = models.DateField(_("解除日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("下达人"))
    created_at = models.DateTimeField(_("下达时间"), auto_now_add=True)

    scope_division_field = "division"
    scope_roles = {"view": SECTOR_VIEWERS, "add": SECTOR_EDITORS, "change": SECTOR_EDITORS}

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("关停令")
        verbose_name_plural = _("关停令")

    def __str__(self) -> str:
        return f"{self.division.name} {self.sector.name} {self.get_kind_display()}"
