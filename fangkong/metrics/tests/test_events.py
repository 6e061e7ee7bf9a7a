"""红白事 figures: each number equals the rows of the list it links to, and the parts add up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.testkit import client_for
from fangkong.metrics.events import event_figures, event_sentence
from fangkong.sectors.actions_events import (
    do_assign_event_supervisor,
    do_cancel_event,
    do_check_event,
    do_report_event,
)
from fangkong.sectors.choices import EventKind

pytestmark = pytest.mark.django_db


def _event(division, kind, day, guests=20, **extra):
    return do_report_event(division, kind=kind, host_name="测试", place="村里", event_date=day, guests=guests,
                           acting_user=SYSTEM, now=timezone.make_aware(dt.datetime.combine(day, dt.time(8)))
                           - dt.timedelta(days=5), **extra)


def test_the_week_of_family_events_in_figures_that_match_their_lists(users):
    today = timezone.localdate()
    village, other = users["village"].division, users["village_other"].division
    wed = _event(village, EventKind.WEDDING, today)
    big = _event(village, EventKind.WEDDING, today - dt.timedelta(days=2), guests=90)
    funeral = _event(village, EventKind.FUNERAL, today - dt.timedelta(days=1))
    _event(village, EventKind.FUNERAL, today - dt.timedelta(days=9))  # before the week
    cancelled = _event(village, EventKind.WEDDING, today)
    do_cancel_event(cancelled, reason="改期", acting_user=SYSTEM)
    _event(other, EventKind.WEDDING, today)  # another township's
    do_assign_event_supervisor(wed, users["township"], acting_user=users["township"])
    do_check_event(funeral, actual_people=15, compliant=True, acting_user=users["township"])
    del big

    f = event_figures(users["township"], today - dt.timedelta(days=6), today)
    assert (f.total, f.weddings, f.funerals, f.supervised, f.checked, f.flagged, f.unsupervised) == (3, 2, 1, 2, 1, 1, 1)
    assert f.weddings + f.funerals == f.total
    client = client_for(users["township"])
    for _text, n, url in event_sentence(f):
        if n is None:
            continue
        page = client.get(url)
        assert page.status_code == 200
        assert len(page.context["rows"]) == n, (url, n)
    report = client.get("/sectors/report/").content.decode()
    assert "报备红白事" in report and "尚有" in report


def test_a_week_without_events_says_so(users):
    today = timezone.localdate()
    f = event_figures(users["township"], today - dt.timedelta(days=6), today)
    assert event_sentence(f)[0][0].endswith("无红白事报备")
