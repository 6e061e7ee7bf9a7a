"""001's sentences read roll-up counts (`PersonCount`, `PushCount`): after each kind of write, one
at a time (a report, an import, calls, an outcome, a review return, an approval, a reassignment,
a merge and its undo, escalation) the counts kept equal the counts from the rows, and the
figures every user sees equal the figures counted live."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.choices import MeasureKind, Module
from fangkong.core.models import Division
from fangkong.core.testkit import ScopeTests
from fangkong.metrics.screening import (
    push_figures,
    push_figures_live,
    screening_figures,
    screening_figures_live,
)
from fangkong.screening import actions, imports
from fangkong.screening.choices import AttemptKind, Channel, LeadKind, Outcome, ReviewDecision
from fangkong.screening.intake import LeadInput
from fangkong.screening.jobs import escalate_overdue
from fangkong.screening.models import MergeCandidate, PersonCount, PushCount, Verification
from fangkong.screening.rollups import live_counts, rebuild_board_rollups, stored_counts

from .helpers import csv_bytes, outsider_id, resident_of_grid
from .test_mixins import InGrid
from .test_rollups import DAY1, DAY2, _elsewhere

USERS = ("commander", "township", "grid", "grid_other", "big_data_admin", "hard_to_find_admin", "lab")
RANGES = [(DAY1.date(), DAY1.date()), (DAY2.date(), DAY2.date()), (DAY1.date(), DAY2.date())]


def _lead(users, channel, n, now, kind=LeadKind.DOMESTIC):
    r = resident_of_grid(users["grid"].division, n)
    lead, _ = actions.do_submit_lead(LeadInput(name=r.name, id_number=r.id_number, phone=r.phone, kind=kind,
                                               origin=str(now)), channel=channel, now=now, acting_user=SYSTEM)
    return Verification.objects.get(pk=lead.verification_id)


def _import(users, ns, now, *, abroad=()):
    grid = users["grid"].division
    rows = [[r.name, r.id_number, r.phone, "北京", "2022-07-02", "", "", "是" if n in abroad else "否"]
            for n, r in ((n, resident_of_grid(grid, n)) for n in ns)]
    rows.append(["李外来", outsider_id(len(ns)), "13800001111", "上海", "2022-07-02", "", "", "否"])
    data = csv_bytes(rows, header=["姓名", "身份证号", "手机号", "来源地", "到达时间", "现住址", "推送时间", "是否境外"])
    batch = imports.create_lead_batch(data=data, file_name="l.csv", channel=Channel.BIG_DATA, source="geofence",
                                      user=None, keep_file=False)
    assert imports.run_lead_import(batch, data, now=now)["imported"] == len(rows)


def _agree(users, step: str) -> None:
    kept, live = stored_counts(), live_counts()
    for name in kept:
        diff = {k: (kept[name].get(k), live[name].get(k)) for k in {*kept[name], *live[name]}
                if kept[name].get(k) != live[name].get(k)}
        assert not diff, (step, name, diff)
    township = users["grid"].division.parent.parent
    for name in USERS:
        for start, end in RANGES:
            for division in (None, township) if name == "commander" else (None,):
                user = users[name]
                assert screening_figures(user, start, end, division=division) == screening_figures_live(
                    user, start, end, division=division), (step, name, start, end)
                for channel in (Channel.BIG_DATA, Channel.SELF_REPORT):
                    assert push_figures(user, start, end, division=division, channel=channel) == push_figures_live(
                        user, start, end, division=division, channel=channel), (step, name, channel)
    for model in (PersonCount, PushCount):  # a count brought to zero leaves no row
        assert not model.objects.filter(n=0).exists(), (step, model)


def test_every_kind_of_write_keeps_the_sentence_counts(users):
    worker, boss = users["grid"], users["commander"]
    t: dict = {}
    steps = [
        ("report", lambda: t.update({n: _lead(users, c, n, DAY1) for n, c in enumerate(
            [Channel.SELF_REPORT, Channel.BIG_DATA, Channel.BIG_DATA, Channel.BIG_DATA, Channel.GRID_SCREENING,
             Channel.BIG_DATA, Channel.GRID_SCREENING])})),
        ("located", lambda: actions.do_record_attempt(t[1], AttemptKind.CALLED, now=DAY1 + dt.timedelta(minutes=5),
                                                      acting_user=worker)),
        ("unanswered", lambda: actions.do_record_attempt(t[2], AttemptKind.NO_ANSWER,
                                                         now=DAY1 + dt.timedelta(minutes=5), acting_user=worker)),
        ("hard to find", lambda: [actions.do_record_attempt(t[3], AttemptKind.NO_ANSWER, acting_user=worker,
                                                            now=DAY1 + dt.timedelta(minutes=k)) for k in range(3)]),
        ("outcome", lambda: actions.do_submit_outcome(t[0], Outcome.CONTROLLED, acting_user=worker,
                                                      measure_kind=MeasureKind.HOME_ISOLATION, now=DAY1)),
        ("approve", lambda: actions.do_review(t[0], ReviewDecision.APPROVED, now=DAY1, acting_user=boss)),
        ("outcome 2", lambda: actions.do_submit_outcome(t[2], Outcome.CLEARED, acting_user=worker, now=DAY1)),
        ("review return", lambda: actions.do_review(t[2], ReviewDecision.REJECTED, "地址不实", now=DAY1,
                                                    acting_user=boss)),
        ("not in county", lambda: (actions.do_submit_outcome(t[1], Outcome.NOT_IN_COUNTY, place="外地", now=DAY1,
                                                             acting_user=worker),
                                   actions.do_review(t[1], ReviewDecision.APPROVED, now=DAY1, acting_user=boss))),
        ("reassign", lambda: actions.do_reassign(t[5], _elsewhere(users), acting_user=boss)),
        ("escalate", lambda: escalate_overdue(now=DAY2)),
        ("pushed again after closing, from abroad", lambda: _lead(users, Channel.BIG_DATA, 0, DAY2,
                                                                  kind=LeadKind.FROM_ABROAD)),
        ("import: new, open, reopened", lambda: _import(users, (1, 2, 30, 31), DAY2 + dt.timedelta(hours=1))),
        ("import: abroad to a known person", lambda: _import(users, (4, 32), DAY2 + dt.timedelta(hours=2),
                                                             abroad=(4,))),
    ]
    for step, run in steps:
        run()
        _agree(users, step)
    a, b = t[4], t[6]
    pair = MergeCandidate.objects.create(person=a.person, other=b.person, reason="同手机号",
                                         division=users["grid"].division, module=Module.GRID_SCREENING)
    actions.do_merge(pair, now=DAY2, acting_user=boss)
    _agree(users, "merge")
    actions.do_unmerge(pair, acting_user=boss)
    _agree(users, "unmerge")
    c = MergeCandidate.objects.create(person=t[3].person, other=b.person, reason="同手机号",
                                      division=users["grid"].division, module=Module.GRID_SCREENING)
    actions.do_submit_outcome(t[3], Outcome.CLEARED, acting_user=worker, now=DAY2)
    actions.do_review(t[3], ReviewDecision.APPROVED, now=DAY2, acting_user=boss)
    actions.do_merge(c, now=DAY2, acting_user=boss)  # the kept person has no open task: the other's moves over
    _agree(users, "merge onto a settled person")
    actions.do_unmerge(c, acting_user=boss)
    _agree(users, "unmerge onto a settled person")
    whole = screening_figures(boss, DAY1.date(), DAY2.date())
    assert (whole.total, whole.by_channel["abroad"], whole.by_channel["self"], whole.settled) == (12, 2, 1, 1)
    push = push_figures(boss, DAY1.date(), DAY1.date())
    assert (push.pushed, push.verified, push.unreachable, push.in_progress) == (4, 3, 0, 1)


def test_a_rebuild_restores_the_sentence_counts(users):
    _lead(users, Channel.BIG_DATA, 0, DAY1)
    _lead(users, Channel.SELF_REPORT, 1, DAY1, kind=LeadKind.FROM_ABROAD)
    kept = stored_counts()
    PersonCount.objects.all().delete()
    PushCount.objects.update(n=7)
    done = rebuild_board_rollups()
    assert done["personcount"] == len(kept["personcount"]) == 2 and done["pushcount"] == 2
    assert stored_counts() == kept


def test_a_township_sees_the_persons_of_its_subtree(users):
    """Persons count where they are managed: a task moved to another township takes its person along."""
    v = _lead(users, Channel.BIG_DATA, 0, DAY1)
    day = DAY1.date()
    assert screening_figures(users["township"], day, day).total == 1
    elsewhere = _elsewhere(users)
    actions.do_reassign(v, elsewhere, acting_user=users["commander"])
    assert screening_figures(users["township"], day, day).total == 0
    assert screening_figures(users["commander"], day, day, division=Division.objects.get(
        pk=elsewhere.pk).parent.parent).total == 1


# The counts are read with the scope of the rows they count: persons', and leads'.

class TestPersonCountScope(InGrid, ScopeTests.Restrict):
    model = PersonCount
    scope_actions = ("view",)

    def make_object(self) -> PersonCount:
        return PersonCount.objects.create(day=DAY1.date(), division=self.grid(), channel=Channel.BIG_DATA,
                                          module=Module.BIG_DATA, abroad=False, settled=False, n=1)


class TestPushCountScope(InGrid, ScopeTests.Restrict):
    model = PushCount
    scope_actions = ("view",)

    def make_object(self) -> PushCount:
        return PushCount.objects.create(day=DAY1.date(), division=self.grid(), channel=Channel.BIG_DATA,
                                        module=Module.BIG_DATA, verified=False, unreachable=True, n=1)


def test_a_chunked_import_keeps_the_sentence_counts(users, monkeypatch):
    """Chunks planned ahead of their writing: persons met again in a later chunk (one now from
    abroad, one given an ID number), a repeated row, and a self-report between chunks."""
    r = resident_of_grid(users["grid"].division, 50)
    header = ["姓名", "身份证号", "手机号", "来源地", "到达时间", "现住址", "推送时间", "是否境外"]
    rows = [
        [r.name, r.id_number, r.phone, "北京", "2022-07-01", "", "", "否"],
        ["周二", "", "13811119002", "北京", "2022-07-01", "", "", "否"],
        ["赵一", outsider_id(31), "", "北京", "2022-07-01", "", "", "否"],
        [r.name, r.id_number, r.phone, "上海", "2022-07-02", "", "", "是"],
        ["周二", outsider_id(21), "13811119002", "天津", "2022-07-02", "", "", "否"],
        [r.name, r.id_number, r.phone, "北京", "2022-07-01", "", "", "否"],  # the first row again
        ["钱二", outsider_id(32), "", "北京", "2022-07-01", "", "", "否"],
    ]
    monkeypatch.setattr(imports, "IMPORT_CHUNK", 2)
    submitted = []

    def self_report_meanwhile(batch):
        if not submitted:
            submitted.append(actions.do_submit_lead(LeadInput(name="钱二", id_number=outsider_id(32),
                                                              phone="13811119032"),
                                                    channel=Channel.SELF_REPORT, acting_user=SYSTEM))

    data = csv_bytes(rows, header=header)
    batch = imports.create_lead_batch(data=data, file_name="c.csv", channel=Channel.BIG_DATA, source="",
                                      user=users["big_data_admin"], keep_file=False)
    assert imports.run_lead_import(batch, data, progress=self_report_meanwhile)["imported"] == 6
    _agree(users, "chunked import")
    day = timezone.localdate()
    f = screening_figures(users["commander"], day, day)
    assert (f.total, f.by_channel["abroad"], f.by_channel["self"], f.by_channel["big_data"]) == (4, 1, 1, 2)
