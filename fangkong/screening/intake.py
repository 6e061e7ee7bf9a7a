"""即推即查: every lead, from any channel, becomes a person with one open verification at once.

`ingest` is set-based so the same code serves one self-report and a million-row list: per
chunk it looks up duplicates, persons and residents with a few `IN` queries, resolves and
routes in memory (`plan`), and writes set-based (`apply`: COPY or executemany). No query runs
per row. A big import runs `apply` in a writer process (see `imports`).

Split by concern: cleaning a row is `cleaning`, resolving a chunk `resolution`; this module
writes a plan and is the entry point (`ingest`). Their names are re-exported here.
"""


from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import attrgetter

from django.db import transaction
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.bulk import datetime_adapter, db_value, execute_in, fetch_in, insert_rows, reserve_ids
from fangkong.core.choices import AuditAction
from fangkong.core.models import Batch
from fangkong.core.notify import notify_each
from fangkong.core.signals import leads_received

from . import rollups
from .choices import Channel, LeadKind
from .cleaning import (
    ABROAD_WORDS,
    CHUNK,
    DOMESTIC,
    OPEN,
    VERIFYING,
    LeadInput,
    chunked,
    clean_lead,
    dedup_key,
    new_receipt_code,
)
from .models import (
    DeadlinePolicy,
    Lead,
    LeadCount,
    MergeCandidate,
    OpenTaskCount,
    Person,
    PersonCount,
    PushCount,
    Verification,
)
from .resolution import (
    OPEN_TASK_SQL,
    PERSON_SQL,
    RESIDENT_SQL,
    LookupRequest,
    Lookups,
    PersonRef,
    Plan,
    ResolveState,
    TaskRef,
    chunk_keys,
    fetch_lookups,
    look_up,
    lookup_request,
    plan,
)
from .routing import Router, county_division

__all__ = [  # what callers import from here, wherever it lives now
    "ABROAD_WORDS", "CHUNK", "DOMESTIC", "LEAD_COLUMNS", "OPEN", "OPEN_TASK_SQL", "PERSON_COLUMNS", "PERSON_SQL",
    "RESIDENT_SQL", "VERIFICATION_COLUMNS", "VERIFYING", "IngestResult", "LeadInput",
    "LookupRequest", "Lookups", "PersonRef", "Plan", "ResolveState", "Rows", "TaskRef", "apply", "chunk_keys",
    "chunked", "clean_lead", "county_division", "dedup_key", "fetch_lookups", "ingest", "look_up",
    "lookup_request", "new_receipt_code", "notify_assignees", "number", "plan", "result_of", "rows_of", "write",
]


@dataclass
class IngestResult:
    leads: list[Lead] = field(default_factory=list)
    created: int = 0
    duplicates: int = 0
    new_persons: int = 0
    new_verifications: int = 0
    candidates: int = 0
    assigned: dict[int, int] = field(default_factory=lambda: defaultdict(int))


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
    items: list[tuple] = field(default_factory=list)  # an import's: audit.record_items' (type, id, path)
    changed: list[tuple] = field(default_factory=list)
    batch_id: int | None = None
    channel: str = ""
    verb: str = "ingest_lead"
    # What the chunk adds to the board's roll-ups (`rollups.bump`): {key: n} per table.
    lead_counts: dict[tuple, int] = field(default_factory=dict)
    task_counts: dict[tuple, int] = field(default_factory=dict)
    # 001's sentences: new persons and the leads of new tasks (`PersonCount`, `PushCount`); the leads
    # of tasks open already, {(day, division, channel, module, task id): n}, take their task's state in `apply`; persons
    # reopened or given a lead from abroad are counted again there (`rollups.person_keys`).
    person_counts: dict[tuple, int] = field(default_factory=dict)
    push_counts: dict[tuple, int] = field(default_factory=dict)
    open_task_leads: dict[tuple, int] = field(default_factory=dict)
    retally: list[int] = field(default_factory=list)


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
    located_at = policy.dues(now)[0]
    located, sampled, due = (db_value(d) for d in policy.dues(now))
    day = timezone.localdate(now)
    adapt = datetime_adapter()
    per_division = Counter(p.task.division_id for _, _, p in out.leads)
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
        lead_counts={(day, d, channel, module): n for d, n in per_division.items()},
        task_counts={(d, channel, module, located_at, False): n
                     for d, n in Counter(task.division_id for _, task, _, _ in out.new_tasks).items()},
        **_sentence_counts(out, day, per_division),
    )


def _sentence_counts(out: Plan, day: dt.date, leads_per_division: Counter) -> dict:
    """What the chunk adds to 001's sentences: each new person once (their first lead is in this
    chunk, on its channel), from abroad if any of their leads is; each lead of a new task as in
    progress. One pass over the leads, counted per division (no key built per row)."""
    from_abroad = LeadKind.FROM_ABROAD.value
    abroad: set[PersonRef] = set()
    on_open: Counter = Counter()
    for _key, item, p in out.leads:
        if item.kind == from_abroad:
            abroad.add(p)
        if not p.task.new:
            on_open[(p.task.division_id, p.task.pk)] += 1
    on_new = Counter(leads_per_division)
    for (d, _pk), n in on_open.items():
        on_new[d] -= n
    if abroad:
        persons = Counter((p.division_id, p.module, p in abroad) for p in out.new_persons)
    else:
        persons = Counter((*k, False) for k in map(attrgetter("division_id", "module"), out.new_persons))
    c, m = out.channel, out.module
    return {"person_counts": {(day, d, c, module, a, False, "", ""): n for (d, module, a), n in persons.items()},
            "push_counts": {(day, d, c, m, False, False): n for d, n in on_new.items() if n},
            "open_task_leads": {(day, d, c, m, pk): n for (d, pk), n in on_open.items()},
            "retally": sorted({p.pk for p in out.reopened} | {p.pk for p in abroad - set(out.new_persons)})}


def _audit_entries(out: Plan, batch_id: int | None) -> dict:
    """The plan's audit: each new person and task, each person given an ID number or reopened.

    An import's new persons and tasks go to `audit.record_items` (one narrow row each, who and
    which batch once per village); a form's or the API's, and every changed person, get full
    rows. Their changes are written as JSON text directly: at a million rows the JSON encoder
    alone cost seconds."""
    from fangkong.core.models import Division
    from fangkong.core.pii import mask_id_number

    divisions = {p.division_id for p in (*out.new_persons, *out.adopted, *out.reopened)} | {
        t.division_id for _, t, _, _ in out.new_tasks}
    paths = dict(Division.objects.filter(pk__in=divisions).values_list("pk", "path")) if divisions else {}
    path = paths.get  # plain tuples: cheaper to build and to pickle for the writer process
    created: list[tuple] = []
    items: list[tuple] = []
    if batch_id is not None:
        items = [("screening.person", p.pk, path(p.division_id, "")) for p in out.new_persons]
        items += [("screening.verification", t.pk, path(t.division_id, "")) for _, t, _, _ in out.new_tasks]
    else:
        tail = f', "channel": "{out.channel}", "batch": null}}'
        person = '{"new": true' + tail
        created = [("screening.person", str(p.pk), p.name, person, path(p.division_id, ""))
                   for p in out.new_persons]
        created += [("screening.verification", str(t.pk), p.name,
                     f'{{"person": {p.pk}, "assignee": {assignee or "null"}{tail}', path(t.division_id, ""))
                    for p, t, _township, assignee in out.new_tasks]
    changed = [("screening.person", str(p.pk), p.name, {"id_number": ["", mask_id_number(p.id_number)],
                "batch": batch_id}, path(p.division_id, "")) for p in out.adopted]
    changed += [("screening.person", str(p.pk), p.name, {"status": VERIFYING, "batch": batch_id},
                 path(p.division_id, "")) for p in out.reopened]
    return {"created": created, "items": items, "changed": changed, "batch_id": batch_id,
            "channel": out.channel, "verb": "import_leads" if batch_id else "ingest_lead"}


def apply(rows: Rows) -> None:
    """Insert and update a chunk's rows; the caller holds the transaction."""
    retally = rollups.person_keys(rows.retally)  # where the persons counted again stood before
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
    if rows.items:
        audit.record_items(AuditAction.CREATE, rows.items, verb=rows.verb, object_type_="core.batch",
                           object_id=str(rows.batch_id), object_repr=f"批次 {rows.batch_id}",
                           changes={"batch": rows.batch_id, "channel": rows.channel})
    audit.record_many(AuditAction.UPDATE, verb=rows.verb, entries=rows.changed)
    rollups.bump(LeadCount, rows.lead_counts)  # last: see rollups.rebuild_board_rollups
    rollups.bump(OpenTaskCount, rows.task_counts)
    people = Counter(rows.person_counts)
    people.update(rollups.person_keys(rows.retally))
    people.subtract(retally)
    rollups.bump(PersonCount, people)
    rollups.bump(PushCount, _push_counts(rows))
    _announce(rows)


_PEOPLE = tuple(LEAD_COLUMNS.index(c) for c in ("id_number", "phone", "name", "division_id"))


def _announce(rows: Rows) -> None:
    """Tell the other areas, once committed, whom these leads name (core.signals.leads_received):
    a watch-listed person away from the county appearing in any channel is an alert."""
    if not rows.leads:
        return
    people = [tuple(lead[i] for i in _PEOPLE) for lead in rows.leads]
    channel = rows.channel
    transaction.on_commit(lambda: leads_received.send_robust(sender=Rows, channel=channel, people=people))


def _push_counts(rows: Rows) -> Counter:
    """The chunk's leads by where their task stands: new tasks' in progress, open ones' as they are."""
    out = Counter(rows.push_counts)
    if rows.open_task_leads:
        state = {pk: rollups.push_state(status, located, answers) for pk, status, located, answers in fetch_in(
            "SELECT id, status, located_at, no_answer_count FROM screening_verification WHERE {in}", "id",
            {key[-1] for key in rows.open_task_leads})}
        for (*lead, pk), n in rows.open_task_leads.items():  # a task not read yet is new: in progress
            out[(*lead, *state.get(pk, (False, False)))] += n
    return out


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
    notify_each([(user, f"新的核查任务{assigned[user.pk]}条（{label}）") for user in User.objects.filter(
        pk__in=list(assigned))], "screening.assigned", "请按时限落地核查", url="/screening/my/")

