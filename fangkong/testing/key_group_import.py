"""Import key-group members (重点人群人员) from xlsx / csv through the shared import framework.

Each good row goes through `do_add_key_group_member` (audited); a person already in the group
counts as a duplicate, so importing the same file twice adds nothing.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from fangkong.core.actions import SYSTEM, SystemActor
from fangkong.core.identity import clean_id_number, clean_name, clean_phone
from fangkong.core.imports import (
    ChunkResult,
    Column,
    ImportRow,
    Source,
    do_create_batch,
    execute_batch,
    read_table,
    run_import,
    text,
)
from fangkong.core.models import Batch, User

from .actions import do_add_key_group_member
from .models import KeyGroup

BATCH_KIND = "key_group_member"

COLUMNS: list[Column] = [
    Column("name", "姓名", ("人员姓名", "成员姓名"), required=True, clean=clean_name),
    Column("id_number", "身份证号", ("证件号码", "身份证号码", "公民身份号码", "身份证", "证件号"),
           required=True, clean=clean_id_number),
    Column("phone", "手机号", ("联系电话", "手机号码", "手机", "电话"), clean=clean_phone),
    Column("employer", "工作单位", ("单位", "所在单位", "单位名称"), clean=text(100, "工作单位")),
]


def _messages(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


class MemberImporter:
    """Handler for `run_import`: adds each row to one key group."""

    def __init__(self, group: KeyGroup, acting_user: User | SystemActor) -> None:
        self.group, self.acting_user = group, acting_user

    def __call__(self, rows: list[ImportRow]) -> ChunkResult:
        result = ChunkResult()
        present = set(self.group.members.filter(id_number__in=[r.values["id_number"] for r in rows])
                      .values_list("id_number", flat=True))
        for row in rows:
            v = row.values
            if v["id_number"] in present:
                result.duplicates += 1
                continue
            try:
                do_add_key_group_member(self.group, id_number=v["id_number"], name=v["name"],
                                        phone=v.get("phone") or "", employer=v.get("employer") or "",
                                        acting_user=self.acting_user)
            except ValidationError as exc:
                result.reject(row, *_messages(exc))
                continue
            except PermissionDenied as exc:
                result.reject(row, f"该人员不在您的管辖范围内({exc})")
                continue
            present.add(v["id_number"])
            result.imported += 1
        return result


IMPORT_ROLES = tuple(KeyGroup.scope_roles.get("change", ()))


def import_members(group: KeyGroup, content: Source, file_name: str, *, user: User | None) -> Batch:
    """Read the file and add its rows to `group` at once; the Batch records counts and bad rows.

    Raises ReadError (Chinese) when the file or its header cannot be read.
    """
    table = read_table(content, file_name, COLUMNS)
    table.check()
    batch = do_create_batch(kind=BATCH_KIND, file_name=file_name, content=content, division=group.division,
                            store=False, roles=IMPORT_ROLES, options={"key_group": group.pk},
                            acting_user=user or SYSTEM)
    execute_batch(batch, runner=lambda b, _data: run_import(b, table, MemberImporter(group, user or SYSTEM), columns=COLUMNS))
    batch.refresh_from_db()
    return batch


def run_member_batch(batch: Batch, data: bytes | None) -> Batch:
    """Runner of a key-group batch (the CLI, the worker): the group is in the batch's options."""
    if data is None:
        with batch.file.open("rb") as fh:
            data = fh.read()
    group = KeyGroup.objects.get(pk=batch.options["key_group"])
    table = read_table(data, batch.file_name, COLUMNS)
    table.check()
    return run_import(batch, table, MemberImporter(group, batch.created_by or SYSTEM), columns=COLUMNS)
