"""导入入库单: receipts from xlsx / csv through the platform's one import framework (`core.imports`),
on the page and from the command line (`fangkong import supply_receipts FILE`).

Each good row is one `do_record_movement` receipt (audited). A row whose item, warehouse, quantity
and time are already recorded as a receipt counts as a duplicate, so importing a file twice adds
nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fangkong.core.actions import SYSTEM, SystemActor
from fangkong.core.identity import InvalidValue
from fangkong.core.imports import (
    ChunkResult,
    Column,
    ImportKind,
    ImportRow,
    Source,
    do_create_batch,
    execute_batch,
    parse_datetime,
    read_table,
    register_kind,
    run_import,
    text,
)
from fangkong.core.models import Batch, User

from .actions import do_record_movement
from .choices import MovementKind
from .models import StockMovement, SupplyItem, Warehouse
from .roles import SUPPLY_KEEPERS

BATCH_KIND = "supply_receipts"


def _quantity(value: Any) -> int:
    try:
        n = float(str(value).strip().replace(",", ""))
    except ValueError:
        raise InvalidValue(f"数量“{value}”应为整数") from None
    if n != int(n) or n <= 0:
        raise InvalidValue(f"数量“{value}”应为正整数")
    return int(n)


def _when(value: Any):
    at = parse_datetime(value)
    return timezone.make_aware(at) if timezone.is_naive(at) else at


COLUMNS: list[Column] = [
    Column("item", "物资名称", ("品名", "物资", "名称"), required=True, clean=text(64, "物资名称")),
    Column("spec", "规格", ("规格型号", "型号"), clean=text(64, "规格")),
    Column("warehouse", "入库仓库", ("仓库", "仓库名称"), required=True, clean=text(64, "入库仓库")),
    Column("quantity", "数量", ("入库数量",), required=True, clean=_quantity),
    Column("at", "入库时间", ("入库日期", "日期", "时间"), required=True, clean=_when),
    Column("source", "来源", ("供货单位", "来源单位", "调拨来源"), clean=text(64, "来源")),
    Column("note", "备注", ("说明",), clean=text(200, "备注")),
]


class ReceiptImporter:
    """Handler for `run_import`: each row a receipt into a warehouse in the importer's scope."""

    def __init__(self, acting_user: User | SystemActor) -> None:
        self.acting_user = acting_user
        self.items = {(i.name, i.spec): i for i in SupplyItem._base_manager.all()}
        warehouses = (
            Warehouse._base_manager.all()
            if acting_user is SYSTEM
            else Warehouse.objects.restrict(acting_user)
        )  # type: ignore[arg-type]
        self.warehouses = {w.name: w for w in warehouses}

    def item(self, v: dict[str, Any]) -> SupplyItem | None:
        spec = v.get("spec") or ""
        found = self.items.get((v["item"], spec))
        if found is None and not spec:
            same = [i for (name, _s), i in self.items.items() if name == v["item"]]
            found = same[0] if len(same) == 1 else None
        return found

    def __call__(self, rows: list[ImportRow]) -> ChunkResult:
        result = ChunkResult()
        for row in rows:
            v = row.values
            item, warehouse = self.item(v), self.warehouses.get(v["warehouse"])
            if item is None:
                result.reject(row, f"物资“{v['item']}{v.get('spec') or ''}”不在物资品目中")
                continue
            if warehouse is None:
                result.reject(row, f"仓库“{v['warehouse']}”不存在或不在您的管辖范围内")
                continue
            if StockMovement._base_manager.filter(
                kind=MovementKind.RECEIPT,
                item=item,
                to_warehouse=warehouse,
                quantity=v["quantity"],
                at=v["at"],
            ).exists():
                result.duplicates += 1
                continue
            try:
                do_record_movement(
                    kind=MovementKind.RECEIPT,
                    item=item,
                    quantity=v["quantity"],
                    to_warehouse=warehouse,
                    at=v["at"],
                    recipient=v.get("source") or "",
                    note=v.get("note") or "",
                    acting_user=self.acting_user,
                )
            except ValidationError as exc:
                result.reject(row, *[str(m) for m in exc.messages])
                continue
            except PermissionDenied as exc:
                result.reject(row, str(exc))
                continue
            result.imported += 1
        return result


def import_receipts(content: Source, file_name: str, *, user: User | None) -> Batch:
    """Read the file and record its receipts at once; the Batch keeps counts and bad rows.
    Raises ReadError (Chinese) when the file or its header cannot be read."""
    table = read_table(content, file_name, COLUMNS)
    table.check()
    actor = user or SYSTEM
    batch = do_create_batch(
        kind=BATCH_KIND,
        file_name=file_name,
        content=content,
        store=False,
        roles=tuple(SUPPLY_KEEPERS),
        acting_user=actor,
        division=getattr(user, "division", None),
    )
    execute_batch(
        batch, runner=lambda b, _data: run_import(b, table, ReceiptImporter(actor), columns=COLUMNS)
    )
    batch.refresh_from_db()
    return batch


def run_receipt_batch(batch: Batch, data: bytes | None) -> Batch:
    """Runner of a receipts batch (the CLI, the worker)."""
    if data is None:
        with batch.file.open("rb") as fh:
            data = fh.read()
    table = read_table(data, batch.file_name, COLUMNS)
    table.check()
    return run_import(batch, table, ReceiptImporter(batch.created_by or SYSTEM), columns=COLUMNS)


KIND = register_kind(
    ImportKind(
        name="supply_receipts",
        batch_kind=BATCH_KIND,
        label="物资入库单",
        columns=COLUMNS,
        run=run_receipt_batch,
        roles=tuple(SUPPLY_KEEPERS),
        object_type="supplies.stockmovement",
    )
)
