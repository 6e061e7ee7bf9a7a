"""信息发布: a notice, a case bulletin or a public itinerary, drafted, reviewed, approved and
published on the platform's public page with its history; a correction is a release of its own
that names the one it corrects (更正)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.scoping import ScopedModel

from .choices import ReleaseKind, ReleaseStatus, ReleaseStep
from .roles import RELEASE_APPROVERS, RELEASE_AUTHORS, RELEASE_REVIEWERS, RELEASE_VIEWERS


class ReleaseNote(ScopedModel):
    """发布稿: one piece of public information and where it stands (草稿 → 待审核 → 待批准 → 已批准 →
    已发布, or 退回 to its author). `case` links a case bulletin or an itinerary to its case (the
    personal-data check compares the text with the case's name, phone and employer)."""

    kind = models.CharField(_("类别"), max_length=16, choices=ReleaseKind.choices)
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("正文"))
    division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("发布区划")
    )
    case = models.ForeignKey(
        "tracing.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("关联病例"),
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("更正的发布"),
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=ReleaseStatus.choices, default=ReleaseStatus.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("起草人")
    )
    created_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("批准人"),
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回原因"), max_length=200, blank=True)

    scope_division_field = "division"
    scope_roles = {
        "view": RELEASE_VIEWERS,
        "add": RELEASE_AUTHORS,
        "change": RELEASE_AUTHORS,
        "review": RELEASE_REVIEWERS,
        "approve": RELEASE_APPROVERS,
    }

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("发布稿")
        verbose_name_plural = _("信息发布")
        indexes = [models.Index(fields=["status", "published_at"], name="releases_note_status_published")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=ReleaseStatus.PUBLISHED) | models.Q(published_at__isnull=False),
                name="releases_published_has_time",
                violation_error_message="已发布的须有发布时间",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def published_correction(self) -> ReleaseNote | None:
        """The newest published correction of this release (已更正), if any."""
        return (
            self.corrections.filter(status=ReleaseStatus.PUBLISHED).order_by("-published_at", "-id").first()
        )


class ReleaseEvent(models.Model):
    """One step of a release's history: who did what when (the public page shows only 发布 and
    发布更正, without names)."""

    note = models.ForeignKey(
        ReleaseNote, on_delete=models.CASCADE, related_name="events", verbose_name=_("发布稿")
    )
    step = models.CharField(_("环节"), max_length=16, choices=ReleaseStep.choices)
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("经办人"),
    )
    remark = models.CharField(_("说明"), max_length=200, blank=True)
    other = models.ForeignKey(
        ReleaseNote,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("相关发布"),
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("发布记录")
        verbose_name_plural = _("发布记录")

    def __str__(self) -> str:
        return f"{self.note} {self.get_step_display()}"
