"""Closing orders by sector (关停令, "密闭经营场所暂不开放"): a sector closed or restricted in a
division from a date, applied by the job when that day comes, and lifted; every venue change audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from fangkong.core.models import AuditLog
from fangkong.core.testkit import client_for
from fangkong.sectors.actions import do_issue_order, do_lift_order, do_reopen_venue
from fangkong.sectors.choices import Answer, Finding, OrderKind, OrderStatus, VenueStatus
from fangkong.sectors.jobs import apply_due_orders
from fangkong.sectors.models import SectorOrder

from .factories import inspect, make_venue, sector

pytestmark = pytest.mark.django_db


def _statuses(*venues):
    for v in venues:
        v.refresh_from_db()
    return [(v.status, v.limit_percent) for v in venues]


def test_a_sector_closure_in_a_township_and_its_lifting(users):
    township = users["township"].division
    ktv_in, ktv_in2 = make_venue(users["grid"].division), make_venue(users["grid"].division)
    ktv_out = make_venue(users["grid_other"].division)
    bar_in = make_venue(users["grid"].division, sector_code="bar")
    today = timezone.localdate()
    order = do_issue_order(sector("ktv"), township, kind=OrderKind.CLOSE, starts_on=today, reason="密闭经营场所暂不开放",
                           acting_user=users["regulator"])
    assert _statuses(ktv_in, ktv_in2, ktv_out, bar_in) == [(VenueStatus.CLOSED, None)] * 2 + [(VenueStatus.OPEN, None)] * 2
    assert ktv_in.status_order == order and ktv_in.status_since == today
    assert AuditLog.objects.filter(verb="apply_sector_order", object_id=str(ktv_in.pk)).exists()
    assert AuditLog.objects.filter(verb="issue_sector_order", object_id=str(order.pk)).exists()
    assert do_lift_order(order, acting_user=users["regulator"]) == 2
    assert _statuses(ktv_in, ktv_in2, ktv_out) == [(VenueStatus.OPEN, None)] * 3
    order.refresh_from_db()
    assert (order.status, order.lifted_on) == (OrderStatus.LIFTED, today)
    with pytest.raises(ValidationError):
        do_lift_order(order, acting_user=users["regulator"])


def test_an_order_from_a_later_date_waits_for_its_day(users):
    venue = make_venue(users["grid"].division, sector_code="netbar")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    order = do_issue_order(sector("netbar"), users["township"].division, kind=OrderKind.RESTRICT, limit_percent=50,
                           starts_on=tomorrow, acting_user=users["commander"])
    assert _statuses(venue) == [(VenueStatus.OPEN, None)] and order.applied_at is None
    assert apply_due_orders() == 0
    assert apply_due_orders(tomorrow) == 1
    assert _statuses(venue) == [(VenueStatus.RESTRICTED, 50)]
    assert apply_due_orders(tomorrow) == 0  # applied once


def test_lifting_one_order_leaves_the_venue_under_another_in_force(users):
    venue = make_venue(users["grid"].division, sector_code="bar")
    today = timezone.localdate()
    county_wide = do_issue_order(sector("bar"), users["commander"].division, kind=OrderKind.RESTRICT, limit_percent=30,
                                 starts_on=today, acting_user=users["commander"])
    local = do_issue_order(sector("bar"), users["grid"].division.parent, kind=OrderKind.CLOSE, starts_on=today,
                           acting_user=users["commander"])
    assert _statuses(venue) == [(VenueStatus.CLOSED, None)]
    do_lift_order(local, acting_user=users["commander"])
    assert _statuses(venue) == [(VenueStatus.RESTRICTED, 30)] and venue.status_order == county_wide


def test_a_suspended_venue_stays_suspended_and_reopens_under_the_order(users):
    venue = make_venue(users["grid"].division, sector_code="bath")
    inspect(venue, Finding.SUSPEND, Answer.NO)
    do_issue_order(sector("bath"), users["township"].division, kind=OrderKind.CLOSE,
                   starts_on=timezone.localdate(), acting_user=users["regulator"])
    assert _statuses(venue) == [(VenueStatus.SUSPENDED, None)]
    do_reopen_venue(venue, acting_user=users["regulator"])
    assert _statuses(venue) == [(VenueStatus.CLOSED, None)]


def test_orders_are_refused_outside_the_division_or_without_the_role(users):
    with pytest.raises(PermissionDenied):
        do_issue_order(sector("ktv"), users["grid_other"].division.parent, kind=OrderKind.CLOSE,
                       starts_on=timezone.localdate(), acting_user=users["township"])
    with pytest.raises(ValidationError):
        do_issue_order(sector("ktv"), users["township"].division, kind=OrderKind.RESTRICT,
                       starts_on=timezone.localdate(), acting_user=users["regulator"])
    assert not SectorOrder.objects.exists()


def test_the_pages_issue_and_lift_an_order(users):
    venue = make_venue(users["grid"].division, sector_code="script_game")
    client = client_for(users["regulator"])
    response = client.post(reverse("sectors:order_issue"), {
        "sector": sector("script_game").pk, "division": users["township"].division.pk, "kind": OrderKind.CLOSE,
        "starts_on": timezone.localdate().isoformat(), "reason": "密闭经营场所暂不开放"})
    order = SectorOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("sectors:sectororder", args=[order.pk])
    assert venue.name in client.get(response["Location"]).content.decode()
    assert _statuses(venue) == [(VenueStatus.CLOSED, None)]
    client.post(reverse("sectors:order_lift", args=[order.pk]), {})
    assert _statuses(venue) == [(VenueStatus.OPEN, None)]
    assert client_for(users["grid"]).get(reverse("sectors:order_issue")).status_code == 403
