from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.scoping import ScopedModel

from ..choices import TestKind
from .common import ORGANISERS, SAMPLERS, TESTING_VIEWERS


class KeyGroup(ScopedModel):
    """重点人群: a group tested on its own rhythm (e.g. couriers: PCR every 2 days; shop staff: daily antigen)."""

    name = models.CharField(_("名称"), max_length=100)
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划"))
    test_kind = models.CharField(_("检测类型"), max_length=16, choices=TestKind.choices, default=TestKind.PCR)
    every_days = models.PositiveSmallIntegerField(_("检测频次(每N天一次)"), default=1)

    scope_roles = {"view": TESTING_VIEWERS | SAMPLERS, "add": ORGANISERS, "change": ORGANISERS,
                   "delete": ORGANISERS}

    class Meta:
        ordering = ["name"]
        verbose_name = _("重点人群")
        verbose_name_plural = _("重点人群")
        constraints = [
            models.CheckConstraint(condition=models.Q(every_days__gte=1), name="keygroup_every_days_positive",
                                   violation_error_message="检测频次至少每1天一次"),
        ]

    def __str__(self) -> str:
        from django.utils.translation import gettext

        return gettext("%(name)s（%(kind)s 每%(n)d天）") % {"name": self.name, "kind": self.get_test_kind_display(),
                                                        "n": self.every_days}


class KeyGroupMember(ScopedModel):
    """A person in a key group, with their employer; linked to the registry when they live here."""

    group = models.ForeignKey(KeyGroup, on_delete=models.CASCADE, related_name="members", verbose_name=_("重点人群"))
    resident = models.ForeignKey("registry.Resident", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("常住人口"))
    id_number = models.CharField(_("身份证号"), max_length=18, db_index=True)
    name = models.CharField(_("姓名"), max_length=40)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    employer = models.CharField(_("工作单位"), max_length=100, blank=True)
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划"))

    scope_roles = KeyGroup.scope_roles

    class Meta:
        ordering = ["group", "name"]
        verbose_name = _("重点人群人员")
        verbose_name_plural = _("重点人群人员")
        constraints = [
            models.UniqueConstraint(fields=["group", "id_number"], name="keygroupmember_unique",
                                    violation_error_message="该人员已在此重点人群中"),
        ]

    def __str__(self) -> str:
        return self.name
