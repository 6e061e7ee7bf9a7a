"""Resolving a chunk of cleaned leads to persons and open verifications, in memory.

`look_up` reads what a chunk needs with a few `IN` queries, `plan` resolves it without a query
(duplicates, persons found, adopted or new, routing). Moved out of `intake` unchanged.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from fangkong.core.bulk import fetch_in
from fangkong.core.identity import name_pinyin

from .choices import CHANNEL_MODULE, Channel
from .cleaning import VERIFYING, LeadInput
from .routing import Router


@dataclass(slots=True, eq=False)
class TaskRef:
    """An open verification: its id (None until written) and the division it is routed to; `new`
    when this import's chunk creates it."""

    pk: int | None
    division_id: int
    new: bool = False


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
            task = person.task = TaskRef(None, division, True)
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
