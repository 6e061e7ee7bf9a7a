"""县外人员底数 and 返县报备: the ledger of residents outside the county, what their liaison told
them, their advance reports of coming back, and the tasks these open (a call when their place
becomes a risk area, an arrival check on the day, an alert when a watch-listed person shows up)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.scoping import ScopedModel

from ..choices import (
    AwayStatus,
    AwayTaskKind,
    AwayTaskStatus,
    ContactAdvice,
    ContactMethod,
    ReporterKind,
    ReturnPlan,
    ReturnStatus,
)
from ..roles import AWAY_EDITORS, AWAY_VIEWERS

PLACE_FIELDS = ("province", "city", "county", "township")
NO_RISK = "none"  # control's OriginLevel.NONE: not in a listed area


class PersonAway(ScopedModel):
    """县外人员: a resident (or someone of a household) who is outside the county: where, since when,
    whether they plan to return, and the liaison cadre (三级分包) who keeps in touch with them.

    `watch` marks those who said they would not return but may (口头答应不回来，实际存在私自返县隐患):
    a lead for them in any channel alerts their village. `risk_level` is the worst risk level of
    their place today (control's risk areas), refreshed when control publishes a list.
    """

    resident = models.ForeignKey("registry.Resident", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("台账人员"))
    name = models.CharField(_("姓名"), max_length=40)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    grid = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("户籍网格"))
    province = models.CharField(_("所在省"), max_length=32)
    city = models.CharField(_("所在市"), max_length=32, blank=True)
    county = models.CharField(_("所在县（区）"), max_length=32, blank=True)
    township = models.CharField(_("所在乡镇（街道）"), max_length=64, blank=True)
    address = models.CharField(_("详细地址"), max_length=255, blank=True)
    since = models.DateField(_("外出日期"), null=True, blank=True)
    plan = models.CharField(_("返县打算"), max_length=16, choices=ReturnPlan.choices, default=ReturnPlan.UNDECIDED)
    plan_return_on = models.DateField(_("计划返县日期"), null=True, blank=True)
    watch = models.BooleanField(_("重点关注"), default=False,
                                help_text=_("口头答应不返县、但存在私自返县可能的人员"))
    liaison = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("包联干部"))
    risk_level = models.CharField(_("所在地风险等级"), max_length=8, default=NO_RISK, db_index=True)
    status = models.CharField(_("状态"), max_length=16, choices=AwayStatus.choices, default=AwayStatus.AWAY)
    note = models.CharField(_("备注"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope_division_field = "grid"
    scope_roles = {"view": AWAY_VIEWERS, "add": AWAY_EDITORS, "change": AWAY_EDITORS}

    class Meta:
        ordering = ["grid_id", "name", "id"]
        verbose_name = _("县外人员")
        verbose_name_plural = _("县外人员")
        indexes = [models.Index(fields=["province", "city", "county"], name="away_place"),
                   models.Index(fields=["id_number"], name="away_id_number"),
                   models.Index(fields=["phone"], name="away_phone")]

    def __str__(self) -> str:
        return self.name

    @property
    def place(self) -> str:
        return "".join(getattr(self, f) for f in PLACE_FIELDS if getattr(self, f))

    def place_names(self) -> dict[str, str]:
        return {f: getattr(self, f) for f in PLACE_FIELDS}


class ContactLog(ScopedModel):
    """联系记录: one call (or message) of the liaison with a person away, and what they were told."""

    person = models.ForeignKey(PersonAway, on_delete=models.CASCADE, related_name="contacts",
                               verbose_name=_("县外人员"))
    method = models.CharField(_("联系方式"), max_length=16, choices=ContactMethod.choices, default=ContactMethod.PHONE)
    advice = models.CharField(_("告知内容"), max_length=16, choices=ContactAdvice.choices)
    note = models.CharField(_("情况说明"), max_length=255, blank=True)
    at = models.DateTimeField(_("联系时间"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+", verbose_name=_("联系人"))

    scope_division_field = "person__grid"
    scope_roles = {"view": AWAY_VIEWERS, "add": AWAY_EDITORS}

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("联系记录")
        verbose_name_plural = _("联系记录")

    def __str__(self) -> str:
        return f"{self.person}：{self.get_advice_display()}"


class ReturnReport(ScopedModel):
    """返县报备 (返岗报备 when an employer files it): an advance report of coming back, with the
    policy's instructions written into its receipt when filed. `arrive_on` is indexed: the lists
    of reports due today and tomorrow, and the arrival-day job, read it."""

    code = models.CharField(_("回执码"), max_length=12)
    filed_by = models.CharField(_("报备人类别"), max_length=16, choices=ReporterKind.choices, default=ReporterKind.SELF)
    reporter_name = models.CharField(_("报备人"), max_length=40, blank=True)
    reporter_phone = models.CharField(_("报备人电话"), max_length=20, blank=True)
    employer = models.CharField(_("用工单位"), max_length=100, blank=True)
    person = models.ForeignKey(PersonAway, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports",
                               verbose_name=_("县外人员"))
    name = models.CharField(_("姓名"), max_length=40)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("手机号"), max_length=20)
    province = models.CharField(_("出发省"), max_length=32)
    city = models.CharField(_("出发市"), max_length=32, blank=True)
    county = models.CharField(_("出发县（区）"), max_length=32, blank=True)
    township = models.CharField(_("出发乡镇（街道）"), max_length=64, blank=True)
    route = models.CharField(_("途经地及交通方式"), max_length=255, blank=True)
    arrive_at = models.DateTimeField(_("预计到达时间"))
    arrive_on = models.DateField(_("预计到达日期"), editable=False)
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("目的地（网格或村）"))
    address = models.CharField(_("目的地地址"), max_length=255)
    risk_level = models.CharField(_("出发地风险等级"), max_length=8, default=NO_RISK)
    policy = models.CharField(_("适用防控规则"), max_length=255, blank=True)
    instructions = models.JSONField(_("抵达后须做到"), default=list)
    status = models.CharField(_("状态"), max_length=16, choices=ReturnStatus.choices, default=ReturnStatus.EXPECTED)
    arrived_at = models.DateTimeField(_("确认到达时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("确认人"))
    dedup_key = models.CharField(_("去重键"), max_length=80, editable=False)
    created_at = models.DateTimeField(_("报备时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("录入人"))

    scope_division_field = "division"
    scope_roles = {"view": AWAY_VIEWERS, "add": AWAY_EDITORS, "change": AWAY_EDITORS}

    class Meta:
        ordering = ["-arrive_at", "-id"]
        verbose_name = _("返县报备")
        verbose_name_plural = _("返县报备")
        constraints = [
            models.UniqueConstraint(fields=["code"], name="returnreport_code_unique",
                                    violation_error_message="回执码重复"),
            models.UniqueConstraint(fields=["dedup_key"], name="returnreport_dedup_unique",
                                    violation_error_message="该人员同一天的返县报备已存在"),
        ]
        indexes = [models.Index(fields=["arrive_on", "status"], name="returnreport_arrive_status")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def origin(self) -> str:
        return "".join(getattr(self, f) for f in PLACE_FIELDS if getattr(self, f))

    def save(self, *args, **kwargs) -> None:
        from django.utils import timezone

        self.arrive_on = timezone.localdate(self.arrive_at)
        super().save(*args, **kwargs)


class AwayTask(ScopedModel):
    """A task of the people-away ledger for one person: call them (their place became a risk
    area), check their arrival (a return report's day came without a confirmed arrival), or
    follow up a watch-listed person seen in a channel. `key` makes each one happen once."""

    kind = models.CharField(_("任务类型"), max_length=16, choices=AwayTaskKind.choices)
    key = models.CharField(_("任务键"), max_length=80, editable=False)
    person = models.ForeignKey(PersonAway, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks",
                               verbose_name=_("县外人员"))
    report = models.ForeignKey(ReturnReport, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks",
                               verbose_name=_("返县报备"))
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区划"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("承办人"))
    reason = models.CharField(_("事由"), max_length=255)
    due_on = models.DateField(_("办理日期"), db_index=True)
    status = models.CharField(_("状态"), max_length=16, choices=AwayTaskStatus.choices, default=AwayTaskStatus.OPEN)
    result = models.CharField(_("办理结果"), max_length=255, blank=True)
    opened_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("办结人"))

    scope_division_field = "division"
    scope_roles = {"view": AWAY_VIEWERS, "change": AWAY_EDITORS}

    class Meta:
        ordering = ["status", "due_on", "id"]
        verbose_name = _("县外人员任务")
        verbose_name_plural = _("县外人员任务")
        constraints = [models.UniqueConstraint(fields=["key"], name="awaytask_key_unique",
                                               violation_error_message="该任务已存在")]
        indexes = [models.Index(fields=["assignee", "status"], name="awaytask_assignee_status")]

    def __str__(self) -> str:
        who = self.person or self.report
        return f"{self.get_kind_display()}：{who}" if who else str(self.get_kind_display())
