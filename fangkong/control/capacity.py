"""Quarantine-site capacity now and forecast from scheduled releases; readiness per county."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils.translation import gettext

from fangkong.core.choices import DivisionLevel
from fangkong.core.models import Division
from fangkong.core.scoping import in_subtree
from fangkong.registry.models import Resident

from .choices import MeasureStatus, RoomStatus
from .models import Measure, QuarantineSite, Room

FORECAST_DAYS = 14
NEAR_CAPACITY = 0.9  # a site at or above this share of rooms occupied is "near capacity"
# 每万人XX间的基础要求: rooms of quarantine sites a county keeps ready per 10,000 residents
# (the 2022 national requirement was "每万人不少于20间").
ROOMS_PER_10K_TARGET = 20


def persons_at(site_ids: Iterable[int]) -> QuerySet[Measure]:
    """在住人员, the one definition: persons under an active measure sent to one of the sites,
    in a room or waiting for one. They stay until released, even past their planned release day."""
    return Measure.objects.filter(status=MeasureStatus.ACTIVE, site_id__in=list(site_ids))


def room_state(room: Room, occupants: int) -> str:
    """A room's state as people read it: occupancy first, then the room's own status."""
    if room.status != RoomStatus.AVAILABLE:
        return str(room.get_status_display())
    if occupants >= room.beds:
        return gettext("已住满")
    if occupants:
        return gettext("已入住(空余%(n)s床)") % {"n": room.beds - occupants}
    return gettext("空闲")


@dataclass
class SiteCapacity:
    """Counters of one site, all from `persons_at` and the site's rooms, so they agree:
    persons = in_rooms + waiting, occupied_now ≤ in_rooms (a room may hold two) and
    occupied_now ≥ 1 whenever in_rooms ≥ 1, free_now = rooms − occupied_now − waiting."""

    site_id: int
    name: str
    rooms: int = 0  # usable rooms (not out of service)
    beds: int = 0
    persons: int = 0  # persons at the site now (in a room or waiting)
    waiting: int = 0  # persons sent to the site without a room yet
    occupied: list[int] = field(default_factory=list)  # occupied rooms on day 0 … FORECAST_DAYS-1
    reserved: list[int] = field(default_factory=list)  # rooms the waiting persons need on each day

    @property
    def in_rooms(self) -> int:
        return self.persons - self.waiting

    @property
    def occupied_now(self) -> int:
        return self.occupied[0] if self.occupied else 0

    @property
    def free(self) -> list[int]:
        """Free rooms on each forecast day: neither occupied nor needed by a person waiting for one."""
        reserved = self.reserved or [0] * len(self.occupied)
        return [max(self.rooms - n - r, 0) for n, r in zip(self.occupied, reserved, strict=True)]

    @property
    def free_now(self) -> int:
        return self.free[0] if self.free else max(self.rooms - self.waiting, 0)

    @property
    def ratio(self) -> float:
        return (self.occupied_now + self.waiting) / self.rooms if self.rooms else 1.0

    @property
    def near_capacity(self) -> bool:
        return self.ratio >= NEAR_CAPACITY


def forecast(sites: QuerySet[QuarantineSite], today: dt.date, days: int = FORECAST_DAYS) -> list[SiteCapacity]:
    """Rooms occupied on each of the next `days` days, assuming everyone leaves on `ends_on`.

    A room is occupied on day x while the latest release among its occupants is after x; an
    occupant past the planned release day is still there today (released by an action, not
    by the calendar). Four grouped queries, whatever the number of sites or persons.
    """
    out = {s.pk: SiteCapacity(s.pk, s.name) for s in sites.only("id", "name")}
    ids = list(out)
    usable = Room.objects.filter(site_id__in=ids).exclude(status=RoomStatus.OUT_OF_SERVICE)
    for row in usable.values("site_id").annotate(n=Count("id"), b=Sum("beds")):
        out[row["site_id"]].rooms, out[row["site_id"]].beds = row["n"], row["b"] or 0
    active = persons_at(ids)
    for row in active.values("site_id").annotate(p=Count("id"), w=Count("id", filter=Q(room__isnull=True))):
        out[row["site_id"]].persons, out[row["site_id"]].waiting = row["p"], row["w"]
    # Latest release per occupied room, counted per (site, release date): a handful of dates
    # per site, whatever the number of rooms.
    tomorrow = today + dt.timedelta(days=1)
    last_by_room = active.filter(room__isnull=False).values("room_id", "site_id").annotate(last=Max("ends_on"))
    rooms_by_last: dict[int, Counter] = {}
    for row in last_by_room:
        rooms_by_last.setdefault(row["site_id"], Counter())[max(row["last"], tomorrow)] += 1
    waiting_by_last: dict[int, Counter] = {}
    for row in active.filter(room__isnull=True).values("site_id", "ends_on").annotate(n=Count("id")):
        waiting_by_last.setdefault(row["site_id"], Counter())[max(row["ends_on"], tomorrow)] += row["n"]
    horizon = [today + dt.timedelta(days=d) for d in range(days)]
    for site_id, cap in out.items():
        counts, waiting = rooms_by_last.get(site_id, Counter()), waiting_by_last.get(site_id, Counter())
        cap.occupied = [sum(n for last, n in counts.items() if last > day) for day in horizon]
        cap.reserved = [sum(n for last, n in waiting.items() if last > day) for day in horizon]
    return list(out.values())


@dataclass
class Readiness:
    county: Division
    rooms: int
    population: int
    target: int = ROOMS_PER_10K_TARGET

    @property
    def per_10k(self) -> float:
        """每万人XX间 (seed 001): usable rooms of active sites per 10,000 registered residents."""
        return round(self.rooms * 10000 / self.population, 1) if self.population else 0.0

    @property
    def meets_target(self) -> bool:
        return self.per_10k >= self.target


def readiness(counties: QuerySet[Division] | None = None) -> list[Readiness]:
    counties = counties if counties is not None else Division.objects.filter(level=DivisionLevel.COUNTY)
    out = []
    for county in counties:
        rooms = in_subtree(Room.objects.filter(site__active=True), "site__division", county).exclude(
            status=RoomStatus.OUT_OF_SERVICE).count()
        population = in_subtree(Resident.objects.all(), "grid", county).count()
        out.append(Readiness(county, rooms, population))
    return out
