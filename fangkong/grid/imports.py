"""The grid line's kind of import, on the platform's one import framework (`core.imports`): an
employer's list of staff returning to work (返岗人员报备, seed 004), `fangkong import return-reports
FILE [--json]`. Each row is a return report filed by the employer, with the same receipt as the
public page's; the same person arriving the same day is a duplicate, so importing a file again
adds nothing. Destinations outside the importing user's area are rejected with the reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditAction, DivisionLevel
from fangkong.core.identity import clean_id_number, clean_name, clean_phone
from fangkong.core.imports import (
    ChunkResult,
    Column,
    ImportKind,
    ImportRow,
    parse_datetime,
    read_table,
    register_kind,
    run_import,
    text,
)
from fangkong.core.models import Batch, Division, User
from fangkong.core.scoping import user_may

from .actions import ReturnInput, do_file_return_report
from .choices import ReporterKind
from .models import ReturnReport

BATCH_KIND = "return_reports"

COLUMNS = [
    Column("name", "姓名", ("员工姓名", "人员姓名", "返岗人员"), required=True, clean=clean_name),
    Column("id_number", "身份证号", ("身份证号码", "证件号码", "证件号"), clean=clean_id_number),
    Column("phone", "手机号", ("手机号码", "联系电话", "电话"), required=True, clean=clean_phone),
    Column("province", "出发省", ("省", "出发地省份", "来源省"), required=True, clean=text(32, "出发省")),
    Column("city", "出发市", ("市", "来源市"), clean=text(32, "出发市")),
    Column("county", "出发县区", ("县区", "出发县", "出发区", "来源县区"), clean=text(32, "出发县区")),
    Column("route", "途经地及交通方式", ("途经地", "交通方式", "行程"), clean=text(255, "途经地")),
    Column("arrive_at", "预计到达时间", ("到达时间", "返岗时间", "返县时间", "抵达时间"), required=True,
           clean=parse_datetime),
    Column("division", "目的地", ("目的地村社区", "居住村社区", "所属网格", "网格", "村社区"), required=True,
           clean=text(64, "目的地")),
    Column("address", "目的地地址", ("居住地址", "住址", "详细地址"), required=True, clean=text(255, "目的地地址")),
    Column("employer", "用工单位", ("单位", "企业名称", "单位名称"), clean=text(100, "用工单位")),
    Column("reporter_name", "报备人", ("单位联系人", "联系人"), clean=text(40, "报备人")),
    Column("reporter_phone", "报备人电话", ("联系人电话", "单位电话"), clean=clean_phone),
]


@dataclass
class ReturnImporter:
    """The chunk handler of a return-report batch (`core.imports.run_import`)."""

    user: User | None

    def __post_init__(self) -> None:
        places = Division.objects.filter(level__in=[DivisionLevel.VILLAGE, DivisionLevel.GRID])
        if self.user is not None and self.user.division is not None:
            places = places.subtree(self.user.division)
        self.by_code: dict[str, Division] = {}
        self.by_name: dict[str, list[Division]] = {}
        for d in places:
            self.by_code[d.code] = d
            self.by_name.setdefault(d.name, []).append(d)

    def division(self, value: str) -> tuple[Division | None, str]:
        key = value.replace(" ", "")
        named = [self.by_code[key]] if key in self.by_code else self.by_name.get(key, [])
        if not named:
            return None, f"目的地“{value}”不存在或不在您的管辖范围内"
        if len(named) > 1:
            return None, f"目的地“{value}”对应多个村（社区）或网格，请填写区划代码"
        return named[0], ""

    def __call__(self, rows: list[ImportRow]) -> ChunkResult:
        result = ChunkResult()
        now = timezone.now()
        for row in rows:
            v = row.values
            division, reason = self.division(v["division"])
            if division is None:
                result.reject(row, reason)
                continue
            if v["arrive_at"] < now - dt.timedelta(days=1):
                result.reject(row, "预计到达时间已过")
                continue
            item = ReturnInput(name=v["name"], phone=v["phone"], id_number=v["id_number"] or "",
                               province=v["province"], city=v["city"] or "", county=v["county"] or "",
                               route=v["route"] or "", arrive_at=v["arrive_at"], division=division,
                               address=v["address"], filed_by=ReporterKind.EMPLOYER, employer=v["employer"] or "",
                               reporter_name=v["reporter_name"] or "", reporter_phone=v["reporter_phone"] or "")
            try:
                _report, created = do_file_return_report(item, acting_user=self.user or SYSTEM)
            except (ValidationError, PermissionDenied) as exc:
                messages = getattr(exc, "messages", None) or [str(exc) or "没有报备的权限"]
                result.reject(row, *messages)
                continue
            if created:
                result.imported += 1
            else:
                result.duplicates += 1
        return result


def may_import(user: Any) -> bool:
    return user_may(ReturnReport, user, "add")


def run_return_batch(batch: Batch, data: bytes | None = None) -> Batch:
    """Runner of a return-report batch (form, CLI, worker): read the file, file each row."""
    if data is None:
        with batch.file.open("rb") as fh:
            data = fh.read()
    user = batch.created_by
    if user is not None and not may_import(user):
        raise PermissionDenied("您没有导入返岗人员报备的权限")
    table = read_table(data, batch.file_name, COLUMNS)
    table.check()
    run_import(batch, table, ReturnImporter(user), columns=COLUMNS)
    audit.record(AuditAction.IMPORT, batch, verb="import_return_reports", changes={
        "rows": batch.rows, "new": batch.imported, "duplicates": batch.duplicates, "rejected": batch.rejected})
    return batch


def _roles() -> tuple[str, ...]:
    from .roles import AWAY_EDITORS

    return tuple(AWAY_EDITORS)


KIND = register_kind(ImportKind(
    name="return-reports", batch_kind=BATCH_KIND, label="返岗人员报备", columns=COLUMNS, run=run_return_batch,
    roles=_roles(), object_type="grid.returnreport", aliases=("return_reports",),
))
