"""哨点登记 → 哨点线索: a pharmacy's real-name sale or a clinic's visit becomes a screening lead
(channel 哨点监测, its test-within-N-hours deadline from the channel's `DeadlinePolicy`), merged
into the same person as everything else, and is kept with the person and task it became.

One path for the counter, the API and a file: `clean_row` turns raw values into a
`SentinelInput` (or Chinese reasons), `write_chunk` resolves a chunk through the screening intake
(`look_up` / `plan` with one `ResolveState` per import, `apply` writes persons, tasks and leads)
and inserts the records and their daily counts in the same transaction — set-based, no query
per row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.bulk import datetime_adapter, db_value, fetch_in, insert_rows, reserve_ids
from fangkong.core.choices import AuditAction
from fangkong.core.identity import InvalidValue
from fangkong.core.models import Batch
from fangkong.screening import intake, rollups
from fangkong.screening.choices import Channel
from fangkong.screening.models import DeadlinePolicy, Person, Verification
from fangkong.screening.routing import Router

from ..choices import DrugClass, SentinelKind
from ..models import SENTINEL_SECTORS, Drug, SentinelCount, SentinelRecord, Venue

CHANNEL = Channel.SENTINEL.value
RECORD_COLUMNS = ("id", "venue_id", "division_id", "kind", "drug_class", "drug_id", "drug_name", "quantity", "name",
                  "id_number", "phone", "address", "temperature", "symptoms", "occurred_at", "day", "dedup_key",
                  "lead_key", "person_id", "verification_id", "batch_id", "reported_by_id", "created_at")
KIND_WORDS = {SentinelKind.FEVER_CLINIC: ("发热门诊", "发热", "门诊"), SentinelKind.TRIAGE: ("预检分诊", "预检", "分诊"),
              SentinelKind.SALE: ("购药", "售药", "药店", "销售", "四类药品")}
CLASS_WORDS = {DrugClass.FEVER: ("退烧", "退热", "解热", "发热"), DrugClass.COUGH: ("止咳", "咳嗽", "化痰"),
               DrugClass.ANTIVIRAL: ("抗病毒",), DrugClass.ANTIBIOTIC: ("抗生素", "抗菌", "消炎")}


def _key(value: str) -> str:
    return re.sub(r"[\s/、,,()()·._\-×xX*\d]+", "", unicodedata.normalize("NFKC", value or "")).lower()


class DrugCatalogue:
    """A written drug name → (drug, class): a catalogue name or alias, else the longest one the
    text contains; a class word ("退烧药") gives the class alone. Memoised: lists repeat names."""

    def __init__(self) -> None:
        self.exact: dict[str, Drug] = {}
        for drug in Drug.objects.all():
            for word in (drug.name, *drug.alias_list()):
                self.exact.setdefault(_key(word), drug)
        self.memo: dict[str, tuple[Drug | None, str]] = {}

    def match(self, written: str, written_class: str = "") -> tuple[Drug | None, str]:
        """(drug or None, class); class "" when neither the name nor `written_class` says one."""
        memo_key = f"{written}\x1f{written_class}"
        found = self.memo.get(memo_key)
        if found is None:
            found = self.memo[memo_key] = self._match(written, written_class)
        return found

    def _match(self, written: str, written_class: str) -> tuple[Drug | None, str]:
        key = _key(written)
        drug = self.exact.get(key) if key else None
        if drug is None and key:
            hits = [(len(k), d) for k, d in self.exact.items() if len(k) >= 2 and k in key]
            drug = max(hits, key=lambda h: h[0])[1] if hits else None
        if drug is not None:
            return drug, drug.drug_class
        return None, class_of(written_class) or class_of(written)


def class_of(text: str) -> str:
    """A drug class from its Chinese name or a word of it (退烧药 → 退烧), else ""."""
    text = (text or "").strip()
    if not text:
        return ""
    if text in DrugClass.values:
        return text
    for value, words in CLASS_WORDS.items():
        if text == DrugClass(value).label or any(w in text for w in words):
            return value
    return ""


def kind_of(text: str, has_drug: bool) -> str:
    text = (text or "").strip()
    if text in SentinelKind.values:
        return text
    for value, words in KIND_WORDS.items():
        if text and (text == SentinelKind(value).label or any(w in text for w in words)):
            return value
    return SentinelKind.SALE if has_drug or not text else ""


class Sentinels:
    """The sentinels (venues of 药店 / 医疗机构) a user may report for, by credit code and by name."""

    def __init__(self, user: Any = None) -> None:
        qs = Venue.objects.filter(sector__code__in=SENTINEL_SECTORS).select_related("grid")
        if user is not None:
            qs = Venue.objects.restrict(user).filter(sector__code__in=SENTINEL_SECTORS).select_related("grid")
        self.venues = list(qs)
        self.by_code = {v.credit_code: v for v in self.venues}
        self.by_name: dict[str, list[Venue]] = {}
        for v in self.venues:
            self.by_name.setdefault(v.name, []).append(v)
        self.memo: dict[str, tuple[Venue | None, str]] = {}

    def find(self, written: Any) -> tuple[Venue | None, str]:
        text = unicodedata.normalize("NFKC", str(written or "")).strip()
        found = self.memo.get(text)
        if found is None:
            found = self.memo[text] = self._find(text)
        return found

    def _find(self, text: str) -> tuple[Venue | None, str]:
        if not text:
            return None, "哨点为空：请填写药店或医疗机构的名称或统一社会信用代码"
        code = text.replace(" ", "").upper()
        if code in self.by_code:
            return self.by_code[code], ""
        if text.isdigit() and int(text) in {v.pk for v in self.venues}:
            return next(v for v in self.venues if v.pk == int(text)), ""
        named = self.by_name.get(text, [])
        if len(named) == 1:
            return named[0], ""
        if len(named) > 1:
            return None, f"哨点名称“{text}”对应多家场所，请填写统一社会信用代码"
        return None, f"哨点“{text}”不存在或不在您的管辖范围内（须为已登记的药店或医疗机构）"


@dataclass
class SentinelInput:
    """One cleaned record, with the lead it becomes."""

    row: int | None
    venue: Venue
    kind: str
    drug: Drug | None
    drug_class: str
    drug_name: str
    quantity: int
    temperature: Decimal | None
    symptoms: str
    lead: intake.LeadInput
    dedup: str = ""


def _quantity(value: Any) -> int:
    if value in (None, ""):
        return 1
    try:
        number = float(unicodedata.normalize("NFKC", str(value)).strip().rstrip("盒瓶支袋片粒个"))
    except ValueError:
        raise InvalidValue(f"数量“{value}”应为整数") from None
    if number != int(number) or not 1 <= number <= 999:
        raise InvalidValue(f"数量“{value}”应为1至999的整数")
    return int(number)


def _temperature(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        t = Decimal(unicodedata.normalize("NFKC", str(value)).strip().rstrip("℃°C度 ")).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise InvalidValue(f"体温“{value}”应为数字，如37.8") from None
    if not Decimal("34") <= t <= Decimal("43"):
        raise InvalidValue(f"体温“{value}”应在34至43℃之间")
    return t


SALE = SentinelKind.SALE.value


class _Memo(dict):
    """value → cleaned value, or the InvalidValue it raised: each distinct cell cleaned once."""

    def __init__(self, clean) -> None:
        super().__init__()
        self.clean = clean

    def __missing__(self, value: Any) -> Any:
        try:
            out = self.clean(value)
        except InvalidValue as exc:
            out = exc.detached()
        if len(self) < 100_000:
            self[value] = out
        return out


@dataclass
class Cleaner:
    """Cleans raw rows into `SentinelInput`s for one import (or one form): sentinels, catalogue.

    The per-row path of a hundred-thousand-row list: every distinct cell is cleaned once (memos),
    labels are read once, no enum or translation lookup per row."""

    user: Any = None
    sentinels: Sentinels | None = None
    catalogue: DrugCatalogue = field(default_factory=DrugCatalogue)

    def __post_init__(self) -> None:
        self.kinds: dict[tuple[str, bool], str] = {}
        self.quantities, self.temperatures = _Memo(_quantity), _Memo(_temperature)
        self.class_labels = {c.value: str(c.label) for c in DrugClass}
        self.kind_labels = {k.value: str(k.label) for k in SentinelKind}
        self.latest = timezone.now() + dt.timedelta(hours=1)

    def _kind(self, text: str, has_drug: bool) -> str:
        found = self.kinds.get((text, has_drug))
        if found is None:
            found = self.kinds[(text, has_drug)] = str(kind_of(text, has_drug))
        return found

    def clean(self, raw: dict[str, Any], row: int | None = None, *, venue: Venue | None = None,
              reported_by_id: int | None = None) -> SentinelInput:
        """Raise InvalidValue with every reason joined by "；"."""
        reasons: list[str] = []
        get = raw.get
        if venue is None:
            if self.sentinels is None:
                self.sentinels = Sentinels(self.user)
            venue, reason = self.sentinels.find(get("sentinel"))
            if reason:
                reasons.append(reason)
        drug_name = str(get("drug") or "").strip()[:64]
        drug, drug_class = self.catalogue.match(drug_name, str(get("drug_class") or ""))
        kind = self._kind(str(get("kind") or ""), bool(drug_name or drug_class))
        if not kind:
            reasons.append(f"类型“{get('kind')}”应为购药、发热门诊或预检分诊")
        elif kind == SALE and not drug_class:
            reasons.append(f"药品“{drug_name}”不在四类药品目录中，请填写药品类别（退烧、止咳、抗病毒、抗生素）"
                           if drug_name else "购药登记须填写药品名称或药品类别")
        quantity, temperature = self.quantities[get("quantity") or ""], self.temperatures[get("temperature") or ""]
        for value in (quantity, temperature):
            if isinstance(value, InvalidValue):
                reasons.append(str(value))
        occurred = get("occurred_at")
        if occurred is None or occurred == "":
            reasons.append("购药/就诊时间为空")
        try:
            lead = intake.clean_lead({"name": get("name"), "id_number": get("id_number"), "phone": get("phone"),
                                      "address": get("address"), "pushed_at": occurred}, channel=CHANNEL)
        except InvalidValue as exc:
            reasons += [r for r in str(exc).split(";") if r]
            lead = None
        if lead is not None and lead.pushed_at is not None and lead.pushed_at > self.latest:
            reasons.append("购药/就诊时间晚于当前时间")
        if reasons:
            raise InvalidValue("；".join(reasons))
        assert venue is not None and lead is not None
        lead.source = venue.name[:64]
        lead.row, lead.reported_by_id, lead.division_hint_id = row, reported_by_id, venue.grid_id
        what = self.kind_labels[kind] if kind != SALE else \
            f"购买{self.class_labels[drug_class]}药{('：' + drug_name) if drug_name else ''}×{quantity}"
        lead.note = f"{venue.name}{what}" + (f"，体温{temperature}℃" if temperature else "")
        symptoms = str(get("symptoms") or "").strip()[:100]
        return SentinelInput(row, venue, kind, drug, drug_class if kind == SALE else "", drug_name,
                             quantity, temperature, symptoms, lead)


def record_key(item: SentinelInput) -> str:
    """The record's dedup key: the lead's key (the day first), then what else it says."""
    text = "\x1f".join((item.lead.dedup, str(item.venue.id), item.kind, item.drug_name, str(item.quantity),
                        str(item.temperature or ""), item.symptoms))
    return item.lead.dedup[:8] + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:32]


@dataclass
class Session:
    """What one import (or one form) keeps across its chunks."""

    batch: Batch | None = None
    now: dt.datetime = field(default_factory=timezone.now)
    router: Router = field(default_factory=Router.load)
    policy: DeadlinePolicy = field(default_factory=lambda: DeadlinePolicy.for_channel(CHANNEL))
    state: intake.ResolveState = field(default_factory=intake.ResolveState)
    people: dict[str, intake.PersonRef] = field(default_factory=dict)  # lead key → person (this import)
    keys: set[str] = field(default_factory=set)  # record keys seen in this import
    assigned: Counter = field(default_factory=Counter)
    full_audit: bool = False  # a form's or the API's records: one full audit row each


@dataclass
class ChunkOutcome:
    records: int = 0
    duplicates: int = 0
    new_persons: int = 0
    new_tasks: int = 0
    ids: list[int] = field(default_factory=list)


def write_chunk(items: list[SentinelInput], session: Session, writer: Any = None) -> ChunkOutcome:
    """Resolve and write a chunk in one transaction: persons, tasks and leads through the screening
    intake, then the records (each with its person and task) and their daily counts.

    With `writer` (a big file's `screening.imports.WriterProcess`) the chunk is resolved here and
    written by the writer process, records and counts in the same transaction as the leads, while
    this process cleans the next chunk."""
    out = ChunkOutcome()
    fresh = _fresh(items, session, out)
    if not fresh:
        return out
    leads = [i.lead for i in fresh]
    planned = intake.plan(leads, intake.look_up(leads, session.state), session.state, channel=CHANNEL,
                          router=session.router)
    result = intake.result_of(planned)
    session.assigned.update(result.assigned)
    out.new_persons, out.new_tasks = result.new_persons, result.new_verifications
    batch_id = session.batch.pk if session.batch else None
    if writer is not None:
        writer.write(planned, lambda: (write_records, _records_of(fresh, planned, session, batch_id)))
        out.records = len(fresh)
        return out
    with transaction.atomic():
        intake.number(planned, iter(reserve_ids(Person, len(planned.new_persons))),
                      iter(reserve_ids(Verification, len(planned.new_tasks))), session.state)
        intake.apply(intake.rows_of(planned, batch_id=batch_id, now=session.now, policy=session.policy))
        out.ids = write_records(_records_of(fresh, planned, session, batch_id))
        out.records = len(out.ids)
        _audit(out.ids, session, planned)
    return out


def _fresh(items: list[SentinelInput], session: Session, out: ChunkOutcome) -> list[SentinelInput]:
    """The chunk's records not written yet (by an earlier import or chunk, or earlier in this one)."""
    for item in items:
        item.lead.dedup = item.lead.key(CHANNEL)
        item.dedup = record_key(item)
    existing = {k for (k,) in fetch_in("SELECT dedup_key FROM sectors_sentinelrecord WHERE {in}", "dedup_key",
                                       {i.dedup for i in items} - session.keys)}
    fresh = []
    for item in items:
        if item.dedup in existing or item.dedup in session.keys:
            out.duplicates += 1
            continue
        session.keys.add(item.dedup)
        fresh.append(item)
    return fresh


RecordRows = tuple[list[tuple], Counter]  # records without their ids, daily counts


def _records_of(fresh: list[SentinelInput], planned: intake.Plan, session: Session, batch_id: int | None
                ) -> RecordRows:
    """The records of a planned chunk, once its persons and tasks have their keys."""
    for key, _item, person in planned.leads:
        session.people[key] = person
    earlier = _earlier_leads({i.lead.dedup for i in fresh} - set(session.people))
    return _record_rows(fresh, session, earlier, batch_id)


def write_records(payload: RecordRows) -> list[int]:
    """Insert the records (ids reserved here: the writer process owns its transaction) and bump
    their daily counts; returns the records' ids."""
    rows, counts = payload
    ids = reserve_ids(SentinelRecord, len(rows))
    insert_rows(SentinelRecord, RECORD_COLUMNS, [(pk, *row) for pk, row in zip(ids, rows, strict=True)])
    rollups.bump(SentinelCount, counts)
    return list(ids)


def _earlier_leads(keys: set[str]) -> dict[str, tuple[int, int | None]]:
    """Leads written before this import under these keys (the same person bought twice at the same
    minute, say): lead key → (person, task)."""
    return {k: (p, v) for k, p, v in fetch_in(
        "SELECT dedup_key, person_id, verification_id FROM screening_lead WHERE {in}", "dedup_key", keys)}


def _record_rows(items: list[SentinelInput], session: Session, earlier: dict, batch_id: int | None) -> RecordRows:
    adapt, now = datetime_adapter(), db_value(session.now)
    rows, counts, days = [], Counter(), {}
    for item in items:
        person = session.people.get(item.lead.dedup)
        person_id, task_id = (person.pk, person.task.pk if person.task else None) if person is not None else \
            earlier.get(item.lead.dedup, (None, None))
        occurred = item.lead.pushed_at
        day = days.get(occurred)
        if day is None:
            day = days[occurred] = timezone.localdate(occurred)
        lead = item.lead
        rows.append((item.venue.id, item.venue.grid_id, item.kind, item.drug_class,
                     item.drug.id if item.drug else None, item.drug_name, item.quantity, lead.name, lead.id_number,
                     lead.phone, lead.address, item.temperature, item.symptoms, adapt(occurred), day, item.dedup,
                     lead.dedup, person_id, task_id, batch_id, lead.reported_by_id, now))
        counts[(item.venue.id, day, item.kind, item.venue.grid_id)] += 1
    return rows, counts


def _audit(ids: list[int], session: Session, planned: intake.Plan) -> None:
    """A form's or the API's few records get a full audit row each, as `do_create` writes them, and
    their leads one each. An import's records are audited like its leads: by the batch's own row
    (`import_sentinel_sales`, with the counts; each record carries its batch), its persons and tasks
    one item each (`intake.apply`)."""
    if not session.full_audit:
        return
    records = list(SentinelRecord.objects.filter(pk__in=ids))
    audit.record_many(AuditAction.CREATE, records, verb="record_sentinel",
                      changes_of=lambda o: audit.diff({}, audit.snapshot(o)))
    keys = [k for k, _i, _p in planned.leads]
    if keys:
        from fangkong.screening.models import Lead

        audit.record_many(AuditAction.CREATE, list(Lead.objects.filter(dedup_key__in=keys)), verb="ingest_lead")
