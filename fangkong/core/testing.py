"""Shared test helpers: named users, logged-in clients, audit assertions.

Tests get data from the synthetic county (conftest.py builds it once per test database).
"""

from __future__ import annotations

from typing import Any

from django.test import Client

from .models import AuditLog, User

NAMED_USERS = (
    "commander", "cdc", "lab", "site", "regulator", "auditor", "sysadmin", "secadmin", "auditadmin",
    "township", "village", "grid", "grid_other", "village_other", "grid_neighbour",
)


def named_users() -> dict[str, User]:
    users = {u.username: u for u in User.objects.filter(division__isnull=False).exclude(username__regex=r"^(gw|tc|vc)\d")}
    return users


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def audit_rows(**filters: Any) -> list[AuditLog]:
    return list(AuditLog.objects.filter(**filters))


def assert_audited(action: str, obj: Any = None, actor: User | None = None, **filters: Any) -> AuditLog:
    qs = AuditLog.objects.filter(action=action, **filters)
    if obj is not None:
        qs = qs.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    if actor is not None:
        qs = qs.filter(actor=actor)
    row = qs.order_by("-id").first()
    assert row is not None, f"no audit row for {action} {obj!r} by {actor!r}"
    return row
