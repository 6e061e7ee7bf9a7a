"""Quarantine-site capacity now and forecast from scheduled releases; readiness per county."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, QuerySet, Sum

from fangkong.core.choices import DivisionLevel, MeasureKind
from fangkong.core.models import Division
from fangkong.registry.models import Resident

from .choices import MeasureStatus, RoomStatus
from .models import Measure, QuarantineSite, Room

FORECAST_DAYS = 14
NEAR_CAPACITY = 0.9  # a site at or above this share of rooms occupied is "near capacity"


@dataclass
class SiteCapacity:
    site_id: int
    name: str
    rooms: int = 0  # usable rooms (not out of service)
    beds: int = 0
    persons: int = 0  # persons at the site now
    waiting: int = 0  # persons sent to the site without a room yet
    occupied: list[int] = field(default_factory=list)  # occupied rooms on day 0 … FORECAST_DAYS-1

    @property
    def occupied_now(self) -> int:
        return self.occupied[0] if self.occupied else 0

    @property
    def free(self) -> list[int]:
        return [max(self.rooms - n, 0) for n in self.occupied]

    @property
    def free_now(self) -> int:
        return max(self.rooms - self.occupied_now - self.waiting, 0)

    @property
    def ratio(self) -> float:
        return (self.occupied_now + self.waiting) / self.rooms if self.rooms else 1.0

    @property
    def near_capacity(self) -> bool:
        return self.ratio >= NEAR_CAPACITY


def forecast(sites: QuerySet[QuarantineSite], today: dt.date, days: int = FORECAST_DAYS) -> list[SiteCapacity]:
    """Rooms occupied on each of the next `days` days, assuming everyone leaves on `ends_on`.

    A room is occupied on day x while the latest planned release among its occupants is after x.
    Four grouped queries, whatever the number of sites or persons.
    """
    out = {s.pk: SiteCapacity(s.pk, s.name) for s in sites.only("id", "name")}
    ids = list(out)
    usable = Room.objects.filter(site_id__in=ids).exclude(status=RoomStatus.OUT_OF_SERVICE)
    for row in usable.values("site_id").annotate(n=Count("id"), b=Sum("beds")):
        out[row["site_id"]].rooms, out[row["site_id"]].beds = row["n"], row["b"] or 0
    active = Measure.objects.filter(status=MeasureStatus.ACTIVE, kind=MeasureKind.CENTRAL_QUARANTINE, site_id__in=ids)
    for row in active.values("site_id").annotate(p=Count("id"), w=Count("id", filter=Q(room__isnull=True))):
        out[row["site_id"]].persons, out[row["site_id"]].waiting = row["p"], row["w"]
    # Latest release per occupied room, counted per (site, release date): a handful of dates
    # per site, whatever the number of rooms.
    last_by_room = active.filter(room__isnull=False).values("room_id", "site_id").annotate(last=Max("ends_on"))
    rooms_by_last: dict[int, Counter] = {}
    for row in last_by_room:
        rooms_by_last.setdefault(row["site_id"], Counter())[row["last"]] += 1
    horizon = [today + dt.timedelta(days=d) for d in range(days)]
    for site_id, cap in out.items():
        counts = rooms_by_last.get(site_id, Counter())
        cap.occupied = [sum(n for last, n in counts.items() if last > day) for day in horizon]
    return list(out.values())


@dataclass
class Readiness:
    county: Division
    rooms: int
    population: int

    @property
    def per_10k(self) -> float:
        """每万人XX间 (seed 001): usable rooms of active sites per 10,000 registered residents."""
        return round(self.rooms * 10000 / self.population, 1) if self.population else 0.0


def readiness(counties: QuerySet[Division] | None = None) -> list[Readiness]:
    counties = counties if counties is not None else Division.objects.filter(level=DivisionLevel.COUNTY)
    out = []
    for county in counties:
        rooms = Room.objects.filter(site__active=True, site__division__path__startswith=county.path).exclude(
            status=RoomStatus.OUT_OF_SERVICE).count()
        population = Resident.objects.filter(grid__path__startswith=county.path).count()
        out.append(Readiness(county, rooms, population))
    return out
