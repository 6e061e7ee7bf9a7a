from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_menu": []}
    return {
        "nav_menu": menu_for(user),
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
    }
