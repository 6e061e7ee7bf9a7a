"""The audit writer. Every state change and every view or export of personal data ends here.

Who is acting comes from `audit_context` (set by the middleware for web and API requests,
and explicitly by imports, jobs and commands), so the same action function writes the same
audit row whatever called it.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from .choices import AuditAction, AuditSource
from .models import AuditLog

if TYPE_CHECKING:
    from .models import User


@dataclass(frozen=True)
class AuditContext:
    actor: User | None = None
    source: str = AuditSource.CLI
    ip: str | None = None
    request_id: str = ""


_context: contextvars.ContextVar[AuditContext] = contextvars.ContextVar("audit_context", default=AuditContext())  # noqa: B039 — frozen


def current() -> AuditContext:
    return _context.get()


@contextmanager
def audit_context(actor: User | None = None, source: str | None = None, ip: str | None = None) -> Iterator[None]:
    """Run a block as `actor` from `source`; nested blocks inherit what they do not set."""
    base = _context.get()
    ctx = replace(
        base,
        actor=actor if actor is not None else base.actor,
        source=source or base.source,
        ip=ip or base.ip,
        request_id=base.request_id or uuid.uuid4().hex,
    )
    token = _context.set(ctx)
    try:
        yield
    finally:
        _context.reset(token)


def set_context(ctx: AuditContext) -> contextvars.Token:
    return _context.set(ctx)


def reset_context(token: contextvars.Token) -> None:
    _context.reset(token)


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model) -> dict[str, Any]:
    """Concrete field values of an object, ready for JSON (foreign keys as ids)."""
    return {f.attname: _jsonable(getattr(obj, f.attname)) for f in obj._meta.concrete_fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def object_type(obj_or_model: models.Model | type[models.Model]) -> str:
    return obj_or_model._meta.label_lower


def _division_path(obj: models.Model | None) -> str:
    if obj is None:
        return ""
    field = getattr(type(obj), "scope_division_field", None)
    if not field:
        return ""
    target: Any = obj
    for part in field.split("__"):
        target = getattr(target, part, None)
        if target is None:
            return ""
    return getattr(target, "path", "")


def _row(
    action: str, obj: models.Model | None, *, changes: dict | None = None, verb: str = "",
    object_type_: str = "", object_id: str = "", object_repr: str = "", at: dt.datetime | None = None,
) -> AuditLog:
    ctx = current()
    actor = ctx.actor if ctx.actor is not None and ctx.actor.is_authenticated else None
    return AuditLog(
        at=at or timezone.now(),
        actor=actor,
        actor_label=str(actor.username) if actor else "system",
        action=action,
        verb=verb,
        object_type=object_type_ or (object_type(obj) if obj is not None else ""),
        object_id=object_id or (str(obj.pk) if obj is not None and obj.pk is not None else ""),
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        changes=_jsonable(changes or {}),
        division_path=_division_path(obj),
        source=ctx.source,
        ip=ctx.ip,
        request_id=ctx.request_id,
    )


def record(action: str, obj: models.Model | None = None, **kwargs: Any) -> AuditLog:
    row = _row(action, obj, **kwargs)
    row.save()
    return row


def record_many(action: str, objs: Iterable[models.Model], *, verb: str = "", changes_of=None) -> int:
    """One audit row per object, written with bulk_create (imports and bulk actions)."""
    now = timezone.now()
    rows = [
        _row(action, o, verb=verb, changes=changes_of(o) if changes_of else None, at=now) for o in objs
    ]
    AuditLog.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def record_pii_view(obj: models.Model, fields: Iterable[str], *, export: bool = False) -> AuditLog:
    return record(AuditAction.EXPORT if export else AuditAction.VIEW_PII, obj, changes={"fields": list(fields)})


def record_export(object_type_: str, count: int, *, fields: Iterable[str] = (), full_pii: bool = False,
                  description: str = "") -> AuditLog:
    return record(
        AuditAction.EXPORT, None, object_type_=object_type_, object_repr=description,
        changes={"count": count, "fields": list(fields), "full_pii": full_pii},
    )
