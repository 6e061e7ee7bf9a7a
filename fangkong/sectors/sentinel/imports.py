"""The sentinel lists on the platform's one import framework (`core.imports`): a pharmacy's
real-name sales of the four classes of drugs, or a clinic's fever / pre-triage visits, from
Excel / CSV (`fangkong import sentinel-sales FILE [--json]`), from the upload page or from a
pharmacy system through the API — thousands a day.

Each row names its sentinel (credit code or registered name of a 药店 / 医疗机构 in the importer's
scope); drug names are mapped to the catalogue's classes through names and aliases ("芬必得" →
布洛芬 → 退烧), a name the catalogue lacks needs a written class. The same row again is a
duplicate: importing a file twice adds nothing. Rows are written a chunk at a time through
`sentinel.intake.write_chunk` (the screening intake, set-based).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection

from fangkong.core import audit
from fangkong.core.bulk import analyze, import_session
from fangkong.core.choices import AuditAction
from fangkong.core.identity import InvalidValue
from fangkong.core.imports import (
    ChunkResult,
    Column,
    ImportKind,
    ImportRow,
    read_table,
    register_kind,
    run_import,
)
from fangkong.core.models import Batch, User
from fangkong.core.scoping import user_may
from fangkong.screening.cleaning import prime_lead_memos
from fangkong.screening.imports import WriterProcess, writer_process_allowed

from ..models import SentinelRecord
from ..roles import SENTINEL_REPORTERS
from .intake import CHANNEL, Cleaner, Session, write_chunk

BATCH_KIND = "sentinel_sales"
CHUNK_ROWS = 10_000
ANALYZE_ROWS = 20_000

COLUMNS = [
    Column("sentinel", "哨点", ("药店", "药店名称", "哨点名称", "医疗机构", "机构名称", "门店", "门店名称", "统一社会信用代码",
                               "信用代码", "单位名称"), required=True),
    Column("kind", "类型", ("登记类型", "就诊类型", "来源类型")),
    Column("drug", "药品名称", ("药品", "药名", "商品名称", "商品名", "通用名", "品名")),
    Column("drug_class", "药品类别", ("类别", "药品分类", "四类药品")),
    Column("quantity", "数量", ("购买数量", "盒数")),
    Column("name", "姓名", ("购药人", "购药人姓名", "患者姓名", "就诊人", "顾客姓名")),
    Column("id_number", "身份证号", ("身份证号码", "证件号码", "公民身份号码", "身份证")),
    Column("phone", "手机号", ("联系电话", "电话", "手机号码", "联系方式")),
    Column("address", "现住址", ("住址", "居住地址", "地址")),
    Column("occurred_at", "购药时间", ("就诊时间", "销售时间", "时间", "登记时间", "购买时间"), required=True),
    Column("temperature", "体温", ("体温(℃)", "体温（℃）")),
    Column("symptoms", "症状", ("主要症状", "主诉")),
]


def may_import_sentinels(user: Any) -> bool:
    return bool(user.role_names & SENTINEL_REPORTERS) and user_may(SentinelRecord, user, "add")


class SentinelImporter:
    """The chunk handler of a sentinel batch (`core.imports.run_import`)."""

    def __init__(self, batch: Batch, user: User | None) -> None:
        self.cleaner = Cleaner(user=user)
        self.session = Session(batch=batch)
        self.writer: WriterProcess | None = None  # a big file's: see `run_sentinel_batch`

    def __call__(self, rows: list[ImportRow]) -> ChunkResult:
        result = ChunkResult()
        prime_lead_memos([r.raw for r in rows])
        items = []
        for row in rows:
            try:
                item = self.cleaner.clean(row.raw, row.number, reported_by_id=None)
            except InvalidValue as exc:
                result.reject(row, *str(exc).split("；"))
                continue
            items.append(item)
        out = write_chunk(items, self.session, self.writer)
        result.imported, result.duplicates = out.records, out.duplicates
        return result


def run_sentinel_batch(batch: Batch, data: bytes | None = None, *, rows: list[tuple[int, dict]] | None = None) -> Batch:
    """Runner of a sentinel batch (form, API, CLI, worker): read the file (or the API's rows)."""
    from fangkong.screening.intake import notify_assignees

    user = batch.created_by
    if user is not None and not may_import_sentinels(user):
        raise PermissionDenied("您没有导入哨点登记的权限")
    table = None
    if rows is None:
        if data is None:
            with batch.file.open("rb") as fh:
                data = fh.read()
        table = read_table(data, batch.file_name, COLUMNS)
        table.check()
    importer = SentinelImporter(batch, user)
    analyzed = False
    with import_session():
        if rows is None and writer_process_allowed(data):
            # A big file: each chunk resolved here and written by a second process meanwhile.
            state, now, policy = importer.session.state, importer.session.now, importer.session.policy
            importer.writer = WriterProcess(batch, state, now, policy, block=CHUNK_ROWS)
            state = None  # the session's: freed with the importer below
            if connection.vendor == "postgresql":  # SQLite's ANALYZE would wait for the writer's lock
                importer.writer.meanwhile = lambda: _refresh_statistics(batch)
                analyzed = True
        run_import(batch, table if rows is None else rows, importer, chunk_size=CHUNK_ROWS, writer=importer.writer,
                   first_chunk=CHUNK_ROWS // 4 if importer.writer else 0)
        assigned = dict(importer.session.assigned)
        # What the import kept (a person per buyer, the cleaners' memos) is freed by reference
        # counting while the collector is still paused: its first pass would walk all of it.
        importer = table = None
    audit.record(AuditAction.IMPORT, batch, verb="import_sentinel_sales", changes={
        "rows": batch.rows, "imported": batch.imported, "duplicates": batch.duplicates, "rejected": batch.rejected})
    if not analyzed:
        _refresh_statistics(batch)
    if assigned:
        notify_assignees(assigned, CHANNEL)
    return batch


def _refresh_statistics(batch: Batch) -> None:
    if batch.imported >= ANALYZE_ROWS:
        analyze(SentinelRecord, "screening_lead", "screening_person", "screening_verification", added=batch.imported)


KIND = register_kind(ImportKind(
    name="sentinel-sales", batch_kind=BATCH_KIND, label="哨点登记名单（药店四类药品购买、发热门诊、预检分诊）",
    columns=COLUMNS, run=run_sentinel_batch, roles=tuple(SENTINEL_REPORTERS), object_type="sectors.sentinelrecord",
    aliases=("sentinel_sales", "import_sentinel_sales"),
))
