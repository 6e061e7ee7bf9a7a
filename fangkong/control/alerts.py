"""Alerts (预警) to the command centre and the CDC: symptoms, positives, missed tests."""

from __future__ import annotations

from fangkong.core.choices import Role
from fangkong.core.models import User
from fangkong.core.notify import notify

ALERT_ROLES = (Role.COMMAND_CENTER, Role.CDC)


def alert_recipients() -> list[User]:
    return list(User.objects.filter(is_active=True, roles__role__in=ALERT_ROLES).distinct())


def raise_alert(title: str, body: str = "", url: str = "", extra: list[User] | None = None) -> int:
    users = {u.pk: u for u in alert_recipients()}
    for u in extra or []:
        if u is not None:
            users.setdefault(u.pk, u)
    return notify(list(users.values()), "alert", title, body, url)
