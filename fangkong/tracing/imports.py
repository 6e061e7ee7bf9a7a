"""Contact lists from other regions (外地协查密接/次密接名单) on the platform's one import framework:
`fangkong import contacts FILE [--json]`, the upload page and the API take the same route.

Each row becomes a contact through `do_add_contact` (its plan under the protocol in force, its
lead in screening's intake). A contact is the same contact by case (or, without a case of ours,
the region the list came from) and ID number (else phone) and name, so a file imported again
adds nothing: every row counts as a duplicate.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from fangkong.core import audit
from fangkong.core.actions import SYSTEM, may
from fangkong.core.choices import AuditAction, DivisionLevel
from fangkong.core.identity import clean_id_number, clean_name, clean_phone
from fangkong.core.imports import (
    ChunkResult,
    Column,
    ImportKind,
    ImportRow,
    choice,
    read_table,
    register_kind,
    run_import,
    text,
)
from fangkong.core.imports.dates import parse_datetime
from fangkong.core.models import Batch, Division
from fangkong.core.scoping import CHANGE

from .choices import ContactCategory, ContactSource, EvidenceSource
from .models import Case, Contact
from .roles import TRACERS

BATCH_KIND = "contacts"

CATEGORY_WORDS = {"密接": ContactCategory.CLOSE, "密切接触者": ContactCategory.CLOSE, "close": ContactCategory.CLOSE,
                  "次密接": ContactCategory.SECONDARY, "密接的密接": ContactCategory.SECONDARY,
                  "secondary": ContactCategory.SECONDARY, "一般接触者": ContactCategory.GENERAL,
                  "时空伴随": ContactCategory.CO_PRESENT, "时空伴随者": ContactCategory.CO_PRESENT}

COLUMNS = [
    Column("name", "姓名", ("人员姓名",), clean=clean_name),
    Column("id_number", "身份证号", ("证件号码", "身份证号码", "证件号"), clean=clean_id_number),
    Column("phone", "手机号", ("手机号码", "联系电话", "电话"), clean=clean_phone),
    Column("category", "人员类别", ("类别", "判定类别", "接触类型"), required=True,
           clean=choice(CATEGORY_WORDS, "人员类别", ("密接", "次密接", "一般接触者", "时空伴随者"))),
    Column("last_exposure_at", "末次接触时间", ("最后接触时间", "末次暴露时间", "接触时间"), required=True,
           clean=parse_datetime),
    Column("place", "接触地点", ("暴露地点", "接触场所"), clean=text(255, "接触地点")),
    Column("case", "关联病例", ("病例编号", "关联病例编号"), clean=text(32, "关联病例")),
    Column("origin", "来源地区", ("协查来源", "推送地区", "来源"), clean=text(128, "来源地区")),
    Column("address", "现住址", ("住址", "居住地址", "地址"), clean=text(255, "现住址")),
]


def may_import(user: Any) -> bool:
    return bool(user.role_names & TRACERS) and may(user, Contact, "add")


class ContactImporter:
    """The chunk handler of a contact batch (`core.imports.run_import`)."""

    def __init__(self, batch: Batch) -> None:
        self.batch, self.user = batch, batch.created_by
        self.county = Division.objects.filter(level=DivisionLevel.COUNTY).order_by("path").first()
        self.cases: dict[str, Case | None] = {}

    def case(self, code: str) -> tuple[Case | None, str]:
        if not code:
            return None, ""
        if code not in self.cases:
            self.cases[code] = Case.objects.filter(code=code).first()
        case = self.cases[code]
        if case is None:
            return None, f"关联病例“{code}”不存在"
        if self.user is not None and not may(self.user, case, CHANGE):
            return None, f"关联病例“{code}”不在您的管辖范围内"
        return case, ""

    def __call__(self, rows: list[ImportRow]) -> ChunkResult:
        from .actions import do_add_contact

        result = ChunkResult()
        for row in rows:
            v = row.values
            case, reason = self.case(v.get("case") or "")
            if reason:
                result.reject(row, reason)
                continue
            if not v.get("id_number") and not v.get("phone"):
                result.reject(row, "身份证号和手机号至少填写一项")
                continue
            if case is None and not v.get("origin"):
                result.reject(row, "没有本地关联病例时请填写来源地区")
                continue
            try:
                _contact, created = do_add_contact(
                    case, category=v["category"], last_exposure_at=v["last_exposure_at"], name=v.get("name") or "",
                    id_number=v.get("id_number") or "", phone=v.get("phone") or "", address=v.get("address") or "",
                    place=v.get("place") or "", evidence=EvidenceSource.SELF, source=ContactSource.IMPORT,
                    origin=v.get("origin") or "", division=self.county, batch=self.batch, row_number=row.number,
                    acting_user=self.user or SYSTEM)
            except ValidationError as exc:
                result.reject(row, *exc.messages)
                continue
            if created:
                result.imported += 1
            else:
                result.duplicates += 1
        return result


def run_contact_batch(batch: Batch, data: bytes | None = None) -> Batch:
    """Runner of a contact batch (form, API, CLI, worker)."""
    if data is None:
        with batch.file.open("rb") as fh:
            data = fh.read()
    if batch.created_by is not None and not may_import(batch.created_by):
        raise PermissionDenied("您没有导入接触者名单的权限")
    table = read_table(data, batch.file_name, COLUMNS)
    table.check()
    run_import(batch, table, ContactImporter(batch), columns=COLUMNS)
    audit.record(AuditAction.IMPORT, batch, verb="import_contacts", changes={
        "rows": batch.rows, "new": batch.imported, "duplicates": batch.duplicates, "rejected": batch.rejected})
    return batch


KIND = register_kind(ImportKind(
    name="contacts", batch_kind=BATCH_KIND, label="外地协查接触者名单", columns=COLUMNS, run=run_contact_batch,
    roles=tuple(TRACERS), object_type="tracing.contact",
))

# Co-presence (时空伴随), #14 item 6: venue scans and location records.
from . import copresence_import  # noqa: E402, F401
