"""Checkpoint registrations from the province's checkpoint system, in bulk, on the platform's
one import framework (`core.imports`): `fangkong import checkpoint-registrations FILE [--json]`,
the import page, the worker for large files.

One row is one person (with their vehicle's columns when they rode in one) or one vehicle
alone. Rows are cleaned with memoised cleaners (`checkpoint_cleaning`), bad rows kept in the one
shape with their Chinese reasons, and the good ones written by `checkpoint_intake.Writer` in
chunks of 20,000, each in its own transaction; the dedup keys make importing a file again add
nothing. The checkpoint is named by its 卡口编号 or its name and must be in the importer's scope.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import nullcontext
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.bulk import import_session
from fangkong.core.canonical import canonical_ids, canonical_names, canonical_phones, canonical_times, prime
from fangkong.core.choices import AuditAction, AuditSource, BatchStatus, DivisionLevel
from fangkong.core.identity import InvalidValue
from fangkong.core.imports import ImportKind, bad_row, mark_running, read_table, register_kind
from fangkong.core.imports.reading import Table
from fangkong.core.models import Batch, Division, User
from fangkong.core.scoping import user_may
from fangkong.screening.choices import Channel
from fangkong.screening.imports import WriterProcess, writer_process_allowed
from fangkong.screening.intake import notify_assignees
from fangkong.screening.models import DeadlinePolicy

from .checkpoint_cleaning import COLUMNS, MEMO_LIMIT, Memo, canonical_plates
from .checkpoint_intake import Passage, PersonIn, VehicleIn, Writer
from .choices import HealthCode, ItineraryCode, TestResult, VehicleType
from .models import Checkpoint, PersonCheck, VehicleCheck
from .roles import CHECKPOINT_STAFF

BATCH_KIND = "checkpoint_registrations"
CHUNK = 20_000
MAX_ERRORS = 5000
BLANK = (None, "")
# `Rows.passages` unpacks the columns in this order.
ORDER = ("checkpoint", "registered_at", "name", "id_number", "phone", "origin", "destination", "destination_grid",
         "health_code", "itinerary", "test_result", "tested_on", "plate", "vehicle_type", "occupants", "cargo",
         "stopovers", "transit")
assert tuple(c.key for c in COLUMNS) == ORDER
# Columns of (nearly) distinct values whose canonical ones (the cleaner's output unchanged) are
# picked a block at a time (`core.canonical`), and columns of repeated values read column-wise
# into their memo when new.
CANONICAL = {"id_number": canonical_ids, "phone": canonical_phones, "name": canonical_names,
             "plate": canonical_plates}
PRIMED = {"registered_at": canonical_times}


def may_import(user: Any) -> bool:
    return bool(user.role_names & CHECKPOINT_STAFF) and user_may(PersonCheck, user, "add")


class Rows:
    """Raw rows → passages (or bad rows), with the checkpoints and grids resolved once."""

    def __init__(self, user: User | None, router, present: set[str] | None = None) -> None:
        scope = Checkpoint.objects.restrict(user) if user is not None else Checkpoint.objects.all()
        self.checkpoints: dict[str, Checkpoint | None] = {}
        for cp in Checkpoint.objects.select_related("division"):
            self.checkpoints.setdefault(cp.code, cp)
            self.checkpoints.setdefault(cp.name, cp)
        self.mine = set(scope.values_list("pk", flat=True))
        grids = Division.objects.filter(level=DivisionLevel.GRID).values_list("pk", "code", "name")
        self.grids: dict[str, int | None] = {}
        for pk, code, name in grids:
            self.grids[code] = pk
            self.grids[name] = None if name in self.grids and self.grids[name] != pk else pk
        self.router = router
        # Only the columns the file has are cleaned; the others are None in every row.
        self.columns = [(c.key, c.label, c.required, Memo(c.clean) if c.clean is not None else None) for c in COLUMNS
                        if present is None or c.key in present or c.required]
        self.absent = {c.key: None for c in COLUMNS if present is not None and c.key not in present and not c.required}
        self._named: dict[tuple, tuple[Checkpoint | None, str | None]] = {}

    def clean(self, raw: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """Each column's value through its memoised cleaner (the per-row hot path: plain loops)."""
        values, reasons = dict(self.absent), []
        for key, label, required, memo in self.columns:
            value = raw.get(key)
            if value is None or value == "" or (value.__class__ is str and value.isspace()):
                if required:
                    reasons.append(f"{label}为空")
                values[key] = None
                continue
            out = memo[value] if memo is not None else str(value).strip()
            if out.__class__ is InvalidValue:
                message = str(out)
                reasons.append(message if label in message else f"{label}：{message}")
                out = None
            values[key] = out
        return values, reasons

    def passages(self, numbers: list[int], columns: dict[str, list]) -> list[Passage | list[str]]:
        """A block of `Table.blocks` (its cells None or non-blank), cleaned column by column: one
        `map` over each column's memo. A row with a bad or missing cell, or failing a check
        across columns, goes through `passage` / `_finish`, which word its reasons as ever."""
        n, bad = len(numbers), set()
        none = [None] * n
        cleaned: dict[str, list] = {}
        for key, _label, required, memo in self.columns:
            cells = columns.get(key, none)
            if memo is None:
                values = [v if v is None or v.__class__ is str else str(v).strip() for v in cells]
            elif key in CANONICAL:
                # Looked up in the block's own small dict, not the big memo; the blanks and the
                # rest go through the memo.
                values = list(map(CANONICAL[key](cells).get, cells))
                if None in values:
                    for i, v in enumerate(values):
                        if v is None and (cell := cells[i]) is not None:
                            values[i] = memo[cell]
            else:
                if key in PRIMED:
                    prime(memo, PRIMED[key](set(cells).difference(memo)), MEMO_LIMIT)
                memo[None] = None  # blank stays None: the map needs no test per cell
                values = list(map(memo.__getitem__, cells))
            if memo is not None and InvalidValue in map(type, values):
                bad.update(i for i, v in enumerate(values) if v.__class__ is InvalidValue)
            if required and None in values:
                bad.update(i for i, v in enumerate(values) if v is None)
            cleaned[key] = values
        raw_of = self._raw_of(columns)
        out: list[Passage | list[str]] = []
        checkpoint_of, grids, router = self._checkpoint_of, self.grids, self.router
        car, green, normal, untested = (VehicleType.CAR.value, HealthCode.GREEN.value, ItineraryCode.NORMAL.value,
                                        TestResult.NONE.value)
        # The checkpoint as written (as `_finish` reads it), then every other column cleaned.
        rows = zip(numbers, columns.get("checkpoint", none), *(cleaned.get(key, none) for key in ORDER[1:]),
                   strict=True)
        for i, (number, where, at, name, id_number, phone, origin, destination, grid_name, health, itinerary, test,
                tested_on, plate, kind, occupants, cargo, stopovers, transit) in enumerate(rows):
            if i in bad:
                out.append(self.passage(number, raw_of(i)))
                continue
            cp, why = checkpoint_of(where)
            has_person = bool(name or id_number or phone)
            grid = grids.get(grid_name) if grid_name else None
            if why is not None or (has_person and not (id_number or phone)) or not (has_person or plate) \
                    or (grid_name and grid is None):
                out.append(self._finish(number, raw_of(i), {k: c[i] for k, c in cleaned.items()} | self.absent, []))
                continue
            vehicle = VehicleIn(plate, kind or car, occupants, cargo or "", origin or "", stopovers or "",
                                bool(transit)) if plate else None
            person = None
            if has_person:
                destination = destination or ""
                person = PersonIn(name or "", id_number or "", phone or "", origin or "", destination,
                                  grid or (router.division_from_address(destination) if destination else None),
                                  health or green, itinerary or normal, test or untested, tested_on)
            out.append(Passage(number, cp, at, vehicle, person))
        return out

    @staticmethod
    def _raw_of(columns: dict[str, list]) -> Callable[[int], dict[str, Any]]:
        """Row `i` of a block as `Table` iteration gives it (a dict in the mapping's order)."""
        return lambda i: {key: values[i] for key, values in columns.items()}

    def _checkpoint_of(self, raw: Any) -> tuple[Checkpoint | None, str | None]:
        """The checkpoint a row's cell names and the reason it cannot be used (None when it can),
        memoised per cell value (a list names a few checkpoints)."""
        key = (raw.__class__, raw)  # 1001 and 1001.0 are one dict key but not one name
        try:
            return self._named[key]
        except KeyError:
            pass
        cp, why = self.checkpoints.get(str(raw or "").strip()), None
        if raw not in BLANK and cp is None:
            why = f"卡口“{raw}”不存在，请先在卡口列表中登记"
        elif cp is not None and cp.pk not in self.mine:
            why = f"卡口“{cp.name}”不在您的管辖范围内"
        self._named[key] = cp, why
        return cp, why

    def passage(self, number: int, raw: dict[str, Any]) -> Passage | list[str]:
        v, reasons = self.clean(raw)
        return self._finish(number, raw, v, reasons)

    def _finish(self, number: int, raw: dict[str, Any], v: dict[str, Any], reasons: list[str]) -> Passage | list[str]:
        """The checks across columns (checkpoint, who, grid), then the passage or the reasons."""
        cp, why = self._checkpoint_of(raw.get("checkpoint"))
        if why is not None:
            reasons.append(why)
        has_person = bool(v["name"] or v["id_number"] or v["phone"])
        if has_person and not (v["id_number"] or v["phone"]) and not any("身份证" in r or "手机" in r for r in reasons):
            reasons.append("身份证号和手机号至少填写一项")
        if not has_person and not v["plate"] and not any("车牌" in r for r in reasons):
            reasons.append("既无人员信息也无车牌号")
        grid = None
        if v["destination_grid"]:
            grid = self.grids.get(v["destination_grid"])
            if grid is None:
                reasons.append(f"目的地网格“{v['destination_grid']}”不存在或名称重复，请填写网格编码")
        if reasons:
            return reasons
        vehicle = VehicleIn(v["plate"], v["vehicle_type"] or VehicleType.CAR.value, v["occupants"], v["cargo"] or "",
                            v["origin"] or "", v["stopovers"] or "", bool(v["transit"])) if v["plate"] else None
        person = None
        if has_person:
            destination = v["destination"] or ""
            person = PersonIn(v["name"] or "", v["id_number"] or "", v["phone"] or "", v["origin"] or "", destination,
                              grid or (self.router.division_from_address(destination) if destination else None),
                              v["health_code"] or HealthCode.GREEN.value, v["itinerary"] or ItineraryCode.NORMAL.value,
                              v["test_result"] or TestResult.NONE.value, v["tested_on"])
        return Passage(number, cp, v["registered_at"], vehicle, person)


def _chunks(batch: Batch, table: Table, rows: Rows) -> Iterator[list[Passage]]:
    # The same blocks however the chunks are written: a vehicle's occupants are counted in its first.
    for numbers, columns in table.blocks(CHUNK, first=CHUNK // 4):
        batch.rows += len(numbers)
        chunk: list[Passage] = []
        raw_of = Rows._raw_of(columns)
        for i, out in enumerate(rows.passages(numbers, columns)):
            if out.__class__ is list:
                batch.rejected += 1
                if len(batch.errors) < MAX_ERRORS:
                    batch.errors.append(bad_row(numbers[i], out, raw_of(i)))
                continue
            chunk.append(out)
        if chunk:
            yield chunk


def run_checkpoint_batch(batch: Batch, data: bytes | None = None) -> Batch:
    """Runner of a checkpoint-registration batch (form, API, CLI, worker)."""
    if data is None:
        with batch.file.open("rb") as fh:
            data = fh.read()
    user = batch.created_by
    if user is not None and not may_import(user):
        raise PermissionDenied("您没有导入卡口登记的权限")
    table = read_table(data, batch.file_name, COLUMNS)
    table.check()
    mark_running(batch)
    with audit.audit_context(actor=user, source=AuditSource.IMPORT), import_session():
        writer = Writer(batch=batch, user=user)
        if writer_process_allowed(data):
            # A big file: each chunk resolved here and written by a second process meanwhile.
            writer.process = WriterProcess(batch, writer.state, timezone.now(),
                                           DeadlinePolicy.for_channel(Channel.CHECKPOINT), block=CHUNK,
                                           reserve=(VehicleCheck, PersonCheck))
        rows = Rows(user, writer.router, set(table.mapping))
        leads = 0
        with writer.process or nullcontext():
            for chunk in _chunks(batch, table, rows):
                written = writer.write(chunk)
                batch.imported += written.imported
                batch.duplicates += written.duplicates
                leads += written.leads
                batch.processed, batch.heartbeat_at = batch.rows, timezone.now()
                if writer.process is None:  # else the writer process saves the progress with each chunk
                    batch.save(update_fields=["rows", "processed", "imported", "duplicates", "rejected",
                                              "heartbeat_at"])
        writer.process = None
        batch.processed, batch.status, batch.finished_at = batch.rows, BatchStatus.DONE, timezone.now()
        batch.errors.sort(key=lambda e: e.get("row") or 0)
        if batch.rejected > len(batch.errors):
            batch.message = f"错误行过多，仅保存前{MAX_ERRORS}条。"
        batch.options = {**(batch.options or {}), "leads": leads}
        batch.save()
        audit.record(AuditAction.IMPORT, batch, verb="import_checkpoint_list", changes={
            "rows": batch.rows, "new": batch.imported, "duplicates": batch.duplicates, "rejected": batch.rejected,
            "leads": leads})
        assigned = writer.assigned
        # What the import kept (its persons, keys and memos) is freed by reference counting while
        # the collector is still paused: its first pass would walk all of it.
        writer = rows = table = None
    if assigned:
        notify_assignees(assigned, Channel.CHECKPOINT)
    return batch


KIND = register_kind(ImportKind(
    name="checkpoint-registrations", batch_kind=BATCH_KIND, label="卡口登记名单", columns=COLUMNS,
    run=run_checkpoint_batch, roles=tuple(CHECKPOINT_STAFF), object_type="sectors.personcheck",
    aliases=("checkpoint_registrations",),
))
