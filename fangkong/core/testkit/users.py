"""Accounts for tests: the named users per access level, fresh accounts, logged-in clients."""

from __future__ import annotations

import itertools

from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ..models import Division, User, UserRole
from .county import named_users  # noqa: F401 — the named accounts, from the registered test county

NAMED_USERS = (
    "commander", "cdc", "lab", "site", "regulator", "auditor", "sysadmin", "secadmin", "auditadmin",
    "township", "village", "grid", "grid_other", "village_other", "grid_neighbour",
)

UserSpec = str | tuple[str, str] | None
_serial = itertools.count(1)


def make_user(username: str, division: Division | None, *roles: str, module: str = "") -> User:
    """A fresh account with `roles` in `division` (for cases the named users do not cover)."""
    user = User.objects.create(username=username, division=division)
    UserRole.objects.bulk_create([UserRole(user=user, role=r, module=module) for r in roles])
    return user


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client_for(user: User | None) -> APIClient:
    """An API client authenticated the way systems are: `Authorization: Token …`."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client
