"""行业与重点场所: the sector list (data, editable) and the venues of each sector."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.scoping import ScopedModel

from ..choices import VenueStatus
from ..roles import SECTOR_EDITORS, SECTOR_VIEWERS, VENUE_DELETERS, VENUE_EDITORS

OTHER_SECTOR = "other"  # the code of 其他: where an unknown sector name lands


def validate_credit_code(value: str) -> None:
    """统一社会信用代码 per GB 32100 (18 characters, check character)."""
    from stdnum.cn import uscc
    from stdnum.exceptions import ValidationError as StdnumError

    try:
        uscc.validate(value)
    except StdnumError:
        raise ValidationError(_("统一社会信用代码“%(value)s”不符合国家标准（18位，末位为校验码）"),
                              params={"value": value}, code="invalid") from None


class Sector(ScopedModel):
    """行业: a kind of premises regulated together (网吧/游戏厅, KTV …); the list is data."""

    code = models.SlugField(_("行业代码"), max_length=32)
    name = models.CharField(_("行业名称"), max_length=32)
    aliases = models.TextField(_("别名"), blank=True,
                               help_text=_("导入时可识别的其他写法，用顿号或换行分隔，如：ktv、KTV娱乐、歌舞厅"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    scope_division_field = None  # reference data: the same list everywhere
    scope_roles = {"view": SECTOR_VIEWERS, "add": SECTOR_EDITORS, "change": SECTOR_EDITORS,
                   "delete": VENUE_DELETERS}

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("行业")
        verbose_name_plural = _("行业")
        constraints = [
            models.UniqueConstraint(fields=["code"], name="sector_code_unique", violation_error_message="行业代码已存在"),
            models.UniqueConstraint(fields=["name"], name="sector_name_unique", violation_error_message="行业名称已存在"),
        ]

    def __str__(self) -> str:
        return self.name

    def alias_list(self) -> list[str]:
        import re

        return [a for a in re.split(r"[、,，;;\n\r]+", self.aliases or "") if a.strip()]


class Venue(ScopedModel):
    """重点场所: one business premises of a sector, in one grid, with its manager and regulator."""

    name = models.CharField(_("场所名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, validators=[validate_credit_code])
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="venues", verbose_name=_("行业"))
    address = models.CharField(_("地址"), max_length=255)
    grid = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="venues",
                             verbose_name=_("所属网格"))
    manager_name = models.CharField(_("内部经理"), max_length=40, blank=True)
    manager_phone = models.CharField(_("内部经理电话"), max_length=20, blank=True)
    regulator_unit = models.CharField(_("行业监管单位"), max_length=64, blank=True)
    regulator_name = models.CharField(_("外部行业责任人"), max_length=40, blank=True)
    regulator_phone = models.CharField(_("行业责任人电话"), max_length=20, blank=True)
    capacity = models.PositiveIntegerField(_("核定人数"), null=True, blank=True)
    status = models.CharField(_("营业状态"), max_length=20, choices=VenueStatus.choices, default=VenueStatus.OPEN)
    limit_percent = models.PositiveSmallIntegerField(_("限流比例（%）"), null=True, blank=True)
    status_order = models.ForeignKey("sectors.SectorOrder", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="venues", verbose_name=_("依据关停令"))
    status_since = models.DateField(_("状态起始日"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope_division_field = "grid"
    scope_roles = {"view": SECTOR_VIEWERS, "add": VENUE_EDITORS, "change": VENUE_EDITORS, "delete": VENUE_DELETERS}

    class Meta:
        ordering = ["grid__path", "name", "id"]
        verbose_name = _("重点场所")
        verbose_name_plural = _("重点场所")
        constraints = [
            models.UniqueConstraint(fields=["credit_code"], name="venue_credit_code_unique",
                                    violation_error_message="该统一社会信用代码的场所已登记"),
        ]
        indexes = [models.Index(fields=["sector", "status"], name="venue_sector_status")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.status == VenueStatus.RESTRICTED and not self.limit_percent:
            raise ValidationError({"limit_percent": _("限流营业须填写限流比例")})
        if self.limit_percent is not None and not 0 < self.limit_percent < 100:
            raise ValidationError({"limit_percent": _("限流比例应在1至99之间")})
