"""Models of risk screening (风险排查). `Person` is shared: control measures and tests point at it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import Role
from fangkong.core.scoping import ScopedModel, roles

SCREENING_VIEWERS = roles(
    Role.COMMAND_CENTER, Role.MODULE_LEAD, Role.MODULE_ADMIN, Role.REVIEWER, Role.TOWNSHIP_CADRE,
    Role.VILLAGE_CADRE, Role.GRID_WORKER, Role.CDC, Role.SITE_STAFF, Role.AUDITOR,
)
SCREENING_EDITORS = roles(
    Role.COMMAND_CENTER, Role.MODULE_LEAD, Role.MODULE_ADMIN, Role.REVIEWER, Role.TOWNSHIP_CADRE,
    Role.VILLAGE_CADRE, Role.GRID_WORKER, Role.CDC,
)


class Person(ScopedModel):
    """涉疫风险人员: one person that one or more leads point at, merged across channels.

    `division` is where the person is managed: their grid once routed, else the village /
    township the address resolved to, else the county (the module admin's queue).
    """

    name = models.CharField(_("姓名"), max_length=40, db_index=True)
    name_initials = models.CharField(_("拼音首字母"), max_length=40, blank=True, db_index=True)
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True, null=True, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, db_index=True)
    address = models.CharField(_("现住址"), max_length=255, blank=True)
    resident = models.ForeignKey(
        "registry.Resident", on_delete=models.SET_NULL, null=True, blank=True, related_name="persons",
        verbose_name=_("对应常住人口"),
    )
    division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, related_name="persons", verbose_name=_("管理区划")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope_division_field = "division"
    scope_roles = {"view": SCREENING_VIEWERS, "add": SCREENING_EDITORS, "change": SCREENING_EDITORS,
                   "delete": roles(Role.COMMAND_CENTER)}

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("涉疫风险人员")
        verbose_name_plural = _("涉疫风险人员")

    def __str__(self) -> str:
        return self.name
