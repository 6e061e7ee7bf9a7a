"""接触者: the people at risk around a case, and the plan each was given under a protocol version."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.scoping import ScopedModel

from ..choices import ContactCategory, ContactSource, ContactStatus, EvidenceSource
from .cases import CASE_ROLES


class Contact(ScopedModel):
    """密接 / 次密接 / 一般接触者 / 时空伴随者 of a case (or of a list from another region).

    Each becomes a lead of screening's intake (`lead_id`); `via` is the close contact a secondary
    contact met, so a positive close contact upgrades them. `plan` is the current ContactPlan."""

    case = models.ForeignKey("tracing.Case", on_delete=models.CASCADE, null=True, blank=True,
                             related_name="contacts", verbose_name=_("关联病例"))
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("所属区划"))
    category = models.CharField(_("人员类别"), max_length=16, choices=ContactCategory.choices)
    name = models.CharField(_("姓名"), max_length=40, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("现住址"), max_length=255, blank=True)
    place = models.CharField(_("接触地点"), max_length=255, blank=True)
    segment = models.ForeignKey("tracing.Segment", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="contacts", verbose_name=_("轨迹"))
    last_exposure_at = models.DateTimeField(_("末次接触时间"))
    evidence = models.CharField(_("判定依据"), max_length=16, choices=EvidenceSource.choices,
                                default=EvidenceSource.SELF)
    via = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="secondaries",
                            verbose_name=_("所接触的密接"))
    source = models.CharField(_("来源"), max_length=16, choices=ContactSource.choices,
                              default=ContactSource.INVESTIGATION)
    origin = models.CharField(_("来源地区"), max_length=128, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=ContactStatus.choices,
                              default=ContactStatus.IDENTIFIED)
    plan = models.ForeignKey("tracing.ContactPlan", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("现行管控计划"))
    lead_id = models.BigIntegerField(_("线索"), null=True, blank=True)  # screening.Lead, a reference only
    controlled_at = models.DateTimeField(_("落地管控时间"), null=True, blank=True)
    upgraded_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    batch = models.ForeignKey("core.Batch", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("批次"))
    row_number = models.PositiveIntegerField(_("行号"), null=True, blank=True)
    dedup_key = models.CharField(_("去重键"), max_length=40)
    created_at = models.DateTimeField(_("判定时间"), auto_now_add=True)

    scope_division_field = "division"
    scope_roles = CASE_ROLES

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("接触者")
        verbose_name_plural = _("接触者")
        constraints = [
            models.UniqueConstraint(fields=["dedup_key"], name="contact_dedup_unique",
                                    violation_error_message="该接触者已登记"),
        ]
        indexes = [models.Index(fields=["id_number"], name="contact_id_number"),
                   models.Index(fields=["phone"], name="contact_phone")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.name or self.phone}"


class ContactPlan(ScopedModel):
    """管控计划: the measure and test dates a contact was given, under the version it was computed
    under. A new version or an upgrade adds a plan; the old one stays as it was."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="plans", verbose_name=_("接触者"))
    protocol = models.ForeignKey("tracing.ProtocolVersion", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("方案版本"))
    category = models.CharField(_("人员类别"), max_length=16, choices=ContactCategory.choices)
    exposed_on = models.DateField(_("末次接触日期"))
    plan_start_on = models.DateField(_("管控第1天"))
    central_until = models.DateField(_("集中隔离解除日"), null=True, blank=True)
    ends_on = models.DateField(_("解除日期"))
    test_dates = models.JSONField(_("检测日期"), default=list)
    described = models.CharField(_("管控要求"), max_length=255)
    computed_at = models.DateTimeField(_("计算时间"), auto_now_add=True)

    scope_division_field = "contact__division"
    scope_roles = CASE_ROLES

    class Meta:
        ordering = ["contact", "-computed_at", "-id"]
        verbose_name = _("管控计划")
        verbose_name_plural = _("管控计划")

    def __str__(self) -> str:
        return f"{self.contact} {self.protocol.code} {self.plan_start_on}–{self.ends_on}"
