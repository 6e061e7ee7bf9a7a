from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.scoping import ScopedModel

from ..choices import RoomStatus, TransferStatus
from ..roles import BROAD_ROLES, CONTROL_EDITORS, CONTROL_VIEWERS, SITE_MANAGERS
from .measures import SiteScopedModel


class QuarantineSite(ScopedModel):
    """隔离点: a facility with rooms, beds and staff, in one division of the county."""

    name = models.CharField(_("隔离点名称"), max_length=128, unique=True)
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="quarantine_sites",
                                 verbose_name=_("所在区划"))
    address = models.CharField(_("地址"), max_length=255, blank=True)
    manager_name = models.CharField(_("负责人"), max_length=40, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="quarantine_sites",
                                   verbose_name=_("工作人员"))

    scope_division_field = "division"
    scope_roles = {"view": CONTROL_VIEWERS, "add": SITE_MANAGERS, "change": SITE_MANAGERS,
                   "delete": SITE_MANAGERS}

    class Meta:
        ordering = ["name"]
        verbose_name = _("隔离点")
        verbose_name_plural = _("隔离点")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_refine(cls, qs, user, action):
        # Site staff see the sites they work at.
        if "site_staff" in user.role_names and not (user.role_names & BROAD_ROLES):
            return qs.filter(staff=user)
        return qs


class Room(SiteScopedModel):
    """房间: a room of a quarantine site with its beds."""

    site = models.ForeignKey(QuarantineSite, on_delete=models.CASCADE, related_name="rooms",
                             verbose_name=_("隔离点"))
    number = models.CharField(_("房间号"), max_length=16)
    floor = models.CharField(_("楼层"), max_length=8, blank=True)
    beds = models.PositiveSmallIntegerField(_("床位数"), default=1)
    status = models.CharField(_("房间状态"), max_length=16, choices=RoomStatus.choices, default=RoomStatus.AVAILABLE,
                              db_index=True)

    scope_division_field = "site__division"
    scope_roles = QuarantineSite.scope_roles

    class Meta:
        ordering = ["site", "number"]
        verbose_name = _("房间")
        verbose_name_plural = _("房间")
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="room_unique_number",
                                    violation_error_message="该隔离点已有相同房间号"),
        ]

    def __str__(self) -> str:
        return f"{self.site.name} {self.number}"


class Transfer(SiteScopedModel):
    """转运: a closed-loop, point-to-point trip of one person to a site (派车 → 出发 → 送达)."""

    measure = models.ForeignKey("control.Measure", on_delete=models.CASCADE, related_name="transfers",
                                verbose_name=_("管控措施"))
    from_place = models.CharField(_("出发地"), max_length=255)
    site = models.ForeignKey(QuarantineSite, on_delete=models.PROTECT, related_name="transfers",
                             verbose_name=_("目的隔离点"))
    vehicle = models.CharField(_("车辆"), max_length=32)
    driver = models.CharField(_("司机"), max_length=40, blank=True)
    escort = models.CharField(_("随车人员"), max_length=64)
    planned_at = models.DateTimeField(_("计划出发时间"))
    departed_at = models.DateTimeField(_("出发时间"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=TransferStatus.choices, default=TransferStatus.PLANNED,
                              db_index=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope_division_field = "measure__division"
    scope_roles = {"view": CONTROL_VIEWERS, "add": CONTROL_EDITORS, "change": CONTROL_EDITORS,
                   "delete": SITE_MANAGERS}

    class Meta:
        ordering = ["-planned_at", "-id"]
        verbose_name = _("转运")
        verbose_name_plural = _("转运")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(arrived_at__isnull=True) | models.Q(departed_at__isnull=False),
                name="transfer_arrival_after_departure", violation_error_message="未出发的转运不能登记送达",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure.person} → {self.site}"
