"""Assertions on the audit log: the row an action wrote, and that nothing was written."""

from __future__ import annotations

from typing import Any

from django.db import models

from .. import audit
from ..models import AuditLog, User


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


def assert_not_audited(since_id: int, **filters: Any) -> None:
    rows = list(AuditLog.objects.filter(id__gt=since_id, **filters).values_list("action", "object_repr"))
    assert not rows, f"unexpected audit rows: {rows}"


def last_audit_id() -> int:
    return AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0


def fresh_snapshot(obj: models.Model) -> dict[str, Any]:
    return audit.snapshot(type(obj)._base_manager.get(pk=obj.pk))
