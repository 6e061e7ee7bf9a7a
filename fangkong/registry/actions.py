"""The registry's actions: state changes of its pages that core's generic actions do not cover.

Residents and households are created, changed and deleted through `core.actions.do_create` /
`do_update` / `do_delete` (the API's generic viewset); the import's rows through
`registry.imports`. What is left is the step between them: the user confirms the column mapping
of their own upload and starts it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from fangkong.core.actions import SystemActor, action, is_system
from fangkong.core.choices import BatchStatus
from fangkong.core.identity import InvalidValue
from fangkong.core.models import Batch, User

from .imports import BATCH_KIND, may_import, start_upload


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

