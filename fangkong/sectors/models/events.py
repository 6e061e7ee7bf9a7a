"""红白事报备: weddings reported ahead and funerals at once, through the village; the limits that
flag a report are data (`EventRules`), a township officer supervises and logs the on-site check."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.scoping import ScopedModel

from ..choices import EventKind, EventStatus
from ..roles import EVENT_REPORTERS, EVENT_SUPERVISORS, SECTOR_EDITORS, SECTOR_VIEWERS


class EventRules(ScopedModel):
    """The county's limits for family events (one row; edited by the command centre)."""

    max_people = models.PositiveIntegerField(_("人数上限"), default=50)
    max_tables = models.PositiveIntegerField(_("桌数上限"), default=5)
    wedding_notice_days = models.PositiveSmallIntegerField(_("喜事提前报备天数"), default=3)
    funeral_notice_hours = models.PositiveSmallIntegerField(_("丧事报备时限（小时）"), default=24,
                                                           help_text=_("丧事须在办事前报备；办事当日起超过此时限仍未报备即为迟报"))
    outside_guests_allowed = models.BooleanField(_("允许县外来宾"), default=True)
    weddings_postponed = models.BooleanField(_("红事缓办"), default=False,
                                             help_text=_("开启后，所有喜事报备均提示“现行规定红事缓办”"))
    funeral_no_banquet = models.BooleanField(_("白事不办席"), default=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    scope_division_field = None  # one set of rules for the county
    scope_roles = {"view": SECTOR_VIEWERS, "change": SECTOR_EDITORS}

    class Meta:
        verbose_name = _("红白事报备规则")
        verbose_name_plural = _("红白事报备规则")

    def __str__(self) -> str:
        return str(_("红白事报备规则"))

    @classmethod
    def current(cls) -> EventRules:
        return cls.objects.order_by("pk").first() or cls()


class FamilyEvent(ScopedModel):
    """红白事: a wedding or funeral reported by its village, with the limits it breaks."""

    kind = models.CharField(_("类别"), max_length=16, choices=EventKind.choices)
    host_name = models.CharField(_("事主"), max_length=40)
    host_phone = models.CharField(_("事主电话"), max_length=20, blank=True)
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="family_events",
                                 verbose_name=_("所在村（社区）或网格"))
    place = models.CharField(_("举办地点"), max_length=200)
    event_date = models.DateField(_("举办日期"))
    tables = models.PositiveIntegerField(_("预计桌数"), default=0)
    guests = models.PositiveIntegerField(_("预计人数"))
    outside_guests = models.PositiveIntegerField(_("县外来宾人数"), default=0)
    outside_origins = models.CharField(_("县外来宾来源地"), max_length=255, blank=True)
    measures = models.CharField(_("防控措施"), max_length=255, blank=True,
                                help_text=_("如：扫码测温、查验核酸、分散就餐、缩小规模"))
    status = models.CharField(_("状态"), max_length=20, choices=EventStatus.choices, default=EventStatus.REPORTED)
    flags = models.JSONField(_("提示"), default=list, blank=True)
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="supervised_events", verbose_name=_("督导人"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("报备人"))
    reported_at = models.DateTimeField(_("报备时间"), default=timezone.now)

    scope_division_field = "division"
    scope_roles = {"view": SECTOR_VIEWERS, "add": EVENT_REPORTERS, "change": EVENT_SUPERVISORS}

    class Meta:
        ordering = ["-event_date", "-id"]
        verbose_name = _("红白事报备")
        verbose_name_plural = _("红白事报备")
        indexes = [models.Index(fields=["event_date"], name="familyevent_date")]

    def __str__(self) -> str:
        return f"{self.host_name} {self.get_kind_display()} {self.event_date}"

    def evaluate(self, rules: EventRules, *, now: dt.datetime | None = None) -> list[str]:
        """The limits this report breaks, in Chinese (empty: none)."""
        reported = timezone.localtime(self.reported_at or now or timezone.now())
        out = []
        if self.guests > rules.max_people:
            out.append(f"预计{self.guests}人，超过{rules.max_people}人上限")
        if rules.max_tables and self.tables > rules.max_tables:
            out.append(f"预计{self.tables}桌，超过{rules.max_tables}桌上限")
        if self.kind == EventKind.FUNERAL:
            late_after = dt.datetime.combine(self.event_date, dt.time.min, tzinfo=reported.tzinfo) + dt.timedelta(
                hours=rules.funeral_notice_hours)
            if reported > late_after:
                out.append(f"丧事报备晚于办事当日起{rules.funeral_notice_hours}小时")
        elif (self.event_date - reported.date()).days < rules.wedding_notice_days:
            out.append(f"未提前{rules.wedding_notice_days}天报备")
        if self.kind == EventKind.WEDDING and rules.weddings_postponed:
            out.append("现行规定红事缓办")
        if self.kind == EventKind.FUNERAL and rules.funeral_no_banquet and self.tables:
            out.append(f"白事不办席，报备有{self.tables}桌")
        if self.outside_guests and not rules.outside_guests_allowed:
            out.append(f"有县外来宾{self.outside_guests}人（现行规定不允许）")
        return out


class EventCheck(ScopedModel):
    """现场检查: what the supervising officer found at the event."""

    event = models.ForeignKey(FamilyEvent, on_delete=models.CASCADE, related_name="checks", verbose_name=_("红白事"))
    checked_at = models.DateTimeField(_("检查时间"), default=timezone.now)
    checker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("检查人"))
    actual_people = models.PositiveIntegerField(_("实到人数"))
    compliant = models.BooleanField(_("符合防控要求"))
    note = models.CharField(_("检查情况"), max_length=500, blank=True)

    scope_division_field = "event__division"
    scope_roles = {"view": SECTOR_VIEWERS, "add": EVENT_SUPERVISORS}

    class Meta:
        ordering = ["-checked_at", "-id"]
        verbose_name = _("红白事现场检查")
        verbose_name_plural = _("红白事现场检查")

    def __str__(self) -> str:
        return f"{self.event} {timezone.localtime(self.checked_at):%m-%d %H:%M}"
