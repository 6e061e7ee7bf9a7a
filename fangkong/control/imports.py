"""The control area's kind of import, registered with the platform's one import framework
(`core.imports`): provincial risk-area lists from the command line
(`fangkong import risk_areas FILE [--full-list-on 2022-08-08]`). The page keeps its preview and
confirmation step (`control.views.areas`); both read through `areas.read_file`."""

from __future__ import annotations

import datetime as dt
import inspect
from typing import Any

from django.utils import timezone

from fangkong.core import audit
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditAction, BatchStatus
from fangkong.core.identity import InvalidValue
from fangkong.core.imports import ImportKind, mark_running, register_kind
from fangkong.core.models import Batch

from . import areas
from .roles import POLICY_EDITORS

BATCH_KIND = "risk_areas"


def _apply(plan: areas.AreaPlan, *, source: str, full_list_on: dt.date | None, user: Any) -> int:
    """`areas.do_apply_risk_areas` as the batch's creator (or the system)."""
    apply = areas.do_apply_risk_areas
    if "acting_user" in inspect.signature(apply).parameters:  # the action layer's signature
        return apply(plan, source=source, full_list_on=full_list_on, acting_user=user or SYSTEM)
    with audit.audit_context(actor=user):
        return apply(plan, source=source, full_list_on=full_list_on)


def run_area_batch(batch: Batch, data: bytes | None) -> None:
    """Read a list, plan its changes against the history and apply them; bad rows are kept."""
    if data is None:
        with batch.file.open("rb") as fh:
            data = fh.read()
    mark_running(batch)
    rows, errors = areas.read_file(data, batch.file_name)
    full = batch.options.get("full_list_on")
    full_list_on = dt.date.fromisoformat(full) if full else None
    plan = areas.plan_changes(rows, full_list_on=full_list_on)
    _apply(plan, source=batch.file_name[:100], full_list_on=full_list_on, user=batch.created_by)
    batch.rows = batch.processed = len(rows) + len(errors)
    batch.imported = len(plan.new)
    batch.updated = len(plan.level_changed) + len(plan.lifted)
    batch.duplicates = len(plan.unchanged)
    batch.rejected, batch.errors = len(errors), errors
    batch.status, batch.finished_at = BatchStatus.DONE, timezone.now()
    batch.save()
    with audit.audit_context(actor=batch.created_by):
        audit.record(AuditAction.IMPORT, batch, verb="import_risk_area", changes={
            "rows": batch.rows, "new": batch.imported, "changed": batch.updated, "rejected": batch.rejected})


def _fields(opts: dict[str, Any], user: Any) -> dict[str, Any]:
    full = opts.get("full_list_on")
    if not full:
        return {}
    try:
        return {"options": {"full_list_on": dt.date.fromisoformat(str(full)).isoformat()}}
    except ValueError:
        raise InvalidValue(f"整表发布日“{full}”应写成2022-08-08") from None


KIND = register_kind(ImportKind(
    name="risk_areas", batch_kind=BATCH_KIND, label="风险区名单", columns=areas.COLUMNS, run=run_area_batch,
    roles=tuple(POLICY_EDITORS), fields=_fields, object_type="control.riskarea",
    cli_options=(("--full-list-on", {"dest": "full_list_on", "default": "",
                                      "help": "整表发布日:名单外的风险区于该日解除 / lift areas missing from the list"}),),
))
