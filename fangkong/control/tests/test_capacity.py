"""Site capacity now and over 14 days against hand-computed cases; readiness per county."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

from fangkong.core.choices import MeasureKind
from fangkong.core.testkit import client_for
from fangkong.registry.models import Resident

from ..capacity import ROOMS_PER_10K_TARGET, forecast, readiness, room_state
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
    due = _occupy(site, "103", D(2022, 8, 1), D(2022, 8, 10))  # release due today, not released: there today
    _occupy(site, "104", D(2022, 8, 1), D(2022, 8, 30), status=MeasureStatus.RELEASED)  # gone already
    _occupy(site, None, D(2022, 8, 10), D(2022, 8, 17))  # waiting for a room until 17 Aug
    cap = forecast(QuarantineSite.objects.filter(pk=site.pk), TODAY)[0]
    assert (cap.rooms, cap.beds, cap.persons, cap.waiting, cap.in_rooms) == (4, 8, 5, 1, 4)
    # Day:          10 11 12 13 14 15 16 17 …
    assert cap.occupied == [3, 2, 1, 1, 1, 1, 1] + [0] * 7
    assert cap.reserved == [1] * 7 + [0] * 7
    assert cap.free == [0, 1, 2, 2, 2, 2, 2] + [4] * 7
    assert cap.free_now == cap.free[0] == 0
    assert (cap.ratio, cap.near_capacity) == (1.0, True)
    due.status = MeasureStatus.RELEASED
    due.save()
    cap = forecast(QuarantineSite.objects.filter(pk=site.pk), TODAY)[0]
    assert (cap.occupied_now, cap.free_now, cap.ratio, cap.near_capacity) == (2, 1, 0.75, False)


def test_it_counts_a_person_past_the_release_day_in_an_occupied_room(db, users):
    """#18: 已用房间 0 while 在住人员 1, and the occupied room labelled 可用."""
    site = F.site(rooms=2)
    m = _occupy(site, "101", D(2022, 8, 1), D(2022, 8, 8))  # release was due two days ago
    cap = forecast(QuarantineSite.objects.filter(pk=site.pk), TODAY)[0]
    assert (cap.persons, cap.in_rooms, cap.occupied_now, cap.free_now) == (1, 1, 1, 1)
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        resp = client_for(users["commander"]).get(f"/control/sites/{site.pk}/")
    cards = {k: int(re.search(rf'id="{k}">(\d+)<', resp.content.decode()).group(1))
             for k in ("rooms", "occupied-now", "free-now", "persons")}
    assert cards == {"rooms": 2, "occupied-now": 1, "free-now": 1, "persons": 1}
    room_rows = {r.number: state for r, _occ, state in resp.context["rooms"]}
    assert room_rows == {"101": "已住满", "102": "空闲"}
    assert m.person.name in resp.content.decode()


def test_it_labels_rooms_by_occupancy_then_status(db):
    site = F.site(rooms=3, beds=2)
    r1, r2, r3 = site.rooms.order_by("number")
    r3.status = RoomStatus.CLEANING
    assert [room_state(r1, 0), room_state(r1, 1), room_state(r1, 2), room_state(r3, 0)] == [
        "空闲", "已入住(空余1床)", "已住满", "消杀中"]


def test_it_computes_rooms_per_10000_residents(db, county):
    F.site("一号隔离点", rooms=12)
    other = F.site("二号隔离点", rooms=3)
    other.rooms.filter(number="101").update(status=RoomStatus.OUT_OF_SERVICE)
    QuarantineSite.objects.create(name="停用隔离点", division=county, active=False).rooms.create(number="1")
    population = Resident.objects.count()
    [r] = readiness()
    assert (r.rooms, r.population) == (14, population)
    assert r.per_10k == round(14 * 10000 / population, 1)
    assert r.target == ROOMS_PER_10K_TARGET and r.meets_target == (r.per_10k >= ROOMS_PER_10K_TARGET)


def test_it_shows_readiness_against_its_target(db, users):
    """#18: "每万人2.3间" with no target."""
    F.site("一号隔离点", rooms=1)
    html = client_for(users["commander"]).get("/control/sites/").content.decode()
    assert f"要求不少于每万人{ROOMS_PER_10K_TARGET}间" in html and "未达标" in html
