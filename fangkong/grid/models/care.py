"""四对一 (4+1) teams: the people who answer for one person under home isolation or home
monitoring — township cadre, village cadre, doctor, police, grid worker — what each checks and how
often (`CareTemplate`, as data), each seat's duties with their next due time, and the checks made.

A team belongs to the control measure in force (`measure`); when a home measure is followed by the
next home step of the same plan the team moves with it, so its seats stay filled. A team is
active while its measure is: nothing is due once the measure is released."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import MeasureKind
from fangkong.core.scoping import ScopedModel

from ..choices import CareItem, CareRole, CheckResult
from ..roles import CARE_ASSIGNERS, CARE_CHECKERS, CARE_TEMPLATE_EDITORS, CARE_VIEWERS

# The measure kinds that get a team.
TEAM_KINDS = (MeasureKind.HOME_ISOLATION, MeasureKind.HOME_MONITORING)
TEAM_KIND_CHOICES = [(k.value, k.label) for k in TEAM_KINDS]


class CareTemplate(ScopedModel):
    """四对一职责模板: for one home measure kind, what one seat checks and every how many hours.
    Reference data, the same for the whole county; a team copies the active ones when it is
    formed. A template is retired (`active` off), never deleted: one active per kind, seat, item."""

    measure_kind = models.CharField(_("管控措施"), max_length=32, choices=TEAM_KIND_CHOICES)
    role = models.CharField(_("岗位"), max_length=16, choices=CareRole.choices)
    item = models.CharField(_("查看内容"), max_length=16, choices=CareItem.choices)
    every_hours = models.PositiveSmallIntegerField(_("频次（每几小时一次）"), default=24)
    active = models.BooleanField(_("启用"), default=True)

    scope_division_field = None
    scope_roles = {
        "view": CARE_VIEWERS,
        "add": CARE_TEMPLATE_EDITORS,
        "change": CARE_TEMPLATE_EDITORS,
    }

    class Meta:
        ordering = ["measure_kind", "role", "item"]
        verbose_name = _("四对一职责模板")
        verbose_name_plural = _("四对一职责模板")
        constraints = [
            models.UniqueConstraint(
                fields=["measure_kind", "role", "item"],
                condition=models.Q(active=True),
                name="caretemplate_one_active",
                violation_error_message="该措施该岗位的此项查看内容已有启用的模板",
            ),
            models.CheckConstraint(
                condition=models.Q(every_hours__gte=1, every_hours__lte=168),
                name="caretemplate_every_hours",
                violation_error_message="频次应为每1到168小时一次",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_measure_kind_display()} · {self.get_role_display()} · {self.get_item_display()}"

    @property
    def frequency(self) -> str:
        if self.every_hours % 24 == 0:
            days = self.every_hours // 24
            return str(_("每天一次")) if days == 1 else str(_("每%(n)s天一次") % {"n": days})
        return str(_("每%(n)s小时一次") % {"n": self.every_hours})


class CareTeam(ScopedModel):
    """四对一专班: the team of one person under a home measure."""

    person = models.ForeignKey(
        "screening.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("管控人员")
    )
    measure = models.OneToOneField(
        "control.Measure", on_delete=models.CASCADE, related_name="care_team", verbose_name=_("管控措施")
    )
    division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("管理区划")
    )
    formed_at = models.DateTimeField(_("组建时间"), auto_now_add=True)

    scope_division_field = "division"
    scope_roles = {"view": CARE_VIEWERS, "add": CARE_ASSIGNERS, "change": CARE_ASSIGNERS}

    class Meta:
        ordering = ["-formed_at", "-id"]
        verbose_name = _("四对一专班")
        verbose_name_plural = _("四对一专班")

    def __str__(self) -> str:
        return f"{self.person}（{self.measure.get_kind_display()}）"


class CareMember(ScopedModel):
    """A seat of a team: the user who holds it (or a name and phone for someone without an
    account, such as the police officer), or nobody yet (待指派)."""

    team = models.ForeignKey(
        CareTeam, on_delete=models.CASCADE, related_name="members", verbose_name=_("专班")
    )
    role = models.CharField(_("岗位"), max_length=16, choices=CareRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="care_seats",
        verbose_name=_("人员账号"),
    )
    name = models.CharField(_("姓名"), max_length=40, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    assigned_at = models.DateTimeField(_("指派时间"), null=True, blank=True)

    scope_division_field = "team__division"
    scope_roles = {"view": CARE_VIEWERS, "change": CARE_ASSIGNERS}

    class Meta:
        ordering = ["team_id", "role"]
        verbose_name = _("专班成员")
        verbose_name_plural = _("专班成员")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "role"],
                name="caremember_one_per_role",
                violation_error_message="该专班已有此岗位",
            )
        ]
        indexes = [models.Index(fields=["user", "team"], name="caremember_user_team")]

    def __str__(self) -> str:
        return f"{self.get_role_display()}：{self.holder}"

    @property
    def holder(self) -> str:
        if self.user_id:
            return self.user.full_name or self.user.username
        return self.name or str(_("待指派"))

    @property
    def vacant(self) -> bool:
        return not self.user_id and not self.name


class CareDuty(ScopedModel):
    """One thing one seat checks, with when it is next due (`due_at`, stored and indexed). A check
    moves it on by `every_hours`; past `due_at` it is overdue and escalated once (`escalated_at`)."""

    team = models.ForeignKey(
        CareTeam, on_delete=models.CASCADE, related_name="duties", verbose_name=_("专班")
    )
    member = models.ForeignKey(
        CareMember, on_delete=models.CASCADE, related_name="duties", verbose_name=_("岗位")
    )
    item = models.CharField(_("查看内容"), max_length=16, choices=CareItem.choices)
    every_hours = models.PositiveSmallIntegerField(_("频次（小时）"))
    due_at = models.DateTimeField(_("下次应查时间"), db_index=True)
    last_at = models.DateTimeField(_("上次查看时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("逾期升级时间"), null=True, blank=True)

    scope_division_field = "team__division"
    scope_roles = {"view": CARE_VIEWERS, "change": CARE_CHECKERS}

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("专班职责")
        verbose_name_plural = _("专班职责")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "item"],
                name="careduty_unique",
                violation_error_message="该岗位已有此项查看内容",
            )
        ]

    def __str__(self) -> str:
        return f"{self.team.person} · {self.get_item_display()}"


class CareCheck(ScopedModel):
    """A check made by a team member: what, when, normal or abnormal, and a note."""

    duty = models.ForeignKey(
        CareDuty,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checks",
        verbose_name=_("职责"),
    )
    team = models.ForeignKey(
        CareTeam, on_delete=models.CASCADE, related_name="checks", verbose_name=_("专班")
    )
    member = models.ForeignKey(
        CareMember, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("岗位")
    )
    item = models.CharField(_("查看内容"), max_length=16, choices=CareItem.choices)
    at = models.DateTimeField(_("查看时间"), db_index=True)
    result = models.CharField(
        _("结果"), max_length=16, choices=CheckResult.choices, default=CheckResult.NORMAL
    )
    note = models.CharField(_("情况说明"), max_length=255, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    late = models.BooleanField(_("逾期后补查"), default=False)

    scope_division_field = "team__division"
    scope_roles = {"view": CARE_VIEWERS, "add": CARE_CHECKERS}

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("专班查看记录")
        verbose_name_plural = _("专班查看记录")

    def __str__(self) -> str:
        return f"{self.team.person} · {self.get_item_display()} · {self.get_result_display()}"
