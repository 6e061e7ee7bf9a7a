from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.scoping import ScopedModel

from ..choices import RISK_RANK, RiskLevel
from ..roles import CONTROL_VIEWERS, POLICY_EDITORS

NAME_FIELDS = ("province", "city", "county", "township", "community")


class RiskArea(ScopedModel):
    """风险区: one period during which a place anywhere in the country had one risk level.

    A place is named by free text at any level (empty parts match anything below); a change of
    level closes the current period (`lifted_on`) and opens a new one, so history is kept and
    "was this place medium-risk on 8 August?" is a date-range query. `lifted_on` is the first
    day the level no longer applies.
    """

    level = models.CharField(_("风险等级"), max_length=8, choices=RiskLevel.choices, db_index=True)
    rank = models.PositiveSmallIntegerField(_("等级序号"), editable=False)
    province = models.CharField(_("省"), max_length=32)
    city = models.CharField(_("市"), max_length=32, blank=True)
    county = models.CharField(_("县(区)"), max_length=32, blank=True)
    township = models.CharField(_("乡镇(街道)"), max_length=64, blank=True)
    community = models.CharField(_("村(社区)/小区"), max_length=128, blank=True)
    code = models.CharField(_("区划代码"), max_length=15, blank=True, db_index=True)
    effective_from = models.DateField(_("生效日期"), db_index=True)
    lifted_on = models.DateField(pgettext_lazy("risk area", "解除日期"), null=True, blank=True, db_index=True)
    source = models.CharField(_("来源"), max_length=128, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    scope_division_field = None  # places anywhere in the country: reference data
    scope_roles = {"view": CONTROL_VIEWERS, "add": POLICY_EDITORS, "change": POLICY_EDITORS,
                   "delete": POLICY_EDITORS}

    class Meta:
        ordering = ["province", "city", "county", "township", "community", "-effective_from"]
        verbose_name = _("风险区")
        verbose_name_plural = _("风险区")
        indexes = [models.Index(fields=["province", "city", "county"], name="riskarea_place")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lifted_on__isnull=True) | models.Q(lifted_on__gt=models.F("effective_from")),
                name="riskarea_lifted_after_effect",
                violation_error_message="解除日期必须晚于生效日期",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place}({self.get_level_display()})"

    def save(self, *args, **kwargs) -> None:
        self.rank = RISK_RANK[RiskLevel(self.level)]
        super().save(*args, **kwargs)

    @property
    def place(self) -> str:
        return "".join(getattr(self, f) for f in NAME_FIELDS if getattr(self, f))

    def place_key(self) -> tuple[str, ...]:
        return tuple(getattr(self, f) for f in NAME_FIELDS)
