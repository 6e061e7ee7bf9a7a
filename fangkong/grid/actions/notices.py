"""通知全覆盖: send a notice (recipients resolved now, one delivery row each, sent by the worker
through the SMS gateway) and send again to those not reached."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import action, is_system, require
from fangkong.core.choices import AuditAction
from fangkong.core.models import Division
from fangkong.core.notify import sms_gateway
from fangkong.core.scoping import ADD, CHANGE, VIEW

from ..choices import NOT_REACHED, DeliveryStatus, NoticeStatus
from ..models import Notice, NoticeDelivery, Sweep
from ..notices import audience_problem, normalise_phone, recipients

log = logging.getLogger(__name__)
MAX_RECIPIENTS = 200_000
# A notice with no progress for this long is a dead worker's: failed, to be sent again.
STALE_AFTER = dt.timedelta(minutes=10)
INTERRUPTED = "发送中断（后台进程退出），未发送的人员保留为待发送，可重新发送"


def _enqueue(notice_id: int) -> None:
    from ..jobs_care import send_notice_task

    transaction.on_commit(lambda: send_notice_task.enqueue(notice_id))


@action
def do_send_notice(
    *, acting_user: Any, division: Division, audience: str, text: str, sweep: Sweep | None = None
) -> Notice:
    """Create a notice for `audience` in `division` (the sender's area or below), resolve its
    recipients now — one delivery each, "no phone" for those without a valid mobile number —
    and queue the sending for the background worker."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("请填写通知内容"))
    problem = audience_problem(audience, division, sweep)
    if problem:
        raise ValidationError(problem)
    if sweep is not None:
        require(acting_user, sweep, VIEW)
    notice = Notice(
        division=division,
        audience=audience,
        text=text,
        sweep=sweep,
        created_by=None if is_system(acting_user) else acting_user,
    )
    notice.full_clean()
    notice.save()
    require(acting_user, notice, ADD)  # the area must lie in the sender's own
    rows = []
    for r in recipients(audience, division, sweep):
        phone = r.phone
        rows.append(
            NoticeDelivery(
                notice=notice,
                key=r.key,
                name=r.name[:40],
                phone=phone,
                grid_id=r.grid_id,
                status=DeliveryStatus.QUEUED if phone else DeliveryStatus.NO_PHONE,
                error="" if phone else _("号码缺失或不是有效手机号：%(raw)s") % {"raw": r.raw_phone[:20]},
            )
        )
        if len(rows) > MAX_RECIPIENTS:
            raise ValidationError(_("通知人数超过%(n)s人，请缩小通知范围") % {"n": MAX_RECIPIENTS})
    if not rows:
        raise ValidationError(_("该范围内没有符合条件的通知对象"))
    NoticeDelivery.objects.bulk_create(rows, batch_size=2000)
    tally(notice)
    audit.record(
        AuditAction.CREATE,
        notice,
        verb="send_notice",
        changes={
            "audience": [None, audience],
            "division": [None, division.name],
            "text": [None, text],
            "sweep": [None, sweep.pk if sweep else None],
            "recipients": [None, notice.recipients],
            "no_phone": [None, notice.no_phone],
        },
    )
    _enqueue(notice.pk)
    return notice


@action
def do_resend_notice(notice: Notice, *, acting_user: Any) -> Notice:
    """重新发送 to those not reached: failed rows are queued again; a "no phone" row whose person
    has a valid number by now (looked up where they came from) gets it and is queued too."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    require(acting_user, notice, CHANGE)
    if notice.status in (NoticeStatus.QUEUED, NoticeStatus.SENDING):
        raise ValidationError(_("该通知正在发送，请稍后再试"))
    current = {r.key: r.phone for r in recipients(notice.audience, notice.division, notice.sweep)}
    requeued, found = 0, 0
    for d in notice.deliveries.filter(status__in=[*NOT_REACHED, DeliveryStatus.QUEUED]):
        phone = current.get(d.key, "") if d.status == DeliveryStatus.NO_PHONE else d.phone
        if not phone:
            continue
        found += d.status == DeliveryStatus.NO_PHONE
        NoticeDelivery.objects.filter(pk=d.pk).update(phone=phone, status=DeliveryStatus.QUEUED, error="")
        requeued += 1
    if not requeued:
        raise ValidationError(_("没有可重新发送的人员（未送达的人员均无有效手机号）"))
    Notice.objects.filter(pk=notice.pk).update(status=NoticeStatus.QUEUED, message="", finished_at=None)
    notice.refresh_from_db()
    tally(notice)
    audit.record(
        AuditAction.ACTION,
        notice,
        verb="resend_notice",
        changes={"requeued": [None, requeued], "phone_found": [None, found]},
    )
    _enqueue(notice.pk)
    return notice


def tally(notice: Notice) -> Notice:
    """The notice's counts from its delivery rows."""
    from django.db.models import Count

    by = dict(
        notice.deliveries.order_by().values("status").annotate(n=Count("id")).values_list("status", "n")
    )
    notice.recipients = sum(by.values())
    notice.sent = by.get(DeliveryStatus.SENT, 0) + by.get(DeliveryStatus.DELIVERED, 0)
    notice.delivered = by.get(DeliveryStatus.DELIVERED, 0)
    notice.failed = by.get(DeliveryStatus.FAILED, 0)
    notice.no_phone = by.get(DeliveryStatus.NO_PHONE, 0)
    Notice.objects.filter(pk=notice.pk).update(
        recipients=notice.recipients,
        sent=notice.sent,
        delivered=notice.delivered,
        failed=notice.failed,
        no_phone=notice.no_phone,
    )
    return notice


def send_queued(notice_id: int, chunk: int = 200) -> Notice | None:
    """The worker's part: claim the queued notice, send each queued delivery through the gateway
    (a gateway answering "delivered" marks it so; an exception marks that one failed), and end
    the notice done — or failed with the reason, never left sending."""
    now = timezone.now()
    if not Notice.objects.filter(pk=notice_id, status=NoticeStatus.QUEUED).update(
        status=NoticeStatus.SENDING, heartbeat_at=now, message=""
    ):
        return None
    notice = Notice.objects.get(pk=notice_id)
    try:
        gateway = sms_gateway()
        while True:
            batch = list(notice.deliveries.filter(status=DeliveryStatus.QUEUED).order_by("id")[:chunk])
            if not batch:
                break
            for d in batch:
                _send_one(gateway, notice, d)
            Notice.objects.filter(pk=notice_id).update(heartbeat_at=timezone.now())
        status, message = NoticeStatus.DONE, ""
    except Exception as exc:  # the gateway itself could not be made, or the database failed
        log.exception("notice %s failed", notice_id)
        status, message = NoticeStatus.FAILED, _("发送出错：%(e)s") % {"e": str(exc)[:200]}
    Notice.objects.filter(pk=notice_id).update(status=status, message=message, finished_at=timezone.now())
    notice.refresh_from_db()
    tally(notice)
    audit.record(
        AuditAction.ACTION,
        notice,
        verb="notice_sent",
        changes={
            "status": [NoticeStatus.SENDING, status],
            "sent": [None, notice.sent],
            "failed": [None, notice.failed],
            "no_phone": [None, notice.no_phone],
            "message": [None, message],
        },
    )
    return notice


def _send_one(gateway: Any, notice: Notice, d: NoticeDelivery) -> None:
    phone = normalise_phone(d.phone)
    fields: dict[str, Any] = {"attempts": d.attempts + 1, "sent_at": timezone.now()}
    if not phone:
        fields.update(status=DeliveryStatus.NO_PHONE, error=_("不是有效手机号"))
    else:
        try:
            answer = gateway.send(phone, notice.text)
        except Exception as exc:
            fields.update(status=DeliveryStatus.FAILED, error=str(exc)[:255] or _("短信网关发送失败"))
        else:
            delivered = str(answer) == DeliveryStatus.DELIVERED
            fields.update(status=DeliveryStatus.DELIVERED if delivered else DeliveryStatus.SENT, error="")
    NoticeDelivery.objects.filter(pk=d.pk).update(**fields)


def fail_stale_notices(now: dt.datetime | None = None) -> int:
    """Notices left "sending" by a worker that died are failed with the reason (their unsent rows
    stay queued: a resend picks them up)."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    return Notice.objects.filter(status=NoticeStatus.SENDING, heartbeat_at__lt=cutoff).update(
        status=NoticeStatus.FAILED, message=INTERRUPTED, finished_at=now or timezone.now()
    )
