"""The board numbers, the daily close and the two 001 sentences against a known data set."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.choices import MeasureKind
from fangkong.screening import actions
from fangkong.screening.choices import AttemptKind, BoardMetric, Channel, LeadKind, Outcome, ReviewDecision
from fangkong.screening.intake import LeadInput
from fangkong.screening.models import ClearanceItem
from fangkong.screening.reports import board_counts, metric_queryset

from .helpers import resident_of_grid

TZ = timezone.get_fixed_timezone(480)
DAY1 = dt.datetime(2022, 7, 1, 9, 0, tzinfo=TZ)
DAY2 = dt.datetime(2022, 7, 2, 9, 0, tzinfo=TZ)


def _lead(users, channel, n, now, kind=LeadKind.DOMESTIC, origin=""):
    r = resident_of_grid(users["grid"].division, n)
    lead, _ = actions.do_submit_lead(LeadInput(name=r.name, id_number=r.id_number, phone=r.phone, kind=kind,
                                               origin=origin), channel=channel, now=now, acting_user=SYSTEM)
    return lead.verification


def _close(users, v, outcome, measure="", now=DAY2):
    actions.do_submit_outcome(v, outcome, measure_kind=measure, place="外地", now=now, acting_user=users["grid"])
    actions.do_review(v, ReviewDecision.APPROVED, now=now, acting_user=users["commander"])


@pytest.fixture
def known(users):
    """Day 1: 2 self reports, 1 door screening, 3 big-data pushes, 1 assist, 1 from abroad; day 2: 4 pushes."""
    day1 = [(Channel.SELF_REPORT, 0), (Channel.SELF_REPORT, 1), (Channel.GRID_SCREENING, 2), (Channel.BIG_DATA, 3),
            (Channel.BIG_DATA, 4), (Channel.BIG_DATA, 5), (Channel.ASSIST_REQUEST, 6)]
    tasks = {n: _lead(users, c, n, DAY1) for c, n in day1}
    tasks[7] = _lead(users, Channel.BIG_DATA, 7, DAY1, kind=LeadKind.FROM_ABROAD)
    _close(users, tasks[0], Outcome.CLEARED)
    _close(users, tasks[1], Outcome.CONTROLLED, MeasureKind.HOME_ISOLATION)
    _close(users, tasks[2], Outcome.CONTROLLED, MeasureKind.HOME_MONITORING)
    _close(users, tasks[3], Outcome.CONTROLLED, MeasureKind.CENTRAL_QUARANTINE)
    _close(users, tasks[4], Outcome.CLEARED)
    _close(users, tasks[5], Outcome.CONTROLLED, MeasureKind.HEALTH_MONITORING)
    _close(users, tasks[6], Outcome.CONTROLLED, MeasureKind.HOME_ISOLATION)
    _close(users, tasks[7], Outcome.CONTROLLED, MeasureKind.CENTRAL_QUARANTINE)
    day2 = {n: _lead(users, Channel.BIG_DATA, n, DAY2) for n in (8, 9, 10, 11)}
    actions.do_record_attempt(day2[8], AttemptKind.CALLED, now=DAY2 + dt.timedelta(minutes=30), acting_user=users["grid"])
    actions.do_submit_outcome(day2[9], Outcome.CLEARED, now=DAY2 + dt.timedelta(minutes=40), acting_user=users["grid"])
    actions.do_record_attempt(day2[10], AttemptKind.NO_ANSWER, now=DAY2 + dt.timedelta(minutes=50), acting_user=users["grid"])
    return {**tasks, **day2}


def test_it_counts_the_board_per_channel_and_township(users, known):
    day = dt.date(2022, 7, 2)
    now = DAY2 + dt.timedelta(hours=1, minutes=30)  # 1 h deadlines of day-2 pushes have passed
    counts = board_counts(users["commander"], day, day, now=now)
    assert counts["total"] == {"received": 4, "verified": 8, "controlled": 6, "pending": 2, "overdue": 2,
                               "unreachable": 1, "rejected": 0}
    assert counts["channel"]["big_data"]["received"] == 4
    township = users["grid"].division.parent.parent_id
    assert counts["township"][township]["received"] == 4
    assert board_counts(users["grid_other"], day, day, now=now)["total"]["received"] == 0


def test_every_board_number_is_the_count_of_the_list_it_opens(users, known):
    """The board counts all task metrics in one pass; each cell must still equal its list."""
    day = dt.date(2022, 7, 2)
    now = DAY2 + dt.timedelta(hours=1, minutes=30)
    actions.do_submit_outcome(known[11], Outcome.CLEARED, now=DAY2 + dt.timedelta(hours=1), acting_user=users["grid"])
    actions.do_review(known[11], ReviewDecision.REJECTED, "地址不实", now=now, acting_user=users["commander"])
    commander = users["commander"]
    counts = board_counts(commander, day, day, now=now)
    assert counts["total"]["rejected"] == 1
    township = users["grid"].division.parent.parent
    for metric in BoardMetric:
        listed = metric_queryset(metric, commander, day, day, now=now)
        assert counts["total"][metric.value] == listed.count(), metric
        assert counts["channel"].get("big_data", {}).get(metric.value, 0) == listed.filter(
            channel="big_data").count(), metric
        in_township = metric_queryset(metric, commander, day, day, division=township, now=now).count()
        assert counts["township"].get(township.pk, {}).get(metric.value, 0) == in_township, metric


def test_it_closes_the_day_and_carries_open_work_forward(users, known):
    township = users["township"]
    day = dt.date(2022, 7, 2)
    c = actions.do_close_day(township.division, day, now=DAY2 + dt.timedelta(hours=10), acting_user=township)
    items = {i.verification_id: i for i in c.items.all()}
    assert set(items) == {known[n].pk for n in (8, 9, 10, 11)}
    assert items[known[9].pk].reason.endswith("待审核") and "无人接听1次" in items[known[10].pk].reason
    c2 = actions.do_close_day(township.division, day + dt.timedelta(days=1), acting_user=township)
    assert ClearanceItem.objects.get(clearance=c2, verification=known[10]).days_open == 2
    with pytest.raises(ValidationError):
        actions.do_close_day(township.division, day, acting_user=township)
