"""The board's roll-up counts (`models.rollups`): kept by every write that changes a lead or a task,
and rebuilt from the live rows by a job.

A write passes a delta to `bump`, one upsert per table (`INSERT … ON CONFLICT … DO UPDATE SET
n = n + excluded.n`, the same SQL on SQLite and PostgreSQL) in the write's own transaction, so
the counts commit with the rows they count. Actions wrap the task or lead rows they change in
`tracking` / `tracking_leads` (the delta is the counts of the rows after minus before); an import
passes the counts of each chunk it writes (`intake.rows_of`). `rebuild_board_rollups` recomputes
everything from the live rows; tests check it and the kept counts against a live count.

001's sentences read two more: `PushCount` (a lead by where its task stands) moves with its task
(`tracking`) and with the lead (`tracking_leads`); `PersonCount` (a person by first push and
where their verification stands) with their tasks, their leads and the person row
(`tracking_persons`). A person's key is computed from their rows (`person_keys`), a few indexed
queries for the persons an action touches.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from .choices import LeadKind, Outcome, VerificationStatus
from .models import (
    NO_DEADLINE,
    ClosedTaskCount,
    Lead,
    LeadCount,
    OpenTaskCount,
    Person,
    PersonCount,
    PushCount,
    Verification,
)

ROLLUPS = (LeadCount, ClosedTaskCount, OpenTaskCount, PersonCount, PushCount)
TASK_FIELDS = ("status", "division_id", "channel", "module", "next_due_at", "no_answer_count", "located_at",
               "closed_at", "outcome", "person_id", "measure_kind")
LEAD_FIELDS = ("received_at", "division_id", "channel", "module")
PUSH_FIELDS = (*LEAD_FIELDS, "verification__status", "verification__located_at", "verification__no_answer_count")
Deltas = dict[type, Counter]
BUMP_BATCH = 1000  # rows per upsert statement (6,000 parameters at most; SQLite takes 32,766)


def _db(value: object) -> object:
    """A key value in the form the driver takes, as the ORM writes it (so keys compare equal)."""
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return connection.ops.adapt_datefield_value(value)
    return value


_SEP, _NULL = "\x1f", "\x1e"
_AS_TEXT = (str, int, dt.date, bool)  # types whose str() PostgreSQL reads back as the same value


def _pg_array(values: tuple, db_type: str) -> tuple[str, object]:
    """A column of keys as one array parameter: joined text that the server splits and casts
    (psycopg dumps a list element by element in Python: most of a 10,000-key bump), else a list."""
    if all(v is None or v.__class__ in _AS_TEXT or isinstance(v, dt.date) for v in values):
        texts = [_NULL if v is None else str(v) for v in values]
        joined = _SEP.join(texts)
        if joined and joined.count(_SEP) == len(texts) - 1 and not any(_NULL in t for t in texts if t != _NULL):
            return f"string_to_array(%s, chr(31), chr(30))::{db_type}[]", joined
    return f"%s::{db_type}[]", [_db(v) for v in values]


def bump(model: type, counts: Mapping[tuple, int]) -> None:
    """Add `counts` ({key in `model.key_columns` order: n}) to `model`'s rows, creating missing ones;
    rows a negative delta brings to zero are deleted. Keys are sorted: concurrent writers take the
    rows' locks in one order (no deadlock on PostgreSQL)."""
    rows = sorted((key, n) for key, n in counts.items() if n)
    if not rows:
        return
    qn = connection.ops.quote_name
    table, cols = qn(model._meta.db_table), [qn(c) for c in model.key_columns]
    marks = f"({', '.join(['%s'] * (len(cols) + 1))})"
    upsert = (f"ON CONFLICT ({', '.join(cols)}) DO UPDATE SET {qn('n')} = {table}.{qn('n')} + excluded.{qn('n')}")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array a column: a statement of a thousand VALUES rows cost PostgreSQL 25 ms to
            # parse and plan, four times the work of the upsert itself.
            types = [model._meta.get_field(c).db_type(connection) for c in model.key_columns]
            arrays, params = [], []
            for t, column in zip([*types, "integer"], zip(*[(*key, n) for key, n in rows], strict=True), strict=True):
                sql, param = _pg_array(column, t)
                arrays.append(sql)
                params.append(param)
            cursor.execute(f"INSERT INTO {table} ({', '.join(cols)}, {qn('n')}) SELECT * FROM unnest("
                           f"{', '.join(arrays)}) " + upsert, params)
        else:
            for i in range(0, len(rows), BUMP_BATCH):  # a statement per batch: one round trip each
                part = rows[i:i + BUMP_BATCH]
                cursor.execute(f"INSERT INTO {table} ({', '.join(cols)}, {qn('n')}) VALUES "
                               f"{', '.join([marks] * len(part))} " + upsert,
                               [value for key, n in part for value in (*(_db(v) for v in key), n)])
        emptied = [[_db(v) for v in key] for key, n in rows if n < 0]
        if emptied:
            where = " AND ".join(f"{c} = %s" for c in cols)
            cursor.executemany(f"DELETE FROM {table} WHERE {qn('n')} = 0 AND {where}", emptied)


def bump_all(deltas: Deltas) -> None:
    for model in ROLLUPS:
        if model in deltas:
            bump(model, deltas[model])


# Tasks ------------------------------------------------------------------------------------------

def task_keys(s: Mapping) -> Iterator[tuple[type, tuple]]:
    """Where one task (its `TASK_FIELDS`) counts: open by deadline, or closed on its day."""
    if s["status"] != VerificationStatus.CLOSED:
        unreachable = bool(s["no_answer_count"]) and s["located_at"] is None
        yield OpenTaskCount, (s["division_id"], s["channel"], s["module"], s["next_due_at"] or NO_DEADLINE, unreachable)
    elif s["closed_at"] is not None:
        yield ClosedTaskCount, (timezone.localdate(s["closed_at"]), s["division_id"], s["channel"], s["module"],
                                s["outcome"] == Outcome.CONTROLLED)


def _add(deltas: Deltas, keys: Iterable[tuple[type, tuple]], sign: int) -> None:
    for model, key in keys:
        deltas.setdefault(model, Counter())[key] += sign


def _task_states(pks: list[int]) -> list[dict]:
    return list(Verification.objects.filter(pk__in=pks).values(*TASK_FIELDS)) if pks else []


@contextmanager
def tracking(pks: Iterable[int], persons: Iterable[int] = ()) -> Iterator[None]:
    """Around a change of the tasks `pks`: their counts move from where they were to where they are,
    and so do their leads' (`PushCount`) and their persons' (`PersonCount`). `persons` names any
    other person the change touches (a task moving to another person)."""
    pks = list(pks)
    before = _task_states(pks)
    persons = {*persons, *(s["person_id"] for s in before)}
    pushes, people = _push_keys(_task_leads(pks, persons)), person_keys(persons)
    yield
    after = _task_states(pks)
    deltas: Deltas = {}
    for s in before:
        _add(deltas, task_keys(s), -1)
    for s in after:
        _add(deltas, task_keys(s), +1)
    deltas[PushCount] = _delta(pushes, _push_keys(_task_leads(pks, persons)))
    deltas[PersonCount] = _delta(people, person_keys(persons))
    bump_all(deltas)


def _task_leads(pks: list[int], persons: set[int]) -> QuerySet[Lead]:
    """The tasks' leads, found through their persons' (indexed) leads."""
    return Lead.objects.filter(person_id__in=persons, verification_id__in=pks)


def _delta(before: Counter, after: Counter) -> Counter:
    out = Counter(after)
    out.subtract(before)
    return out


# Leads ------------------------------------------------------------------------------------------

def lead_key(received_at: dt.datetime, division_id: int, channel: str, module: str) -> tuple:
    return timezone.localdate(received_at), division_id, channel, module


@contextmanager
def tracking_leads(leads: QuerySet[Lead], persons: Iterable[int] = ()) -> Iterator[None]:
    """Around a change of the leads `leads` selects (before and after, e.g. a task's leads moving, or
    a merge moving them to the persons `persons` names)."""
    before = list(leads.values_list(*LEAD_FIELDS))
    pushes = _push_keys(leads)
    persons = {*persons, *leads.values_list("person_id", flat=True)}
    people = person_keys(persons)
    yield
    counts: Counter = Counter()
    for row in before:
        counts[lead_key(*row)] -= 1
    for row in leads.values_list(*LEAD_FIELDS):
        counts[lead_key(*row)] += 1
    bump(LeadCount, counts)
    bump(PushCount, _delta(pushes, _push_keys(leads)))
    bump(PersonCount, _delta(people, person_keys(persons)))


# 001's sentences --------------------------------------------------------------------------------

def push_state(status: str | None, located_at: object, no_answer_count: int | None) -> tuple[bool, bool]:
    """(verified, unreachable) of a lead whose task stands so: verified once located or no longer open
    (a lead without a task counts as verified), else unreachable after an unanswered call."""
    if status is None:
        return True, False
    verified = located_at is not None or status != VerificationStatus.OPEN
    return verified, not verified and bool(no_answer_count)


def push_key(received_at: dt.datetime, division_id: int, channel: str, module: str, *task: object) -> tuple:
    return (*lead_key(received_at, division_id, channel, module), *push_state(*task))


def _push_keys(leads: QuerySet[Lead]) -> Counter:
    return Counter(push_key(*row) for row in leads.values_list(*PUSH_FIELDS))


def person_keys(pids: Iterable[int] | QuerySet | None, apps=None) -> Counter:
    """Where each person of `pids` (ids, or a queryset of them; every person when None) counts in
    `PersonCount`: the day and channel of their first lead, whether any lead of theirs is from
    abroad (境外返回), their division and module, and their verification: settled when no task is
    open, by the outcome and measure of the task closed last. Merged-away persons and persons
    without a lead count nowhere.

    The first lead is the first recorded (lowest id): an import stamps all its leads with its start,
    so a self-report between two chunks is received later but recorded first, and a known person's
    new lead is never their first (`intake` counts only new persons).

    One grouped query, each person's leads and tasks read through the indexes on `person_id`:
    nothing per person is held here, whatever the number of persons."""
    if pids is not None and not isinstance(pids, QuerySet):
        pids = list(pids)
        if not pids:
            return Counter()
    if connection.vendor == "postgresql":
        return _all_person_keys(pids)
    person_m, lead_m, task_m = (apps.get_model("screening", n) for n in ("Person", "Lead", "Verification")) \
        if apps else (Person, Lead, Verification)
    leads = lead_m.objects.filter(person_id=OuterRef("pk"))
    first = leads.order_by("id")
    # The task closed last comes first (an open one has no `closed_at` and sorts last; a person with
    # one is not settled anyway): no condition on the status, only the index on person_id is used.
    last = task_m.objects.filter(person_id=OuterRef("pk")).order_by(F("closed_at").desc(nulls_last=True), "-id")
    persons = person_m.objects.filter(merged_into__isnull=True)
    persons = persons if pids is None else persons.filter(pk__in=pids)
    rows = (persons.annotate(
        first_at=Subquery(first.values("received_at")[:1]), first_channel=Subquery(first.values("channel")[:1]),
        abroad=Exists(leads.filter(kind=LeadKind.FROM_ABROAD)),
        open=Exists(task_m.objects.filter(person_id=OuterRef("pk")).exclude(status=VerificationStatus.CLOSED)),
        last_outcome=Subquery(last.values("outcome")[:1]), last_kind=Subquery(last.values("measure_kind")[:1]))
        .values("first_at", "division_id", "first_channel", "module", "abroad", "open", "last_outcome", "last_kind")
        .annotate(n=Count("id")).order_by())
    day = functools.lru_cache(maxsize=65536)(timezone.localdate)
    out: Counter = Counter()
    for r in rows:
        if r["first_at"] is None:  # no lead
            continue
        settled = not r["open"] and r["last_outcome"] is not None
        outcome, kind = (r["last_outcome"], r["last_kind"]) if settled else ("", "")
        out[(day(r["first_at"]), r["division_id"], r["first_channel"], r["module"], bool(r["abroad"]), settled,
             outcome, kind)] += r["n"]
    return out


# PostgreSQL: one pass over each table with window functions and hash joins, for every person (the
# rebuild), a scope (a live count) or a list (an import's recounts). The per-person subqueries
# above made it walk the lead table's primary key for each person (minutes at a million), while
# SQLite, which has no hash join, answers them through the person_id indexes faster than this.
_ALL_PERSON_KEYS = """
WITH firsts AS (
    SELECT person_id, received_at, channel FROM (
        SELECT person_id, received_at, channel, ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY id) AS n
        FROM screening_lead WHERE person_id IS NOT NULL {lead_scope}) ranked
    WHERE n = 1),
abroad AS (SELECT DISTINCT person_id FROM screening_lead WHERE kind = %s {lead_scope}),
still_open AS (SELECT DISTINCT person_id FROM screening_verification WHERE status <> %s {task_scope}),
lasts AS (
    SELECT person_id, outcome, measure_kind FROM (
        SELECT person_id, outcome, measure_kind, ROW_NUMBER() OVER (
            PARTITION BY person_id ORDER BY CASE WHEN closed_at IS NULL THEN 1 ELSE 0 END, closed_at DESC, id DESC) AS n
        FROM screening_verification WHERE person_id IS NOT NULL {task_scope}) ranked
    WHERE n = 1)
SELECT f.received_at, p.division_id, f.channel, p.module, a.person_id IS NOT NULL, o.person_id IS NOT NULL,
       l.outcome, l.measure_kind, COUNT(*)
FROM screening_person p
JOIN firsts f ON f.person_id = p.id
LEFT JOIN abroad a ON a.person_id = p.id
LEFT JOIN still_open o ON o.person_id = p.id
LEFT JOIN lasts l ON l.person_id = p.id
WHERE p.merged_into_id IS NULL {person_scope}
GROUP BY f.received_at, p.division_id, f.channel, p.module, a.person_id IS NOT NULL, o.person_id IS NOT NULL,
         l.outcome, l.measure_kind
"""


def _all_person_keys(pids: QuerySet | list[int] | None) -> Counter:
    """`person_keys` of every person, of those a queryset of ids selects, or (PostgreSQL) of a
    list of ids, set-based: each table is read once for the persons in question."""
    from django.core.exceptions import EmptyResultSet
    from django.utils.dateparse import parse_datetime

    cond, cond_params = "", []
    if isinstance(pids, QuerySet):
        try:
            sql, sub_params = pids.values("pk").query.sql_with_params()
        except EmptyResultSet:  # a scope that holds nobody
            return Counter()
        cond, cond_params = f"IN ({sql})", list(sub_params)
    elif pids is not None:
        cond, cond_params = "= ANY(%s)", [list(pids)]
    scoped = (lambda column: f"AND {column} {cond}") if cond else (lambda column: "")
    sql = _ALL_PERSON_KEYS.format(lead_scope=scoped("person_id"), task_scope=scoped("person_id"),
                                  person_scope=scoped("p.id"))
    params = [*cond_params, LeadKind.FROM_ABROAD, *cond_params, VerificationStatus.CLOSED, *cond_params,
              *cond_params, *cond_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()

    @functools.lru_cache(maxsize=65536)
    def day(value: dt.datetime | str) -> dt.date:
        if isinstance(value, str):  # SQLite hands raw SQL its stored UTC, as text or naive
            value = parse_datetime(value)
        if timezone.is_naive(value):
            value = timezone.make_aware(value, dt.UTC)
        return timezone.localdate(value)

    out: Counter = Counter()
    for first_at, division, channel, module, abroad, still_open, outcome, kind, n in rows:
        settled = not still_open and outcome is not None
        outcome, kind = (outcome, kind) if settled else ("", "")
        out[(day(first_at), division, channel, module, bool(abroad), settled, outcome, kind)] += n
    return out


@contextmanager
def tracking_persons(pids: Iterable[int]) -> Iterator[None]:
    """Around a change of the persons `pids` (their row, e.g. division or module, or a merge)."""
    pids = list(pids)
    before = person_keys(pids)
    yield
    bump(PersonCount, _delta(before, person_keys(pids)))


# Rebuild ----------------------------------------------------------------------------------------

def live_counts(apps=None) -> dict[str, Counter]:
    """Every roll-up count computed from the live rows (grouped in the database), by model name.
    `apps` is a migration's app registry (the counts are first filled by migrations 0007 and 0009):
    only the tables it knows are counted."""
    lead_m, task_m = (apps.get_model("screening", n) for n in ("Lead", "Verification")) if apps else (Lead, Verification)
    names = {m._meta.model_name for m, _current in _models(apps)}
    out: dict[str, Counter] = {name: Counter() for name in names}
    # Grouped by the exact time and dated here: an import stamps its rows with one time, and no
    # per-row date function runs in the database (on SQLite one in Python per row).
    day = functools.lru_cache(maxsize=65536)(timezone.localdate)
    leads = lead_m.objects.values("received_at", "division_id", "channel", "module").annotate(n=Count("id")).order_by()
    for r in leads:
        out["leadcount"][(day(r["received_at"]), r["division_id"], r["channel"], r["module"])] += r["n"]
    closed = (task_m.objects.filter(status=VerificationStatus.CLOSED, closed_at__isnull=False)
              .values("closed_at", "division_id", "channel", "module", "outcome").annotate(n=Count("id")).order_by())
    for r in closed:
        key = (day(r["closed_at"]), r["division_id"], r["channel"], r["module"], r["outcome"] == Outcome.CONTROLLED)
        out["closedtaskcount"][key] += r["n"]
    unreachable = Case(When(Q(no_answer_count__gt=0, located_at__isnull=True), then=Value(True)),
                       default=Value(False), output_field=BooleanField())
    open_ = (task_m.objects.exclude(status=VerificationStatus.CLOSED).annotate(unreachable=unreachable)
             .values("division_id", "channel", "module", "next_due_at", "unreachable").annotate(n=Count("id"))
             .order_by())
    for r in open_:
        key = (r["division_id"], r["channel"], r["module"], r["next_due_at"] or NO_DEADLINE, bool(r["unreachable"]))
        out["opentaskcount"][key] += r["n"]
    if "pushcount" in names:
        located = Case(When(verification__located_at__isnull=False, then=Value(True)), default=Value(False),
                       output_field=BooleanField())
        pushes = (lead_m.objects.annotate(located=located)
                  .values("received_at", "division_id", "channel", "module", "verification__status", "located",
                          "verification__no_answer_count").annotate(n=Count("id")).order_by())
        for r in pushes:
            state = push_state(r["verification__status"], True if r["located"] else None,
                               r["verification__no_answer_count"])
            out["pushcount"][(day(r["received_at"]), r["division_id"], r["channel"], r["module"], *state)] += r["n"]
    if "personcount" in names:
        out["personcount"] = person_keys(None, apps)
    return out


def _models(apps) -> list[tuple[type, type]]:
    """(model in `apps`, current model) of every roll-up table `apps` knows."""
    if apps is None:
        return [(m, m) for m in ROLLUPS]
    out = []
    for m in ROLLUPS:
        try:
            out.append((apps.get_model("screening", m._meta.model_name), m))
        except LookupError:  # a table added by a later migration
            continue
    return out


def stored_counts() -> dict[str, Counter]:
    """The roll-up tables as they are (rows of zero left out), in the form of `live_counts`."""
    out: dict[str, Counter] = {}
    for model in ROLLUPS:
        out[model._meta.model_name] = Counter({tuple(row[:-1]): row[-1] for row in
                              model.objects.exclude(n=0).values_list(*model.key_columns, "n")})
    return out


def rebuild_board_rollups(apps=None) -> dict[str, int]:
    """Replace every roll-up count by its live count, in one transaction; returns rows per table.

    On PostgreSQL the tables are locked first: a write that bumped them has committed (and is
    counted here) or waits, and adds its delta to the rebuilt counts once this commits.
    """
    pairs = _models(apps)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m, _current in pairs)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
        counts = live_counts(apps)
        done = {}
        for model, current in pairs:
            model.objects.all().delete()
            rows = [model(**dict(zip(current.key_columns, key, strict=True)), n=n)
                    for key, n in counts[model._meta.model_name].items() if n]
            model.objects.bulk_create(rows, batch_size=2000)
            done[model._meta.model_name] = len(rows)
    return done
