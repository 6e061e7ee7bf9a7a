"""通知全覆盖: a message sent to a list of people (people away in places that became risk areas, a
sweep's risk answers, a village's residents), with one delivery row per person, so those not
reached (failed, no phone) are a list to follow up and to send to again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core.scoping import ScopedModel

from ..choices import DeliveryStatus, NoticeAudience, NoticeStatus
from ..roles import NOTICE_SENDERS, NOTICE_VIEWERS


class Notice(ScopedModel):
    """一条通知: its text and audience in an area (`division`: the sender's area or below); the
    recipients are resolved when it is sent, sending runs in the background (never left
    "sending": a dead worker's notice is failed by the tick, and can be sent again)."""

    division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("通知范围")
    )
    audience = models.CharField(_("通知对象"), max_length=16, choices=NoticeAudience.choices)
    sweep = models.ForeignKey(
        "grid.Sweep",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("排摸"),
    )
    text = models.CharField(_("通知内容"), max_length=500)
    status = models.CharField(
        _("状态"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.QUEUED
    )
    recipients = models.PositiveIntegerField(_("通知人数"), default=0)
    sent = models.PositiveIntegerField(_("已发送"), default=0)
    delivered = models.PositiveIntegerField(_("已送达"), default=0)
    failed = models.PositiveIntegerField(_("发送失败"), default=0)
    no_phone = models.PositiveIntegerField(_("无有效手机号"), default=0)
    message = models.CharField(_("说明"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发送人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    heartbeat_at = models.DateTimeField(_("最近进度时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    scope_division_field = "division"
    scope_roles = {"view": NOTICE_VIEWERS, "add": NOTICE_SENDERS, "change": NOTICE_SENDERS}

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")

    def __str__(self) -> str:
        return f"{self.get_audience_display()}：{self.text[:20]}"

    @property
    def not_reached(self) -> int:
        return self.failed + self.no_phone


class NoticeDelivery(ScopedModel):
    """One person of a notice: the phone it went to (normalised), and what became of it. `key`
    names where the person came from (`away:12`, `answer:5`, `resident:9`): a resend looks the
    phone up there again."""

    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("通知")
    )
    key = models.CharField(_("来源"), max_length=40)
    name = models.CharField(_("姓名"), max_length=40)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    grid = models.ForeignKey(
        "core.Division",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所属网格"),
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    error = models.CharField(_("失败原因"), max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    scope_division_field = "notice__division"
    scope_roles = {"view": NOTICE_VIEWERS}

    class Meta:
        ordering = ["notice_id", "id"]
        verbose_name = _("通知送达记录")
        verbose_name_plural = _("通知送达记录")
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "key"],
                name="noticedelivery_once",
                violation_error_message="该人员已在本通知名单中",
            )
        ]
        indexes = [models.Index(fields=["notice", "status"], name="noticedelivery_status")]

    def __str__(self) -> str:
        return f"{self.name} {self.get_status_display()}"
