"""Batch import of lead lists (xlsx / xls / csv): validate, report bad rows, ingest good ones.

The million-row engine (a planner and a writer process, see docs/ARCHITECTURE.md) runs inside
the platform's one import framework (`core.imports`): the batch is created by
`do_create_batch`, run by `start_batch` / `execute_batch` (in the one background task for
large files), its bad rows have the one shape (`bad_row`) and the one error sheet, and the CLI
(`fangkong import leads FILE`, alias `import_leads`) prints the one JSON result.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import multiprocessing
import os
import queue
import threading
import traceback
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.reduction import ForkingPickler
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, connections, transaction
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.actions import SYSTEM
from fangkong.core.bulk import analyze, die_with_parent, import_session, reserve_ids, tune_for_import
from fangkong.core.choices import AuditAction, AuditSource, BatchStatus, Role
from fangkong.core.identity import InvalidValue
from fangkong.core.imports import (
    ImportKind,
    bad_row,
    batch_result,
    do_create_batch,
    mark_running,
    register_kind,
)
from fangkong.core.models import Batch, User

from .choices import CHANNEL_MODULE, BigDataSource, Channel
from .intake import (
    LeadInput,
    Plan,
    ResolveState,
    apply,
    clean_lead,
    fetch_lookups,
    look_up,
    lookup_request,
    notify_assignees,
    number,
    plan,
    result_of,
    rows_of,
    write,
)
from .models import DeadlinePolicy, Lead, Person, Verification
from .reader import LEAD_COLUMNS, read_table
from .routing import Router

# Rows per transaction: large enough that index pages are written once per many rows, small
# enough that other writers wait only seconds (SQLite has one writer at a time).
IMPORT_CHUNK = 50_000
log = logging.getLogger(__name__)
ANALYZE_ROWS = 20_000  # after an import this large, refresh the planner's statistics
BACKGROUND_BYTES = 2_000_000  # files above this (roughly 20,000 rows) import in the background
# Files above this are written by a second process while this one plans the next chunk.
WRITER_PROCESS_BYTES = BACKGROUND_BYTES
PROGRESS_FIELDS = ("rows", "processed", "imported", "duplicates", "rejected")
Then = Callable[..., "tuple[Callable[[Any], None], Any] | None"]

BATCH_KIND = "leads"
# Channels whose lists must name every person: a pushed row without a name cannot be verified.
NAME_REQUIRED = frozenset({Channel.BIG_DATA})
# Roles that import for every channel, and the channels other importing roles feed.
ALL_CHANNELS_ROLES = frozenset({Role.COMMAND_CENTER})
ROLE_CHANNELS = {
    Role.CDC: (Channel.CLOSE_CONTACT, Channel.SECONDARY_CONTACT),
    Role.TOWNSHIP_CADRE: (Channel.GRID_SCREENING,),
    Role.VILLAGE_CADRE: (Channel.GRID_SCREENING,),
}
IMPORTING_MODULE_ROLES = frozenset({Role.MODULE_LEAD, Role.MODULE_ADMIN})
LEAD_IMPORT_ROLES = (*ALL_CHANNELS_ROLES, *IMPORTING_MODULE_ROLES, *ROLE_CHANNELS)


def import_channels(user: User | None) -> list[Channel]:
    """The channels `user` may import lists for: every one for the command centre, a module's
    channels for its lead and admin, contact lists for the CDC, 主动排查 for cadres."""
    if user is None or user is SYSTEM:
        return list(Channel)
    if not user.is_authenticated or not user.is_active:
        return []
    if user.role_names & ALL_CHANNELS_ROLES:
        return list(Channel)
    allowed: set[str] = set()
    for module, module_roles in user.modules.items():
        if module_roles & IMPORTING_MODULE_ROLES:
            allowed |= {c for c, m in CHANNEL_MODULE.items() if m == module}
    for role in user.role_names:
        allowed |= set(ROLE_CHANNELS.get(role, ()))
    return [c for c in Channel if c in allowed]


def channel_label(channel: str, source: str = "") -> str:
    """渠道 and 数据来源 as the import history shows them: 大数据推送/电子围栏, never raw codes."""
    label = str(Channel(channel).label) if channel in Channel.values else channel
    if source:
        label += "/" + (str(BigDataSource(source).label) if source in BigDataSource.values else source)
    return label


def create_lead_batch(*, data: bytes | None, file_name: str, channel: str, source: str, user: User | None,
                      keep_file: bool = True) -> Batch:
    """Create the pending batch of a lead list for `user` (None: the system, e.g. the CLI without
    --user); the user must be allowed to import the channel."""
    channel = Channel(channel).value
    if channel not in import_channels(user):
        raise PermissionDenied(f"您不能导入“{Channel(channel).label}”渠道的名单")
    division = user.division if user is not None and user.division_id else Router.load().county
    return do_create_batch(kind=BATCH_KIND, channel=channel, source=source, file_name=file_name, content=data,
                           store=keep_file, division=division, roles=LEAD_IMPORT_ROLES, acting_user=user or SYSTEM)


def run_lead_import(batch: Batch, data: bytes | None = None, *, rows: Iterable[tuple[int, dict]] | None = None,
                    now: dt.datetime | None = None, progress=None) -> dict:
    """Import a batch's file (or the API's `rows`: (row number, raw values)); returns the one
    JSON result. Safe to run twice (dedup keys)."""
    if data is None and rows is None:
        with batch.file.open("rb") as fh:
            data = fh.read()
    now = now or timezone.now()
    mark_running(batch)
    router = Router.load()
    assigned: dict[int, int] = defaultdict(int)
    # A list sent through the API keeps the API as the audit source, and each lead its own row
    # (a few rows at a time); a file is an import, its leads audited through their persons and tasks.
    source = AuditSource.IMPORT if rows is None else audit.current().source
    with audit.audit_context(actor=batch.created_by, source=source), import_session():
        try:
            _import_chunks(batch, data, rows, now, router, assigned, progress)
        except InvalidValue as exc:
            batch.status, batch.message = BatchStatus.FAILED, str(exc)
        except Exception as exc:  # the batch ends failed with the reason, never "running"
            batch.status, batch.message = BatchStatus.FAILED, f"导入中断({exc}),已写入的行保留,可重新导入整个文件"
            batch.finished_at = timezone.now()
            batch.save()
            raise
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
    return batch_result(batch)


def _import_chunks(batch: Batch, data: bytes | None, rows: Iterable[tuple[int, dict]] | None, now: dt.datetime,
                   router: Router, assigned: dict[int, int], progress) -> None:
    """Look up, plan and write the file chunk by chunk, keeping the batch's counters; a big file
    is written by a writer process while its lookups for the next chunk run in a thread."""
    state, policy = ResolveState(), DeadlinePolicy.for_channel(batch.channel)
    writer = (_WriterProcess if _writer_process_allowed(data) else _InlineWriter)(batch, state, now, policy)
    writer.audit_leads = rows is not None
    with writer:
        chunks = _cleaned_chunks(batch, read_table(data, batch.file_name, LEAD_COLUMNS) if rows is None else rows)
        looked_up = _looked_up_ahead(chunks, state) if isinstance(writer, _WriterProcess) else (
            (chunk, rows, rejected, look_up(chunk, state)) for chunk, rows, rejected in chunks)
        with contextlib.closing(looked_up):  # its thread stops, whatever happens
            for chunk, rows, rejected, lookups in looked_up:
                planned = plan(chunk, lookups, state, channel=batch.channel, router=router)
                result = result_of(planned)
                batch.rows, batch.rejected, batch.processed = rows, rejected, rows
                batch.imported += result.created
                batch.duplicates += result.duplicates
                for user_id, n in result.assigned.items():
                    assigned[user_id] += n
                writer.write(planned)
                if progress:
                    progress(batch)


def _looked_up_ahead(chunks: Iterator[tuple[list[LeadInput], int, int]], state: ResolveState) -> Iterator[tuple]:
    """Chunks with their lookups, chunk n+1's read in a thread (with its own connection) while
    chunk n is planned: the queries wait on the database, planning on Python. The request is
    taken from `state` before chunk n is planned; what chunk n then adds, `plan` finds in `state`,
    and `LookupRequest.unwritten` keeps open the tasks the database may not show yet."""
    with ThreadPoolExecutor(max_workers=1, initializer=tune_for_import) as pool:
        try:
            current = next(chunks, None)
            future = pool.submit(fetch_lookups, lookup_request(current[0], state)) if current else None
            while current is not None:
                lookups = future.result()
                following = next(chunks, None)
                if following is not None:
                    future = pool.submit(fetch_lookups, lookup_request(following[0], state))
                yield (*current, lookups)
                current = following
        finally:
            with contextlib.suppress(RuntimeError):  # at interpreter exit the pool takes no more work
                pool.submit(connections.close_all).result()  # the thread's own connection


class _InlineWriter:
    """Writes each planned chunk in this process, in its own transaction, with the batch's progress."""

    audit_leads = False  # one audit row per lead as well (lists sent through the API)

    def __init__(self, batch: Batch, state: ResolveState, now: dt.datetime, policy: DeadlinePolicy, *,
                 block: int = IMPORT_CHUNK, reserve: tuple[type, ...] = ()) -> None:
        self.batch, self.state, self.now, self.policy = batch, state, now, policy
        self.block = block  # rows per chunk: at most one new person and one new task per row
        # Models of the import's own rows whose keys are reserved like persons' (`write`'s `then`).
        self.models = (Person, Verification, *reserve)

    def __enter__(self) -> _InlineWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def write(self, planned: Plan) -> None:
        write(planned, self.state, batch=self.batch, now=self.now, policy=self.policy, audit_rows=self.audit_leads)
        # Progress only: the bad rows are written once at the end, not rewritten every chunk.
        self.batch.heartbeat_at = timezone.now()
        self.batch.save(update_fields=(*PROGRESS_FIELDS, "heartbeat_at"))


def _writer_process_allowed(data: bytes | None) -> bool:
    """A second process needs its own connection to the same database: not inside a caller's
    transaction (it could not see that transaction's rows) and not on an in-memory SQLite."""
    return (data is not None and len(data) >= WRITER_PROCESS_BYTES and hasattr(os, "fork") and not connection.in_atomic_block
            and not (connection.vendor == "sqlite" and connection.is_in_memory_db()))


class _WriterProcess(_InlineWriter):
    """Writes planned chunks in a forked process while this one reads and plans the next ones.

    Planning is Python and writing is mostly the database's work (SQLite's B-trees, or the
    PostgreSQL server); with the GIL, threads cannot overlap them, processes can. Primary keys
    are reserved ahead (`reserve_ids`), so the planner knows every new person's key before the
    row exists: `DEPTH` blocks at the start, then one more by the writer at the start of each
    chunk's transaction, sent back at once (on PostgreSQL the planner draws its blocks itself;
    the handover queue holds it back). So the planner runs up to `DEPTH` chunks ahead of
    the writer, and a thread hands the chunks over, so that neither waits for the other
    chunk by chunk. Each chunk's progress is written with its rows: the batch shows what is
    committed. Another import may add rows of its own to each chunk's transaction (a sentinel's
    records and counts): see `write`.
    """

    DEPTH = 2
    # Run once the last chunk is sent, while the writer commits the chunks still queued (on
    # PostgreSQL an import's ANALYZE: it does not block the writer's inserts).
    meanwhile: Callable[[], None] | None = None

    def __enter__(self) -> _WriterProcess:
        with transaction.atomic():
            self.blocks = deque(self._reserve() for _ in range(self.DEPTH))
        # PostgreSQL's sequences take no lock: the keys are drawn here, off the writer's path
        # (20,000 `nextval` a chunk). SQLite's counter is a write, so there the writer draws them.
        self.reserve_here = connection.vendor == "postgresql"
        connections.close_all()  # the child must not share this process's connections
        context = multiprocessing.get_context("fork")
        self.pipe, child = context.Pipe()
        self.process = context.Process(target=_write_chunks, args=(
            child, self.batch.pk, self.block, self.pipe, os.getpid(), () if self.reserve_here else self.models),
            daemon=True)
        self.process.start()
        child.close()
        tune_for_import()  # this process's new connection reads as much as the writer writes
        self.sent = self.done = 0
        self.pending: deque[set[int]] = deque()  # new tasks of the chunks sent and not yet committed
        self.outbox: queue.Queue[bytes] = queue.Queue(maxsize=self.DEPTH)
        self.sender = threading.Thread(target=self._send, daemon=True)
        self.sender.start()
        return self

    def _reserve(self) -> tuple[Iterator[int], ...]:
        return tuple(iter(reserve_ids(model, self.block)) for model in self.models)

    def _send(self) -> None:
        """The handover thread: writing to the pipe waits for the writer to read, without the GIL."""
        broken = False
        while (message := self.outbox.get()) is not None:
            if not broken:
                try:
                    self.pipe.send_bytes(message)
                except OSError:  # the writer stopped (`_receive` says why); keep emptying the queue
                    broken = True

    def write(self, planned: Plan, then: Then | None = None) -> None:
        """Send a planned chunk to the writer. `then(*keys)`, called once the plan has its keys
        with the keys reserved for the `reserve` models (`block` of each), may return
        `(function, argument)`: the writer calls `function(argument)` after the chunk's rows, in
        the same transaction (a module-level function: it is pickled by name)."""
        while not self.blocks:
            if self.reserve_here:
                self.blocks.append(self._reserve())
            else:
                self._take(self._next())
        persons, tasks, *others = self.blocks.popleft()
        number(planned, persons, tasks, self.state)
        self.pending.append({task.pk for _, task, _, _ in planned.new_tasks})
        self.state.unwritten = set().union(*self.pending)
        rows = rows_of(planned, batch_id=self.batch.pk, now=self.now, policy=self.policy) if planned.leads else None
        extra = then(*others) if then is not None else None
        self.outbox.put(ForkingPickler.dumps((rows, extra, {f: getattr(self.batch, f) for f in PROGRESS_FIELDS})))
        self.sent += 1
        while self.pipe.poll():  # what the writer said meanwhile: reserved keys, chunks committed
            self._take(self._next())

    def _next(self) -> tuple:
        try:
            return self.pipe.recv()
        except EOFError:
            raise RuntimeError("写入进程意外退出") from None

    def _take(self, message: tuple) -> None:
        what, *payload = message
        if what == "error":
            raise RuntimeError(f"写入失败:{payload[0]}")
        if what == "ids":
            self.blocks.append(tuple(iter(ids) for ids in payload))
        elif what == "committed":
            self.done += 1
            self.pending.popleft()

    def __exit__(self, exc_type: type | None, *exc: object) -> None:
        try:
            if exc_type is None:
                self.outbox.put(ForkingPickler.dumps(None))  # the writer stops after the last chunk
                if self.meanwhile is not None:
                    try:
                        self.meanwhile()
                    except Exception:  # statistics are an optimisation: the import stands without them
                        log.exception("writer process: the work meanwhile failed")
                while self.done < self.sent:
                    self._take(self._next())
        finally:
            self.outbox.put(None)  # the handover thread stops
            self.sender.join(timeout=60)
            self.pipe.close()  # a writer still waiting for a chunk reads the end of the pipe and stops
            self.process.join(timeout=60)
            if self.process.is_alive():
                self.process.terminate()
                self.process.join()


def _write_chunks(pipe, batch_id: int, block: int, parent_end=None, parent_pid: int = 0,
                  models: tuple[type, ...] = (Person, Verification)) -> None:
    """The writer process: one transaction per chunk, until told to stop (None).

    It ends with the planner: killed with it (`die_with_parent`), and, since it closes its copy
    of the planner's end of the pipe, reading the end of the pipe when the planner is gone."""
    if parent_end is not None:
        parent_end.close()
    if parent_pid:
        die_with_parent(parent_pid)
    try:
        with import_session():
            while (message := pipe.recv()) is not None:
                rows, extra, progress = message
                with transaction.atomic():
                    if models:  # else the planner draws the keys itself
                        pipe.send(("ids", *(reserve_ids(model, block) for model in models)))
                    if rows is not None:
                        apply(rows)
                    if extra is not None:
                        extra[0](extra[1])
                    Batch.objects.filter(pk=batch_id).update(**progress, heartbeat_at=timezone.now())
                pipe.send(("committed",))
    except EOFError:  # the planner stopped (its own error): what is committed stays, as inline
        pass
    except BaseException:  # whatever it was, the planner must hear of it
        with contextlib.suppress(OSError):
            pipe.send(("error", traceback.format_exc(limit=5)))
    finally:
        connections.close_all()


def _cleaned_chunks(batch: Batch, table: Iterable[tuple[int, dict]]) -> Iterator[tuple[list[LeadInput], int, int]]:
    """(cleaned inputs with their dedup keys, rows read so far, rows rejected so far) per chunk.

    Bad rows go to `batch.errors`; the caller sets the batch's counters from these figures.
    """
    rows = rejected = reported = 0
    chunk: list[LeadInput] = []
    channel, source = batch.channel, batch.source
    name_required = channel in NAME_REQUIRED
    size = max(IMPORT_CHUNK // 5, 1)  # a short first chunk: a writer process starts sooner
    for row, raw in table:
        rows += 1
        reasons = lead_reasons(raw, channel, name_required) if name_required and not raw.get("name") else ()
        try:
            item = clean_lead(raw, channel=channel, source=source)
        except InvalidValue as exc:
            reasons = (*reasons, *str(exc).split(";"))
        if reasons:
            rejected += 1
            batch.errors.append(bad_row(row, reasons, raw))
            continue
        item.row, item.dedup = row, item.key(channel)
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk, rows, rejected
            chunk, reported, size = [], rows, IMPORT_CHUNK
    if chunk or rows != reported or not rows:
        yield chunk, rows, rejected


def lead_reasons(raw: dict, channel: str, name_required: bool | None = None) -> tuple[str, ...]:
    """What the framework asks of a lead row beyond `clean_lead`: a name where the channel needs one."""
    if name_required is None:
        name_required = channel in NAME_REQUIRED
    if name_required and (raw.get("name") is None or not str(raw.get("name")).strip()):
        return (f"姓名为空:{Channel(channel).label}名单每行须填写姓名",)
    return ()


def public_outcome(batch: Batch) -> dict:
    """The one JSON result of the batch (`core.imports.batch_result`): no personal values."""
    return batch_result(batch)


def _run(batch: Batch, data: bytes | None) -> None:
    run_lead_import(batch, data)


def _cli_fields(opts: dict, user: User | None) -> dict:
    channel = Channel(opts.get("channel") or Channel.BIG_DATA).value
    if channel not in import_channels(user):
        raise PermissionDenied(f"您不能导入“{Channel(channel).label}”渠道的名单")
    return {"channel": channel, "source": opts.get("source") or ""}


KIND = register_kind(ImportKind(
    name="leads", batch_kind=BATCH_KIND, label="线索名单", columns=LEAD_COLUMNS, run=_run, roles=LEAD_IMPORT_ROLES,
    cli_options=(("--channel", {"choices": [c.value for c in Channel], "help": "渠道 / channel (leads)"}),
                 ("--source", {"default": "", "help": "数据来源 / source (leads)"})),
    fields=_cli_fields, object_type="screening.lead", aliases=("import_leads",),
))


# The writer process of a big list, for the other imports that write leads (sentinel sales).
WriterProcess, writer_process_allowed = _WriterProcess, _writer_process_allowed
