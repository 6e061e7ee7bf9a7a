"""即推即查: every lead, from any channel, becomes a person with one open verification at once.

`ingest` is set-based so the same code serves one self-report and a million-row list: per
chunk it looks up duplicates, persons and residents with a few `IN` queries, resolves and
routes in memory, and writes with `bulk_create`. No query runs per row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.choices import AuditAction, DivisionLevel
from fangkong.core.identity import InvalidValue, clean_id_number, clean_name, clean_phone, name_pinyin
from fangkong.core.models import Batch
from fangkong.core.notify import notify
from fangkong.registry.models import Resident

from .choices import CHANNEL_MODULE, BigDataSource, Channel, LeadKind, PersonStatus, VerificationStatus
from .models import DeadlinePolicy, Lead, MergeCandidate, Person, Verification
from .reader import parse_datetime
from .routing import Router

CHUNK = 5000
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

    def key(self, channel: str) -> str:
        parts = (channel, self.source, self.id_number, self.phone, self.name, self.origin, self.address,
                 self.arrived_at.isoformat() if self.arrived_at else "",
                 self.pushed_at.isoformat() if self.pushed_at else "")
        return hashlib.sha1("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()


@dataclass
class IngestResult:
    leads: list[Lead] = field(default_factory=list)
    duplicates: int = 0
    new_persons: int = 0
    new_verifications: int = 0
    candidates: int = 0
    assigned: dict[int, int] = field(default_factory=lambda: defaultdict(int))


def clean_lead(raw: dict, *, channel: str, source: str = "") -> LeadInput:
    """Clean one row's raw values; raise InvalidValue with every reason joined by ';'."""
    reasons: list[str] = []
    out = LeadInput(source=source)
    for key, cleaner in (("name", clean_name), ("id_number", clean_id_number), ("phone", clean_phone)):
        value = raw.get(key)
        if value in (None, ""):
            continue
        try:
            setattr(out, key, cleaner(value))
        except InvalidValue as exc:
            reasons.append(str(exc))
    for key in ("arrived_at", "pushed_at"):
        try:
            setattr(out, key, parse_datetime(raw.get(key)))
        except InvalidValue as exc:
            reasons.append(str(exc))
    for key, limit in (("address", 255), ("origin", 255), ("note", 2000)):
        setattr(out, key, str(raw.get(key) or "").strip()[:limit])
    if raw.get("source") and not source:
        out.source = _source_value(str(raw["source"]).strip(), channel)
    kind = str(raw.get("kind") or "").strip()
    if raw.get("kind") == LeadKind.FROM_ABROAD or any(w == kind or (w != "是" and w in kind) for w in ABROAD_WORDS):
        out.kind = LeadKind.FROM_ABROAD
    if not out.id_number and not out.phone and not reasons:
        reasons.append("身份证号和手机号至少填写一项")
    if reasons:
        raise InvalidValue(";".join(reasons))
    return out


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


class _Resolver:
    """Resolves one chunk of inputs to persons (existing or new) with a handful of queries."""

    def __init__(self, inputs: list[LeadInput], router: Router) -> None:
        self.router = router
        ids = {i.id_number for i in inputs if i.id_number}
        phones = {i.phone for i in inputs if i.phone}
        self.by_id: dict[str, Person] = {p.id_number: p for p in Person.objects.filter(id_number__in=ids)}
        self.by_phone: dict[str, list[Person]] = defaultdict(list)
        for p in Person.objects.filter(phone__in=phones).select_related("merged_into"):
            self.by_phone[p.phone].append(p)
        self.res_by_id: dict[str, tuple[int, int]] = {
            n: (pk, g) for n, pk, g in Resident.objects.filter(id_number__in=ids).values_list("id_number", "pk", "grid_id")
        }
        self.res_by_phone: dict[tuple[str, str], tuple[int, int]] = {}
        no_id_phones = {i.phone for i in inputs if i.phone and not i.id_number}
        if no_id_phones:
            for phone, name, pk, g in Resident.objects.filter(phone__in=no_id_phones).values_list(
                    "phone", "name", "pk", "grid_id"):
                self.res_by_phone[(phone, name)] = (pk, g)
        self.new: list[Person] = []
        self.adopted: list[Person] = []
        self.candidates: list[tuple[Person, Person, str]] = []

    def resolve(self, item: LeadInput, module: str) -> Person:
        if item.id_number:
            person = self.by_id.get(item.id_number)
            if person is not None:
                return self._follow(person)
            person = self._by_phone_name(item, exact_only=True)
            if person is not None and not person.id_number:
                person.id_number = item.id_number  # the same person, now with an ID number
                self.by_id[item.id_number] = person
                if person.pk:
                    self.adopted.append(person)
                return person
        else:
            person = self._by_phone_name(item, exact_only=True)
            if person is not None:
                return person
        return self._create(item, module)

    def _follow(self, person: Person) -> Person:
        seen = 0
        while person.merged_into_id and seen < 5:
            person = person.merged_into
            seen += 1
        return person

    def _by_phone_name(self, item: LeadInput, *, exact_only: bool) -> Person | None:
        if not item.phone:
            return None
        for p in self.by_phone.get(item.phone, ()):
            if p.name == item.name and (not item.id_number or not p.id_number or p.id_number == item.id_number):
                return self._follow(p)  # a merged-away spelling still finds the kept person
        return None

    def _create(self, item: LeadInput, module: str) -> Person:
        full, initials = name_pinyin(item.name) if item.name else ("", "")
        resident_id, grid_id = self.res_by_id.get(item.id_number) or self.res_by_phone.get(
            (item.phone, item.name)) or (None, None)
        division_id = (grid_id or (item.division_hint_id if item.division_hint_id in self.router.level else None)
                       or self.router.division_from_address(item.address) or self.router.county.pk)
        person = Person(name=item.name, name_initials=initials, name_pinyin=full, id_number=item.id_number or None,
                        phone=item.phone, address=item.address, resident_id=resident_id, division_id=division_id,
                        status=PersonStatus.VERIFYING, module=module)
        if item.phone:
            # 张伟 / 章伟 on one phone: maybe one person mistyped; a person decides.
            for other in self.by_phone.get(item.phone, ()):
                if other.merged_into_id is None and other.name != item.name and other.name_pinyin and other.name_pinyin == full and not (
                        other.id_number and item.id_number):
                    self.candidates.append((other, person, f"同一手机号,姓名读音相同({other.name}/{item.name})"))
            self.by_phone[item.phone].append(person)
        if item.id_number:
            self.by_id[item.id_number] = person
        self.new.append(person)
        return person


def ingest(inputs: list[LeadInput], *, channel: str, batch: Batch | None = None, now: dt.datetime | None = None,
           router: Router | None = None, audit_rows: bool = True) -> IngestResult:
    """Turn cleaned inputs into leads, persons and verifications; idempotent by dedup key."""
    now = now or timezone.now()
    router = router or Router.load()
    module = CHANNEL_MODULE[Channel(channel)]
    policy = DeadlinePolicy.for_channel(channel)
    result = IngestResult()
    keyed: dict[str, LeadInput] = {}
    for item in inputs:
        k = item.key(channel)
        if k in keyed:
            result.duplicates += 1
        else:
            keyed[k] = item
    existing = set(Lead.objects.filter(dedup_key__in=list(keyed)).values_list("dedup_key", flat=True))
    result.duplicates += len(existing)
    fresh = [(k, i) for k, i in keyed.items() if k not in existing]
    if not fresh:
        return result
    with transaction.atomic():
        resolver = _Resolver([i for _, i in fresh], router)
        persons = [resolver.resolve(i, module) for _, i in fresh]
        Person.objects.bulk_create(resolver.new, batch_size=2000)
        if resolver.adopted:
            Person.objects.bulk_update(resolver.adopted, ["id_number"], batch_size=2000)
        result.new_persons = len(resolver.new)
        verifications = _open_verifications(persons, channel, module, policy, router, now, result)
        leads = [
            Lead(channel=channel, module=module, source=i.source, kind=i.kind, batch=batch, row_number=i.row,
                 dedup_key=k, name=i.name, id_number=i.id_number, phone=i.phone, address=i.address,
                 origin=i.origin, arrived_at=i.arrived_at, pushed_at=i.pushed_at, received_at=now, note=i.note,
                 receipt_code=i.receipt_code, reported_by_id=i.reported_by_id, person_id=p.pk,
                 verification_id=verifications[p.pk].pk, division_id=verifications[p.pk].division_id)
            for (k, i), p in zip(fresh, persons, strict=True)
        ]
        Lead.objects.bulk_create(leads, batch_size=2000)
        if resolver.candidates:
            MergeCandidate.objects.bulk_create(
                [MergeCandidate(person=a, other=b, reason=r, division_id=a.division_id, module=module)
                 for a, b, r in resolver.candidates], batch_size=2000, ignore_conflicts=True)
        result.candidates = len(resolver.candidates)
        if audit_rows:
            audit.record_many(AuditAction.CREATE, leads, verb="ingest_lead")
    result.leads = leads
    return result


def _open_verifications(persons: list[Person], channel: str, module: str, policy: DeadlinePolicy,
                        router: Router, now: dt.datetime, result: IngestResult) -> dict[int, Verification]:
    """The open verification of each person: the existing one (later leads join it) or a new one."""
    ids = {p.pk for p in persons}
    found = {v.person_id: v for v in Verification.objects.filter(person_id__in=ids).exclude(
        status=VerificationStatus.CLOSED)}
    located, sampled, due = policy.dues(now)
    new: list[Verification] = []
    reopened: list[Person] = []
    for p in persons:
        if p.pk in found:
            continue
        assignee = router.assignee_for(p.division_id)
        v = Verification(person_id=p.pk, channel=channel, module=module, division_id=p.division_id,
                         township_id=router.township_of(p.division_id), assignee_id=assignee, opened_at=now,
                         located_due_at=located, sampled_due_at=sampled, result_due_at=due,
                         next_due_at=located, escalate_at=located)
        found[p.pk] = v
        new.append(v)
        if assignee:
            result.assigned[assignee] += 1
        if p.status != PersonStatus.VERIFYING:
            p.status = PersonStatus.VERIFYING
            reopened.append(p)
    Verification.objects.bulk_create(new, batch_size=2000)
    if reopened:
        Person.objects.bulk_update(reopened, ["status"], batch_size=2000)
    result.new_verifications = len(new)
    return found


def notify_assignees(assigned: dict[int, int], channel: str) -> None:
    """One in-app message per assignee for what a batch or a report gave them."""
    from fangkong.core.models import User

    label = Channel(channel).label
    for user in User.objects.filter(pk__in=list(assigned)):
        n = assigned[user.pk]
        notify([user], "screening.assigned", f"新的核查任务{n}条({label})", "请按时限落地核查",
               url="/screening/my/")


def county_division():
    from fangkong.core.models import Division

    return Division.objects.get(level=DivisionLevel.COUNTY)
