"""督办 / 交办单: an instruction sent to units with a deadline and the evidence that must come back.
Each unit's part is a `DispatchTask` (its own status, replies and attachments); the sender signs
each off (对账销号) or sends it back; an overdue task escalates up its unit's chain."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.scoping import CHANGE, ScopedModel

from ..choices import OPEN_TASK_STATUSES, DispatchSource, DispatchStatus, ReplyKind, TaskStatus
from ..roles import DISPATCH_VIEWERS, DISPATCHERS, TASK_HANDLERS, TASK_VIEWERS
from .structure import Unit, sees_all


class Dispatch(ScopedModel):
    """交办单: what the command centre (or a group) asks of units, by when, with what evidence."""

    code = models.CharField(_("编号"), max_length=20)
    title = models.CharField(_("事项"), max_length=100)
    content = models.TextField(_("交办内容"))
    evidence = models.CharField(_("须反馈材料"), max_length=200, blank=True,
                                help_text=_("办结时须上传的佐证材料，如：现场照片、整改报告"))
    needs_attachment = models.BooleanField(_("办结须附佐证"), default=False)
    source = models.CharField(_("来源"), max_length=32, choices=DispatchSource.choices, default=DispatchSource.LEADER)
    source_note = models.CharField(_("来源说明"), max_length=200, blank=True)
    division = models.ForeignKey("core.Division", on_delete=models.PROTECT, related_name="dispatches",
                                 verbose_name=_("交办区划"))
    sender_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="sent",
                                    verbose_name=_("交办单位"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("交办人"))
    created_at = models.DateTimeField(_("交办时间"), auto_now_add=True)
    due_at = models.DateTimeField(_("办结时限"))
    status = models.CharField(_("状态"), max_length=20, choices=DispatchStatus.choices, default=DispatchStatus.OPEN)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)

    scope_division_field = "division"
    scope_roles = {"view": DISPATCH_VIEWERS, "add": DISPATCHERS, "change": DISPATCHERS}

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("交办单")
        verbose_name_plural = _("交办单")
        constraints = [models.UniqueConstraint(fields=["code"], name="command_dispatch_code_unique",
                                               violation_error_message="交办单编号已存在")]
        indexes = [models.Index(fields=["status", "due_at"], name="command_dispatch_status_due")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @classmethod
    def scope_refine(cls, qs, user, action):
        if sees_all(user):
            return qs
        return qs.filter(Q(created_by=user) | Q(sender_unit__in=Unit.led_by(user)))


class DispatchTask(ScopedModel):
    """交办事项: one unit's part of a dispatch, answered by its members and signed off by the sender."""

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("交办单"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("承办单位"))
    status = models.CharField(_("状态"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.ISSUED)
    due_at = models.DateTimeField(_("办结时限"))
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+", verbose_name=_("签收人"))
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    signed_off_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    returned = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    escalation_level = models.PositiveSmallIntegerField(_("升级级次"), default=0)
    escalated_at = models.DateTimeField(_("最近升级时间"), null=True, blank=True)

    scope_division_field = "unit__division"
    scope_roles = {"view": TASK_VIEWERS, "change": TASK_HANDLERS, "sign_off": DISPATCHERS}

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("交办事项")
        verbose_name_plural = _("交办事项")
        constraints = [models.UniqueConstraint(fields=["dispatch", "unit"], name="command_task_unit_unique",
                                               violation_error_message="同一交办单不能重复交办给同一单位")]
        indexes = [models.Index(fields=["status", "due_at"], name="command_task_status_due")]

    def __str__(self) -> str:
        return f"{self.dispatch.code} {self.unit}"

    @classmethod
    def scope_refine(cls, qs, user, action):
        """A unit's own members answer its tasks ("change"), whoever oversees the county; the sender
        (or the command centre) signs them off; members, senders and overseers see them."""
        mine = Q(unit__in=Unit.of_member(user))
        if action == CHANGE:
            return qs.filter(mine)
        if sees_all(user):
            return qs
        sent = Q(dispatch__created_by=user) | Q(dispatch__sender_unit__in=Unit.led_by(user))
        q = {"change": mine, "sign_off": sent}.get(action, mine | sent)
        return qs.filter(q)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TASK_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()


class DispatchReply(models.Model):
    """A line of a task's record: 签收, 进展, 办结 (with attachments), 销号, 退回, 超期升级."""

    task = models.ForeignKey(DispatchTask, on_delete=models.CASCADE, related_name="replies", verbose_name=_("交办事项"))
    kind = models.CharField(_("类型"), max_length=20, choices=ReplyKind.choices)
    text = models.TextField(_("内容"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+", verbose_name=_("填报人"))
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["task", "at", "id"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")

    def __str__(self) -> str:
        return f"{self.task} {self.get_kind_display()}"


class DispatchAttachment(models.Model):
    """佐证材料: a file sent back with a reply, served only through its task's scope."""

    reply = models.ForeignKey(DispatchReply, on_delete=models.CASCADE, related_name="attachments",
                              verbose_name=_("办理记录"))
    file = models.FileField(_("文件"), upload_to="dispatches/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=120)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"), default=0)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["reply", "id"]
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self) -> str:
        return self.name
