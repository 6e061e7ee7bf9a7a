"""Cleaning rows, the one bad-row shape, and feeding clean rows to an importer in chunks."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import transaction
from django.utils import timezone

from .. import audit
from ..choices import AuditSource, BatchStatus
from ..identity import InvalidValue
from ..models import Batch
from .columns import Column, as_text, is_blank

log = logging.getLogger(__name__)

MAX_STORED_ERRORS = 50_000  # bad rows kept on the batch (and in the error sheet)
CHUNK_ROWS = 1000

BadRow = dict[str, Any]  # {"row": int | None, "reasons": [str, …], "values": {column key: text}}


def bad_row(number: int | None, reasons: Sequence[str] | str, raw: dict[str, Any] | None = None) -> BadRow:
    """The one shape of a rejected row, kept on `Batch.errors` and written by `error_sheet`.

    Values are stored as the text the user wrote; an empty cell is "" (never "None").
    """
    reasons = [reasons] if isinstance(reasons, str) else [str(r) for r in reasons]
    values = {k: "" if is_blank(v) else as_text(v) for k, v in (raw or {}).items()}
    return {"row": number, "reasons": reasons, "values": values}


def reasons_of(error: BadRow) -> list[str]:
    """A bad row's reasons (batches stored before the one shape had a single `reason`)."""
    reasons = error.get("reasons")
    if reasons is None:
        reason = error.get("reason")
        return [reason] if reason else []
    return list(reasons)


def clean_row(raw: dict[str, Any], columns: Sequence[Column]) -> tuple[dict[str, Any], list[str]]:
    """Clean each column's raw value: (values, reasons). Blank optional values become None."""
    values: dict[str, Any] = {}
    reasons: list[str] = []
    for column in columns:
        value = raw.get(column.key)
        if is_blank(value):
            if column.required:
                reasons.append(f"{column.label}为空")
            values[column.key] = None
            continue
        if column.clean is None:
            values[column.key] = as_text(value)
            continue
        try:
            values[column.key] = column.clean(value)
        except (InvalidValue, ValueError) as exc:
            message = str(exc)
            reasons.append(message if column.label in message else f"{column.label}:{message}")
            values[column.key] = None
    return values, reasons


class ImportRow(NamedTuple):
    number: int
    values: dict[str, Any]
    raw: dict[str, Any]


@dataclass
class ChunkResult:
    """What a handler did with one chunk of rows."""

    imported: int = 0
    updated: int = 0
    duplicates: int = 0  # rows that changed nothing (already there, identical)
    errors: list[BadRow] = field(default_factory=list)

    def reject(self, row: ImportRow, *reasons: str) -> None:
        self.errors.append(bad_row(row.number, reasons, row.raw))


Handler = Callable[[list[ImportRow]], ChunkResult]


def run_import(batch: Batch, rows: Iterable[tuple[int, dict[str, Any]]], handler: Handler, *,
               columns: Sequence[Column] | None = None, chunk_size: int = CHUNK_ROWS,
               writer: AbstractContextManager | None = None, first_chunk: int = 0) -> Batch:
    """Feed rows to `handler` in chunks, one transaction each; record everything on `batch`.

    With `columns`, rows are cleaned first and rows with reasons never reach the handler.
    Changes are audited as the batch's creator from source "import". A chunk that raises
    is rolled back and fails the batch (with the rows it covered); the chunks before it stay.
    `writer` (a writer process the handler hands its chunks to) is entered around the rows and
    left, every chunk committed, before the batch is done; it writes the progress with each
    chunk, so this process does not wait for the database's one writer between chunks;
    `first_chunk` rows (fewer than `chunk_size`) make the first chunk, so that it starts sooner.
    """
    from .batches import mark_running

    errors: list[BadRow] = []
    mark_running(batch, rows=getattr(rows, "total", 0) or batch.rows)

    def add_error(error: BadRow) -> None:
        batch.rejected += 1
        if len(errors) < MAX_STORED_ERRORS:
            errors.append(error)

    def flush(chunk: list[ImportRow]) -> None:
        if chunk:
            # With a writer process the handler only reads here: a transaction would take SQLite's
            # write lock (BEGIN IMMEDIATE) from the writer.
            with transaction.atomic() if writer is None else nullcontext():
                result = handler(chunk)
            batch.imported += result.imported
            batch.updated += result.updated
            batch.duplicates += result.duplicates
            for error in result.errors:
                add_error(error)
        if writer is not None:
            return
        Batch.objects.filter(pk=batch.pk).update(
            processed=batch.processed, imported=batch.imported, updated=batch.updated,
            duplicates=batch.duplicates, rejected=batch.rejected, rows=max(batch.rows, batch.processed),
            heartbeat_at=timezone.now(),
        )

    chunk: list[ImportRow] = []
    size = first_chunk or chunk_size
    with audit.audit_context(actor=batch.created_by, source=AuditSource.IMPORT):
        try:
            with writer if writer is not None else nullcontext():
                for number, raw in rows:
                    batch.processed += 1
                    if columns is not None:
                        values, reasons = clean_row(raw, columns)
                        if reasons:
                            add_error(bad_row(number, reasons, raw))
                            continue
                    else:
                        values = raw
                    chunk.append(ImportRow(number, values, raw))
                    if len(chunk) >= size:
                        flush(chunk)
                        chunk, size = [], chunk_size
                flush(chunk)
                chunk = []
            batch.status = BatchStatus.DONE
        except Exception as exc:
            log.exception("import batch %s failed", batch.pk)
            batch.status = BatchStatus.FAILED
            where = f"第{chunk[0].number}至{chunk[-1].number}行" if chunk else ""
            batch.message = f"导入中断:{where}处理出错({exc}),此前的行已导入,可修正后重新导入整个文件"
            batch.processed -= len(chunk)
    errors.sort(key=lambda e: e["row"] or 0)
    batch.errors = errors
    batch.rows = max(batch.processed, 0) if batch.status == BatchStatus.DONE else max(batch.rows, batch.processed)
    if batch.rejected > len(errors):
        batch.message = (batch.message + f" 错误行过多,仅保存前{MAX_STORED_ERRORS}条。").strip()
    batch.finished_at = timezone.now()
    batch.save()
    return batch
