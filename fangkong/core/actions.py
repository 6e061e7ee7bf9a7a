"""Generic audited state changes. Domain apps write `do_<verb>` functions on top of these.

Each function runs in a transaction, writes the audit row with old and new values and
re-checks scope after the write when a user is acting (NetBox's ObjectEditView.post).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from . import audit
from .choices import AuditAction
from .scoping import ADD, CHANGE, DELETE

M = TypeVar("M", bound=models.Model)


def _check_scope(obj: models.Model, action: str) -> None:
    user = audit.current().actor
    manager = type(obj)._default_manager
    if user is None or not hasattr(manager, "restrict"):
        return  # jobs and commands act for the system
    if not manager.restrict(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied("超出您的管辖范围或没有此权限")


def do_create(model: type[M], *, verb: str = "", full_clean: bool = True, **fields: Any) -> M:
    with transaction.atomic():
        obj = model(**fields)
        if full_clean:
            obj.full_clean()
        obj.save()
        _check_scope(obj, ADD)
        audit.record(AuditAction.CREATE, obj, verb=verb, changes=audit.diff({}, audit.snapshot(obj)))
    return obj


def do_update(obj: M, *, verb: str = "", full_clean: bool = True, **fields: Any) -> M:
    with transaction.atomic():
        _check_scope(obj, CHANGE)
        # The stored row, not `obj`: a ModelForm has already written the new values into
        # its instance while validating, which would leave nothing to audit.
        stored = type(obj)._base_manager.filter(pk=obj.pk).first()
        before = audit.snapshot(stored if stored is not None else obj)
        for name, value in fields.items():
            setattr(obj, name, value)
        if full_clean:
            obj.full_clean()
        obj.save()
        _check_scope(obj, CHANGE)
        changes = audit.diff(before, audit.snapshot(obj))
        if changes:
            audit.record(AuditAction.UPDATE, obj, verb=verb, changes=changes)
    return obj


def do_delete(obj: models.Model, *, verb: str = "") -> None:
    with transaction.atomic():
        _check_scope(obj, DELETE)
        before = audit.snapshot(obj)
        audit.record(AuditAction.DELETE, obj, verb=verb, changes=audit.diff(before, {}) or {"deleted": before})
        obj.delete()
