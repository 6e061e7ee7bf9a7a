"""001's two sentences from named figures: the known data set of the board tests, edge cases, and
the rule that every sentence's parts add up to its whole."""

from __future__ import annotations

import datetime as dt

from fangkong.core.choices import MeasureKind
from fangkong.metrics import catalog
from fangkong.metrics.screening import push_figures, push_sentence, screening_figures, screening_sentence
from fangkong.screening.choices import BoardMetric, Channel, LeadKind, Outcome
from fangkong.screening.tests.test_reports import TZ, _close, _lead


def _first(user, start, end, today):
    return screening_sentence(screening_figures(user, start, end), today=today)


def _push(user, start, end, today):
    return push_sentence(push_figures(user, start, end), today=today)


def _assert_adds_up(f) -> None:
    assert sum(f.by_channel.values()) == f.total
    assert f.measured + f.closed_otherwise == f.settled
    assert f.settled + f.verifying == f.total


def test_it_writes_the_first_001_sentence(users, known):
    start, end = dt.date(2022, 7, 1), dt.date(2022, 7, 1)
    assert _first(users["commander"], start, end, today=end) == (
        "今日，共排查涉疫风险人员8人（其中自主报备和基层排查3人、大数据推送3人、协查推送1人、境外返回1人），"
        "均落实相关管控措施（其中集中隔离2人、居家医学观察2人、健康监测4人）。")
    assert _first(users["commander"], start, dt.date(2022, 7, 2), today=dt.date(2022, 7, 2)) == (
        "七月以来，共排查涉疫风险人员12人（其中自主报备和基层排查3人、大数据推送7人、协查推送1人、境外返回1人），"
        "已落实相关管控措施8人（其中集中隔离2人、居家医学观察2人、健康监测4人），其余4人正在核查。")


def test_it_writes_the_push_sentence(users, known):
    day = dt.date(2022, 7, 2)
    assert _push(users["commander"], day, day, today=day) == (
        "今日推送数据4条，已核实2条，其中剩余1条正在落地核查，剩余1条数据无人接听，正在核实。")
    assert _push(users["commander"], dt.date(2022, 7, 1), dt.date(2022, 7, 1), today=day) == (
        "7月1日推送数据4条，已核实4条。")


def test_the_first_sentence_counts_each_person_by_first_lead_and_last_closed_task(users):
    """One person twice controlled (the later measure counts), one cleared then pushed again (open:
    still being verified), one self-reported and then pushed as back from abroad (境外返回)."""
    d1, d2 = dt.datetime(2022, 7, 10, 9, 0, tzinfo=TZ), dt.datetime(2022, 7, 11, 9, 0, tzinfo=TZ)
    twice = _lead(users, Channel.BIG_DATA, 20, d1)
    _close(users, twice, Outcome.CONTROLLED, MeasureKind.HOME_ISOLATION, now=d1 + dt.timedelta(hours=2))
    again = _lead(users, Channel.BIG_DATA, 20, d2, origin="上海")  # another push, not the same row again
    assert again.pk != twice.pk
    _close(users, again, Outcome.CONTROLLED, MeasureKind.CENTRAL_QUARANTINE, now=d2 + dt.timedelta(hours=2))
    cleared = _lead(users, Channel.BIG_DATA, 21, d1)
    _close(users, cleared, Outcome.CLEARED, now=d1 + dt.timedelta(hours=3))
    _lead(users, Channel.BIG_DATA, 21, d2, origin="上海")
    _lead(users, Channel.SELF_REPORT, 22, d1)
    _lead(users, Channel.BIG_DATA, 22, d2, kind=LeadKind.FROM_ABROAD)
    start, end = d1.date(), d2.date()
    assert _first(users["commander"], start, end, today=dt.date(2022, 7, 20)) == (
        "7月10日至7月11日，共排查涉疫风险人员3人（其中自主报备和基层排查0人、大数据推送2人、协查推送0人、境外返回1人），"
        "已落实相关管控措施1人（其中集中隔离1人、居家医学观察0人、健康监测0人），其余2人正在核查。")
    # A person counts on the day of their first lead, in the bucket their leads give them now (the
    # self-reporter pushed back from abroad the next day counts as 境外返回 on the first day too).
    assert _first(users["commander"], start, start, today=dt.date(2022, 7, 20)) == (
        "7月10日，共排查涉疫风险人员3人（其中自主报备和基层排查0人、大数据推送2人、协查推送0人、境外返回1人），"
        "已落实相关管控措施1人（其中集中隔离1人、居家医学观察0人、健康监测0人），其余2人正在核查。")
    assert "共排查涉疫风险人员0人" in _first(users["grid_other"], start, end, today=end)
    assert "共排查涉疫风险人员0人" in _first(users["commander"], end, end, today=end)  # none first pushed on d2


def test_every_channel_and_every_outcome_has_a_part_so_the_sentence_adds_up(users):
    """Contacts and hard-to-find pushes were left out of the parts (253 of 293 in the field test),
    and persons found not to be in the county of the measures: each now has its part."""
    d = dt.datetime(2022, 8, 3, 9, 0, tzinfo=TZ)
    _close(users, _lead(users, Channel.CLOSE_CONTACT, 30, d), Outcome.CONTROLLED, MeasureKind.CENTRAL_QUARANTINE,
           now=d + dt.timedelta(hours=1))
    _lead(users, Channel.SECONDARY_CONTACT, 31, d)
    _close(users, _lead(users, Channel.HARD_TO_FIND, 32, d), Outcome.NOT_IN_COUNTY, now=d + dt.timedelta(hours=1))
    _close(users, _lead(users, Channel.SELF_REPORT, 33, d), Outcome.CLEARED, now=d + dt.timedelta(hours=1))
    f = screening_figures(users["commander"], d.date(), d.date())
    _assert_adds_up(f)
    assert (f.total, f.by_channel["contacts"], f.by_channel["hard_to_find"], f.closed_otherwise) == (4, 2, 1, 1)
    assert screening_sentence(f, today=dt.date(2022, 8, 20)) == (
        "8月3日，共排查涉疫风险人员4人（其中自主报备和基层排查1人、大数据推送0人、协查推送0人、境外返回0人、"
        "密接、次密接推送2人、难查数据1人），已落实相关管控措施2人（其中集中隔离1人、居家医学观察0人、健康监测1人），"
        "经核查不在本县、信息错误、无法联系或重复1人，其余1人正在核查。")


def test_the_figures_add_up_on_the_known_data_set(users, known):
    for start, end in ((dt.date(2022, 7, 1),) * 2, (dt.date(2022, 7, 2),) * 2,
                       (dt.date(2022, 7, 1), dt.date(2022, 7, 2))):
        _assert_adds_up(screening_figures(users["commander"], start, end))
        p = push_figures(users["commander"], start, end)
        assert p.verified + p.unreachable + p.in_progress == p.pushed and p.in_progress >= 0


def test_every_board_metric_has_a_named_definition():
    for m in BoardMetric:
        metric = catalog.get(f"board.{m.value}")
        assert str(metric.label) == str(m.label) and str(metric.definition)


def test_a_cleared_outcome_names_its_measure_once(users):
    """"排除风险(健康监测)(健康监测)" in the field test： the measure is added to 落地管控 only."""
    d = dt.datetime(2022, 8, 5, 9, 0, tzinfo=TZ)
    cleared = _lead(users, Channel.SELF_REPORT, 40, d)
    _close(users, cleared, Outcome.CLEARED, MeasureKind.HEALTH_MONITORING, now=d + dt.timedelta(hours=1))
    controlled = _lead(users, Channel.SELF_REPORT, 41, d)
    _close(users, controlled, Outcome.CONTROLLED, MeasureKind.CENTRAL_QUARANTINE, now=d + dt.timedelta(hours=1))
    cleared.refresh_from_db()
    controlled.refresh_from_db()
    assert cleared.outcome_label == str(Outcome.CLEARED.label)  # once, not twice
    assert controlled.outcome_label == f"{Outcome.CONTROLLED.label}（{MeasureKind.CENTRAL_QUARANTINE.label}）"


def test_sentinel_leads_have_their_part_of_the_first_sentence(users):
    """哨点监测 (#13 item 4): a pharmacy's buyer is counted in the sentence, under its own part."""
    d = dt.datetime(2022, 8, 3, 9, 0, tzinfo=TZ)
    _lead(users, Channel.SENTINEL, 34, d)
    f = screening_figures(users["commander"], d.date(), d.date())
    _assert_adds_up(f)
    assert f.by_channel["sentinel"] == 1
    assert "哨点监测报告1人" in screening_sentence(f, today=dt.date(2022, 8, 20))
