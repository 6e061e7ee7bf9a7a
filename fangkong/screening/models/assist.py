"""跨省协查: requests between regions to locate and control a person."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import Module, Role
from fangkong.core.scoping import ScopedModel, ScopedQuerySet, roles

from ..choices import AssistDirection, AssistStatus
from .person import SCREENING_VIEWERS, Person, module_refine


class AssistRequest(ScopedModel):
    """协查函: inbound (another region asks us, becomes a lead) or outbound (we ask them).

    Outbound requests come from verifications whose person is not in the county; they are
    exported as the sheet sent to the other region and tracked until its reply.
    """

    direction = models.CharField(_("方向"), max_length=16, choices=AssistDirection.choices, db_index=True)
    region = models.CharField(_("对方地区"), max_length=120)
    reference = models.CharField(_("协查编号"), max_length=64, blank=True)
    name = models.CharField(_("姓名"), max_length=40, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("地址/线索"), max_length=255, blank=True)
    reason = models.CharField(_("协查事由"), max_length=255, blank=True)
    due_at = models.DateTimeField(_("回复时限"), null=True, blank=True, db_index=True)
    status = models.CharField(_("状态"), max_length=16, choices=AssistStatus.choices, default=AssistStatus.OPEN,
                              db_index=True)
    reply = models.TextField(_("回复内容"), blank=True)
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="assist_requests", verbose_name=_("人员"))
    lead = models.OneToOneField("screening.Lead", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="assist_request", verbose_name=_("生成的线索"))
    verification = models.ForeignKey("screening.Verification", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="assist_requests", verbose_name=_("来源核查任务"))
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("管理区划"))
    created_by = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    module = models.CharField(_("所属模块"), max_length=32, choices=Module.choices, default=Module.ASSIST_REQUEST)

    scope_division_field = "division"
    scope_roles = {
        "view": SCREENING_VIEWERS,
        "add": roles(Role.COMMAND_CENTER, Role.MODULE_LEAD, Role.MODULE_ADMIN, Role.CDC, Role.TOWNSHIP_CADRE,
                     Role.VILLAGE_CADRE, Role.GRID_WORKER),
        "change": roles(Role.COMMAND_CENTER, Role.MODULE_LEAD, Role.MODULE_ADMIN, Role.REVIEWER),
    }

    class Meta:
        ordering = ["status", "due_at", "-id"]
        verbose_name = _("协查")
        verbose_name_plural = _("协查")

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.region} {self.name}"

    @classmethod
    def scope_refine(cls, qs: ScopedQuerySet, user, action: str) -> ScopedQuerySet:
        return module_refine(qs, user, "module")
