from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.scoping import VIEW, ScopedModel, ScopedQuerySet, in_subtree

from ..choices import MemberKind, Presence, SweepStatus, VisitStatus
from ..roles import GRID_VIEWERS, SWEEP_ORGANISERS, VISITORS
from .questionnaire import Questionnaire

if TYPE_CHECKING:
    from fangkong.core.models import User


class Sweep(ScopedModel):
    """地毯式排摸: a door-to-door round over every registry household of chosen divisions, with a
    deadline and a questionnaire. Its households are its `Visit`s, made when it starts."""

    name = models.CharField(_("名称"), max_length=100)
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("组织区划"))
    areas = models.ManyToManyField("core.Division", related_name="+", verbose_name=_("排摸区域"))
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="sweeps",
                                      verbose_name=_("排摸问卷"))
    due_at = models.DateTimeField(_("完成时限"), db_index=True)
    max_attempts = models.PositiveSmallIntegerField(_("不在家上门次数上限"), default=3,
                                                    help_text=_("达到次数仍不在家的计为未遇"))
    status = models.CharField(_("状态"), max_length=16, choices=SweepStatus.choices, default=SweepStatus.OPEN)
    previous = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("上一轮排摸"))
    households = models.PositiveIntegerField(_("户数"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("发起人"))
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)

    # Seen in the organiser's subtree and by everyone below it (a grid worker sees the county's
    # sweep; its households stay scoped through the visits), like a sampling round.
    scope_division_field = None
    scope_roles = {"view": GRID_VIEWERS, "add": SWEEP_ORGANISERS, "change": SWEEP_ORGANISERS}

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("地毯式排摸")
        verbose_name_plural = _("地毯式排摸")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_refine(cls, qs: ScopedQuerySet, user: User, action: str) -> ScopedQuerySet:
        here = user.division
        below = in_subtree(qs, "division", here)
        if action != VIEW:  # organising is not inherited: a township may not change the county's sweep
            return below
        return below | qs.filter(division__path__in=[*here.ancestor_paths, here.path])


class SweepGrid(models.Model):
    """A grid of a sweep: where its overdue escalation is claimed, once per grid."""

    sweep = models.ForeignKey(Sweep, on_delete=models.CASCADE, related_name="grids", verbose_name=_("排摸"))
    grid = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("网格"))
    escalated_at = models.DateTimeField(_("超时升级时间"), null=True, blank=True)

    class Meta:
        ordering = ["sweep", "grid__path"]
        verbose_name = _("排摸网格")
        verbose_name_plural = _("排摸网格")
        constraints = [models.UniqueConstraint(fields=["sweep", "grid"], name="sweepgrid_unique",
                                               violation_error_message="该网格已在本轮排摸中")]

    def __str__(self) -> str:
        return f"{self.sweep} {self.grid}"


class Visit(ScopedModel):
    """走访 (排摸户): one registry household of a sweep, for its grid worker.

    Written a hundred thousand at a time when a sweep starts: the household, grid and worker are
    references without a database constraint (rows the platform never deletes outside the ORM;
    see docs/ARCHITECTURE.md, "Foreign keys on the intake tables"). `members` is the household's
    registry size when the sweep started; `answered` and `found` are kept by the actions, so
    coverage is one grouped count of this table.
    """

    sweep = models.ForeignKey(Sweep, on_delete=models.CASCADE, related_name="visits", verbose_name=_("排摸"))
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, db_constraint=False,
                                  related_name="+", verbose_name=_("户"))
    grid = models.ForeignKey("core.Division", on_delete=models.PROTECT, db_constraint=False, related_name="+",
                             verbose_name=_("网格"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 db_constraint=False, related_name="+", verbose_name=_("网格员"))
    address = models.CharField(_("住址"), max_length=255, blank=True)
    members = models.PositiveIntegerField(_("台账人数"), default=0)
    answered = models.PositiveIntegerField(_("已登记台账人数"), default=0)
    found = models.PositiveIntegerField(_("新增人数"), default=0)
    status = models.CharField(_("走访状态"), max_length=16, choices=VisitStatus.choices, default=VisitStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("不在家次数"), default=0)
    visited_at = models.DateTimeField(_("走访时间"), null=True, blank=True)
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   db_constraint=False, related_name="+", verbose_name=_("走访人"))
    note = models.CharField(_("说明"), max_length=255, blank=True)

    scope_division_field = "grid"
    scope_roles = {"view": GRID_VIEWERS, "change": VISITORS}

    class Meta:
        # The worker walks building by building: the registry address sorts them so.
        ordering = ["grid_id", "address", "id"]
        verbose_name = _("排摸户")
        verbose_name_plural = _("排摸户")
        constraints = [models.UniqueConstraint(fields=["sweep", "household"], name="visit_one_per_household",
                                               violation_error_message="该户已在本轮排摸中")]
        indexes = [models.Index(fields=["sweep", "grid", "status"], name="visit_sweep_grid_status"),
                   models.Index(fields=["sweep", "grid", "address"], name="visit_sweep_grid_address")]

    def __str__(self) -> str:
        return self.address or str(self.household_id)

    @property
    def is_open(self) -> bool:
        return self.status in (VisitStatus.PENDING, VisitStatus.NOT_HOME)


class MemberAnswer(ScopedModel):
    """One person's answers at one visit: a registry member, or a person found who is not in the
    registry (a new resident or a visitor). Keeps the questionnaire version it was given under."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="answers", verbose_name=_("排摸户"))
    resident = models.ForeignKey("registry.Resident", on_delete=models.SET_NULL, null=True, blank=True,
                                 db_constraint=False, related_name="+", verbose_name=_("台账人员"))
    kind = models.CharField(_("人员类别"), max_length=16, choices=MemberKind.choices, default=MemberKind.REGISTERED)
    name = models.CharField(_("姓名"), max_length=40)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("问卷版本"))
    answers = models.JSONField(_("回答"), default=dict)
    presence = models.CharField(_("在家情况"), max_length=16, choices=Presence.choices, default=Presence.PRESENT)
    risk = models.BooleanField(_("有风险"), default=False)
    unchanged = models.BooleanField(_("无变化"), default=False)
    lead = models.ForeignKey("screening.Lead", on_delete=models.SET_NULL, null=True, blank=True,
                             db_constraint=False, related_name="+", verbose_name=_("线索"))
    registry_updated = models.BooleanField(_("已更新台账"), default=False)
    at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+", verbose_name=_("登记人"))

    scope_division_field = "visit__grid"
    scope_roles = {"view": GRID_VIEWERS, "change": VISITORS}

    class Meta:
        ordering = ["visit_id", "id"]
        verbose_name = _("排摸人员登记")
        verbose_name_plural = _("排摸人员登记")
        constraints = [models.UniqueConstraint(fields=["visit", "resident"], condition=models.Q(resident__isnull=False),
                                               name="answer_one_per_member",
                                               violation_error_message="该人员本轮已登记")]
        indexes = [models.Index(fields=["resident", "visit"], name="answer_resident_visit")]

    def __str__(self) -> str:
        return self.name
