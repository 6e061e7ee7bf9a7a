"""DRF authentication that makes the authenticated user the audit actor.

The audit middleware runs before DRF authenticates a token (DRF does it inside the view),
so for token requests the middleware's context has no actor; these classes fill it in for
every API view, whatever its base class.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from fangkong.core import audit
from fangkong.core.choices import AuditSource


def _as_actor(result: tuple[Any, Any] | None) -> tuple[Any, Any] | None:
    if result is not None:
        # The middleware resets the context at the end of the request, so setting it here
        # does not leak into the next request on this thread.
        audit.set_context(replace(audit.current(), actor=result[0], source=AuditSource.API))
    return result


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>` for systems (rest_framework.authtoken). A token stops working
    while its account is inactive or its logins are locked (too many failed passwords)."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        return _as_actor(super().authenticate(request))

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        from fangkong.core.accounts import is_locked

        user, token = super().authenticate_credentials(key)  # refuses an inactive account
        if is_locked(user.get_username()):
            raise exceptions.AuthenticationFailed(_("账号已锁定,请15分钟后再试或联系安全管理员解锁"))
        return user, token


class SessionAuthentication(authentication.SessionAuthentication):
    """The logged-in browser session, with CSRF checks for unsafe methods."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        return _as_actor(super().authenticate(request))


class SessionScheme(OpenApiAuthenticationExtension):
    """Documents the session login in the OpenAPI schema (Token is matched by drf-spectacular)."""

    target_class = SessionAuthentication
    name = "cookieAuth"
    priority = 1

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
