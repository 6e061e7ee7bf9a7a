"""The board's roll-up counts: after every kind of write (actions, an import, a merge and its undo)
the board read from them equals the board counted from the rows, and a rebuild changes nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.choices import DivisionLevel, MeasureKind, Module
from fangkong.core.models import Division
from fangkong.core.testkit import ScopeTests
from fangkong.screening import actions, imports
from fangkong.screening.choices import AttemptKind, Channel, Outcome, ReviewDecision, Stage
from fangkong.screening.intake import LeadInput
from fangkong.screening.jobs import escalate_overdue
from fangkong.screening.models import ClosedTaskCount, LeadCount, MergeCandidate, OpenTaskCount, Verification
from fangkong.screening.reports import board_counts, board_counts_live
from fangkong.screening.rollups import live_counts, rebuild_board_rollups, stored_counts

from .helpers import csv_bytes, outsider_id, resident_of_grid
from .test_mixins import InGrid

TZ = timezone.get_fixed_timezone(480)
DAY1 = dt.datetime(2022, 7, 1, 9, 0, tzinfo=TZ)
DAY2 = dt.datetime(2022, 7, 2, 9, 0, tzinfo=TZ)
DAYS = [(dt.date(2022, 7, 1),) * 2, (dt.date(2022, 7, 2),) * 2, (dt.date(2022, 7, 1), dt.date(2022, 7, 2)),
        (dt.date(2022, 7, 3),) * 2]
NOWS = [DAY1 + dt.timedelta(minutes=30), DAY2 + dt.timedelta(minutes=59, seconds=59), DAY2 + dt.timedelta(hours=1),
        DAY2 + dt.timedelta(hours=2, minutes=30), DAY2 + dt.timedelta(days=2)]


def _lead(users, channel, n, now, grid=None):
    r = resident_of_grid(grid or users["grid"].division, n)
    lead, _ = actions.do_submit_lead(LeadInput(name=r.name, id_number=r.id_number, phone=r.phone), channel=channel,
                                     now=now, acting_user=SYSTEM)
    return Verification.objects.get(pk=lead.verification_id)


def _elsewhere(users) -> Division:
    """A grid of another township than the grid worker's."""
    township = users["grid"].division.parent.parent
    return (Division.objects.filter(level=DivisionLevel.GRID).exclude(pk__in=Division.objects.subtree(township))
            .order_by("path").first())


def _history(users) -> dict:
    """Two days of work on every path that changes a count."""
    grid, worker, boss = users["grid"].division, users["grid"], users["commander"]
    t = {n: _lead(users, c, n, DAY1) for n, c in enumerate(
        [Channel.SELF_REPORT, Channel.GRID_SCREENING, Channel.BIG_DATA, Channel.BIG_DATA, Channel.BIG_DATA,
         Channel.ASSIST_REQUEST, Channel.BIG_DATA, Channel.CLOSE_CONTACT])}
    actions.do_record_attempt(t[0], AttemptKind.CALLED, now=DAY1 + dt.timedelta(minutes=20), acting_user=worker)
    actions.do_mark_stage(t[0], Stage.SAMPLED, at=DAY1 + dt.timedelta(hours=2), acting_user=worker)
    for k in range(3):  # the third unanswered call moves the task to 难查数据
        actions.do_record_attempt(t[2], AttemptKind.NO_ANSWER, now=DAY1 + dt.timedelta(minutes=10 * k + 5),
                                  acting_user=worker)
    actions.do_record_attempt(t[3], AttemptKind.NO_ANSWER, now=DAY1 + dt.timedelta(minutes=5), acting_user=worker)
    actions.do_submit_outcome(t[1], Outcome.CONTROLLED, measure_kind=MeasureKind.HOME_ISOLATION,
                              now=DAY1 + dt.timedelta(hours=3), acting_user=worker)
    actions.do_review(t[1], ReviewDecision.APPROVED, now=DAY1 + dt.timedelta(hours=4), acting_user=boss)
    for day in (DAY1, DAY2):  # rejected on both days: one task in a two-day range
        actions.do_submit_outcome(t[4], Outcome.CLEARED, now=day + dt.timedelta(hours=3), acting_user=worker)
        actions.do_review(t[4], ReviewDecision.REJECTED, "地址不实", now=day + dt.timedelta(hours=4), acting_user=boss)
    actions.do_submit_outcome(t[5], Outcome.CLEARED, now=DAY2, acting_user=worker)  # awaiting review: no deadline
    early = DAY2 - dt.timedelta(hours=2)  # 07:00 in the county is the day before in UTC
    actions.do_submit_outcome(t[0], Outcome.CLEARED, now=early, acting_user=worker)
    actions.do_review(t[0], ReviewDecision.APPROVED, now=early, acting_user=boss)
    _lead(users, Channel.SELF_REPORT, 24, early)
    actions.do_reassign(t[6], _elsewhere(users), acting_user=boss)
    actions.do_reassign(t[7], Division.objects.get(level=DivisionLevel.COUNTY), acting_user=boss)
    escalate_overdue(now=DAY2)
    # merges: a task closed as a duplicate; another merged and undone
    a, b, c, d = (_lead(users, Channel.GRID_SCREENING, n, DAY2) for n in (20, 21, 22, 23))
    for keep, other, undo in ((a, b, False), (c, d, True)):
        pair = MergeCandidate.objects.create(person=keep.person, other=other.person, reason="同手机号", division=grid,
                                             module=Module.GRID_SCREENING)
        actions.do_merge(pair, now=DAY2 + dt.timedelta(minutes=5), acting_user=boss)
        if undo:
            actions.do_unmerge(pair, acting_user=boss)
    # an import of the second day: residents (one with an open task), someone from elsewhere
    rows = [[r.name, r.id_number, r.phone, "北京", "2022-07-02", "", ""]
            for r in (resident_of_grid(grid, n) for n in (3, 30, 31))]
    rows.append(["李外来", outsider_id(5), "13800001111", "上海", "2022-07-02", "", ""])
    data = csv_bytes(rows)
    batch = imports.create_lead_batch(data=data, file_name="l.csv", channel=Channel.BIG_DATA, source="geofence", user=None,
                                keep_file=False)
    assert imports.run_lead_import(batch, data, now=DAY2 + dt.timedelta(minutes=30))["imported"] == 4
    return t


def _boards_agree(users) -> int:
    township = users["grid"].division.parent.parent
    checked = 0
    for name in ("commander", "township", "grid", "grid_other", "big_data_admin", "hard_to_find_admin", "lab"):
        for start, end in DAYS:
            for now in NOWS:
                for division in (None, township) if name == "commander" else (None,):
                    live = board_counts_live(users[name], start, end, division=division, now=now)
                    assert board_counts(users[name], start, end, division=division, now=now) == live, (name, start, now)
                    checked += any(live["total"].values())
    return checked


def test_the_board_from_roll_ups_is_the_board_counted_live(users):
    t = _history(users)
    assert _boards_agree(users) > 20
    assert stored_counts() == live_counts()
    for model in (LeadCount, ClosedTaskCount, OpenTaskCount):  # a count brought to zero leaves no row
        assert not model.objects.filter(n=0).exists(), model
    total = board_counts(users["commander"], dt.date(2022, 7, 1), dt.date(2022, 7, 2), now=NOWS[3])["total"]
    assert total["received"] == 17 and total["rejected"] == 1 and total["verified"] == 3
    assert Verification.objects.get(pk=t[2].pk).module == Module.HARD_TO_FIND


def test_a_rebuild_gives_the_counts_kept_and_repairs_others(users):
    _history(users)
    kept = stored_counts()
    OpenTaskCount.objects.all().delete()  # e.g. rows written around the actions
    LeadCount.objects.update(n=99)
    assert rebuild_board_rollups()["opentaskcount"] == len(kept["opentaskcount"])
    assert stored_counts() == kept
    out = io.StringIO()
    call_command("rebuild_board_rollups", stdout=out)
    assert "opentaskcount" in out.getvalue()
    assert stored_counts() == kept
    assert _boards_agree(users)


def test_an_empty_county_has_an_empty_board(users):
    counts = board_counts(users["commander"], dt.date(2022, 7, 1), dt.date(2022, 7, 1))
    assert counts["channel"] == {} and counts["township"] == {} and not any(counts["total"].values())
    assert counts == board_counts_live(users["commander"], dt.date(2022, 7, 1), dt.date(2022, 7, 1))


@pytest.mark.parametrize("name", ["lab", "grid_other"])
def test_it_counts_nothing_outside_the_users_scope(users, name):
    _lead(users, Channel.BIG_DATA, 0, DAY1)
    counts = board_counts(users[name], dt.date(2022, 7, 1), dt.date(2022, 7, 1), now=DAY1)
    assert not any(counts["total"].values())
    assert board_counts(users["commander"], dt.date(2022, 7, 1), dt.date(2022, 7, 1), now=DAY1)["total"]["received"] == 1


# The counts are read with the scope of the rows they count: a grid's counts are its grid worker's.

class TestLeadCountScope(InGrid, ScopeTests.Restrict):
    model = LeadCount
    scope_actions = ("view",)

    def make_object(self) -> LeadCount:
        return LeadCount.objects.create(day=dt.date(2022, 7, 1), division=self.grid(), channel=Channel.BIG_DATA,
                                        module=Module.BIG_DATA, n=1)


class TestClosedTaskCountScope(InGrid, ScopeTests.Restrict):
    model = ClosedTaskCount
    scope_actions = ("view",)

    def make_object(self) -> ClosedTaskCount:
        return ClosedTaskCount.objects.create(day=dt.date(2022, 7, 1), division=self.grid(),
                                              channel=Channel.BIG_DATA, module=Module.BIG_DATA, controlled=True, n=1)


class TestOpenTaskCountScope(InGrid, ScopeTests.Restrict):
    model = OpenTaskCount
    scope_actions = ("view",)

    def make_object(self) -> OpenTaskCount:
        return OpenTaskCount.objects.create(division=self.grid(), channel=Channel.BIG_DATA, module=Module.BIG_DATA,
                                            due_at=DAY1, unreachable=False, n=1)
