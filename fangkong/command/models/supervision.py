"""督导: supervision groups (units of kind 督导组, their areas the divisions they cover) visit units,
announced or not (暗访), and record findings per unit and category. Each finding becomes a
dispatched rectification (a `Dispatch` of source 督导发现问题) with a deadline; when the unit reports
it done, the group re-checks it (复查): passed closes it, failed sends it back."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.scoping import VIEW, ScopedModel

from ..choices import FindingCategory, FindingSeverity, FindingStatus
from ..roles import SUPERVISION_VIEWERS, SUPERVISORS
from .dispatch import DispatchTask
from .structure import Unit, sees_all


def in_area(group: Unit, division) -> bool:
    """Whether `division` lies in a supervision group's areas (the divisions it covers; anywhere
    under its own division when it has none)."""
    areas = list(group.covers.all()) if group.pk else []
    return any(a.contains(division) for a in areas) if areas else group.division.contains(division)


def _supervision_scope(qs, user, action: str, group: str, unit: str):
    """Overseers see everything; a group's members see and work its rows; a visited unit's members
    see (only) what was found about them."""
    if sees_all(user) and action == VIEW:
        return qs
    from fangkong.core.choices import Role

    if user.has_role(Role.COMMAND_CENTER):
        return qs
    mine = Q(**{f"{group}__in": Unit.of_member(user)})
    if action == VIEW:
        mine |= Q(**{f"{unit}__in": Unit.of_member(user)})
    return qs.filter(mine)


class SupervisionVisit(ScopedModel):
    """督导检查: a supervision group's visit to a unit (or a division of its area), announced or not."""

    group = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="visits_made", verbose_name=_("督导组"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="visits", verbose_name=_("被督导单位"))
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="supervision_visits",
                                 verbose_name=_("督导区划"), blank=True)
    day = models.DateField(_("督导日期"), default=timezone.localdate)
    unannounced = models.BooleanField(_("暗访"), default=False, help_text=_("不打招呼、直奔现场的暗访督导"))
    members = models.CharField(_("督导人员"), max_length=200)
    places = models.CharField(_("检查点位"), max_length=200, blank=True)
    summary = models.TextField(_("督导情况"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_division_field = "division"
    scope_roles = {"view": SUPERVISION_VIEWERS, "add": SUPERVISORS, "change": SUPERVISORS, "delete": SUPERVISORS}

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("督导检查")
        verbose_name_plural = _("督导检查")
        indexes = [models.Index(fields=["unit", "day"], name="command_visit_unit_day")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.group} → {self.unit}"

    def clean(self) -> None:
        from ..choices import UnitKind

        super().clean()
        if self.group_id and self.group.kind != UnitKind.SUPERVISION:
            raise ValidationError({"group": _("请选择督导组")})
        if self.unit_id and not self.division_id:
            self.division = self.unit.division
        if self.group_id and self.division_id and not in_area(self.group, self.division):
            raise ValidationError({"division": _("%(d)s不在本督导组的督导片区内") % {"d": self.division.name}})
        if self.day and self.day > timezone.localdate():
            raise ValidationError({"day": _("督导日期不能晚于今天")})
        if not (self.members or "").strip():
            raise ValidationError({"members": _("请填写督导人员")})

    @classmethod
    def scope_refine(cls, qs, user, action):
        return _supervision_scope(qs, user, action, "group", "unit")


class Finding(ScopedModel):
    """督导发现问题: one problem a visit found at a unit, its rectification (a dispatched task, due at
    `due_at`) and its re-check."""

    visit = models.ForeignKey(SupervisionVisit, on_delete=models.CASCADE, related_name="findings",
                              verbose_name=_("督导检查"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="findings", verbose_name=_("责任单位"))
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="supervision_findings",
                                 verbose_name=_("问题区划"))
    category = models.CharField(_("问题类别"), max_length=24, choices=FindingCategory.choices)
    severity = models.CharField(_("严重程度"), max_length=20, choices=FindingSeverity.choices,
                                default=FindingSeverity.MINOR)
    description = models.TextField(_("问题描述"))
    photo = models.FileField(_("现场照片"), upload_to="findings/%Y/%m/", blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    task = models.ForeignKey(DispatchTask, on_delete=models.SET_NULL, null=True, blank=True, related_name="findings",
                             verbose_name=_("整改交办事项"))
    due_at = models.DateTimeField(_("整改时限"), null=True, blank=True)
    rectified_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True,
                                        help_text=_("复查通过的整改由责任单位报告办结的时间"))
    rechecks = models.PositiveSmallIntegerField(_("复查次数"), default=0)
    recheck_failed = models.PositiveSmallIntegerField(_("复查未通过次数"), default=0)
    rechecked_at = models.DateTimeField(_("最近复查时间"), null=True, blank=True)
    recheck_note = models.CharField(_("复查意见"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope_division_field = "division"
    scope_roles = {"view": SUPERVISION_VIEWERS, "add": SUPERVISORS, "change": SUPERVISORS, "delete": SUPERVISORS}

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("督导发现问题")
        verbose_name_plural = _("督导发现问题")
        indexes = [models.Index(fields=["unit", "category"], name="command_finding_unit_cat"),
                   models.Index(fields=["status", "due_at"], name="command_finding_status_due")]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_category_display()}"

    @classmethod
    def scope_refine(cls, qs, user, action):
        return _supervision_scope(qs, user, action, "visit__group", "unit")

    @property
    def on_time(self) -> bool | None:
        """整改按期: passed re-check with its completion reported by the deadline; None while open
        and not yet due."""
        if self.rectified_at is not None and self.due_at is not None:
            return self.rectified_at <= self.due_at
        if self.due_at is not None and self.due_at < timezone.now():
            return False
        return None
