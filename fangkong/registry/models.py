from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Right
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.core.scoping import ScopedModel

from .choices import LiaisonLevel, ResidentStatus, Sex
from .roles import REGISTRY_DELETERS, REGISTRY_EDITORS, REGISTRY_VIEWERS


class Household(ScopedModel):
    """户: a household of the registry, in one grid."""

    code = models.CharField(_("户编号"), max_length=32, unique=True)
    grid = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, related_name="households", verbose_name=_("所属网格")
    )
    address = models.CharField(_("住址"), max_length=255)
    head_name = models.CharField(_("户主"), max_length=40, blank=True)

    scope_division_field = "grid"
    scope_roles = {"view": REGISTRY_VIEWERS, "add": REGISTRY_EDITORS, "change": REGISTRY_EDITORS,
                   "delete": REGISTRY_DELETERS}

    class Meta:
        ordering = ["code"]
        verbose_name = _("户")
        verbose_name_plural = _("户")

    def __str__(self) -> str:
        return gettext("%(name)s 户") % {"name": self.head_name or self.code}


class Resident(ScopedModel):
    """常住人口: one person of the registry. Sex and birth date derive from the ID number."""

    name = models.CharField(_("姓名"), max_length=40, db_index=True)
    name_initials = models.CharField(_("拼音首字母"), max_length=40, db_index=True, editable=False)
    name_pinyin = models.CharField(_("拼音"), max_length=120, editable=False)
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True, null=True, blank=True)
    sex = models.CharField(_("性别"), max_length=8, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, db_index=True)
    address = models.CharField(_("现住址"), max_length=255, blank=True)
    household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="members", verbose_name=_("户")
    )
    relation_to_head = models.CharField(_("与户主关系"), max_length=16, blank=True)
    grid = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, related_name="residents", verbose_name=_("所属网格")
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=ResidentStatus.choices, default=ResidentStatus.PRESENT, db_index=True
    )
    away_to = models.CharField(_("外出去向"), max_length=128, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # The last four characters of the ID number and the phone, kept by the database itself and
    # indexed: "身份证后四位" is what grid workers type most, and LIKE '%1234' reads every resident.
    id_tail = models.GeneratedField(expression=Right("id_number", 4), db_persist=True, db_index=True,
                                    output_field=models.CharField(max_length=4, null=True), verbose_name=_("证件号后四位"))
    phone_tail = models.GeneratedField(expression=Right("phone", 4), db_persist=True, db_index=True,
                                       output_field=models.CharField(max_length=4), verbose_name=_("电话后四位"))

    scope_division_field = "grid"
    scope_roles = Household.scope_roles

    class Meta:
        ordering = ["grid__path", "household_id", "id"]
        verbose_name = _("常住人口")
        verbose_name_plural = _("常住人口")
        indexes = [
            models.Index(fields=["grid", "status"], name="resident_grid_status"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        from fangkong.core.identity import id_birth_date, id_sex, name_pinyin

        self.name_pinyin, self.name_initials = name_pinyin(self.name)
        if self.id_number:
            self.sex = id_sex(self.id_number)
            self.birth_date = id_birth_date(self.id_number)
        super().save(*args, **kwargs)

    @property
    def age(self) -> int | None:
        import datetime as dt

        if not self.birth_date:
            return None
        today = dt.date.today()  # noqa: DTZ011
        return today.year - self.birth_date.year - ((today.month, today.day) < (self.birth_date.month, self.birth_date.day))


class Liaison(models.Model):
    """三级分包: a person responsible for a division (or, at village level, a household).

    Moved from core (core holds no domain models); its table was renamed with it.
    """

    level = models.CharField(_("包联层级"), max_length=32, choices=LiaisonLevel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="liaisons", verbose_name=_("包联人")
    )
    division = models.ForeignKey(
        "core.Division", on_delete=models.CASCADE, related_name="liaisons", verbose_name=_("包联区划")
    )
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, null=True, blank=True, related_name="liaisons",
        verbose_name=_("包联户"),
    )
    since = models.DateField(_("起始日期"), auto_now_add=True)

    scope_division_field = "division"

    class Meta:
        ordering = ["division__path", "level"]
        verbose_name = _("包联")
        verbose_name_plural = _("包联")
        constraints = [
            models.UniqueConstraint(
                fields=["level", "user", "division", "household"], name="liaison_unique",
                violation_error_message="该包联关系已存在",
            )
        ]

    def __str__(self) -> str:
        target = self.household or self.division
        return f"{self.user} → {target}"
