"""即推即查: every lead, from any channel, becomes a person with one open verification at once.

`ingest` is set-based so the same code serves one self-report and a million-row list: per
chunk it looks up duplicates, persons and residents with a few `IN` queries, resolves and
routes in memory (`plan`), and writes set-based (`apply`: COPY or executemany). No query runs
per row. A big import runs `apply` in a writer process (see `imports`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.bulk import datetime_adapter, db_value, execute_in, fetch_in, insert_rows, reserve_ids
from fangkong.core.choices import AuditAction, DivisionLevel
from fangkong.core.identity import (
    PROVINCE_CODES,
    InvalidValue,
    check_digit,
    clean_id_number,
    clean_name,
    clean_phone,
    name_pinyin,
)
from fangkong.core.models import Batch
from fangkong.core.notify import notify

from .choices import CHANNEL_MODULE, BigDataSource, Channel, LeadKind, PersonStatus, VerificationStatus
from .models import DeadlinePolicy, Lead, MergeCandidate, Person, Verification
from .reader import parse_datetime
from .routing import Router

CHUNK = 5000
# Plain strings in the per-row loops: each enum attribute access is a Python call.
VERIFYING, OPEN, DOMESTIC = PersonStatus.VERIFYING.value, VerificationStatus.OPEN.value, LeadKind.DOMESTIC.value
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ABROAD_WORDS = ("境外", "国外", "入境", "是")


@dataclass
class LeadInput:
    """One cleaned lead, before it is resolved to a person."""

    row: int | None = None
    name: str = ""
    id_number: str = ""
    phone: str = ""
    address: str = ""
    origin: str = ""
    arrived_at: dt.datetime | None = None
    pushed_at: dt.datetime | None = None
    source: str = ""
    kind: str = LeadKind.DOMESTIC
    note: str = ""
    receipt_code: str | None = None
    reported_by_id: int | None = None
    division_hint_id: int | None = None  # e.g. the grid of the worker who found the person
    dedup: str = ""  # the dedup key when already computed (imports compute it while reading)

    def key(self, channel: str) -> str:
        return dedup_key(channel, self.source, self.id_number, self.phone, self.name, self.origin, self.address,
                         self.arrived_at, self.pushed_at)


def _stamp(value: dt.datetime) -> tuple[str, str]:
    """(seconds since the epoch, its UTC day as YYYYMMDD) of an aware datetime, memoised."""
    out = _STAMPS.get(value)
    if out is None:
        if len(_STAMPS) > 100_000:
            _STAMPS.clear()
        out = _STAMPS[value] = (str(int(value.timestamp())), value.astimezone(dt.UTC).strftime("%Y%m%d"))
    return out


_STAMPS: dict[dt.datetime, tuple[str, str]] = {}


def dedup_key(channel: str, source: str, id_number: str, phone: str, name: str, origin: str, address: str,
              arrived_at: dt.datetime | None, pushed_at: dt.datetime | None) -> str:
    """The lead's dedup key: the day it was pushed (or arrived), then a digest of its cleaned values.

    The day in front keeps inserts into the unique index close together (lists arrive day by
    day), where a bare digest would touch index pages all over the file. Times enter as epoch
    seconds, so the same instant written in another time zone gives the same key.
    """
    arrived, arrived_day = _stamp(arrived_at) if arrived_at else ("", "")
    pushed, pushed_day = _stamp(pushed_at) if pushed_at else ("", "")
    text = "\x1f".join((channel, source, id_number, phone, name, origin, address, arrived, pushed))
    return (pushed_day or arrived_day or "00000000") + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:32]


@dataclass
class IngestResult:
    leads: list[Lead] = field(default_factory=list)
    created: int = 0
    duplicates: int = 0
    new_persons: int = 0
    new_verifications: int = 0
    candidates: int = 0
    assigned: dict[int, int] = field(default_factory=lambda: defaultdict(int))


_ID18 = re.compile(r"^\d{17}[\dX]$")
_EARLIEST_BIRTH = dt.date(1880, 1, 1)


_TODAY: list = [-60.0, dt.date.min]  # when it was read, the date


def _today() -> dt.date:
    """Today's date, read again at most once a minute (`date.today()` costs a microsecond a row)."""
    now = time.monotonic()
    if now - _TODAY[0] > 60:
        _TODAY[:] = [now, dt.date.today()]  # noqa: DTZ011 — a calendar date
    return _TODAY[1]


def _clean_id_fast(value: object) -> str:
    """clean_id_number with a fast path for canonical numbers (lists repeat the same people)."""
    if isinstance(value, str) and _ID18.match(value) and value[:2] in PROVINCE_CODES \
            and value[17] == check_digit(value[:17]):
        try:
            birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
        except ValueError:
            birth = None
        if birth and _EARLIEST_BIRTH <= birth <= _today():
            return value
    return clean_id_number(value)  # the slow path gives the precise Chinese reason


def _parse_full_datetime(value: object) -> dt.datetime | None:
    # Text without its year ("7月1日") depends on today, so it is parsed each time.
    if not isinstance(value, str) or value[:4].isdigit():
        return parse_datetime(value)
    raise _NotMemoisable


class _NotMemoisable(Exception):
    pass


class _Memo(dict):
    """value → cleaned value (or the InvalidValue it raised), each distinct value cleaned once.

    A dict with `__missing__` keeps the hit path in C: a million-row list repeats the same
    people, dates and places, and a row costs a few dictionary lookups.
    """

    __slots__ = ("clean", "limit")

    def __init__(self, clean, limit: int = 500_000) -> None:
        super().__init__()
        self.clean, self.limit = clean, limit

    def __missing__(self, value: object) -> object:
        try:
            out = self.clean(value)
        except InvalidValue as exc:
            out = exc
        except _NotMemoisable:
            try:
                return parse_datetime(value)
            except InvalidValue as exc:
                return exc
        if len(self) >= self.limit:
            self.clear()
        try:
            self[value] = out
        except TypeError:  # an unhashable cell value
            pass
        return out


_NAMES, _IDS, _PHONES, _DATES = _Memo(clean_name), _Memo(_clean_id_fast), _Memo(clean_phone), \
    _Memo(_parse_full_datetime, 100_000)
_BLANK = (None, "")


def clean_lead(raw: dict, *, channel: str, source: str = "") -> LeadInput:
    """Clean one row's raw values; raise InvalidValue with every reason joined by ';'."""
    values = []
    reasons: list[str] = []
    for key, memo in (("name", _NAMES), ("id_number", _IDS), ("phone", _PHONES)):
        value = raw.get(key)
        out = "" if value in _BLANK else memo[value]
        if isinstance(out, InvalidValue):
            reasons.append(str(out))
            out = ""
        values.append(out)
    for key in ("arrived_at", "pushed_at"):
        value = raw.get(key)
        out = None if value in _BLANK else _DATES[value]
        if isinstance(out, InvalidValue):
            reasons.append(str(out))
            out = None
        values.append(out)
    name, id_number, phone, arrived_at, pushed_at = values
    if not id_number and not phone and not reasons:
        reasons.append("身份证号和手机号至少填写一项")
    if reasons:
        raise InvalidValue(";".join(reasons))
    address, origin, note = raw.get("address"), raw.get("origin"), raw.get("note")
    kind = raw.get("kind")
    if kind is None:
        kind = DOMESTIC
    else:
        text_kind = str(kind).strip()
        kind = LeadKind.FROM_ABROAD if kind == LeadKind.FROM_ABROAD or any(
            w == text_kind or (w != "是" and w in text_kind) for w in ABROAD_WORDS) else LeadKind.DOMESTIC
    if raw.get("source") and not source:
        source = _source_value(str(raw["source"]).strip(), channel)
    return LeadInput(None, name, id_number, phone, str(address).strip()[:255] if address else "",
                     str(origin).strip()[:255] if origin else "", arrived_at, pushed_at, source, kind,
                     str(note).strip()[:2000] if note else "")


def _source_value(text: str, channel: str) -> str:
    if channel == Channel.BIG_DATA:
        for choice in BigDataSource:
            if text in (choice.value, str(choice.label)):
                return choice.value
    return text[:64]


def new_receipt_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))


def chunked(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass(slots=True, eq=False)
class TaskRef:
    """An open verification: its id (None until written) and the division it is routed to."""

    pk: int | None
    division_id: int


@dataclass(slots=True, eq=False)
class PersonRef:
    """The fields resolution needs of a person, without a model instance (cheap at a million rows).

    `pk` is None until the person is written; `task` is their open verification once known.
    Compared by identity: one object per person per import.
    """

    pk: int | None
    name: str
    name_pinyin: str
    id_number: str | None
    phone: str
    division_id: int
    status: str
    merged_into_id: int | None = None
    name_initials: str = ""
    address: str = ""
    resident_id: int | None = None
    module: str = ""
    task: TaskRef | None = None


# Raw SQL for the per-chunk lookups: the ORM's `__in` prepares each of thousands of parameters.
PERSON_SQL = ("SELECT id, name, name_pinyin, id_number, phone, division_id, status, merged_into_id "
              "FROM screening_person WHERE {in}")
RESIDENT_SQL = "SELECT {cols} FROM registry_resident WHERE {{in}}"
# The condition matches the partial unique index verification_one_open_per_person.
OPEN_TASK_SQL = "SELECT person_id, id, division_id FROM screening_verification WHERE NOT (status = 'closed') AND {in}"


@dataclass
class Lookups:
    """What one chunk needs from the database, read before it is planned."""

    existing_keys: set[str]
    persons: list[tuple]  # PERSON_SQL rows by ID number or phone, and the persons they were merged into
    open_tasks: dict[int, tuple[int, int]]  # person id → (verification id, division id)
    res_by_id: dict[str, tuple[int, int]]
    res_by_phone: dict[tuple[str, str], tuple[int, int]]
    refresh: set[int] = field(default_factory=set)  # known persons (pk) whose open task was read again
    unwritten: set[int] = field(default_factory=set)  # see LookupRequest.unwritten


@dataclass
class ResolveState:
    """What resolution knows across the chunks of one import (one call for a form or the API):
    the persons met or created so far (one object each, with their open task) and the keys
    planned. Each chunk still asks the database, so a person self-reported mid-import is found.
    """

    keys: set[str] = field(default_factory=set)
    by_pk: dict[int, PersonRef] = field(default_factory=dict)
    by_id: dict[str, PersonRef] = field(default_factory=dict)
    by_phone: dict[str, list[PersonRef]] = field(default_factory=lambda: defaultdict(list))
    # Tasks of a chunk that a writer process may not have committed yet: absent from the
    # database's answer, they are still open.
    unwritten: set[int] = field(default_factory=set)


@dataclass
class Plan:
    """One chunk resolved in memory, ready to write: nothing here has touched the database."""

    channel: str
    module: str
    leads: list[tuple[str, LeadInput, PersonRef]] = field(default_factory=list)
    new_persons: list[PersonRef] = field(default_factory=list)
    adopted: list[PersonRef] = field(default_factory=list)
    new_tasks: list[tuple[PersonRef, TaskRef, int | None, int | None]] = field(default_factory=list)
    reopened: list[PersonRef] = field(default_factory=list)
    candidates: list[tuple[PersonRef, PersonRef, str]] = field(default_factory=list)
    duplicates: int = 0


def chunk_keys(inputs: list[LeadInput], channel: str) -> list[str]:
    for item in inputs:
        if not item.dedup:
            item.dedup = item.key(channel)
    return [item.dedup for item in inputs]


def look_up(inputs: list[LeadInput], state: ResolveState) -> Lookups:
    """Read what resolving `inputs` needs (dedup keys, persons, residents, open tasks), so that
    `plan` runs without a query.

    A person `state` already holds by ID number is not read again (the number is unique, so no
    one else can appear under it), but their open task is: it may have closed meanwhile.
    """
    return fetch_lookups(lookup_request(inputs, state))


@dataclass
class LookupRequest:
    """What `look_up` asks of the database, taken from `state` at one moment: `fetch_lookups`
    then runs on it without touching `state` (an import runs it in a thread while the previous
    chunk is planned)."""

    keys: set[str]
    rows: list[tuple[str, str, str, bool]]  # (dedup key, ID number, phone, ID number known)
    known: dict[str, tuple[int | None, int | None]]  # known ID number → (person, merged into)
    unwritten: set[int]  # `state.unwritten` when asked: tasks the answer may not show yet


def lookup_request(inputs: list[LeadInput], state: ResolveState) -> LookupRequest:
    planned, known = state.keys, state.by_id
    rows = [(i.dedup, i.id_number, i.phone, i.id_number in known) for i in inputs if i.dedup not in planned]
    return LookupRequest({r[0] for r in rows}, rows,
                         {r[1]: (known[r[1]].pk, known[r[1]].merged_into_id) for r in rows if r[3]},
                         set(state.unwritten))


def fetch_lookups(request: LookupRequest) -> Lookups:
    existing = {k for (k,) in fetch_in("SELECT dedup_key FROM screening_lead WHERE {in}", "dedup_key",
                                       request.keys)}
    rows = [r for r in request.rows if r[0] not in existing]  # only these resolve
    new_ids = {r[1] for r in rows if r[1] and not r[3]}
    persons = [*fetch_in(PERSON_SQL, "id_number", new_ids),
               *fetch_in(PERSON_SQL, "phone", {r[2] for r in rows if r[2] and not r[3]})]
    targets = {r[7] for r in persons if r[7]}
    for _ in range(5):  # merged-away persons point at the kept one (rarely more than one step)
        targets -= {r[0] for r in persons}
        if not targets:
            break
        found = list(fetch_in(PERSON_SQL, "id", targets))
        persons += found
        targets = {r[7] for r in found if r[7]}
    refresh = {pk for pair in request.known.values() for pk in pair if pk}
    open_tasks = {pid: (vid, div) for pid, vid, div in fetch_in(OPEN_TASK_SQL, "person_id",
                                                                {r[0] for r in persons} | refresh)}
    new_ids -= {r[3] for r in persons}  # only people not found yet are looked for among residents
    res_by_id = {n: (pk, g) for n, pk, g in fetch_in(RESIDENT_SQL.format(cols="id_number, id, grid_id"),
                                                       "id_number", new_ids)}
    res_by_phone = {(phone, name): (pk, g) for phone, name, pk, g in fetch_in(
        RESIDENT_SQL.format(cols="phone, name, id, grid_id"), "phone", {r[2] for r in rows if r[2] and not r[1]})}
    return Lookups(existing, persons, open_tasks, res_by_id, res_by_phone, refresh, request.unwritten)


def plan(inputs: list[LeadInput], lookups: Lookups, state: ResolveState, *, channel: str, router: Router) -> Plan:
    """Resolve a chunk in memory: duplicates, persons (found, adopted or new), open tasks, routing."""
    module = CHANNEL_MODULE[Channel(channel)]
    out = Plan(channel=channel, module=module)
    for row in lookups.persons:  # what the database says now wins over what an earlier chunk saw
        ref = state.by_pk.get(row[0])
        if ref is None:
            ref = state.by_pk[row[0]] = PersonRef(*row)
            if ref.id_number:
                state.by_id.setdefault(ref.id_number, ref)
            if ref.phone:
                state.by_phone[ref.phone].append(ref)
        else:
            ref.status, ref.merged_into_id = row[6], row[7]
        _read_task(ref, lookups.open_tasks.get(row[0]), lookups, state)
    for pk in lookups.refresh:
        _read_task(state.by_pk[pk], lookups.open_tasks.get(pk), lookups, state)
    resolver = _Resolver(state, lookups, router, out)
    created = resolver.created
    for item in inputs:
        key = item.dedup
        if key in state.keys or key in lookups.existing_keys:
            out.duplicates += 1
            continue
        state.keys.add(key)
        person = resolver.resolve(item, module)
        if person.task is None:
            division = person.division_id
            task = person.task = TaskRef(None, division)
            out.new_tasks.append((person, task, router.township_of(division), router.assignee_for(division)))
            if person not in created:  # its status may have moved on since it was read
                person.status = VERIFYING
                out.reopened.append(person)
        out.leads.append((key, item, person))
    return out


def _read_task(ref: PersonRef, found: tuple[int, int] | None, lookups: Lookups, state: ResolveState) -> None:
    if found:
        ref.task = TaskRef(*found)
    elif ref.task is None or (ref.task.pk not in state.unwritten and ref.task.pk not in lookups.unwritten):
        ref.task = None  # closed since (or never had one)


class _Resolver:
    """Resolves inputs to persons (existing or new) from what `look_up` read and `state` holds."""

    def __init__(self, state: ResolveState, lookups: Lookups, router: Router, out: Plan) -> None:
        self.state, self.lookups, self.router, self.out = state, lookups, router, out
        self.created: set[PersonRef] = set()  # by identity: the persons this chunk creates

    def resolve(self, item: LeadInput, module: str) -> PersonRef:
        if item.id_number:
            person = self.state.by_id.get(item.id_number)
            if person is not None:
                return self._follow(person)
            person = self._by_phone_name(item)
            if person is not None and not person.id_number:
                person.id_number = item.id_number  # the same person, now with an ID number
                self.state.by_id[item.id_number] = person
                if person not in self.created:  # written already, or by an earlier chunk
                    self.out.adopted.append(person)
                return person
        else:
            person = self._by_phone_name(item)
            if person is not None:
                return person
        return self._create(item, module)

    def _follow(self, person: PersonRef) -> PersonRef:
        seen = 0
        while person.merged_into_id and seen < 5 and person.merged_into_id in self.state.by_pk:
            person = self.state.by_pk[person.merged_into_id]
            seen += 1
        return person

    def _by_phone_name(self, item: LeadInput) -> PersonRef | None:
        if not item.phone:
            return None
        for p in self.state.by_phone.get(item.phone, ()):
            if p.name == item.name and (not item.id_number or not p.id_number or p.id_number == item.id_number):
                return self._follow(p)  # a merged-away spelling still finds the kept person
        return None

    def _create(self, item: LeadInput, module: str) -> PersonRef:
        full, initials = name_pinyin(item.name) if item.name else ("", "")
        resident_id, grid_id = self.lookups.res_by_id.get(item.id_number) or self.lookups.res_by_phone.get(
            (item.phone, item.name)) or (None, None)
        division_id = (grid_id or (item.division_hint_id if item.division_hint_id in self.router.level else None)
                       or self.router.division_from_address(item.address) or self.router.county.pk)
        person = PersonRef(None, item.name, full, item.id_number or None, item.phone, division_id,
                           VERIFYING, None, initials, item.address, resident_id, module)
        if item.phone:
            # 张伟 / 章伟 on one phone: maybe one person mistyped; a person decides.
            for other in self.state.by_phone.get(item.phone, ()):
                if (other.merged_into_id is None and other.name != item.name and other.name_pinyin == full
                        and full and not (other.id_number and item.id_number)):
                    self.out.candidates.append((other, person, f"同一手机号,姓名读音相同({other.name}/{item.name})"))
            self.state.by_phone[item.phone].append(person)
        if item.id_number:
            self.state.by_id[item.id_number] = person
        self.out.new_persons.append(person)
        self.created.add(person)
        return person


PERSON_COLUMNS = ("id", "name", "name_initials", "name_pinyin", "id_number", "phone", "address", "resident_id",
                  "division_id", "status", "module", "merged_into_id", "created_at", "updated_at")
VERIFICATION_COLUMNS = ("id", "person_id", "channel", "module", "division_id", "township_id", "assignee_id", "status",
                        "opened_at", "located_due_at", "sampled_due_at", "result_due_at", "next_due_at",
                        "escalation_level", "escalate_at", "no_answer_count", "outcome", "measure_kind",
                        "outcome_reason", "outcome_place")
LEAD_COLUMNS = ("channel", "module", "source", "kind", "batch_id", "row_number", "dedup_key", "name", "id_number",
                "phone", "address", "origin", "arrived_at", "pushed_at", "received_at", "note", "receipt_code",
                "reported_by_id", "person_id", "verification_id", "division_id")


@dataclass
class Rows:
    """A planned chunk in database form: what `apply` inserts and updates. Plain tuples, so a
    writer process can be sent them (see `imports`)."""

    persons: list[tuple]
    adopted: list[tuple[int, str]]  # (person id, the ID number it now has)
    tasks: list[tuple]
    reopened: list[int]
    leads: list[tuple]
    candidates: list[tuple[int, int, str, int, str]]  # person, other, reason, division, module
    # One audit row per person and task created or changed (core.audit.record_many's entries).
    created: list[tuple] = field(default_factory=list)  # audit.Entry fields, as plain tuples
    changed: list[tuple] = field(default_factory=list)
    verb: str = "ingest_lead"


def number(out: Plan, person_ids: Iterator[int], task_ids: Iterator[int], state: ResolveState) -> None:
    """Give the plan's new persons and tasks their primary keys (drawn from ids reserved for
    them), and let `state` find the new persons by key."""
    for p in out.new_persons:
        p.pk = next(person_ids)
        state.by_pk[p.pk] = p
    for _, task, _, _ in out.new_tasks:
        task.pk = next(task_ids)


def rows_of(out: Plan, *, batch_id: int | None, now: dt.datetime, policy: DeadlinePolicy) -> Rows:
    """The plan's rows, once `number` has given it keys."""
    channel, module, at = out.channel, out.module, db_value(now)
    located, sampled, due = (db_value(d) for d in policy.dues(now))
    adapt = datetime_adapter()
    return Rows(
        persons=[(p.pk, p.name, p.name_initials, p.name_pinyin, p.id_number, p.phone, p.address, p.resident_id,
                  p.division_id, VERIFYING, p.module, None, at, at) for p in out.new_persons],
        adopted=[(p.pk, p.id_number) for p in out.adopted],
        tasks=[(task.pk, p.pk, channel, module, task.division_id, township, assignee, OPEN, at, located, sampled,
                due, located, 0, located, 0, "", "", "", "") for p, task, township, assignee in out.new_tasks],
        reopened=[p.pk for p in out.reopened],
        leads=[(channel, module, i.source, i.kind, batch_id, i.row, k, i.name, i.id_number, i.phone, i.address,
                i.origin, adapt(i.arrived_at), adapt(i.pushed_at), at, i.note, i.receipt_code, i.reported_by_id,
                p.pk, p.task.pk, p.task.division_id) for k, i, p in out.leads],
        candidates=[(a.pk, b.pk, r, a.division_id, module) for a, b, r in out.candidates],
        **_audit_entries(out, batch_id),
    )


def _audit_entries(out: Plan, batch_id: int | None) -> dict:
    """The plan's audit rows: each new person and task, each person given an ID number or reopened.

    Their changes are written as JSON text directly: at a million rows the JSON encoder alone
    cost seconds."""
    from fangkong.core.models import Division
    from fangkong.core.pii import mask_id_number

    divisions = {p.division_id for p in (*out.new_persons, *out.adopted, *out.reopened)} | {
        t.division_id for _, t, _, _ in out.new_tasks}
    paths = dict(Division.objects.filter(pk__in=divisions).values_list("pk", "path")) if divisions else {}
    path = paths.get  # plain tuples in `audit.Entry`'s order: cheaper to build and to pickle
    tail = f', "channel": "{out.channel}", "batch": {"null" if batch_id is None else batch_id}}}'
    person = '{"new": true' + tail
    created = [("screening.person", str(p.pk), p.name, person, path(p.division_id, "")) for p in out.new_persons]
    created += [("screening.verification", str(t.pk), p.name,
                 f'{{"person": {p.pk}, "assignee": {assignee or "null"}{tail}', path(t.division_id, ""))
                for p, t, _township, assignee in out.new_tasks]
    changed = [("screening.person", str(p.pk), p.name, {"id_number": ["", mask_id_number(p.id_number)],
                "batch": batch_id}, path(p.division_id, "")) for p in out.adopted]
    changed += [("screening.person", str(p.pk), p.name, {"status": VERIFYING, "batch": batch_id},
                 path(p.division_id, "")) for p in out.reopened]
    return {"created": created, "changed": changed, "verb": "import_leads" if batch_id else "ingest_lead"}


def apply(rows: Rows) -> None:
    """Insert and update a chunk's rows; the caller holds the transaction."""
    insert_rows(Person, PERSON_COLUMNS, rows.persons)
    for pk, id_number in rows.adopted:  # rare: a phone-only person whose ID number now arrives
        Person.objects.filter(pk=pk).update(id_number=id_number)
    insert_rows(Verification, VERIFICATION_COLUMNS, rows.tasks)
    execute_in("UPDATE screening_person SET status = %s WHERE {in}", "id", rows.reopened, [VERIFYING])
    insert_rows(Lead, LEAD_COLUMNS, rows.leads)
    if rows.candidates:
        MergeCandidate.objects.bulk_create(
            [MergeCandidate(person_id=a, other_id=b, reason=r, division_id=d, module=m)
             for a, b, r, d, m in rows.candidates], batch_size=2000, ignore_conflicts=True)
    audit.record_many(AuditAction.CREATE, verb=rows.verb, entries=rows.created)
    audit.record_many(AuditAction.UPDATE, verb=rows.verb, entries=rows.changed)


def result_of(out: Plan) -> IngestResult:
    """What a plan adds, counted before it is written (`apply` writes every row it is given)."""
    result = IngestResult(created=len(out.leads), duplicates=out.duplicates, new_persons=len(out.new_persons),
                          new_verifications=len(out.new_tasks), candidates=len(out.candidates))
    for _, _, _, assignee in out.new_tasks:
        if assignee:
            result.assigned[assignee] += 1
    return result


def write(out: Plan, state: ResolveState, *, batch: Batch | None, now: dt.datetime, policy: DeadlinePolicy,
          audit_rows: bool) -> IngestResult:
    """Write a plan in one transaction: persons, their tasks, the leads, merge candidates."""
    result = result_of(out)
    if not out.leads:
        return result
    with transaction.atomic():
        number(out, iter(reserve_ids(Person, len(out.new_persons))),
               iter(reserve_ids(Verification, len(out.new_tasks))), state)
        apply(rows_of(out, batch_id=batch.pk if batch else None, now=now, policy=policy))
        if audit_rows:
            result.leads = list(Lead.objects.filter(dedup_key__in=[k for k, _, _ in out.leads]).order_by("id"))
            audit.record_many(AuditAction.CREATE, result.leads, verb="ingest_lead")
    return result


def ingest(inputs: list[LeadInput], *, channel: str, batch: Batch | None = None, now: dt.datetime | None = None,
           router: Router | None = None, audit_rows: bool = True, state: ResolveState | None = None) -> IngestResult:
    """Turn cleaned inputs into leads, persons and verifications; idempotent by dedup key.

    Looks up, plans and writes in turn; an import does the same per chunk with one state for
    the whole file (see `imports.run_lead_import`). With `audit_rows` (forms, the API) each lead gets its own audit
    row and `result.leads` holds the created leads; imports write one audit row per batch.
    """
    now = now or timezone.now()
    router = router or Router.load()
    state = state or ResolveState()
    chunk_keys(inputs, channel)
    planned = plan(inputs, look_up(inputs, state), state, channel=channel, router=router)
    return write(planned, state, batch=batch, now=now, policy=DeadlinePolicy.for_channel(channel),
                 audit_rows=audit_rows)


def notify_assignees(assigned: dict[int, int], channel: str) -> None:
    """One in-app message per assignee for what a batch or a report gave them."""
    from fangkong.core.models import User

    label = Channel(channel).label
    with transaction.atomic():  # one commit for all of them
        for user in User.objects.filter(pk__in=list(assigned)):
            n = assigned[user.pk]
            notify([user], "screening.assigned", f"新的核查任务{n}条({label})", "请按时限落地核查",
                   url="/screening/my/")


def county_division():
    from fangkong.core.models import Division

    return Division.objects.get(level=DivisionLevel.COUNTY)
