"""日报与零报告: each reporting unit files its report of the day by its deadline. A report is filed
once; its deadline and whether it was late are stored when it is filed and never recomputed, so a
late report stays late. "Nothing to report" is a report of its own (零报告), never assumed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.core.scoping import ScopedModel

from ..roles import REPORT_VIEWERS, REPORTERS
from .structure import Unit, sees_all


class DailyReport(ScopedModel):
    """日报: a unit's report of one day: the figures prefilled from live data for its division (as
    confirmed when filing), its own lines, or an explicit zero report."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports", verbose_name=_("报送单位"))
    day = models.DateField(_("报告日期"))
    due_at = models.DateTimeField(_("截止时间"))
    filed_at = models.DateTimeField(_("报送时间"))
    late = models.BooleanField(_("迟报"), default=False)
    nothing_to_report = models.BooleanField(_("零报告"), default=False)
    figures = models.JSONField(_("数据"), default=list, blank=True)  # [[label, value], …] as filed
    content = models.TextField(_("情况报告"), blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("报送人"))

    scope_division_field = "unit__division"
    scope_roles = {"view": REPORT_VIEWERS, "add": REPORTERS}

    class Meta:
        ordering = ["-day", "unit__order", "id"]
        verbose_name = _("日报")
        verbose_name_plural = _("日报")
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="command_report_unit_day_unique",
                                    violation_error_message="该单位当日已报送日报"),
            models.CheckConstraint(condition=Q(nothing_to_report=True, content="") | Q(nothing_to_report=False),
                                   name="command_report_zero_has_no_content",
                                   violation_error_message="零报告不能填写情况内容"),
        ]
        indexes = [models.Index(fields=["day", "unit"], name="command_report_day_unit")]

    def __str__(self) -> str:
        return f"{self.unit} {self.day:%Y-%m-%d}"

    @classmethod
    def scope_refine(cls, qs, user, action):
        if sees_all(user):
            return qs
        return qs.filter(unit__in=Unit.of_member(user))
