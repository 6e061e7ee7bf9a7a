"""线索: one record pushed to the county through one channel."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import Module
from fangkong.core.scoping import ScopedQuerySet

from ..choices import Channel, LeadKind
from .person import SCREENING_EDITORS, SCREENING_VIEWERS, Person, ScopedModel, module_refine


class Lead(ScopedModel):
    """线索: as received (name, ID, phone as cleaned; where from, when arrived, where staying).

    `dedup_key` is a digest of the channel and the row's cleaned values, so the same row
    imported twice (or submitted twice) adds nothing. `division` is where it was routed.
    Every index costs a million-row import seconds, so only what lists and boards filter on
    (received_at, batch, person, division) is indexed; channel / module narrow those further.
    A task's leads are found through its person (`Verification.leads`), so `verification`
    carries no index of its own. Its references are not database constraints (leads are written only by
    `intake.apply`, a million at a time): see `docs/ARCHITECTURE.md`, "Foreign keys on the intake
    tables".
    """

    channel = models.CharField(_("渠道"), max_length=32, choices=Channel.choices)
    module = models.CharField(_("所属模块"), max_length=32, choices=Module.choices)
    source = models.CharField(_("数据来源"), max_length=64, blank=True)
    kind = models.CharField(_("类别"), max_length=16, choices=LeadKind.choices, default=LeadKind.DOMESTIC)
    batch = models.ForeignKey("core.Batch", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="leads", verbose_name=_("批次"), db_constraint=False)
    row_number = models.PositiveIntegerField(_("行号"), null=True, blank=True)
    dedup_key = models.CharField(_("去重键"), max_length=40)
    name = models.CharField(_("姓名"), max_length=40, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("现住址"), max_length=255, blank=True)
    origin = models.CharField(_("来源地/风险地区"), max_length=255, blank=True)
    arrived_at = models.DateTimeField(_("到达时间"), null=True, blank=True)
    pushed_at = models.DateTimeField(_("推送时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("接收时间"), db_index=True)
    note = models.TextField(_("备注"), blank=True)
    receipt_code = models.CharField(_("回执码"), max_length=12, null=True, blank=True)  # noqa: DJ001 — NULL is not unique
    reported_by = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("填报人"), db_index=False, db_constraint=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="leads", verbose_name=_("人员"),
                               db_constraint=False)
    # related_name "+": `Verification.leads` reads them through the indexed person column.
    verification = models.ForeignKey("screening.Verification", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("核查任务"), db_constraint=False,
                                     db_index=False)
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("管理区划"), db_constraint=False)

    scope_division_field = "division"
    scope_roles = {"view": SCREENING_VIEWERS, "add": SCREENING_EDITORS, "change": SCREENING_EDITORS}

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("线索")
        verbose_name_plural = _("线索")
        constraints = [
            # Constraints rather than unique=True: on PostgreSQL that adds a second, LIKE index.
            models.UniqueConstraint(fields=["dedup_key"], name="lead_dedup_key_unique"),
            # Only self-reports carry a code: list rows add no index entry.
            models.UniqueConstraint(fields=["receipt_code"], condition=Q(receipt_code__isnull=False),
                                    name="lead_receipt_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.name or self.phone}"

    @classmethod
    def scope_refine(cls, qs: ScopedQuerySet, user, action: str) -> ScopedQuerySet:
        return module_refine(qs, user, "module")
