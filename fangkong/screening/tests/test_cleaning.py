"""Cleaning a lead row and its dedup key: the per-import memo must not change what a row means."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from fangkong.core.identity import InvalidValue
from fangkong.screening.intake import LeadInput, clean_lead, dedup_key

from .helpers import outsider_id

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_the_same_instant_in_two_time_zones_gives_one_key():
    local = dt.datetime(2022, 7, 1, 8, 0, tzinfo=SHANGHAI)
    utc = local.astimezone(dt.UTC)
    a = LeadInput(name="甲", phone="13800000001", pushed_at=local)
    b = LeadInput(name="甲", phone="13800000001", pushed_at=utc)
    assert a.key("big_data") == b.key("big_data")
    assert a.key("big_data").startswith("20220701") and len(a.key("big_data")) == 40
    assert a.key("big_data") != a.key("self_report")  # the channel is part of the key
    assert dedup_key("big_data", "", "", "13800000001", "甲", "", "", None, None).startswith("00000000")


def test_repeated_values_clean_the_same_and_bad_ones_keep_their_reason():
    raw = {"name": " 张 三 ", "id_number": outsider_id(3).lower(), "phone": "+86 138-0000-0002",
           "pushed_at": "2022-07-01 08:00"}
    first, second = clean_lead(raw, channel="big_data"), clean_lead(dict(raw), channel="big_data")
    assert first == second and first.name == "张三" and first.id_number == outsider_id(3)
    assert first.phone == "13800000002" and first.pushed_at == second.pushed_at
    bad = {**raw, "id_number": "4.10102E+17", "phone": ""}
    for _ in range(2):  # the memoised failure still reports its reason
        with pytest.raises(InvalidValue, match="科学计数法"):
            clean_lead(bad, channel="big_data")


def test_dates_without_a_year_follow_today(monkeypatch):
    raw = {"name": "乙", "phone": "13800000003", "arrived_at": "7月1日"}
    this_year = clean_lead(raw, channel="big_data").arrived_at
    assert this_year.year == timezone.localdate().year
    later = timezone.now() + dt.timedelta(days=400)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert clean_lead(raw, channel="big_data").arrived_at.year == timezone.localdate(later).year
