"""The testing area's kinds of import, registered with the platform's one import framework
(`core.imports`): lab results (`fangkong import results FILE --lab 县医院`) and key-group
members (`fangkong import key_group_members FILE --group 3`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from fangkong.core.identity import InvalidValue
from fangkong.core.imports import ImportKind, register_kind
from fangkong.core.models import Batch

from . import key_group_import, upload
from .ingest import RESULT_KIND, _apply_results
from .models.common import RESULT_WRITERS


def _run_results(batch: Batch, data: bytes | None) -> None:
    if data is None:
        with batch.file.open("rb") as fh:
            data = fh.read()
    rows, errors = upload.parse_result_file(data, batch.file_name, lab=batch.source, now=timezone.now())
    _apply_results(batch, rows, errors)


def _result_fields(opts: dict[str, Any], user: Any) -> dict[str, Any]:
    return {"source": (opts.get("lab") or "")[:64]}


RESULTS = register_kind(ImportKind(
    name="results", batch_kind=RESULT_KIND, label="核酸检测结果", columns=upload.COLUMNS, run=_run_results,
    roles=tuple(RESULT_WRITERS), fields=_result_fields, object_type="testing.sample",
    cli_options=(("--lab", {"default": "", "help": "检测机构 / lab (results)"}),),
))


def _member_fields(opts: dict[str, Any], user: Any) -> dict[str, Any]:
    from .models import KeyGroup

    group_id = opts.get("group")
    if not group_id:
        raise InvalidValue("请用 --group 指定重点人群编号")
    group = KeyGroup.objects.filter(pk=group_id).select_related("division").first()
    if group is None:
        raise InvalidValue(f"重点人群不存在:{group_id}")
    if user is not None and not KeyGroup.objects.restrict(user, "change").filter(pk=group.pk).exists():
        raise PermissionDenied("该重点人群不在您的管辖范围内")
    return {"division": group.division, "options": {"key_group": group.pk}}


MEMBERS = register_kind(ImportKind(
    name="key_group_members", batch_kind=key_group_import.BATCH_KIND, label="重点人群人员",
    columns=key_group_import.COLUMNS, run=key_group_import.run_member_batch, fields=_member_fields,
    roles=key_group_import.IMPORT_ROLES, object_type="testing.keygroupmember",
    cli_options=(("--group", {"type": int, "help": "重点人群编号 / key group id (key_group_members)"}),),
))
