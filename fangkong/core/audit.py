"""The audit writer. Every state change and every view or export of personal data ends here.

Who is acting comes from `audit_context` (set by the middleware for web and API requests,
and explicitly by imports, jobs and commands), so the same action function writes the same
audit row whatever called it.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import models
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from .choices import AuditAction, AuditSource
from .models import AuditItem, AuditLog

if TYPE_CHECKING:
    from .models import User


@dataclass(frozen=True)
class AuditContext:
    actor: User | None = None
    source: str = AuditSource.CLI
    ip: str | None = None
    request_id: str = ""


_context: contextvars.ContextVar[AuditContext] = contextvars.ContextVar("audit_context", default=AuditContext())  # noqa: B039 — frozen


def current() -> AuditContext:
    return _context.get()


@contextmanager
def audit_context(
    actor: Any = None, source: str | None = None, ip: str | None = None
) -> Iterator[None]:
    """Run a block as `actor` from `source`; nested blocks inherit what they do not set.

    Imports, jobs and commands wrap their work in it (a task receives the acting user's id,
    since task arguments must be JSON). Usable as a decorator too.
    """
    base = _context.get()
    if isinstance(actor, int):
        from .models import User

        actor = User.objects.get(pk=actor)
    from .actions import SystemActor

    if isinstance(actor, SystemActor):
        acting = None  # core.actions.SYSTEM: the platform itself, not the user of an outer block
    else:
        acting = actor if actor is not None else base.actor
    ctx = replace(
        base,
        actor=acting,
        source=source or base.source,
        ip=ip or base.ip,
        request_id=base.request_id or uuid.uuid4().hex,
    )
    token = _context.set(ctx)
    try:
        yield
    finally:
        _context.reset(token)


def set_context(ctx: AuditContext) -> contextvars.Token:
    return _context.set(ctx)


def reset_context(token: contextvars.Token) -> None:
    _context.reset(token)


def _jsonable(value: Any) -> Any:
    """A JSON-safe copy of a field value; anything unknown becomes its string form, so an
    audit row is never lost to a TypeError in the JSON encoder."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return str(value)


def snapshot(obj: models.Model) -> dict[str, Any]:
    """Concrete field values of an object, ready for JSON (foreign keys as ids)."""
    return {f.attname: _jsonable(getattr(obj, f.attname)) for f in obj._meta.concrete_fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for every field that differs; a field missing on one side is
    None there, so a creation is `diff({}, snap)` and a deletion `diff(snap, {})`."""
    keys = list(before) + [k for k in after if k not in before]
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def object_type(obj_or_model: models.Model | type[models.Model]) -> str:
    return obj_or_model._meta.label_lower


def _division_path(obj: models.Model | None, paths: dict[Any, str] | None = None) -> str:
    """The path of the division an object belongs to (its `scope_division_field`).

    The last hop reads the foreign key's id and looks the path up in `paths` (filled by the
    caller in one query for bulk writes) or the loaded related object, so that auditing many
    rows does not load each row's division.
    """
    if obj is None:
        return ""
    field = getattr(type(obj), "scope_division_field", None)
    if not field:
        return ""
    *hops, last = field.split("__")
    target: Any = obj
    for part in hops:
        target = getattr(target, part, None)
        if target is None:
            return ""
    descriptor = type(target)._meta.get_field(last)
    if paths is not None and getattr(descriptor, "many_to_one", False):
        fk = getattr(target, descriptor.attname, None)
        if fk is None:
            return ""
        if fk not in paths:
            from .models import Division

            paths[fk] = Division.objects.filter(pk=fk).values_list("path", flat=True).first() or ""
        return paths[fk]
    division = getattr(target, last, None)
    return getattr(division, "path", "") if division is not None else ""


def _prefetch_paths(objs: list[models.Model]) -> dict[Any, str]:
    """Division paths of the objects' division foreign keys, in one query (single-hop fields)."""
    from .models import Division

    ids = set()
    for obj in objs:
        field = getattr(type(obj), "scope_division_field", None)
        if field and "__" not in field:
            fk = getattr(obj, type(obj)._meta.get_field(field).attname, None)
            if fk is not None:
                ids.add(fk)
    if not ids:
        return {}
    return dict(Division.objects.filter(pk__in=ids).values_list("pk", "path"))


def _row(
    action: str, obj: models.Model | None, *, changes: dict | None = None, verb: str = "",
    object_type_: str = "", object_id: str = "", object_repr: str = "", at: dt.datetime | None = None,
    paths: dict[Any, str] | None = None, ctx: AuditContext | None = None,
) -> AuditLog:
    ctx = ctx or current()
    actor = ctx.actor if ctx.actor is not None and ctx.actor.is_authenticated else None
    return AuditLog(
        at=at or timezone.now(),
        actor=actor,
        actor_label=str(actor.username) if actor else "system",
        action=action,
        verb=verb,
        object_type=object_type_ or (object_type(obj) if obj is not None else ""),
        object_id=object_id or (str(obj.pk) if obj is not None and obj.pk is not None else ""),
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        changes=_jsonable(changes or {}),
        division_path=_division_path(obj, paths),
        source=ctx.source,
        ip=ctx.ip,
        request_id=ctx.request_id,
    )


def record(action: str, obj: models.Model | None = None, **kwargs: Any) -> AuditLog:
    """Write one audit row for `obj` as the current context's actor, source and address."""
    row = _row(action, obj, **kwargs)
    row.save()
    return row


class Entry(NamedTuple):
    """One audit row of a set-based write, given as values instead of a model object (imports
    that write plain rows: a million persons are never loaded as objects). A plain 5-tuple in
    this order is taken as well: it is cheaper to build and to send to a writer process."""

    object_type: str
    object_id: str
    object_repr: str
    changes: dict | str  # a str is JSON already (a million-row import builds it without the encoder)
    division_path: str


ENTRY_COLUMNS = ("at", "actor_id", "actor_label", "action", "verb", "object_type", "object_id", "object_repr",
                 "changes", "division_path", "source", "request_id")


def record_many(
    action: str, objs: Iterable[models.Model] = (), *, verb: str = "",
    changes_of: Callable[[models.Model], dict] | None = None, entries: Iterable[Entry] | None = None,
) -> int:
    """One audit row per object — or per `Entry` — written in bulk: the one writer of bulk audit
    rows (imports, bulk actions, set-based ingests).

    Bulk writes bypass signals and `save`, so their callers must come here: the number of
    queries stays constant in the number of objects (one for division paths, one insert per
    2,000 rows; entries go in one COPY / executemany). Objects must already have their primary key.
    """
    if entries is not None:
        return _insert_entries(action, verb, entries)
    objs = list(objs)
    if not objs:
        return 0
    now, ctx, paths = timezone.now(), current(), _prefetch_paths(objs)
    rows = [
        _row(action, o, verb=verb, changes=changes_of(o) if changes_of else None, at=now, paths=paths, ctx=ctx)
        for o in objs
    ]
    AuditLog.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _insert_entries(action: str, verb: str, entries: Iterable[Entry]) -> int:
    import json

    from .bulk import db_value, insert_rows

    entries = entries if isinstance(entries, list) else list(entries)
    if not entries:
        return 0
    ctx = current()
    actor = ctx.actor if ctx.actor is not None and ctx.actor.is_authenticated else None
    head = (db_value(timezone.now()), actor.pk if actor else None, str(actor.username) if actor else "system",
            action, verb)
    tail = (ctx.source, ctx.request_id)
    dumps = json.JSONEncoder(ensure_ascii=False, default=str).encode
    return insert_rows(AuditLog, ENTRY_COLUMNS, [
        (*head, object_type_, object_id, object_repr[:200],
         changes if changes.__class__ is str else dumps(_jsonable(changes)), division_path, *tail)
        for object_type_, object_id, object_repr, changes, division_path in entries
    ])


# The level an entry of `record_items` stands for: one per village touched, so that an auditor
# below the county reads the entries of their own subtree (`accounts.audit_log_for`).
ITEM_ENTRY_PATH_LENGTH = 12
ITEM_COLUMNS = ("object_type", "object_id", "entry_id")


def record_items(
    action: str, items: Iterable[tuple[str, int, str]], *, verb: str, object_type_: str, object_id: str,
    object_repr: str = "", changes: dict | None = None, itemized: bool = True,
) -> int:
    """The audit of a bulk act on many objects (an import's persons and tasks): one narrow
    `AuditItem` per object (type, id) and one `AuditLog` entry per village touched, carrying who,
    when, from where, the act's own object (the batch) and `changes` plus the count of each object type.

    `items` are (object type, object id, division path). Returns the number of items written.
    Objects that carry their batch (a checkpoint's registrations, like leads and sentinel
    records) need no item each: with `itemized=False` only the villages' entries are written, and
    `about` finds them through the object's batch.
    """
    from .bulk import insert_rows

    groups: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for item_type, item_id, path in items:
        groups[path[:ITEM_ENTRY_PATH_LENGTH]].append((item_type, item_id))
    if not groups:
        return 0
    now, ctx, base = timezone.now(), current(), _jsonable(changes or {})
    entries = []
    for path, members in groups.items():
        row = _row(action, None, verb=verb, at=now, ctx=ctx, object_type_=object_type_, object_id=object_id,
                   object_repr=object_repr,
                   changes={**base, "objects": dict(Counter(t for t, _ in members))})
        row.division_path = path
        entries.append(row)
    AuditLog.objects.bulk_create(entries)
    if not itemized:
        return 0
    # One insert for all the villages' items: a COPY per village cost a round trip each (hundreds
    # a chunk on PostgreSQL).
    return insert_rows(AuditItem, ITEM_COLUMNS, [(t, i, entry.pk) for entry, members in
                                                 zip(entries, groups.values(), strict=True) for t, i in members])


def about(rows: models.QuerySet[AuditLog], object_type_: str, object_id: str | int) -> models.QuerySet[AuditLog]:
    """The rows of `rows` about one object: its own audit rows, the entries of bulk acts that
    included it (`record_items`) and, for an object that carries its batch, the entries of the
    import that brought it: the batch's own and the one of the object's village."""
    direct = Q(object_type=object_type_, object_id=str(object_id))
    try:
        key = int(object_id)
    except (TypeError, ValueError):
        return rows.filter(direct)
    bulk = AuditItem.objects.filter(object_type=object_type_, object_id=key).values("entry_id")
    return rows.filter(direct | Q(pk__in=bulk) | _batch_entries(object_type_, key))


def _batch_entries(object_type_: str, key: int) -> Q:
    from django.apps import apps

    nothing = Q(pk__in=[])
    try:
        model = apps.get_model(object_type_)
    except (LookupError, ValueError):
        return nothing
    if "batch" not in {f.name for f in model._meta.concrete_fields}:
        return nothing
    field = getattr(model, "scope_division_field", None)
    found = model._base_manager.filter(pk=key).values_list("batch_id", f"{field}__path" if field else "batch_id").first()
    if found is None or found[0] is None:
        return nothing
    batch_id, path = found[0], found[1] if field and found[1] else ""
    # The batch's entries at the object's place or above it: the import's own (at the batch's
    # division) and the bulk act's for the object's village that counted objects of its type
    # (not, say, the village's entry for the persons the same list brought).
    return Q(object_type="core.batch", object_id=str(batch_id),
             division_path__in={path[:n] for n in range(len(path) + 1)}) & (
        Q(action=AuditAction.IMPORT) | Q(changes__objects__has_key=object_type_))


def record_pii_view(obj: models.Model, fields: Iterable[str], *, export: bool = False) -> AuditLog:
    return record(AuditAction.EXPORT if export else AuditAction.VIEW_PII, obj, changes={"fields": list(fields)})


def record_pii_views(objs: Iterable[models.Model], fields: Iterable[str]) -> int:
    """A full view of many objects at once (an API list with `?full_pii=1`): one row each."""
    fields = list(fields)
    return record_many(AuditAction.VIEW_PII, objs, changes_of=lambda _o: {"fields": fields})


def record_export(object_type_: str, count: int, *, fields: Iterable[str] = (), full_pii: bool = False,
                  description: str = "", filters: dict[str, Any] | None = None, reason: str = "") -> AuditLog:
    """One row per export: how many rows, which columns, under which filter, unmasked or not and
    (for an unmasked export) the reason the user gave. Written by `core.exports`."""
    changes: dict[str, Any] = {"count": count, "fields": list(fields), "full_pii": full_pii}
    if filters is not None:
        changes["filter"] = filters
    if reason:
        changes["reason"] = reason
    return record(AuditAction.EXPORT, None, object_type_=object_type_, object_repr=description, changes=changes)
