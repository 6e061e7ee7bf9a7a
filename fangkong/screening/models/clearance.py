"""日清日结: the closing of a day and what it carries forward."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import Role
from fangkong.core.scoping import ScopedModel, roles

from .person import SCREENING_VIEWERS


class DailyClearance(ScopedModel):
    """日清日结: one day closed for one division, with the day's numbers as they stood."""

    date = models.DateField(_("日期"))
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("区划"))
    closed_by = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, related_name="+",
                                  verbose_name=_("结账人"))
    closed_at = models.DateTimeField(_("结账时间"))
    counts = models.JSONField(_("当日数字"), default=dict)
    summary = models.TextField(_("汇报文字"), blank=True)

    scope_division_field = "division"
    scope_roles = {"view": SCREENING_VIEWERS,
                   "add": roles(Role.COMMAND_CENTER, Role.MODULE_LEAD, Role.MODULE_ADMIN, Role.TOWNSHIP_CADRE)}

    class Meta:
        ordering = ["-date", "division__path"]
        verbose_name = _("日清日结")
        verbose_name_plural = _("日清日结")
        constraints = [
            models.UniqueConstraint(fields=["date", "division"], name="dailyclearance_once_per_day",
                                    violation_error_message="该区划当天已日结"),
        ]

    def __str__(self) -> str:
        return f"{self.division} {self.date:%Y-%m-%d}"


class ClearanceItem(ScopedModel):
    """未清项: a verification not cleared at the day's close, with why; carried to the next day."""

    clearance = models.ForeignKey(DailyClearance, on_delete=models.CASCADE, related_name="items",
                                  verbose_name=_("日结"))
    verification = models.ForeignKey("screening.Verification", on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("核查任务"))
    reason = models.CharField(_("未清原因"), max_length=255)
    days_open = models.PositiveSmallIntegerField(_("已结转天数"), default=1)

    scope_division_field = "clearance__division"
    scope_roles = DailyClearance.scope_roles

    class Meta:
        ordering = ["clearance", "id"]
        verbose_name = _("未清项")
        verbose_name_plural = _("未清项")

    def __str__(self) -> str:
        return f"{self.verification}: {self.reason}"
