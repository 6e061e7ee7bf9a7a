"""The one batch lifecycle: created → running → done, or failed with a Chinese reason.

Every import of the platform (a form, the API, a file on the command line, the worker) goes
through the same steps:

- `do_create_batch` (an action: the creator's permission is checked) makes the pending batch;
- `start_batch` runs it at once, or, for a large stored file, in the one background task
  (`run_batch_task`, django-tasks);
- `execute_batch` wraps the import's runner: it never leaves a batch "running" — an error
  marks it failed with the reason, and a worker that finds a batch still running (its process
  died) marks it failed instead of importing it a second time;
- `batch_result` is the one JSON result (CLI `--json`, API), without personal values.

The kinds of import (`ImportKind`) are registered by the apps' `imports` modules, found with
`autodiscover_modules("imports")`, so core names no app.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules, import_string
from django_tasks import task

from ..actions import SYSTEM, action, is_system, require, require_role
from ..choices import BatchStatus, DivisionLevel
from ..identity import InvalidValue
from ..models import Batch, Division
from ..scoping import ADD
from .columns import Column, ReadError
from .reading import Source, _read_bytes, check_file, file_sha256
from .rows import reasons_of

log = logging.getLogger(__name__)

BACKGROUND_BYTES = 2 * 1024 * 1024  # stored files larger than this are imported by the worker
Runner = Callable[[Batch, "bytes | None"], Any]


# --------------------------------------------------------------------------------------------
# Kinds of import


@dataclass(frozen=True)
class ImportKind:
    """One kind of import: its CLI name, `Batch.kind`, columns and the function that runs it.

    `run(batch, data)` imports the batch's rows (`data`, or the stored file when None) and
    keeps the batch's counters; raising fails the batch with the message. `roles` may import
    (empty: the roles that may add a batch); `cli_options` are extra `fangkong import` options
    (argparse name, kwargs) and `fields(options, user)` turns their values into batch fields
    (raising PermissionDenied / InvalidValue with a Chinese message when they are not allowed).
    """

    name: str
    batch_kind: str
    label: str
    columns: Sequence[Column]
    run: Runner
    roles: Sequence[str] = ()
    cli_options: Sequence[tuple[str, dict[str, Any]]] = ()
    fields: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None
    object_type: str = ""  # what the rows become, for the error sheet's audit row
    aliases: tuple[str, ...] = field(default=())


_KINDS: dict[str, ImportKind] = {}


def register_kind(kind: ImportKind) -> ImportKind:
    """Register an import kind (from an app's `imports` module); the same name twice fails."""
    for name in (kind.name, *kind.aliases):
        known = _KINDS.get(name)
        if known is not None and known is not kind and known.batch_kind != kind.batch_kind:
            raise ValueError(f"import kind registered twice: {name}")
        _KINDS[name] = kind
    _KINDS.setdefault(kind.batch_kind, kind)
    return kind


def kinds() -> dict[str, ImportKind]:
    """Every registered kind by CLI name (the apps' `imports` modules are imported first)."""
    autodiscover_modules("imports")
    return {k.name: k for k in _KINDS.values()}


def kind_of(name: str) -> ImportKind | None:
    """The kind registered under a CLI name, an alias or a `Batch.kind`."""
    if name not in _KINDS:
        autodiscover_modules("imports")
    return _KINDS.get(name)


# --------------------------------------------------------------------------------------------
# The lifecycle


def _county() -> Division | None:
    return Division.objects.filter(level=DivisionLevel.COUNTY).order_by("path").first()


@action
def do_create_batch(*, kind: str, acting_user: Any, division: Division | None = None, file_name: str = "",
                    content: Source | None = None, store: bool = True, roles: Sequence[str] = (),
                    **fields: Any) -> Batch:
    """A pending batch for a file or an API call, created by `acting_user` (who must hold one of
    `roles` — by default the registered kind's — or else may add batches). `store` keeps the file
    for the worker."""
    registered = kind_of(kind)
    roles = roles or (registered.roles if registered is not None else ())
    if roles:
        require_role(acting_user, *roles)
    else:
        require(acting_user, Batch, ADD)
    user = None if is_system(acting_user) else acting_user
    if division is None:
        division = user.division if user is not None and user.division_id else _county()
    if division is None:
        raise PermissionDenied("尚未建立行政区划,无法导入")
    _check_lengths(fields)
    batch = Batch(kind=kind, file_name=Path(file_name).name[:255] if file_name else "", division=division,
                  created_by=user, **fields)
    if content is not None:
        batch.file_sha256 = file_sha256(content)
        if store:
            batch.file.save(Path(file_name).name or "upload", ContentFile(_read_bytes(content)), save=False)
    batch.save()
    return batch


def _check_lengths(fields: dict[str, Any]) -> None:
    """A batch field longer than its column (a 1 MB --source) is refused in Chinese, not by the database."""
    for name, value in fields.items():
        limit = getattr(Batch._meta.get_field(name), "max_length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            raise InvalidValue(f"{Batch._meta.get_field(name).verbose_name}过长(最多{limit}个字)")


def create_batch(*, kind: str, file_name: str, content: Source, division: Any, created_by: Any = None,
                 store: bool = True, **fields: Any) -> Batch:
    """`do_create_batch` for callers that name the creator (None: the system)."""
    return do_create_batch(kind=kind, file_name=file_name, content=content, division=division, store=store,
                           acting_user=created_by or SYSTEM, **fields)


def mark_running(batch: Batch, *, rows: int = 0) -> None:
    """Running from now: counters and bad rows start at zero."""
    batch.status, batch.rows, batch.processed = BatchStatus.RUNNING, rows, 0
    batch.imported = batch.updated = batch.duplicates = batch.rejected = 0
    batch.errors, batch.message, batch.heartbeat_at = [], "", timezone.now()
    batch.save(update_fields=["status", "rows", "processed", "imported", "updated", "duplicates", "rejected",
                              "errors", "message", "heartbeat_at"])


def mark_failed(batch: Batch, reason: str) -> None:
    """Failed with a Chinese reason; what earlier chunks committed stays imported."""
    batch.status, batch.message, batch.finished_at = BatchStatus.FAILED, reason, timezone.now()
    Batch.objects.filter(pk=batch.pk).update(status=batch.status, message=reason, finished_at=batch.finished_at)


INTERRUPTED = "导入进程意外中断,已导入的行保留;可重新导入整个文件,已有的行不会重复"
STALE_AFTER = dt.timedelta(minutes=15)  # a running batch whose progress stopped this long ago is dead


def fail_stale_batches(now: dt.datetime | None = None) -> int:
    """Fail the batches left "running" by a process that died (kill -9, a crash, a restart):
    no progress written for `STALE_AFTER` (every chunk writes its progress). Run by a job and
    when a worker or the command line starts an import; returns how many were failed."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = Batch.objects.filter(status=BatchStatus.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff))
    return stale.update(status=BatchStatus.FAILED, message=INTERRUPTED, finished_at=now or timezone.now())


def execute_batch(batch: Batch, data: bytes | None = None, *, runner: Runner | None = None) -> Batch:
    """Run a pending batch with its kind's runner and see that it ends done or failed."""
    fail_stale_batches()
    if batch.status == BatchStatus.RUNNING:
        mark_failed(batch, INTERRUPTED)
        return batch
    if batch.status != BatchStatus.PENDING:
        return batch  # already run: a retried task must not import twice
    if runner is None:
        kind = kind_of(batch.kind)
        if kind is None:
            mark_failed(batch, f"未知的导入类型“{batch.kind}”")
            return batch
        runner = kind.run
    try:
        runner(batch, data)
    except (InvalidValue, PermissionDenied) as exc:
        mark_failed(batch, str(exc) or "没有导入的权限")
    except Exception as exc:
        log.exception("import batch %s failed", batch.pk)
        mark_failed(batch, f"导入出错:{exc}")
    status = Batch.objects.filter(pk=batch.pk).values_list("status", flat=True).first()
    if status in (BatchStatus.PENDING, BatchStatus.RUNNING):  # the runner returned without ending it
        mark_failed(batch, "导入未正常结束,已导入的行保留;可重新导入整个文件")
    return batch


@task()
def run_batch_task(batch_id: int, runner: str = "") -> None:
    """The one background task: run a stored batch of any kind."""
    batch = Batch.objects.select_related("created_by", "division").get(pk=batch_id)
    execute_batch(batch, runner=_dotted(runner) if runner else None)


def _dotted(path: str) -> Runner:
    fn = import_string(path)
    return lambda batch, _data: fn(batch)


def start_batch(batch: Batch, runner: str = "", *, background: bool | None = None,
                data: bytes | None = None) -> Batch:
    """Run the batch now, or, for a large stored file, enqueue it for the worker (after commit,
    so the worker finds it). `runner` (a dotted path of `(batch) -> Batch`) overrides the kind's."""
    if background is None:
        background = bool(batch.file) and batch.file.size > BACKGROUND_BYTES
    if background:
        batch_id = batch.pk
        transaction.on_commit(lambda: run_batch_task.enqueue(batch_id, runner))
        return batch
    execute_batch(batch, data, runner=_dotted(runner) if runner else None)
    batch.refresh_from_db()
    return batch


def previous_batch(batch: Batch) -> Batch | None:
    """The last finished batch of the same kind with the same file contents, if any."""
    if not batch.file_sha256:
        return None
    return (Batch.objects.filter(kind=batch.kind, file_sha256=batch.file_sha256, status=BatchStatus.DONE)
            .exclude(pk=batch.pk).order_by("-created_at").first())


def import_file(kind: ImportKind, path: str | Path, *, user: Any = None, options: dict[str, Any] | None = None,
                data: bytes | None = None) -> Batch:
    """Import a local file of `kind` at once, as `user` (None: the system): the command line's
    route through the same lifecycle as a form or the API. The file is not copied."""
    path = Path(path)
    fields = kind.fields(options or {}, user) if kind.fields else {}
    try:
        check_file(path if data is None else data)  # too large, or a zip bomb: refused unread
    except ReadError as exc:
        batch = do_create_batch(kind=kind.batch_kind, file_name=path.name, store=False, roles=tuple(kind.roles),
                                acting_user=user or SYSTEM, **fields)
        mark_failed(batch, str(exc))
        return batch
    data = path.read_bytes() if data is None else data
    batch = do_create_batch(kind=kind.batch_kind, file_name=path.name, content=data, store=False,
                            roles=tuple(kind.roles), acting_user=user or SYSTEM, **fields)
    return execute_batch(batch, data)


def batch_result(batch: Batch) -> dict[str, Any]:
    """The one JSON result of an import (CLI `--json`, API): counts and the bad rows' numbers and
    reasons, never their personal values."""
    return {
        "batch": batch.pk, "kind": batch.kind, "status": batch.status, "file": batch.file_name,
        "rows": batch.rows, "imported": batch.imported, "updated": batch.updated, "duplicates": batch.duplicates,
        "rejected": batch.rejected, "message": batch.message,
        "errors": [{"row": e.get("row"), "reasons": reasons_of(e)} for e in batch.errors],
    }
