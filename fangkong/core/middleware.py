from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect, resolve_url
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import audit
from .choices import AuditSource


def _trusted(address: str) -> bool:
    """Whether the address is one of settings.TRUSTED_PROXIES (addresses or networks)."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in settings.TRUSTED_PROXIES)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the peer, or behind a trusted proxy the last untrusted address of
    X-Forwarded-For (read from the right: only the proxies' own entries can be believed; a client
    may put anything at the left)."""
    remote = request.META.get("REMOTE_ADDR") or None
    if not remote or not settings.TRUSTED_PROXIES or not _trusted(remote):
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    for address in reversed(forwarded):
        if not _trusted(address):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote  # a garbled header: fall back to the proxy rather than trust it
    return forwarded[0] if forwarded else remote


class AuditContextMiddleware:
    """Makes the requesting user, address and a request id the audit context of the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        source = AuditSource.API if request.path.startswith("/api/") else AuditSource.WEB
        token = audit.set_context(
            audit.AuditContext(
                actor=user if user is not None and user.is_authenticated else None,
                source=source,
                ip=client_ip(request),
                request_id=uuid.uuid4().hex,
            )
        )
        try:
            return self.get_response(request)
        finally:
            audit.reset_context(token)


class IdleTimeoutMiddleware:
    """Ends a session after SESSION_IDLE_SECONDS without a request (default 30 minutes, 等保).

    The clock is `timezone.now()` so tests can move it; API calls of an expired session get
    DRF's 401/403 instead of a redirect, pages go to the login page and come back after it.
    """

    key = "fangkong_last_seen"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(timezone.now().timestamp())
            last = request.session.get(self.key)
            if last is not None and now - int(last) > settings.SESSION_IDLE_SECONDS:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                messages.info(request, _("长时间未操作,已自动退出,请重新登录"))
                target = request.get_full_path() if request.method == "GET" else "/"
                if getattr(request, "htmx", False):
                    # A fragment request would swap the login page into a table cell; reload instead.
                    current = urlsplit(request.headers.get("HX-Current-URL", ""))
                    target = current.path + (f"?{current.query}" if current.query else "") or "/"
                    login = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': target})}"
                    return HttpResponse(status=204, headers={"HX-Redirect": login})
                return redirect(f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': target})}")
            request.session[self.key] = now
        return self.get_response(request)


class ForcePasswordChangeMiddleware:
    """Sends a user whose password an administrator set (`must_change_password`) to the
    password-change page before anything else, so no administrator keeps a working password.

    Only the change page itself, logging out, the language switch and static files stay open;
    API calls of such a session get 403 with the reason.
    """

    open_paths = ("/static/", "/favicon.ico", "/i18n/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            change, leave = resolve_url("core:password_change"), resolve_url("logout")
            if request.path not in (change, leave) and not request.path.startswith(self.open_paths):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _("请先修改管理员设置的初始密码")}, status=403)
                if getattr(request, "htmx", False):
                    return HttpResponse(status=204, headers={"HX-Redirect": change})
                return redirect(change)
        return self.get_response(request)


class LanguageMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user chose English with the switch (the language cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an English-
    language browser in a county office would get English pages without asking for them.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        code = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
