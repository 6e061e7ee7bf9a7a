"""Notifications: in-app rows always, SMS through a pluggable gateway (logging by default)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .actions import action, is_system
from .models import Notification, User

log = logging.getLogger("fangkong.sms")


class LoggingSmsGateway:
    """The default gateway: writes the message to the log instead of sending it."""

    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))
        log.info("SMS to %s: %s", phone, text)


def sms_gateway() -> LoggingSmsGateway:
    return import_string(settings.SMS_GATEWAY)()


def notify(users: Iterable[User], kind: str, title: str, body: str = "", url: str = "", sms: bool = False) -> int:
    """Notify users in the app (and by SMS when asked) once the current transaction commits."""
    users = [u for u in users if u is not None]
    Notification.objects.bulk_create(
        [Notification(user=u, kind=kind, title=title, body=body, url=url) for u in users]
    )
    if sms:
        def _send() -> None:
            gw = sms_gateway()
            for u in users:
                if u.phone:
                    gw.send(u.phone, f"{title} {body}".strip())

        transaction.on_commit(_send)
    return len(users)


def notify_each(messages: Iterable[tuple[User, str]], kind: str, body: str = "", url: str = "") -> int:
    """`notify` for a title of each user's own (an import's "12 new tasks" per assignee): one insert
    for all of them instead of one per user."""
    rows = [Notification(user=u, kind=kind, title=title, body=body, url=url) for u, title in messages if u is not None]
    Notification.objects.bulk_create(rows)
    return len(rows)


@action
def do_mark_read(user: User, notification: Notification | None = None, *, acting_user: Any) -> int:
    """Mark one of `user`'s notifications (or, without one, all unread) as read; returns how many.

    Only the recipient marks their own notifications (or the system). Not audited: it changes
    nobody's data, only what the recipient's badge counts.
    """
    if not is_system(acting_user) and acting_user.pk != user.pk:
        raise PermissionDenied(_("只能处理自己的通知"))
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    return unread.update(read_at=timezone.now())


def resolve(*, url: str, kinds: Iterable[str] | None = None, users: Iterable[User] | None = None) -> int:
    """The work behind the open notifications linking to `url` (of `kinds`, to `users`) is done:
    mark them read for everyone, so no one is sent to a finished task and the badge drops.
    Returns how many were resolved."""
    open_ = Notification.objects.filter(url=url, read_at__isnull=True)
    if kinds is not None:
        open_ = open_.filter(kind__in=list(kinds))
    if users is not None:
        open_ = open_.filter(user__in=[u.pk for u in users if u is not None])
    return open_.update(read_at=timezone.now())
