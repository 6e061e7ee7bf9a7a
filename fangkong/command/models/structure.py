"""The headquarters' structure (一办六组六专班): its units, with leaders, members (some seconded
from departments), the divisions and sectors each covers, its duties and the screening modules
it runs. Townships are units too (kind 乡镇), tied to their division, so that a dispatch and a
daily report always go to a unit."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import Module, Role
from fangkong.core.scoping import ScopedModel

from ..choices import LEADING_POSITIONS, MemberPosition, UnitKind
from ..roles import OVERSEERS, STRUCTURE_EDITORS, STRUCTURE_VIEWERS

DEFAULT_REPORT_TIME = dt.time(16, 0)


class Unit(ScopedModel):
    """单位: an office, group or task force of the headquarters, a member department or a township.

    `division` is where it works: the headquarters' county for its offices, groups, task forces
    and departments, the township itself for a township (whose cadres are its members)."""

    name = models.CharField(_("单位名称"), max_length=64)
    short_name = models.CharField(_("简称"), max_length=16, blank=True)
    kind = models.CharField(_("类别"), max_length=20, choices=UnitKind.choices)
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="command_units",
                                 verbose_name=_("所在区划"))
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("上级单位"))
    duties = models.TextField(_("工作职责"), blank=True)
    covers = models.ManyToManyField("core.Division", blank=True, related_name="covering_units",
                                    verbose_name=_("包联区划"))
    sectors = models.ManyToManyField("sectors.Sector", blank=True, related_name="command_units",
                                     verbose_name=_("负责行业"))
    modules = models.JSONField(_("负责排查模块"), default=list, blank=True)
    reports_daily = models.BooleanField(_("报送日报"), default=False,
                                        help_text=_("每日须报送日报（无情况也须报零报告）"))
    report_time = models.TimeField(_("日报截止时间"), default=DEFAULT_REPORT_TIME)
    reports_since = models.DateField(_("起报日期"), null=True, blank=True,
                                     help_text=_("自该日起计入应报；空则自登记之日起"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    # The day of the last daily-report reminder, claimed by a conditional update (command.jobs).
    reminded_on = models.DateField(_("最近日报提醒日期"), null=True, blank=True, editable=False)

    scope_division_field = "division"
    scope_roles = {"view": STRUCTURE_VIEWERS, "add": STRUCTURE_EDITORS, "change": STRUCTURE_EDITORS,
                   "delete": STRUCTURE_EDITORS}

    class Meta:
        ordering = ["division__path", "order", "id"]
        verbose_name = _("指挥部单位")
        verbose_name_plural = _("指挥部单位")
        constraints = [models.UniqueConstraint(fields=["division", "name"], name="command_unit_name_unique",
                                               violation_error_message="该区划已有同名单位")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        bad = [m for m in (self.modules or []) if m not in Module.values]
        if not isinstance(self.modules, list) or bad:
            raise ValidationError({"modules": _("未知的排查模块：%(m)s") % {"m": "、".join(map(str, bad))}})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("上级单位不能是本单位")})
        if self.parent_id and self.division_id and not self.parent.division.contains(self.division):
            raise ValidationError({"parent": _("上级单位应在本单位所在区划或其上级")})

    def module_labels(self) -> str:
        labels = dict(Module.choices)
        return "、".join(str(labels.get(m, m)) for m in self.modules or [])

    def chain(self) -> list[Unit]:
        """The unit and those above it, nearest first (the escalation chain)."""
        out, seen, unit = [], set(), self
        while unit is not None and unit.pk not in seen:
            out.append(unit)
            seen.add(unit.pk)
            unit = unit.parent
        return out

    def reports_from(self) -> dt.date:
        return self.reports_since or self.created_at.date()

    @staticmethod
    def of_member(user) -> models.QuerySet:
        """Units `user` belongs to: listed as a member, or a township cadre of a township unit."""
        q = Q(members__user=user)
        if user.has_role(Role.TOWNSHIP_CADRE) and user.division_id:
            q |= Q(kind=UnitKind.TOWNSHIP, division_id=user.division_id)
        return Unit.objects.filter(q).distinct()

    @staticmethod
    def led_by(user) -> models.QuerySet:
        """Units whose leader or deputy leader `user` is (they dispatch in its name)."""
        return Unit.objects.filter(members__user=user, members__position__in=LEADING_POSITIONS).distinct()

    def is_member(self, user) -> bool:
        return Unit.of_member(user).filter(pk=self.pk).exists()

    def leaders(self) -> list:
        """Accounts that lead the unit (a township: its cadres), for escalations and notices."""
        users = [m.user for m in self.members.filter(position__in=LEADING_POSITIONS, user__isnull=False)
                 .select_related("user") if m.user.is_active]
        if self.kind == UnitKind.TOWNSHIP:
            from fangkong.core.models import User

            users += list(User.objects.filter(is_active=True, division_id=self.division_id,
                                              roles__role=Role.TOWNSHIP_CADRE).distinct())
        return list({u.pk: u for u in users}.values())


def sees_all(user) -> bool:
    return bool(user.role_names & OVERSEERS)


class UnitMember(models.Model):
    """成员: a person of a unit (组长, 副组长, 成员, 联络员), with an account or not, and the
    department they are seconded from (抽调) when they are."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="members", verbose_name=_("单位"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="command_memberships", verbose_name=_("账号"))
    name = models.CharField(_("姓名"), max_length=40)
    title = models.CharField(_("职务"), max_length=64, blank=True)
    position = models.CharField(_("分工"), max_length=20, choices=MemberPosition.choices,
                                default=MemberPosition.MEMBER)
    seconded_from = models.CharField(_("抽调自"), max_length=64, blank=True,
                                     help_text=_("从部门抽调的专职人员填写派出单位，如：县卫健局"))
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["unit", "order", "id"]
        verbose_name = _("单位成员")
        verbose_name_plural = _("单位成员")

    def __str__(self) -> str:
        return f"{self.unit} {self.name}"
