"""24小时值班: each unit's roster of shifts (a shift may cross midnight, 08:30–次日08:30) with its
leading official (带班领导) and duty officer (值班员), swaps (调班, audited), the duty log (calls received
and what was done) and the handover note at the end of a shift. Who is on duty now is the shift whose
stored `[starts_at, ends_at)` holds the instant, with its people as they are after any swap."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import Role
from fangkong.core.scoping import VIEW, ScopedModel

from ..choices import DutyRole, SwapStatus
from ..roles import DUTY_KEEPERS, DUTY_PLANNERS, DUTY_VIEWERS
from .structure import Unit, sees_all

DEFAULT_START = dt.time(8, 30)


def shift_bounds(day: dt.date, start: dt.time, end: dt.time) -> tuple[dt.datetime, dt.datetime]:
    """The instants a shift of `day` from `start` to `end` begins and ends (local time); an end at
    or before the start is on the next day (次日)."""
    starts = timezone.make_aware(dt.datetime.combine(day, start))
    end_day = day + dt.timedelta(days=1) if end <= start else day
    ends = timezone.make_aware(dt.datetime.combine(end_day, end))
    return starts.astimezone(dt.UTC), ends.astimezone(dt.UTC)  # as the database gives them back


class DutyShift(ScopedModel):
    """值班安排: one shift of a unit's roster — its day, hours, 带班领导 and 值班员, and the handover note."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="shifts", verbose_name=_("值班单位"))
    day = models.DateField(_("值班日期"))
    start = models.TimeField(_("开始时间"), default=DEFAULT_START)
    end = models.TimeField(_("结束时间"), default=DEFAULT_START, help_text=_("不晚于开始时间即为次日，如 08:30–次日08:30"))
    starts_at = models.DateTimeField(_("开始"), editable=False)
    ends_at = models.DateTimeField(_("结束"), editable=False)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="duty_led", verbose_name=_("带班领导"))
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="duty_kept", verbose_name=_("值班员"))
    handover = models.TextField(_("交接班记录"), blank=True)
    handed_over_at = models.DateTimeField(_("交班时间"), null=True, blank=True)

    scope_division_field = "unit__division"
    scope_roles = {"view": DUTY_VIEWERS, "add": DUTY_PLANNERS, "change": DUTY_PLANNERS, "delete": DUTY_PLANNERS,
                   "keep": DUTY_KEEPERS}

    class Meta:
        ordering = ["starts_at", "unit__order", "id"]
        verbose_name = _("值班安排")
        verbose_name_plural = _("值班安排")
        constraints = [models.UniqueConstraint(fields=["unit", "starts_at"], name="command_shift_unit_start_unique",
                                               violation_error_message="该单位此时段已有值班安排")]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="command_shift_span"),
                   models.Index(fields=["unit", "ends_at"], name="command_shift_unit_end")]

    def __str__(self) -> str:
        return f"{self.unit} {self.day:%m-%d} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self) -> None:
        super().clean()
        if self.day and self.start and self.end:
            self.starts_at, self.ends_at = shift_bounds(self.day, self.start, self.end)
            if self.unit_id:
                overlap = DutyShift.objects.filter(unit_id=self.unit_id, starts_at__lt=self.ends_at,
                                                   ends_at__gt=self.starts_at).exclude(pk=self.pk)
                if overlap.exists():
                    raise ValidationError(_("与本单位已有的值班时段重叠"))
        if self.leader_id and self.leader_id == self.officer_id:
            raise ValidationError({"officer": _("带班领导和值班员不能是同一人")})

    def save(self, *args, **kwargs) -> None:
        if self.day and self.start and self.end:
            self.starts_at, self.ends_at = shift_bounds(self.day, self.start, self.end)
        super().save(*args, **kwargs)

    @classmethod
    def scope_refine(cls, qs, user, action):
        if user.has_role(Role.COMMAND_CENTER) or (sees_all(user) and action == VIEW):
            return qs
        mine = Q(leader=user) | Q(officer=user)
        if action == VIEW:
            return qs.filter(mine | Q(unit__in=Unit.of_member(user)))
        if action == "keep":
            return qs.filter(mine | Q(unit__in=Unit.led_by(user)))
        return qs.filter(unit__in=Unit.led_by(user))

    def person(self, role: str):
        return self.leader if role == DutyRole.LEADER else self.officer

    def is_on(self, when: dt.datetime) -> bool:
        return self.starts_at <= when < self.ends_at


class DutySwap(models.Model):
    """调班: one place of a shift (带班领导 or 值班员) handed from one person to another, asked by the
    person on the roster and approved by the unit's leader, or made directly by the leader."""

    shift = models.ForeignKey(DutyShift, on_delete=models.CASCADE, related_name="swaps", verbose_name=_("值班安排"))
    role = models.CharField(_("岗位"), max_length=20, choices=DutyRole.choices)
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("原值班人"))
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("替班人"))
    reason = models.CharField(_("调班原因"), max_length=200)
    status = models.CharField(_("状态"), max_length=20, choices=SwapStatus.choices, default=SwapStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("申请人"))
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("审批人"))
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)

    class Meta:
        ordering = ["shift", "requested_at", "id"]
        verbose_name = _("调班")
        verbose_name_plural = _("调班")

    def __str__(self) -> str:
        return f"{self.shift} {self.get_role_display()} {self.from_user} → {self.to_user}"


class DutyLogEntry(ScopedModel):
    """值班记录: a call or message received on a shift, and what was done about it."""

    shift = models.ForeignKey(DutyShift, on_delete=models.PROTECT, related_name="log", verbose_name=_("值班安排"))
    at = models.DateTimeField(_("时间"), default=timezone.now)
    caller = models.CharField(_("来电（来文）单位及人员"), max_length=100)
    caller_phone = models.CharField(_("来电号码"), max_length=20, blank=True)
    content = models.TextField(_("主要内容"))
    handling = models.TextField(_("处理情况"), blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("记录人"))

    scope_division_field = "shift__unit__division"
    scope_roles = {"view": DUTY_VIEWERS, "add": DUTY_KEEPERS, "change": DUTY_KEEPERS}

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("值班记录")
        verbose_name_plural = _("值班记录")
        indexes = [models.Index(fields=["shift", "at"], name="command_dutylog_shift_at")]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%m-%d %H:%M} {self.caller}"

    @classmethod
    def scope_refine(cls, qs, user, action):
        if user.has_role(Role.COMMAND_CENTER) or (sees_all(user) and action == VIEW):
            return qs
        mine = Q(shift__leader=user) | Q(shift__officer=user)
        if action == VIEW:
            return qs.filter(mine | Q(shift__unit__in=Unit.of_member(user)))
        return qs.filter(mine | Q(shift__unit__in=Unit.led_by(user)))


def on_duty_at(when: dt.datetime | None = None) -> models.QuerySet:
    """The shifts running at `when` (default now): begun at or before it, not yet ended."""
    when = when or timezone.now()
    return DutyShift.objects.filter(starts_at__lte=when, ends_at__gt=when)


def centre_on_duty(division=None, when: dt.datetime | None = None) -> list:
    """The active accounts on duty at `when` in the command centre's units (headquarters, office)
    whose division holds `division` (any when None): where alerts and reminders go at any hour."""
    from ..choices import CENTRE_KINDS

    shifts = on_duty_at(when).filter(unit__kind__in=CENTRE_KINDS).select_related("unit__division", "leader", "officer")
    users = {}
    for s in shifts:
        if division is not None and not s.unit.division.contains(division):
            continue
        for u in (s.officer, s.leader):
            if u is not None and u.is_active:
                users[u.pk] = u
    return list(users.values())
