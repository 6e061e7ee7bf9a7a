from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import MeasureKind, Module, Role
from fangkong.core.scoping import ScopedModel

from ..choices import (
    CheckInSource,
    ContactType,
    DoorCheckOutcome,
    MeasureStatus,
    OriginLevel,
    TestKind,
    TestStatus,
)
from ..roles import BROAD_ROLES, CONTROL_EDITORS, CONTROL_VIEWERS, DOCTORS


class SiteScopedModel(ScopedModel):
    """Site staff without a broader role see only rows of the sites they work at."""

    site_lookup = "site"

    class Meta:
        abstract = True

    @classmethod
    def scope_refine(cls, qs, user, action):
        if Role.SITE_STAFF in user.role_names and not (user.role_names & BROAD_ROLES):
            return qs.filter(**{f"{cls.site_lookup}__staff": user})
        return qs


class Exposure(ScopedModel):
    """风险来源: what the policy rules look at for one control episode of a person — the lead
    channel, contact type, the area they came from and when they left it."""

    person = models.ForeignKey("screening.Person", on_delete=models.CASCADE, related_name="exposures",
                               verbose_name=_("涉疫风险人员"))
    channel = models.CharField(_("线索渠道"), max_length=32, choices=Module.choices, blank=True)
    contact_type = models.CharField(_("接触类型"), max_length=32, choices=ContactType.choices, blank=True)
    origin_province = models.CharField(_("来源省"), max_length=32, blank=True, db_index=True)
    origin_city = models.CharField(_("来源市"), max_length=32, blank=True)
    origin_county = models.CharField(_("来源县(区)"), max_length=32, blank=True)
    origin_township = models.CharField(_("来源乡镇(街道)"), max_length=64, blank=True)
    origin_community = models.CharField(_("来源村(社区)"), max_length=128, blank=True)
    left_on = models.DateField(_("离开来源地日期"), null=True, blank=True)
    from_abroad = models.BooleanField(_("境外返回"), default=False)
    vaccinated = models.BooleanField(_("已完成疫苗接种"), null=True, blank=True)
    # Derived from the risk-area history on `left_on`; refreshed set-based when areas change.
    origin_level = models.CharField(_("来源地风险等级"), max_length=8, choices=OriginLevel.choices,
                                    default=OriginLevel.NONE, db_index=True)
    # Days between leaving and the start of control (leaving day = 0); None if unknown.
    days_since_leaving = models.PositiveSmallIntegerField(_("离开后天数"), null=True, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    scope_division_field = "person__division"
    scope_roles = {"view": CONTROL_VIEWERS, "add": CONTROL_EDITORS, "change": CONTROL_EDITORS,
                   "delete": DOCTORS}

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("风险来源")
        verbose_name_plural = _("风险来源")

    def __str__(self) -> str:
        origin = "".join(filter(None, [self.origin_province, self.origin_city, self.origin_county,
                                       self.origin_township, self.origin_community]))
        return f"{self.person}:{origin or '来源不详'}"


class Measure(SiteScopedModel):
    """管控措施: one period of one measure kind for one person. A rule's sequence (7 days central
    quarantine then 3 days home monitoring) is a chain of measures linked by `previous`;
    `plan_start_on` is day 1 of the whole plan, so test days count from it.

    `ends_on` is the planned release date (解除日期): the first day the person is free of this
    measure; a room is occupied from `starts_on` up to the day before `ends_on`.
    """

    person = models.ForeignKey("screening.Person", on_delete=models.PROTECT, related_name="measures",
                               verbose_name=_("涉疫风险人员"))
    exposure = models.ForeignKey(Exposure, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="measures", verbose_name=_("风险来源"))
    kind = models.CharField(_("管控措施"), max_length=32, choices=MeasureKind.choices, db_index=True)
    status = models.CharField(_("状态"), max_length=16, choices=MeasureStatus.choices,
                              default=MeasureStatus.ACTIVE, db_index=True)
    plan_start_on = models.DateField(_("方案起始日"))
    plan_days = models.PositiveSmallIntegerField(_("方案总天数"), default=0)
    # Days added by extensions, kept apart so re-evaluation compares the policy's plan only.
    extended_days = models.PositiveSmallIntegerField(_("延长天数"), default=0)
    step = models.PositiveSmallIntegerField(_("步骤"), default=0)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("解除日期"), db_index=True)
    policy_version = models.ForeignKey("control.PolicyVersion", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="measures", verbose_name=_("方案版本"))
    rule = models.ForeignKey("control.Rule", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="measures", verbose_name=_("规则"))
    previous = models.OneToOneField("self", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="next_measure", verbose_name=_("上一措施"))
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="control_measures",
                                 verbose_name=_("管理区划"))
    site = models.ForeignKey("control.QuarantineSite", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="measures", verbose_name=_("隔离点"))
    room = models.ForeignKey("control.Room", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="measures", verbose_name=_("房间"))
    household = models.ForeignKey("registry.Household", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="control_measures", verbose_name=_("居家户"))
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="responsible_measures", verbose_name=_("责任网格员"))
    released_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("解除人"))
    release_reason = models.CharField(_("解除原因"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope_division_field = "division"
    scope_roles = {"view": CONTROL_VIEWERS, "add": CONTROL_EDITORS, "change": CONTROL_EDITORS,
                   "delete": DOCTORS}

    class Meta:
        ordering = ["ends_on", "id"]
        verbose_name = _("管控措施")
        verbose_name_plural = _("管控措施")
        indexes = [
            models.Index(fields=["status", "ends_on"], name="measure_status_ends"),
            models.Index(fields=["status", "kind"], name="measure_status_kind"),
            models.Index(fields=["status", "room"], name="measure_status_room"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gt=models.F("starts_on")), name="measure_ends_after_start",
                                   violation_error_message="解除日期必须晚于开始日期"),
            models.UniqueConstraint(fields=["person"], condition=models.Q(status=MeasureStatus.ACTIVE),
                                    name="measure_one_active_per_person",
                                    violation_error_message="该人员已在管控中,不能重复开始管控"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()}"

    @property
    def is_active(self) -> bool:
        return self.status == MeasureStatus.ACTIVE

    @property
    def id_number(self) -> str:
        """The person's ID number (lists and exports mask it)."""
        return self.person.id_number or ""

    @property
    def phone(self) -> str:
        return self.person.phone


class ScheduledTest(SiteScopedModel):
    """计划检测: one test of the schedule (N天M检) with its due date and result."""

    site_lookup = "measure__site"

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="tests", verbose_name=_("管控措施"))
    person = models.ForeignKey("screening.Person", on_delete=models.CASCADE, related_name="scheduled_tests",
                               verbose_name=_("涉疫风险人员"))
    day = models.PositiveSmallIntegerField(_("第几天"))
    due_on = models.DateField(_("应检日期"), db_index=True)
    kind = models.CharField(_("检测方式"), max_length=16, choices=TestKind.choices, default=TestKind.PCR)
    status = models.CharField(_("结果"), max_length=16, choices=TestStatus.choices, default=TestStatus.PENDING,
                              db_index=True)
    sampled_at = models.DateTimeField(_("采样时间"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("结果录入时间"), null=True, blank=True)
    missed_alerted_at = models.DateTimeField(_("漏检提醒时间"), null=True, blank=True)

    scope_division_field = "measure__division"
    scope_roles = Measure.scope_roles

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("计划检测")
        verbose_name_plural = _("计划检测")
        indexes = [models.Index(fields=["status", "due_on"], name="schedtest_status_due")]
        constraints = [
            models.UniqueConstraint(fields=["measure", "day"], name="schedtest_unique_day",
                                    violation_error_message="同一管控措施的同一天只能有一次计划检测"),
        ]

    def __str__(self) -> str:
        return f"{self.person} 第{self.day}天{self.get_kind_display()}"


class CheckIn(SiteScopedModel):
    """健康打卡: temperature and symptoms of one day, by the grid worker, site staff or the person."""

    site_lookup = "measure__site"

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="checkins", verbose_name=_("管控措施"))
    on = models.DateField(_("日期"), db_index=True)
    at = models.DateTimeField(_("打卡时间"))
    temperature = models.DecimalField(_("体温(℃)"), max_digits=3, decimal_places=1, null=True, blank=True)
    symptoms = models.JSONField(_("症状"), default=list, blank=True)
    note = models.CharField(_("备注"), max_length=255, blank=True)
    source = models.CharField(_("填报人类型"), max_length=16, choices=CheckInSource.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("填报人"))
    abnormal = models.BooleanField(_("异常"), default=False, db_index=True)

    scope_division_field = "measure__division"
    scope_roles = Measure.scope_roles

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("健康打卡")
        verbose_name_plural = _("健康打卡")

    def __str__(self) -> str:
        return f"{self.measure.person} {self.on}"


class DoorCheck(SiteScopedModel):
    """上门查看: a grid worker's check at the door of a person under a home measure."""

    site_lookup = "measure__site"

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="door_checks",
                                verbose_name=_("管控措施"))
    at = models.DateTimeField(_("查看时间"))
    outcome = models.CharField(_("查看结果"), max_length=16, choices=DoorCheckOutcome.choices)
    note = models.CharField(_("备注"), max_length=255, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("查看人"))

    scope_division_field = "measure__division"
    scope_roles = Measure.scope_roles

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("上门查看")
        verbose_name_plural = _("上门查看")

    def __str__(self) -> str:
        return f"{self.measure.person} {self.at:%m-%d %H:%M} {self.get_outcome_display()}"
