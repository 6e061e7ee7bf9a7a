"""The registry's actions: state changes of its pages that core's generic actions do not cover.

Residents and households are created, changed and deleted through `core.actions.do_create` /
`do_update` / `do_delete` (the API's generic viewset); the import's rows through
`registry.imports`. What is left is the step between them: the user confirms the column mapping
of their own upload and starts it; and what a door-to-door sweep learns about a resident.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import SystemActor, action, is_system, require
from fangkong.core.choices import AuditAction, BatchStatus
from fangkong.core.identity import InvalidValue
from fangkong.core.models import Batch, User
from fangkong.core.scoping import CHANGE

from .choices import ResidentStatus
from .imports import BATCH_KIND, may_import, start_upload
from .models import Resident


def require_own_upload(acting_user: User | SystemActor, batch: Batch) -> None:
    """The rule of the import steps: a registry editor continues only their own registry upload
    (SYSTEM passes). Fails closed."""
    if is_system(acting_user):
        return
    if batch.kind != BATCH_KIND or not may_import(acting_user) or batch.created_by_id != acting_user.pk:
        raise PermissionDenied(_("您没有导入常住人口台账的权限"))


@action
def do_start_import(batch: Batch, mapping: dict[str, Any], *, acting_user: User | SystemActor) -> Batch:
    """Record the confirmed column `mapping` of a pending upload and run it (now, or in the worker
    when large). A file the importer cannot read fails the batch with the reason, never leaves it
    pending."""
    require_own_upload(acting_user, batch)
    if batch.status != BatchStatus.PENDING or "started" in batch.options:
        raise PermissionDenied(_("该批次已开始导入"))
    batch.options = {**batch.options, "mapping": mapping, "started": True}
    batch.save(update_fields=["options"])
    try:
        return start_upload(batch)
    except (InvalidValue, PermissionDenied) as exc:
        Batch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED, message=str(exc))
        batch.refresh_from_db()
        return batch



# What a sweep may tell the registry about a resident: present or away (and where), the phone.
SWEEP_STATUSES = (ResidentStatus.PRESENT, ResidentStatus.AWAY)


@action
def do_learn_from_sweep(resident: Resident, *, acting_user: User | SystemActor, status: str = "",
                        away_to: str | None = None, phone: str = "", sweep: str = "") -> dict[str, list]:
    """排摸更新台账: a sweep's answer changes a resident's status (在家 / 外出 and where) or phone.

    Only what differs is written, audited with before and after and the sweep's name (the audit
    log's verb `learn_from_sweep` is the administrators' review list); returns the changes."""
    require(acting_user, resident, CHANGE)
    if status and status not in SWEEP_STATUSES:
        raise ValueError(f"a sweep sets only present / away, not {status!r}")
    stored = Resident.objects.select_for_update().get(pk=resident.pk)
    wanted: dict[str, str] = {}
    if status and stored.status in SWEEP_STATUSES and stored.status != status:
        wanted["status"] = status
    if away_to is not None and (status or stored.status) == ResidentStatus.AWAY and stored.away_to != away_to:
        wanted["away_to"] = away_to[:128]
    if status == ResidentStatus.PRESENT and stored.away_to:
        wanted["away_to"] = ""
    if phone and stored.phone != phone:
        wanted["phone"] = phone
    if not wanted:
        return {}
    changes = {k: [getattr(stored, k), v] for k, v in wanted.items()}
    Resident.objects.filter(pk=stored.pk).update(**wanted, updated_at=timezone.now())
    for k, v in wanted.items():
        setattr(resident, k, v)
    audit.record(AuditAction.UPDATE, resident, verb="learn_from_sweep",
                 changes={**changes, "sweep": [None, sweep]} if sweep else changes)
    return changes
