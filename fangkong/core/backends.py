"""The first authentication backend: a client address that made too many failed logins (password
spraying across accounts) is refused before any password is checked (`core.accounts`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .accounts import address_blocked
from .middleware import client_ip


class AddressLimitBackend:
    """Authenticates no one; stops authentication (PermissionDenied) from a blocked address."""

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> None:
        if request is not None and address_blocked(client_ip(request)):
            raise PermissionDenied("too many failed logins from this address")
        return None
    # No get_user: sessions are never this backend's (the test client's force_login picks the first
    # backend that has one).
