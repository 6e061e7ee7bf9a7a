"""Batch import of lead lists (xlsx / xls / csv): validate, report bad rows, ingest good ones.

The same `run_lead_import` serves the web page (in the background for large files), the
API and the `import_leads` command. Counts and progress are kept on `core.Batch`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections import defaultdict
from collections.abc import Iterator

from django.core.files.base import ContentFile
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.bulk import analyze, import_session
from fangkong.core.choices import AuditAction, AuditSource, BatchStatus
from fangkong.core.identity import InvalidValue
from fangkong.core.models import Batch, User

from .choices import Channel
from .intake import (
    IngestResult,
    LeadInput,
    ResolveState,
    clean_lead,
    look_up,
    notify_assignees,
    plan,
    write,
)
from .models import DeadlinePolicy, Lead, Person, Verification
from .reader import LEAD_COLUMNS, read_table
from .routing import Router

# Rows per transaction: large enough that index pages are written once per many rows, small
# enough that other writers wait only seconds (SQLite has one writer at a time).
IMPORT_CHUNK = 50_000
ANALYZE_ROWS = 20_000  # after an import this large, refresh the planner's statistics
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
            for result, rows, rejected in _pipeline(batch, data, router, now):
                batch.rows, batch.rejected = rows, rejected
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
    if batch.imported >= ANALYZE_ROWS:
        analyze(Lead, Person, Verification)
    if assigned:
        notify_assignees(assigned, batch.channel)
    return batch.outcome()


def _pipeline(batch: Batch, data: bytes, router: Router, now: dt.datetime) -> Iterator[tuple[IngestResult, int, int]]:
    """(what a chunk wrote, rows read so far, rows rejected so far), chunk after chunk.

    Each chunk is looked up, planned in memory and written in turn, with one `ResolveState`
    for the whole import. (Planning chunk n+1 in a thread while chunk n is written was tried:
    under the GIL it gained 7% on PostgreSQL and lost on SQLite, whose driver gives the GIL up
    and takes it back at every row.)
    """
    state, policy = ResolveState(), DeadlinePolicy.for_channel(batch.channel)
    for chunk, rows, rejected in _cleaned_chunks(batch, data):
        planned = plan(chunk, look_up(chunk, state), state, channel=batch.channel, router=router)
        yield write(planned, state, batch=batch, now=now, policy=policy, audit_rows=False), rows, rejected


def _cleaned_chunks(batch: Batch, data: bytes) -> Iterator[tuple[list[LeadInput], int, int]]:
    """(cleaned inputs with their dedup keys, rows read so far, rows rejected so far) per chunk.

    Bad rows go to `batch.errors`; the caller sets the batch's counters from these figures.
    """
    rows = rejected = reported = 0
    chunk: list[LeadInput] = []
    channel, source = batch.channel, batch.source
    for row, raw in read_table(data, batch.file_name, LEAD_COLUMNS):
        rows += 1
        try:
            item = clean_lead(raw, channel=channel, source=source)
        except InvalidValue as exc:
            rejected += 1
            batch.errors.append({"row": row, "reason": str(exc), "values": {k: str(v) for k, v in raw.items()}})
            continue
        item.row, item.dedup = row, item.key(channel)
        chunk.append(item)
        if len(chunk) >= IMPORT_CHUNK:
            yield chunk, rows, rejected
            chunk, reported = [], rows
    if chunk or rows != reported or not rows:
        yield chunk, rows, rejected


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
