"""Batch import of lead lists (xlsx / xls / csv): validate, report bad rows, ingest good ones.

The same `run_lead_import` serves the web page (in the background for large files), the
API and the `import_leads` command. Counts and progress are kept on `core.Batch`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections import defaultdict

from django.core.files.base import ContentFile
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.bulk import import_session
from fangkong.core.choices import AuditAction, AuditSource, BatchStatus
from fangkong.core.identity import InvalidValue
from fangkong.core.models import Batch, User

from .choices import Channel
from .intake import LeadInput, chunked, clean_lead, ingest, notify_assignees
from .reader import LEAD_COLUMNS, read_table
from .routing import Router

# Rows per transaction: large enough that index pages are written once per many rows, small
# enough that other writers wait only seconds (SQLite has one writer at a time).
IMPORT_CHUNK = 50_000
BACKGROUND_BYTES = 2_000_000  # files above this (roughly 20,000 rows) import in the background


def start_batch(*, data: bytes, file_name: str, channel: str, source: str, user: User | None,
                keep_file: bool = True) -> Batch:
    """Create the batch row for an upload (status pending)."""
    division = user.division if user is not None and user.division_id else Router.load().county
    batch = Batch(kind="leads", channel=Channel(channel).value, source=source, file_name=file_name,
                  file_sha256=hashlib.sha256(data).hexdigest(), division=division, created_by=user)
    if keep_file:
        batch.file.save(file_name, ContentFile(data), save=False)
    batch.save()
    return batch


def run_lead_import(batch: Batch, data: bytes | None = None, *, now: dt.datetime | None = None,
                    progress=None) -> dict:
    """Import a batch's file; returns `batch.outcome()`. Safe to run twice (dedup keys)."""
    if data is None:
        with batch.file.open("rb") as fh:
            data = fh.read()
    now = now or timezone.now()
    batch.status, batch.rows, batch.processed = BatchStatus.RUNNING, 0, 0
    batch.imported = batch.duplicates = batch.rejected = 0
    batch.errors = []
    batch.save(update_fields=["status", "rows", "processed", "imported", "duplicates", "rejected", "errors"])
    router = Router.load()
    assigned: dict[int, int] = defaultdict(int)
    with audit.audit_context(actor=batch.created_by, source=AuditSource.IMPORT), import_session():
        try:
            for chunk in chunked(_clean_rows(batch, data), IMPORT_CHUNK):
                result = ingest(chunk, channel=batch.channel, batch=batch, now=now, router=router, audit_rows=False)
                batch.imported += result.created
                batch.duplicates += result.duplicates
                batch.processed = batch.rows
                for user_id, n in result.assigned.items():
                    assigned[user_id] += n
                # Progress only: the bad rows are written once at the end, not rewritten every chunk.
                batch.save(update_fields=["rows", "processed", "imported", "duplicates", "rejected"])
                if progress:
                    progress(batch)
        except InvalidValue as exc:
            batch.status, batch.message = BatchStatus.FAILED, str(exc)
        else:
            batch.status = BatchStatus.DONE
        batch.processed = batch.rows
        batch.finished_at = timezone.now()
        batch.save()
        audit.record(AuditAction.IMPORT, batch, verb="import_leads", changes={
            k: getattr(batch, k) for k in ("channel", "source", "rows", "imported", "duplicates", "rejected")})
    if assigned:
        notify_assignees(assigned, batch.channel)
    return batch.outcome()


def _clean_rows(batch: Batch, data: bytes):
    for row, raw in read_table(data, batch.file_name, LEAD_COLUMNS):
        batch.rows += 1
        try:
            item: LeadInput = clean_lead(raw, channel=batch.channel, source=batch.source)
        except InvalidValue as exc:
            batch.rejected += 1
            batch.errors.append({"row": row, "reason": str(exc),
                                 "values": {k: str(v) for k, v in raw.items()}})
            continue
        item.row = row
        yield item


def error_sheet(batch: Batch) -> bytes:
    """The bad rows as an xlsx with their values and a 错误原因 column, to fix and re-import."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("错误行")
    sheet.append(["行号", *[c.label for c in LEAD_COLUMNS], "错误原因"])
    for e in batch.errors:
        values = e.get("values", {})
        sheet.append([e["row"], *[values.get(c.key, "") for c in LEAD_COLUMNS], e["reason"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def public_outcome(batch: Batch) -> dict:
    """The outcome without the bad rows' personal values (for the CLI and the API)."""
    out = batch.outcome()
    out["errors"] = [{"row": e["row"], "reason": e["reason"]} for e in batch.errors]
    return out
