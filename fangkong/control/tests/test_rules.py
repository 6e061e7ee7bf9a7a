"""Rule matching on the edge days, risk-area history, plans and test schedules."""

from __future__ import annotations

import datetime as dt

from fangkong.core.choices import MeasureKind

from .. import rules as R
from ..choices import ContactType, OriginLevel, RiskLevel
from ..models import ScheduledTest
from . import factories as F

D = dt.date


def test_it_matches_day_7_but_not_day_8_after_leaving_a_medium_risk_area(db):
    v = F.standard_policy()
    F.area(RiskLevel.MEDIUM, D(2022, 7, 25), township="增村镇")
    day7 = F.exposure_from(F.person(), D(2022, 8, 8), left_on=D(2022, 8, 1))
    day8 = F.exposure_from(F.person(), D(2022, 8, 9), left_on=D(2022, 8, 1))
    assert (day7.origin_level, day7.days_since_leaving) == (OriginLevel.MEDIUM, 7)
    assert R.match_rule(v, day7).name == "中风险区"
    assert day8.days_since_leaving == 8
    assert R.match_rule(v, day8) is None


def test_it_uses_the_level_on_the_day_of_leaving_for_an_area_lifted_yesterday(db):
    v = F.standard_policy()
    # Medium-risk from 1 August, lifted on 10 August (the first day it no longer applies).
    F.area(RiskLevel.MEDIUM, D(2022, 8, 1), lifted_on=D(2022, 8, 10), township="增村镇")
    left_before = F.exposure_from(F.person(), D(2022, 8, 11), left_on=D(2022, 8, 9))
    left_after = F.exposure_from(F.person(), D(2022, 8, 11), left_on=D(2022, 8, 10))
    assert R.match_rule(v, left_before).name == "中风险区"
    assert left_after.origin_level == OriginLevel.NONE
    assert R.match_rule(v, left_after) is None


def test_it_answers_whether_a_place_was_medium_risk_on_a_day(db):
    F.area(RiskLevel.HIGH, D(2022, 8, 1), lifted_on=D(2022, 8, 5), township="增村镇")
    F.area(RiskLevel.MEDIUM, D(2022, 8, 5), lifted_on=D(2022, 8, 12), township="增村镇")
    names = {"province": "河北省", "city": "石家庄市", "county": "藁城区", "township": "增村镇", "community": "小果庄村"}
    assert R.origin_level_on(names, D(2022, 8, 4)) == RiskLevel.HIGH
    assert R.origin_level_on(names, D(2022, 8, 8)) == RiskLevel.MEDIUM
    assert R.origin_level_on(names, D(2022, 8, 12)) == OriginLevel.NONE
    # A county-wide listing covers all its townships; the worst level wins.
    F.area(RiskLevel.LOW, D(2022, 8, 1))
    assert R.origin_level_on(names, D(2022, 8, 8)) == RiskLevel.MEDIUM
    assert R.origin_level_on({**names, "township": "廉州镇"}, D(2022, 8, 8)) == RiskLevel.LOW


def test_it_takes_the_first_matching_rule_by_priority(db):
    v = F.standard_policy()
    F.area(RiskLevel.HIGH, D(2022, 8, 1))
    # A close contact from a high-risk area: the close-contact rule (priority 1) wins.
    e = F.exposure_from(F.person(), D(2022, 8, 3), left_on=D(2022, 8, 2), contact_type=ContactType.CLOSE_CONTACT)
    assert R.match_rule(v, e).name == "密接"
    abroad = F.exposure_from(F.person(), D(2022, 8, 3), from_abroad=True)
    assert R.match_rule(v, abroad).name == "境外返回"


def test_it_generates_the_plan_and_the_test_schedule(db):
    F.standard_policy()
    F.area(RiskLevel.HIGH, D(2022, 8, 1))
    m = F.start(F.person(), D(2022, 8, 3), left_on=D(2022, 8, 2), contact_type=ContactType.CLOSE_CONTACT)
    assert (m.kind, m.starts_on, m.ends_on, m.plan_days) == (MeasureKind.CENTRAL_QUARANTINE, D(2022, 8, 3),
                                                             D(2022, 8, 10), 10)
    assert m.policy_version.number == 1 and m.rule.name == "密接"
    due = list(ScheduledTest.objects.filter(measure=m).values_list("day", "due_on"))
    assert due == [(1, D(2022, 8, 3)), (2, D(2022, 8, 4)), (3, D(2022, 8, 5)), (5, D(2022, 8, 7)), (7, D(2022, 8, 9))]


def test_it_puts_tests_in_the_step_they_fall_in():
    plan = [(MeasureKind.CENTRAL_QUARANTINE, 7), (MeasureKind.HOME_MONITORING, 3)]
    chain = R.plan_chain(plan, D(2022, 8, 1))
    assert [(s.starts_on, s.ends_on) for s in chain] == [(D(2022, 8, 1), D(2022, 8, 8)), (D(2022, 8, 8), D(2022, 8, 11))]
    days = [1, 3, 7, 10, 12]
    assert [d for d, _ in R.tests_in_step(days, chain, chain[0])] == [1, 3, 7]
    # Day 12 lies past the plan: it belongs to the last step.
    assert [d for d, _ in R.tests_in_step(days, chain, chain[1])] == [10, 12]
    assert R.step_on(plan, D(2022, 8, 1), D(2022, 8, 8)).kind == MeasureKind.HOME_MONITORING
    assert R.step_on(plan, D(2022, 8, 1), D(2022, 8, 11)) is None


def test_it_audits_each_exposure_whose_origin_level_changes(db, users):
    from fangkong.core.choices import AuditAction
    from fangkong.core.models import AuditLog

    from ..areas import do_apply_risk_areas, plan_changes, read_text

    e = F.exposure_from(F.person(), D(2022, 8, 5), left_on=D(2022, 8, 3))
    untouched = F.exposure_from(F.person(), D(2022, 8, 5), left_on=D(2022, 8, 3), origin_province="山西省")
    rows, _ = read_text("河北省,石家庄市,藁城区,增村镇,,高风险,2022-08-01\n")
    do_apply_risk_areas(plan_changes(rows), source="省指挥部", acting_user=users["cdc"])
    e.refresh_from_db()
    assert e.origin_level == OriginLevel.HIGH
    rows = AuditLog.objects.filter(verb="refresh_origin_level", action=AuditAction.UPDATE)
    assert [(r.object_id, r.changes, r.actor) for r in rows] == [
        (str(e.pk), {"origin_level": [OriginLevel.NONE, OriginLevel.HIGH]}, users["cdc"])]
    assert rows[0].division_path == e.person.division.path
    assert R.refresh_origin_levels() == 0  # nothing changes twice
    untouched.refresh_from_db()
    assert untouched.origin_level == OriginLevel.NONE
