"""Writing checkpoint registrations, set-based: the one path of the phone screen, the API and the
province's lists (a vehicle with its three people, or two hundred thousand rows).

Per chunk: the dedup keys already written are read with one `IN` query each (vehicles, people),
risk is matched in memory (`checkpoint_risk.RiskMatcher`), the arrivals from a risk area go
through the screening intake (`screening.intake.ingest`, channel 卡口登记: a person and a
verification task at once, routed to the grid of their destination — 点对点), and the rows are
inserted as plain tuples (`core.bulk.insert_rows`: COPY on PostgreSQL). An import's rows carry
their batch and are audited by it: one entry per village with the counts
(`core.audit.record_items(itemized=False)`), found from each row by `core.audit.about`; the
screen and the API write a full audit row per vehicle and person.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import attrgetter

from django.db import transaction
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.bulk import datetime_adapter, fetch_in, insert_rows, reserve_ids
from fangkong.core.choices import AuditAction
from fangkong.core.models import Batch
from fangkong.screening.choices import Channel
from fangkong.screening.cleaning import LeadInput
from fangkong.screening.intake import chunk_keys, ingest, look_up, notify_assignees, plan, result_of
from fangkong.screening.resolution import ResolveState
from fangkong.screening.routing import Router

from .checkpoint_risk import RiskMatcher
from .choices import HealthCode, ItineraryCode, TestResult, TransitStatus, VehicleType
from .models import Checkpoint, PersonCheck, VehicleCheck

VEHICLE_COLUMNS = ("id", "checkpoint_id", "division_id", "registered_at", "plate", "vehicle_type", "occupants", "cargo",
                   "origin", "stopovers", "transit", "exit_checkpoint_id", "exited_at", "from_risk", "risk_area",
                   "batch_id", "registered_by_id", "dedup_key")
TRANSIT, NOT_TRANSIT = TransitStatus.IN_TRANSIT.value, TransitStatus.NOT_TRANSIT.value
PERSON_COLUMNS = ("id", "checkpoint_id", "division_id", "vehicle_id", "registered_at", "name", "id_number", "phone",
                  "origin", "destination", "destination_division_id", "health_code", "itinerary", "test_result",
                  "tested_on", "from_risk", "risk_area", "lead_id", "batch_id", "registered_by_id", "dedup_key")


@dataclass(slots=True)
class VehicleIn:
    plate: str
    vehicle_type: str = VehicleType.CAR.value
    occupants: int | None = None  # None: the number of people registered with it
    cargo: str = ""
    origin: str = ""
    stopovers: str = ""
    transit: bool = False


@dataclass(slots=True)
class PersonIn:
    name: str = ""
    id_number: str = ""
    phone: str = ""
    origin: str = ""
    destination: str = ""
    destination_division_id: int | None = None
    health_code: str = HealthCode.GREEN.value
    itinerary: str = ItineraryCode.NORMAL.value
    test_result: str = TestResult.NONE.value
    tested_on: dt.date | None = None


@dataclass(slots=True)
class Passage:
    """One registered row: a vehicle, a person, or a person in a vehicle, at a checkpoint and time."""

    row: int | None
    checkpoint: Checkpoint
    at: dt.datetime
    vehicle: VehicleIn | None = None
    person: PersonIn | None = None


@dataclass
class Written:
    vehicles: list[int] = field(default_factory=list)
    persons: list[int] = field(default_factory=list)
    leads: int = 0
    imported: int = 0
    duplicates: int = 0
    assigned: dict[int, int] = field(default_factory=dict)


# A passage's checkpoint key without `Model.pk` (a Python property: per row, it shows).
CHECKPOINT_PK = attrgetter(f"checkpoint.{Checkpoint._meta.pk.attname}")


class Writer:
    """Writes chunks of passages; one risk matcher, router and screening state for a whole import.

    With `process` (a big file's `screening.imports.WriterProcess`) each chunk is resolved here and
    its rows are written by the writer process, in one transaction with its leads, while this
    process cleans the next chunk. The keys of what this import wrote are kept (`vehicle_ids`,
    `person_keys`): the chunk before may not be committed when the next one is resolved."""

    def __init__(self, *, start: dt.date | None = None, end: dt.date | None = None, batch: Batch | None = None, user=None,
                 router: Router | None = None, process=None) -> None:
        self.matcher = RiskMatcher(start, end)
        self.router = router or Router.load()
        self.state = ResolveState()
        self.batch, self.user, self.process = batch, user, process
        self.assigned: dict[int, int] = {}
        self.adapt = datetime_adapter()
        self.stamps: dict[dt.datetime, tuple[str, dt.date, object]] = {}
        self.tz = timezone.get_current_timezone()  # read once: each read is a thread-local lookup
        self.vehicle_ids: dict[str, int] = {}
        self.person_keys: set[str] = set()

    def write(self, passages: list[Passage]) -> Written:
        """Write one chunk in one transaction; rows already written count as duplicates."""
        out = Written()
        if self.process is not None:
            self._write(passages, out)  # the writer process owns the transaction
        else:
            with transaction.atomic():
                self._write(passages, out)
        for user_id, n in out.assigned.items():
            self.assigned[user_id] = self.assigned.get(user_id, 0) + n
        return out

    def _stamp(self, at: dt.datetime) -> tuple[str, dt.date, object]:
        """(minute since the epoch, local day, database value) of a time, memoised: a list repeats
        the same minutes."""
        out = self.stamps.get(at)
        if out is None:
            if len(self.stamps) > 200_000:
                self.stamps.clear()
            out = self.stamps[at] = (str(int(at.timestamp()) // 60), timezone.localdate(at, self.tz), self.adapt(at))
        return out

    def _write(self, passages: list[Passage], out: Written) -> None:
        # Each row's keys, day and time once, in one pass (the per-row hot path: locals, no calls
        # but sha1): vehicle key → (passage, day, time in database form), person key → (passage,
        # vehicle key, day, time), the later row of a key winning as before.
        vkeys: dict[str, tuple] = {}
        pkeys: dict[str, tuple] = {}
        ridden: list[str] = []  # the vehicle key of each person in a vehicle
        stamps, stamp, sha1, pk_of = self.stamps, self._stamp, hashlib.sha1, CHECKPOINT_PK
        for p in passages:
            minute, day, at = stamps.get(p.at) or stamp(p.at)
            cp = pk_of(p)
            v, x = p.vehicle, p.person
            vkey = None
            if v:
                vkey = sha1(f"v\x1f{cp}\x1f{v.plate}\x1f{minute}".encode(), usedforsecurity=False).hexdigest()
                vkeys[vkey] = (p, day, at)
            if x:
                who = x.id_number or f"{x.phone}\x1f{x.name}"
                pkey = sha1(f"p\x1f{cp}\x1f{who}\x1f{minute}".encode(), usedforsecurity=False).hexdigest()
                pkeys[pkey] = (p, vkey, day, at)
                if vkey:
                    ridden.append(vkey)
        mine = self.vehicle_ids
        known = {k: mine[k] for k in vkeys if k in mine}
        known.update(fetch_in("SELECT dedup_key, id FROM sectors_vehiclecheck WHERE {in}", "dedup_key",
                              [k for k in vkeys if k not in known]))
        new_vehicles = {k: v for k, v in vkeys.items() if k not in known}
        check = self.matcher.check
        vehicle_risk = {k: check(p.vehicle.origin, p.vehicle.stopovers, day) for k, (p, day, _at) in new_vehicles.items()}
        riders = Counter(ridden)
        seen = pkeys.keys() & self.person_keys
        seen.update(k for (k,) in fetch_in("SELECT dedup_key FROM sectors_personcheck WHERE {in}", "dedup_key",
                                           [k for k in pkeys if k not in seen]))
        fresh = [(k, *v) for k, v in pkeys.items() if k not in seen]
        self.person_keys.update(pkeys.keys() - seen)
        # A row adds something when its person (or, without one, its vehicle) is new: one row each.
        out.imported = len(fresh) + sum(1 for k in new_vehicles if not riders.get(k))
        out.duplicates = len(passages) - out.imported
        risky, areas = [], {}
        match = self.matcher.match
        for k, p, vkey, day, _at in fresh:
            area = match(p.person.origin, day) if p.person.origin else None
            if area is None and vkey is not None:
                area = vehicle_risk[vkey] if vkey in vehicle_risk else check(p.vehicle.origin, p.vehicle.stopovers, day)
            areas[k] = area
            if area is not None:
                risky.append((k, p, area))
        chunk = _Chunk(new_vehicles, vehicle_risk, riders, known, fresh, areas)
        lead_keys = self._leads(risky, chunk, out)
        out.leads = len(lead_keys)
        if self.process is None:
            payload = self._rows(chunk, lead_keys, iter(reserve_ids(VehicleCheck, len(new_vehicles))),
                                 iter(reserve_ids(PersonCheck, len(fresh))))
            out.vehicles, out.persons = write_rows(payload)

    def _leads(self, risky: list[tuple[str, Passage, object]], chunk: _Chunk, out: Written) -> dict[str, str]:
        """Each arrival from a risk area as a lead of channel 卡口登记 (the screening intake):
        the person's destination as address and grid, the area and checkpoint in the note.
        Returns registration key → lead key; with a writer process the chunk is sent here."""
        inputs, keys, levels = [], [], {}
        for k, p, area in risky:
            x = p.person
            level = levels.get(area.level) or levels.setdefault(area.level, area.level_label)
            note = f"卡口登记：{p.checkpoint.name}，来自{area.label}（{level}）"
            inputs.append(LeadInput(name=x.name, id_number=x.id_number, phone=x.phone, address=x.destination,
                                    origin=x.origin or area.label, arrived_at=p.at, note=note[:2000],
                                    reported_by_id=self.user.pk if self.user is not None else None,
                                    division_hint_id=x.destination_division_id))
            keys.append(k)
        if self.process is not None:
            chunk_keys(inputs, Channel.CHECKPOINT)
            planned = plan(inputs, look_up(inputs, self.state), self.state, channel=Channel.CHECKPOINT,
                           router=self.router)
            out.assigned = dict(result_of(planned).assigned)
            lead_keys = {k: i.dedup for k, i in zip(keys, inputs, strict=True)}
            self.process.write(planned, lambda vids, pids: (write_rows, self._rows(chunk, lead_keys, vids, pids)))
            return lead_keys
        if inputs:
            result = ingest(inputs, channel=Channel.CHECKPOINT, batch=self.batch, router=self.router,
                            audit_rows=self.batch is None, state=self.state)
            out.assigned = dict(result.assigned)
        return {k: i.dedup for k, i in zip(keys, inputs, strict=True)}

    def _rows(self, chunk: _Chunk, lead_keys: dict[str, str], vids: Iterator[int], pids: Iterator[int]) -> Rows:
        """The chunk's vehicles and persons as rows, with the keys reserved for them; a person's
        lead is its key here, its id once the leads are written (`write_rows`)."""
        user_id = self.user.pk if self.user is not None else None
        batch_id = self.batch.pk if self.batch is not None else None
        vehicle_ids, vehicles, pk_of = dict(chunk.known), [], CHECKPOINT_PK
        mine, riders, risk, add = self.vehicle_ids, chunk.riders, chunk.vehicle_risk, vehicles.append
        for key, (p, _day, at) in chunk.new_vehicles.items():
            v, area = p.vehicle, risk[key]
            pk = vehicle_ids[key] = mine[key] = next(vids)
            occupants = v.occupants if v.occupants is not None else max(riders.get(key, 0), 1)
            add((pk, pk_of(p), p.checkpoint.division_id, at, v.plate, v.vehicle_type, occupants, v.cargo, v.origin,
                 v.stopovers, TRANSIT if v.transit else NOT_TRANSIT, None, None, area is not None,
                 area.label[:200] if area else "", batch_id, user_id, key))
        persons, areas, lead_of, vehicle_of = [], chunk.areas, lead_keys.get, vehicle_ids.get
        add, pid = persons.append, pids.__next__
        for k, p, vkey, _day, at in chunk.fresh:
            x, area = p.person, areas[k]
            add((pid(), pk_of(p), p.checkpoint.division_id, vehicle_of(vkey) if vkey else None, at, x.name,
                 x.id_number, x.phone, x.origin, x.destination, x.destination_division_id, x.health_code, x.itinerary,
                 x.test_result, x.tested_on, area is not None, area.label[:200] if area else "", lead_of(k), batch_id,
                 user_id, k))
        paths = {d: self.router.path.get(d, "") for d in {r[2] for r in vehicles} | {r[2] for r in persons}}
        return Rows(vehicles, persons, batch_id, paths)

    def notify(self) -> None:
        if self.assigned:
            notify_assignees(self.assigned, Channel.CHECKPOINT)


@dataclass(slots=True)
class _Chunk:
    """A chunk resolved: what `Writer._rows` turns into rows once the keys are known."""

    new_vehicles: dict[str, tuple[Passage, dt.date, object]]  # key → (passage, day, time in database form)
    vehicle_risk: dict[str, object]
    riders: Counter
    known: dict[str, int]  # vehicles written before (this import or earlier): key → id
    fresh: list[tuple]  # (person key, passage, vehicle key, day, time in database form) of the new persons
    areas: dict[str, object]


@dataclass(slots=True)
class Rows:
    """A chunk in database form (plain tuples: a writer process is sent them)."""

    vehicles: list[tuple]
    persons: list[tuple]  # the lead column holds the lead's key until `write_rows`
    batch_id: int | None
    paths: dict[int, str]  # division → path, for the audit


LEAD = PERSON_COLUMNS.index("lead_id")


def write_rows(rows: Rows) -> tuple[list[int], list[int]]:
    """Insert a chunk's vehicles and persons (each person with the id of its lead, written by now)
    and audit them; returns their ids. An import audits the rows by their batch (an entry per
    village), the screen and the API a full audit row per vehicle and person."""
    keys = {r[LEAD] for r in rows.persons if r[LEAD]}
    leads = dict(fetch_in("SELECT dedup_key, id FROM screening_lead WHERE {in}", "dedup_key", keys))
    persons = [(*r[:LEAD], leads.get(r[LEAD]), *r[LEAD + 1:]) if r[LEAD] else r for r in rows.persons]
    insert_rows(VehicleCheck, VEHICLE_COLUMNS, rows.vehicles)
    insert_rows(PersonCheck, PERSON_COLUMNS, persons)
    path, batch_id = rows.paths.get, rows.batch_id
    if batch_id is not None:
        items = [("sectors.vehiclecheck", r[0], path(r[2], "")) for r in rows.vehicles]
        items += [("sectors.personcheck", r[0], path(r[2], "")) for r in persons]
        audit.record_items(AuditAction.CREATE, items, verb="import_checkpoint_registrations",
                           object_type_="core.batch", object_id=str(batch_id), object_repr=f"批次 {batch_id}",
                           changes={"batch": batch_id}, itemized=False)  # each row carries its batch
    else:
        entries = [("sectors.vehiclecheck", str(r[0]), r[4], {"checkpoint": r[1], "plate": r[4], "from_risk": r[13],
                                                              "transit": r[10]}, path(r[2], "")) for r in rows.vehicles]
        entries += [("sectors.personcheck", str(r[0]), r[5], {"checkpoint": r[1], "vehicle": r[3], "from_risk": r[15],
                                                             "lead": r[17]}, path(r[2], "")) for r in persons]
        audit.record_many(AuditAction.CREATE, verb="register_checkpoint_passage", entries=entries)
    return [r[0] for r in rows.vehicles], [r[0] for r in persons]
