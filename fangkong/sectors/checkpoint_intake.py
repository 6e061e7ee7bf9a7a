"""Writing checkpoint registrations, set-based: the one path of the phone screen, the API and the
province's lists (a vehicle with its three people, or two hundred thousand rows).

Per chunk: the dedup keys already written are read with one `IN` query each (vehicles, people),
risk is matched in memory (`checkpoint_risk.RiskMatcher`), the arrivals from a risk area go
through the screening intake (`screening.intake.ingest`, channel 卡口登记: a person and a
verification task at once, routed to the grid of their destination — 点对点), and the rows are
inserted as plain tuples (`core.bulk.insert_rows`: COPY on PostgreSQL). An import audits each
row as a narrow item of the batch (`core.audit.record_items`); the screen and the API write a
full audit row per vehicle and person.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.bulk import datetime_adapter, fetch_in, insert_rows, reserve_ids
from fangkong.core.choices import AuditAction
from fangkong.core.models import Batch
from fangkong.screening.choices import Channel
from fangkong.screening.cleaning import LeadInput
from fangkong.screening.intake import ingest, notify_assignees
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


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


class Writer:
    """Writes chunks of passages; one risk matcher, router and screening state for a whole import."""

    def __init__(self, *, start: dt.date | None = None, end: dt.date | None = None, batch: Batch | None = None, user=None,
                 router: Router | None = None) -> None:
        self.matcher = RiskMatcher(start, end)
        self.router = router or Router.load()
        self.state = ResolveState()
        self.batch, self.user = batch, user
        self.assigned: dict[int, int] = {}
        self.adapt = datetime_adapter()
        self.paths: dict[int, str] = {}
        self.stamps: dict[dt.datetime, tuple[str, dt.date]] = {}
        self.tz = timezone.get_current_timezone()  # read once: each read is a thread-local lookup

    def write(self, passages: list[Passage]) -> Written:
        """Write one chunk in one transaction; rows already written count as duplicates."""
        out = Written()
        with transaction.atomic():
            self._write(passages, out)
        for user_id, n in out.assigned.items():
            self.assigned[user_id] = self.assigned.get(user_id, 0) + n
        return out

    def _stamp(self, at: dt.datetime) -> tuple[str, dt.date]:
        """(minute since the epoch, local day) of a time, memoised: a list repeats the same minutes."""
        out = self.stamps.get(at)
        if out is None:
            if len(self.stamps) > 200_000:
                self.stamps.clear()
            out = self.stamps[at] = (str(int(at.timestamp()) // 60), timezone.localdate(at, self.tz))
        return out

    def _write(self, passages: list[Passage], out: Written) -> None:
        # Each row's keys and day once: (passage, vehicle key or None, person key or None, day).
        rows = []
        for p in passages:
            minute, day = self._stamp(p.at)
            cp = p.checkpoint.pk
            vkey = _digest(f"v\x1f{cp}\x1f{p.vehicle.plate}\x1f{minute}") if p.vehicle else None
            pkey = None
            if p.person:
                who = p.person.id_number or f"{p.person.phone}\x1f{p.person.name}"
                pkey = _digest(f"p\x1f{cp}\x1f{who}\x1f{minute}")
            rows.append((p, vkey, pkey, day))
        vkeys = {vkey: (p, day) for p, vkey, _pkey, day in rows if vkey}
        known = dict(fetch_in("SELECT dedup_key, id FROM sectors_vehiclecheck WHERE {in}", "dedup_key", vkeys))
        new_vehicles = {k: v for k, v in vkeys.items() if k not in known}
        ids = iter(reserve_ids(VehicleCheck, len(new_vehicles)))
        vehicle_ids, vehicle_risk = dict(known), {}
        riders = Counter(vkey for _p, vkey, pkey, _day in rows if vkey and pkey)
        vehicles = []
        user_id = self.user.pk if self.user is not None else None
        batch_id = self.batch.pk if self.batch is not None else None
        for key, (p, day) in new_vehicles.items():
            v, cp = p.vehicle, p.checkpoint
            area = self.matcher.check(v.origin, v.stopovers, day)
            pk = vehicle_ids[key] = next(ids)
            vehicle_risk[pk] = area
            occupants = v.occupants if v.occupants is not None else max(riders.get(key, 0), 1)
            transit = TRANSIT if v.transit else NOT_TRANSIT
            vehicles.append((pk, cp.pk, cp.division_id, self.adapt(p.at), v.plate, v.vehicle_type, occupants,
                             v.cargo, v.origin, v.stopovers, transit, None, None, area is not None,
                             area.label[:200] if area else "", batch_id, user_id, key))
        pkeys = {pkey: (p, vkey, day) for p, vkey, pkey, day in rows if pkey}
        seen = {k for (k,) in fetch_in("SELECT dedup_key FROM sectors_personcheck WHERE {in}", "dedup_key", pkeys)}
        fresh = [(k, *v) for k, v in pkeys.items() if k not in seen]
        # A row adds something when its person (or, without one, its vehicle) is new: one row each.
        out.imported = len(fresh) + sum(1 for k in new_vehicles if not riders.get(k))
        out.duplicates = len(passages) - out.imported
        risky, areas = [], {}
        match, check = self.matcher.match, self.matcher.check
        for k, p, vkey, day in fresh:
            area = match(p.person.origin, day) if p.person.origin else None
            if area is None and vkey is not None:
                vid = vehicle_ids.get(vkey)
                area = vehicle_risk[vid] if vid in vehicle_risk else check(p.vehicle.origin, p.vehicle.stopovers, day)
            areas[k] = area
            if area is not None:
                risky.append((k, p, area))
        leads = self._leads(risky)
        pids = iter(reserve_ids(PersonCheck, len(fresh)))
        persons = []
        for k, p, vkey, _day in fresh:
            x, cp, area = p.person, p.checkpoint, areas[k]
            persons.append((next(pids), cp.pk, cp.division_id, vehicle_ids.get(vkey) if vkey else None,
                            self.adapt(p.at), x.name, x.id_number, x.phone, x.origin, x.destination,
                            x.destination_division_id, x.health_code, x.itinerary, x.test_result, x.tested_on,
                            area is not None, area.label[:200] if area else "", leads.get(k), batch_id, user_id, k))
        insert_rows(VehicleCheck, VEHICLE_COLUMNS, vehicles)
        insert_rows(PersonCheck, PERSON_COLUMNS, persons)
        out.vehicles = [r[0] for r in vehicles]
        out.persons = [r[0] for r in persons]
        out.leads = len(leads)
        self._audit(vehicles, persons)

    def _leads(self, risky: list[tuple[str, Passage, object]]) -> dict[str, int]:
        """Each arrival from a risk area as a lead of channel 卡口登记 (the screening intake):
        the person's destination as address and grid, the area and checkpoint in the note."""
        if not risky:
            return {}
        inputs, keys = [], []
        for k, p, area in risky:
            x = p.person
            note = f"卡口登记：{p.checkpoint.name}，来自{area.label}（{area.level_label}）"
            inputs.append(LeadInput(name=x.name, id_number=x.id_number, phone=x.phone, address=x.destination,
                                    origin=x.origin or area.label, arrived_at=p.at, note=note[:2000],
                                    reported_by_id=self.user.pk if self.user is not None else None,
                                    division_hint_id=x.destination_division_id))
            keys.append(k)
        result = ingest(inputs, channel=Channel.CHECKPOINT, batch=self.batch, router=self.router,
                        audit_rows=self.batch is None, state=self.state)
        for user_id, n in result.assigned.items():
            self.assigned[user_id] = self.assigned.get(user_id, 0) + n
        by_key = dict(fetch_in("SELECT dedup_key, id FROM screening_lead WHERE {in}", "dedup_key",
                               [i.dedup for i in inputs]))
        return {k: by_key.get(i.dedup) for k, i in zip(keys, inputs, strict=True)}

    def _path(self, division_id: int) -> str:
        path = self.paths.get(division_id)
        if path is None:
            path = self.paths[division_id] = self.router.path.get(division_id, "")
        return path

    def _audit(self, vehicles: list[tuple], persons: list[tuple]) -> None:
        if self.batch is not None:
            items = [("sectors.vehiclecheck", r[0], self._path(r[2])) for r in vehicles]
            items += [("sectors.personcheck", r[0], self._path(r[2])) for r in persons]
            audit.record_items(AuditAction.CREATE, items, verb="import_checkpoint_registrations",
                               object_type_="core.batch", object_id=str(self.batch.pk),
                               object_repr=f"批次 {self.batch.pk}", changes={"batch": self.batch.pk})
            return
        entries = [("sectors.vehiclecheck", str(r[0]), r[4], {"checkpoint": r[1], "plate": r[4], "from_risk": r[13],
                                                              "transit": r[10]}, self._path(r[2])) for r in vehicles]
        entries += [("sectors.personcheck", str(r[0]), r[5], {"checkpoint": r[1], "vehicle": r[3], "from_risk": r[15],
                                                             "lead": r[17]}, self._path(r[2])) for r in persons]
        audit.record_many(AuditAction.CREATE, verb="register_checkpoint_passage", entries=entries)

    def notify(self) -> None:
        if self.assigned:
            notify_assignees(self.assigned, Channel.CHECKPOINT)
