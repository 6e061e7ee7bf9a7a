"""Site capacity now and over 14 days against hand-computed cases; readiness per county."""

from __future__ import annotations

import datetime as dt

from fangkong.core.choices import MeasureKind
from fangkong.registry.models import Resident

from ..capacity import forecast, readiness
from ..choices import MeasureStatus, RoomStatus
from ..models import Measure, QuarantineSite
from . import factories as F

D = dt.date
TODAY = D(2022, 8, 10)


def _occupy(site, room_number, starts, ends, status=MeasureStatus.ACTIVE):
    p = F.person()
    room = site.rooms.get(number=room_number) if room_number else None
    return Measure.objects.create(person=p, kind=MeasureKind.CENTRAL_QUARANTINE, status=status, plan_start_on=starts,
                                  starts_on=starts, ends_on=ends, division=p.division, site=site, room=room)


def test_it_forecasts_free_rooms_from_planned_releases(db):
    site = F.site(rooms=5, beds=2)
    site.rooms.filter(number="105").update(status=RoomStatus.OUT_OF_SERVICE)  # 4 usable rooms
    _occupy(site, "101", D(2022, 8, 5), D(2022, 8, 12))  # free from 12 Aug (day 2)
    _occupy(site, "102", D(2022, 8, 8), D(2022, 8, 15))  # two in one room: the later one counts
    _occupy(site, "102", D(2022, 8, 9), D(2022, 8, 17))  # free from 17 Aug (day 7)
    _occupy(site, "103", D(2022, 8, 1), D(2022, 8, 10))  # release due today: free today
    _occupy(site, "104", D(2022, 8, 1), D(2022, 8, 30), status=MeasureStatus.RELEASED)  # gone already
    _occupy(site, None, D(2022, 8, 10), D(2022, 8, 17))  # waiting for a room
    cap = forecast(QuarantineSite.objects.filter(pk=site.pk), TODAY)[0]
    assert (cap.rooms, cap.beds, cap.persons, cap.waiting) == (4, 8, 5, 1)  # the one due today is still there
    # Day:          10 11 12 13 14 15 16 17 …
    assert cap.occupied == [2, 2, 1, 1, 1, 1, 1] + [0] * 7
    assert cap.free == [2, 2, 3, 3, 3, 3, 3] + [4] * 7
    assert cap.free_now == 1  # 2 free rooms, one person waiting
    assert (cap.ratio, cap.near_capacity) == (0.75, False)
    _occupy(site, "104", D(2022, 8, 10), D(2022, 8, 17))
    assert forecast(QuarantineSite.objects.filter(pk=site.pk), TODAY)[0].near_capacity  # (3 + 1) / 4


def test_it_computes_rooms_per_10000_residents(db, county):
    F.site("一号隔离点", rooms=12)
    other = F.site("二号隔离点", rooms=3)
    other.rooms.filter(number="101").update(status=RoomStatus.OUT_OF_SERVICE)
    QuarantineSite.objects.create(name="停用隔离点", division=county, active=False).rooms.create(number="1")
    population = Resident.objects.count()
    [r] = readiness()
    assert (r.rooms, r.population) == (14, population)
    assert r.per_10k == round(14 * 10000 / population, 1)
