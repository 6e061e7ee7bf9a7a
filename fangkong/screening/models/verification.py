"""核查: the task of locating and assessing one person, with its deadlines, attempts and review."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import MeasureKind, Module, Role
from fangkong.core.scoping import ScopedModel, ScopedQuerySet, roles

from ..choices import (
    AttemptKind,
    Channel,
    EscalationLevel,
    Outcome,
    ReviewDecision,
    VerificationStatus,
)
from .leads import Lead
from .person import SCREENING_EDITORS, SCREENING_VIEWERS, Person, module_refine

# "1.3.8" for pushed data (001: located in 1 h, sampled in 3 h, result in 8 h); 2/12/24 elsewhere.
DEFAULT_DEADLINES: dict[str, tuple[int, int, int]] = {
    Channel.BIG_DATA: (1, 3, 8),
    Channel.CLOSE_CONTACT: (1, 3, 8),
    Channel.SECONDARY_CONTACT: (2, 6, 12),
    # 哨点监测: a buyer of the four classes of drugs or a fever patient is found within 12 h and
    # tested within N = 48 h (issue #13); N is this channel's stored policy once edited.
    Channel.SENTINEL: (12, 48, 72),
}
FALLBACK_DEADLINES = (2, 12, 24)


class DeadlinePolicy(models.Model):
    """核查时限: per channel, hours to locate, to sample and to report the result."""

    channel = models.CharField(_("渠道"), max_length=32, choices=Channel.choices, unique=True)
    located_hours = models.PositiveSmallIntegerField(_("落地时限(小时)"))
    sampled_hours = models.PositiveSmallIntegerField(_("采样时限(小时)"))
    result_hours = models.PositiveSmallIntegerField(_("结果时限(小时)"))
    command_after_hours = models.PositiveSmallIntegerField(
        _("升级至指挥部(超时后小时)"), default=2,
        help_text=_("超时先通知乡镇,再过这么多小时仍未落地则升级到指挥部"),
    )
    max_attempts = models.PositiveSmallIntegerField(_("无人接听次数上限"), default=3,
                                                    help_text=_("达到后转入难查数据"))

    class Meta:
        ordering = ["channel"]
        verbose_name = _("核查时限")
        verbose_name_plural = _("核查时限")
        constraints = [
            models.CheckConstraint(
                condition=Q(located_hours__lte=models.F("sampled_hours"))
                & Q(sampled_hours__lte=models.F("result_hours")),
                name="deadlinepolicy_ordered", violation_error_message="时限须满足:落地 ≤ 采样 ≤ 结果",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.located_hours}/{self.sampled_hours}/{self.result_hours}"

    @classmethod
    def for_channel(cls, channel: str) -> DeadlinePolicy:
        """The stored policy of a channel, else the default (unsaved)."""
        found = cls.objects.filter(channel=channel).first()
        if found:
            return found
        located, sampled, result = DEFAULT_DEADLINES.get(channel, FALLBACK_DEADLINES)
        return cls(channel=channel, located_hours=located, sampled_hours=sampled, result_hours=result)

    def dues(self, start: dt.datetime) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
        h = dt.timedelta(hours=1)
        return start + self.located_hours * h, start + self.sampled_hours * h, start + self.result_hours * h


class Verification(ScopedModel):
    """核查任务: one open per person, however many leads point at them.

    `next_due_at` is the earliest deadline of a stage not yet done; `escalate_at` is when the
    escalation job acts next (indexed with status, claimed by conditional update). Low-cardinality
    columns (channel, module, status alone) carry no index of their own: each costs imports.
    """

    # No database constraint, like the lead's: an import writes its persons and their tasks in
    # one transaction, and the deferred check read every new person again at each commit.
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="verifications",
                               verbose_name=_("人员"), db_constraint=False)
    channel = models.CharField(_("渠道"), max_length=32, choices=Channel.choices)
    module = models.CharField(_("所属模块"), max_length=32, choices=Module.choices)
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("责任区划"), db_constraint=False)
    # Not indexed: boards group by it over all rows anyway, and lists find a township's tasks
    # through `division` (its subtree), which is.
    township = models.ForeignKey("core.Division", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("所属乡镇"), db_constraint=False, db_index=False)
    assignee = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="verifications", verbose_name=_("责任人"), db_constraint=False)
    status = models.CharField(_("状态"), max_length=16, choices=VerificationStatus.choices,
                              default=VerificationStatus.OPEN)
    # When the task opened, its deadlines' start (a lead's `pushed_at` is when the source pushed). Not
    # indexed: no list filters or sorts by it, and every new task would pay for the entry.
    opened_at = models.DateTimeField(_("派单时间"))
    located_due_at = models.DateTimeField(_("落地时限"))
    sampled_due_at = models.DateTimeField(_("采样时限"))
    result_due_at = models.DateTimeField(_("结果时限"))
    located_at = models.DateTimeField(_("落地时间"), null=True, blank=True)
    sampled_at = models.DateTimeField(_("采样时间"), null=True, blank=True)
    result_at = models.DateTimeField(_("结果时间"), null=True, blank=True)
    next_due_at = models.DateTimeField(_("最近时限"), null=True, blank=True, db_index=True)
    escalation_level = models.PositiveSmallIntegerField(_("升级"), choices=EscalationLevel.choices,
                                                        default=EscalationLevel.NONE)
    escalate_at = models.DateTimeField(_("下次升级时间"), null=True, blank=True)
    no_answer_count = models.PositiveSmallIntegerField(_("无人接听次数"), default=0)
    outcome = models.CharField(_("核查结果"), max_length=16, choices=Outcome.choices, blank=True)
    measure_kind = models.CharField(_("管控措施"), max_length=32, choices=MeasureKind.choices, blank=True)
    outcome_reason = models.CharField(_("说明"), max_length=255, blank=True)
    outcome_place = models.CharField(_("现在何处"), max_length=255, blank=True)
    outcome_by = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("填报人"), db_index=False,
                                   db_constraint=False)
    outcome_at = models.DateTimeField(_("填报时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    scope_division_field = "division"
    scope_roles = {"view": SCREENING_VIEWERS, "add": SCREENING_EDITORS, "change": SCREENING_EDITORS}

    class Meta:
        ordering = ["next_due_at", "id"]
        verbose_name = _("核查任务")
        verbose_name_plural = _("核查任务")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=~Q(status=VerificationStatus.CLOSED), name="verification_one_open_per_person",
                violation_error_message="该人员已有未办结的核查任务",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.CONTROLLED) | ~Q(measure_kind=""),
                name="verification_controlled_has_measure", violation_error_message="落地管控必须选择管控措施",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "escalate_at"], name="verification_escalation"),
            # New tasks are open: only closing one adds an entry.
            models.Index(fields=["closed_at"], condition=Q(closed_at__isnull=False), name="verification_closed_at"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_channel_display()}"

    @property
    def outcome_label(self) -> str:
        """落地管控（集中隔离）; other outcomes by their name alone (排除风险 names its measure already)."""
        if not self.outcome:
            return ""
        if self.outcome == Outcome.CONTROLLED and self.measure_kind:
            return f"{self.get_outcome_display()}（{self.get_measure_kind_display()}）"
        return str(self.get_outcome_display())

    @classmethod
    def scope_refine(cls, qs: ScopedQuerySet, user, action: str) -> ScopedQuerySet:
        return module_refine(qs, user, "module")

    @property
    def leads(self) -> models.QuerySet[Lead]:
        """The task's leads, found through the person's (indexed) leads: `Lead.verification` has no
        index, since a million-row import would pay for every entry."""
        return Lead.objects.filter(person_id=self.person_id, verification=self)

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return self.status != VerificationStatus.CLOSED and bool(self.next_due_at) and self.next_due_at < timezone.now()

    def compute_next_due(self) -> dt.datetime | None:
        if self.status == VerificationStatus.CLOSED or self.outcome:
            return None
        for done, due in ((self.located_at, self.located_due_at), (self.sampled_at, self.sampled_due_at),
                          (self.result_at, self.result_due_at)):
            if done is None:
                return due
        return None


class ContactAttempt(ScopedModel):
    """联系记录: one call or visit on a verification."""

    verification = models.ForeignKey(Verification, on_delete=models.CASCADE, related_name="attempts",
                                     verbose_name=_("核查任务"))
    kind = models.CharField(_("方式"), max_length=16, choices=AttemptKind.choices)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    by = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, related_name="+",
                           verbose_name=_("记录人"))
    at = models.DateTimeField(_("时间"))

    scope_division_field = "verification__division"
    scope_roles = Verification.scope_roles

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("联系记录")
        verbose_name_plural = _("联系记录")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%m-%d %H:%M}"


class Review(ScopedModel):
    """审核: a reviewer's decision on a submitted outcome; only approved outcomes count."""

    verification = models.ForeignKey(Verification, on_delete=models.CASCADE, related_name="reviews",
                                     verbose_name=_("核查任务"))
    decision = models.CharField(_("审核意见"), max_length=16, choices=ReviewDecision.choices)
    outcome = models.CharField(_("核查结果"), max_length=16, choices=Outcome.choices)
    comment = models.CharField(_("说明"), max_length=255, blank=True)
    by = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, related_name="+",
                           verbose_name=_("审核员"))
    at = models.DateTimeField(_("审核时间"), db_index=True)

    scope_division_field = "verification__division"
    scope_roles = {"view": SCREENING_VIEWERS, "add": roles(Role.REVIEWER, Role.COMMAND_CENTER)}

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审核")
        verbose_name_plural = _("审核")

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.verification}"

    @classmethod
    def scope_refine(cls, qs: ScopedQuerySet, user, action: str) -> ScopedQuerySet:
        return module_refine(qs, user, "verification__module")
