"""群众举报: a tip-off by a member of the public (anonymous allowed) about someone who came back
without reporting, a gathering, or a shop open against an order. It becomes a lead of the
tip_off channel or a sector inspection of a venue, or is found unfounded or a duplicate; the
reporter follows it with a receipt code that shows the status and nothing personal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import Role
from fangkong.core.scoping import VIEW, ScopedModel
from fangkong.screening.choices import CHANNEL_MODULE, Channel

from ..choices import TipOffKind, TipOffStatus
from ..roles import GRID_VIEWERS, TIP_OFF_HANDLERS, TIP_OFF_REPORTER_ROLES, TIP_OFF_VIEWERS

TIP_OFF_MODULE = str(CHANNEL_MODULE[Channel.TIP_OFF])


class TipOff(ScopedModel):
    """One tip-off: who / where / what, an optional photo, the (optional) reporter, the receipt
    code, and how it was handled. `division` is the village (社区) the reporter chose."""

    code = models.CharField(_("回执码"), max_length=12, editable=False)
    kind = models.CharField(_("举报类型"), max_length=24, choices=TipOffKind.choices)
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("所在村（社区）"))
    address = models.CharField(_("具体地点"), max_length=255)
    who_name = models.CharField(_("被举报人姓名"), max_length=40, blank=True)
    who_phone = models.CharField(_("被举报人电话"), max_length=20, blank=True)
    who_description = models.CharField(_("被举报人或场所描述"), max_length=255, blank=True)
    what = models.TextField(_("举报内容"))
    photo = models.FileField(_("照片"), upload_to="tipoffs/%Y/%m/", blank=True)
    photo_type = models.CharField(_("照片类型"), max_length=32, blank=True)
    reporter_name = models.CharField(_("举报人姓名"), max_length=40, blank=True)
    reporter_phone = models.CharField(_("举报人电话"), max_length=20, blank=True)
    status = models.CharField(_("处理结果"), max_length=16, choices=TipOffStatus.choices,
                              default=TipOffStatus.PENDING, db_index=True)
    outcome_note = models.CharField(_("处理说明"), max_length=255, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("处理人"))
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    lead = models.ForeignKey("screening.Lead", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("转成的线索"))
    venue = models.ForeignKey("sectors.Venue", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("检查场所"))
    inspection = models.ForeignKey("sectors.Inspection", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("检查记录"))
    created_at = models.DateTimeField(_("举报时间"), auto_now_add=True, db_index=True)

    scope_division_field = "division"
    scope_roles = {"view": TIP_OFF_VIEWERS, "change": TIP_OFF_HANDLERS}

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("群众举报")
        verbose_name_plural = _("群众举报")
        constraints = [models.UniqueConstraint(fields=["code"], name="tipoff_code_unique",
                                               violation_error_message="回执码重复")]
        indexes = [models.Index(fields=["status", "kind"], name="tipoff_status_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.code}）"

    @property
    def who(self) -> str:
        return "，".join(v for v in (self.who_name, self.who_description) if v)

    @classmethod
    def scope_refine(cls, qs, user, action):
        """The grid line sees every tip-off in its area; a module's staff those of the module the
        tip_off channel belongs to; a regulator those sent to a venue as an inspection."""
        names = user.role_names
        if names & (GRID_VIEWERS | TIP_OFF_HANDLERS) - TIP_OFF_REPORTER_ROLES:
            return qs
        q = models.Q(pk__in=[])
        if user.modules.get(TIP_OFF_MODULE, frozenset()) & TIP_OFF_REPORTER_ROLES:
            q |= models.Q(pk__isnull=False)
        if Role.SECTOR_REGULATOR in names and action == VIEW:
            q |= models.Q(venue__isnull=False)
        return qs.filter(q)


def may_see_reporter(user) -> bool:
    """Only the admins (负责人、管理员) of the module that owns the tip_off channel see the reporter."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.modules.get(TIP_OFF_MODULE, frozenset()) & TIP_OFF_REPORTER_ROLES)
