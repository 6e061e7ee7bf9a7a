"""哨点预警: a signal on a crafted series, none on a flat one, none exactly at the threshold or the
baseline; raised once, routed to the command centre and the CDC with a deadline, the response
recorded, escalated once when overdue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.models import AuditLog, Notification
from fangkong.sectors.choices import SentinelKind, SignalMethod, SignalResponse, SignalStatus
from fangkong.sectors.models import SentinelCount, Signal, SignalRule
from fangkong.sectors.sentinel.actions import do_respond_signal
from fangkong.sectors.sentinel.jobs import escalate_signals, raise_recent_signals
from fangkong.sectors.sentinel.signals import compute_signals, do_escalate_signals, do_raise_signals

from .factories import make_venue, sector

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 30)  # a Monday


def _series(venue, counts: dict[dt.date, int]) -> None:
    SentinelCount.objects.bulk_create([SentinelCount(venue_id=venue.pk, day=d, kind=SentinelKind.SALE,
                                                     division_id=venue.grid_id, n=n)
                                       for d, n in counts.items() if n])


def _flat(venue, n: int, weeks: int = 5, last: dt.date = DAY) -> dict[dt.date, int]:
    counts = {last - dt.timedelta(days=i): n for i in range(7 * weeks + 1)}
    _series(venue, counts)
    return counts


def test_a_crafted_series_signals_against_p80_of_the_same_weekdays(users):
    venue = make_venue(users["grid"].division, "pharmacy")
    counts = {DAY - dt.timedelta(days=i): 3 for i in range(1, 36)}
    for k, n in zip(range(1, 5), (10, 12, 11, 9), strict=True):  # the last four Mondays
        counts[DAY - dt.timedelta(days=7 * k)] = n
    counts[DAY] = 12
    _series(venue, counts)
    [signal] = compute_signals(DAY, DAY)
    # P80 of 9, 10, 11, 12 (linear): 11 + 0.4 × (12 − 11) = 11.4; 12 exceeds it.
    assert (signal.venue_id, signal.day, signal.count, signal.baseline, signal.method) == (
        venue.pk, DAY, 12, 11.4, SignalMethod.PERCENTILE)
    # The other days of the series (3 a day, their same weekdays 3 too) raise nothing.
    assert [c.day for c in compute_signals(DAY - dt.timedelta(days=6), DAY)] == [DAY]


def test_a_flat_series_raises_nothing_and_a_count_at_the_baseline_is_no_signal(users):
    _flat(make_venue(users["grid"].division, "pharmacy"), 10)
    assert compute_signals(DAY - dt.timedelta(days=6), DAY) == []


def test_exactly_at_the_threshold_is_no_signal_one_more_is(users):
    SignalRule.objects.filter(sector__code="pharmacy").delete()
    SignalRule.objects.create(name="药店阈值", sector=sector("pharmacy"), threshold=30, percentile=80, weeks=4,
                              min_count=5, response_hours=6)
    at, above = (make_venue(users["grid"].division, "pharmacy") for _ in range(2))
    _series(at, {DAY: 30})
    _series(above, {DAY: 31})
    [signal] = compute_signals(DAY, DAY)  # no history yet: only the fixed threshold applies
    assert (signal.venue_id, signal.count, signal.threshold, signal.method, signal.response_hours) == (
        above.pk, 31, 30, SignalMethod.THRESHOLD, 6)


def test_a_new_sentinel_or_a_count_under_the_minimum_raises_nothing(users):
    new = make_venue(users["grid"].division, "pharmacy")
    _series(new, {DAY - dt.timedelta(days=7): 1, DAY: 25})  # reported for a week only
    small = make_venue(users["grid"].division, "pharmacy")
    _flat(small, 1)
    SentinelCount.objects.filter(venue_id=small.pk, day=DAY).update(n=4)  # 4 > P80 = 1, but under 5
    assert compute_signals(DAY, DAY) == []


def _raised(users, n_today: int = 40):
    venue = make_venue(users["grid"].division, "pharmacy", name="惠民药房")
    counts = _flat(venue, 5, last=DAY - dt.timedelta(days=1))
    _series(venue, {DAY: n_today})
    assert counts
    now = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)
    return venue, do_raise_signals(DAY, DAY, acting_user=SYSTEM, now=now), now


def test_a_signal_is_raised_once_routed_to_the_command_centre_and_the_cdc_with_a_deadline(users):
    venue, [signal], now = _raised(users)
    assert (signal.status, signal.due_at, signal.division_id) == (SignalStatus.OPEN, now + dt.timedelta(hours=24),
                                                                   venue.grid_id)
    told = set(Notification.objects.filter(url=f"/sectors/signals/{signal.pk}/").values_list("user__username",
                                                                                               flat=True))
    assert {"commander", "cdc"} <= told and "grid" not in told and "regulator" not in told
    assert AuditLog.objects.filter(verb="raise_signal", object_id=str(signal.pk)).exists()
    assert do_raise_signals(DAY, DAY, acting_user=SYSTEM, now=now) == []  # once per sentinel and day
    assert Signal.objects.count() == 1


def test_only_the_command_centre_and_the_cdc_raise_and_answer_signals(users):
    _venue, [signal], _now = _raised(users)
    with pytest.raises(PermissionDenied):
        do_raise_signals(DAY, DAY, acting_user=users["regulator"])
    with pytest.raises(PermissionDenied):
        do_respond_signal(signal, response=SignalResponse.INVESTIGATED, note="已核实", acting_user=users["regulator"])


def test_the_response_is_recorded_with_its_deadline(users):
    _venue, [signal], _now = _raised(users)
    with pytest.raises(ValidationError):
        do_respond_signal(signal, response=SignalResponse.TESTED, note=" ", acting_user=users["cdc"])
    do_respond_signal(signal, response=SignalResponse.TESTED, note="已对当日购药人员全部核酸检测，均阴性",
                      acting_user=users["cdc"])
    signal.refresh_from_db()
    assert (signal.status, signal.response, signal.responded_by) == (SignalStatus.RESPONDED, SignalResponse.TESTED,
                                                                      users["cdc"])
    assert signal.response_late  # the crafted deadline (2026-11-30 10:00 UTC + 24 h) is long past
    entry = AuditLog.objects.get(verb="respond_signal", object_id=str(signal.pk))
    assert entry.changes["late"] is True
    with pytest.raises(ValidationError, match="已响应"):
        do_respond_signal(signal, response=SignalResponse.TESTED, note="再次", acting_user=users["cdc"])


def test_an_overdue_signal_escalates_once_and_an_answered_one_never(users):
    _venue, [signal], now = _raised(users)
    assert do_escalate_signals(acting_user=SYSTEM, now=now + dt.timedelta(hours=23)) == 0  # not yet due
    late = now + dt.timedelta(hours=25)
    assert escalate_signals(now=late) == 1
    assert escalate_signals(now=late + dt.timedelta(hours=1)) == 0
    signal.refresh_from_db()
    assert signal.escalated_at == late and signal.overdue
    assert AuditLog.objects.filter(verb="escalate_signal", object_id=str(signal.pk)).count() == 1
    assert Notification.objects.filter(user=users["commander"], title__startswith="哨点预警超时未响应").exists()


def test_the_job_looks_at_yesterday_and_today(users):
    venue = make_venue(users["grid"].division, "pharmacy")
    today = timezone.localdate()
    _flat(venue, 2, last=today - dt.timedelta(days=2))
    _series(venue, {today - dt.timedelta(days=1): 50})
    assert raise_recent_signals() == 1
    assert Signal.objects.get().day == today - dt.timedelta(days=1)


def test_signals_are_computed_on_demand_through_the_api_and_the_page(users):
    from fangkong.core.testkit import api_client_for, client_for

    venue = make_venue(users["grid"].division, "pharmacy")
    _flat(venue, 2, last=DAY - dt.timedelta(days=1))
    _series(venue, {DAY: 30})
    body = {"date_from": str(DAY - dt.timedelta(days=2)), "date_to": str(DAY)}
    assert api_client_for(users["regulator"]).post("/api/sectors/signal-runs/", body, format="json").status_code == 403
    bad = api_client_for(users["cdc"]).post("/api/sectors/signal-runs/", {"date_from": str(DAY),
                                                                          "date_to": str(DAY - dt.timedelta(days=1))},
                                            format="json")
    assert bad.status_code == 400 and "起始日期" in bad.content.decode()
    response = api_client_for(users["cdc"]).post("/api/sectors/signal-runs/", body, format="json")
    assert response.status_code == 201
    [raised] = response.json()
    assert (raised["venue"], raised["day"], raised["count"]) == (venue.pk, str(DAY), 30)
    assert AuditLog.objects.filter(verb="raise_signal", actor=users["cdc"]).count() == 1
    # The page's button: nothing new for the same range, a redirect to the signals of the range.
    page = client_for(users["commander"]).post("/sectors/signals/run/", body)
    assert page.status_code == 302 and f"date_from={body['date_from']}" in page["Location"]
    assert Signal.objects.count() == 1
    assert client_for(users["regulator"]).post("/sectors/signals/run/", body).status_code == 403
