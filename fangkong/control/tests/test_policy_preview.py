"""A draft version tried on the persons under measure, then published with re-evaluation."""

from __future__ import annotations

import datetime as dt

from fangkong.core import audit
from fangkong.core.choices import AuditAction, MeasureKind
from fangkong.core.testkit import assert_audited

from .. import rules as R
from ..actions import do_create_draft, do_publish_policy, do_save_rule
from ..choices import MeasureStatus, PolicyStatus, RiskLevel
from ..models import Measure, PolicyVersion
from . import factories as F

D = dt.date


def _persons(v1):
    F.area(RiskLevel.MEDIUM, D(2022, 8, 1), township="增村镇")
    F.area(RiskLevel.LOW, D(2022, 8, 1), county="正定县")
    medium = [F.start(F.person(), D(2022, 8, 5), left_on=D(2022, 8, 4)) for _ in range(3)]
    low = F.start(F.person(), D(2022, 8, 5), left_on=D(2022, 8, 4), origin_county="正定县", origin_township="")
    return medium, low


def test_it_previews_who_would_change_under_a_draft(db, users):
    v1 = F.standard_policy()
    medium, low = _persons(v1)
    assert medium[0].kind == MeasureKind.HOME_ISOLATION and low.kind == MeasureKind.HEALTH_MONITORING
    with audit.audit_context(actor=users["cdc"]):
        draft = do_create_draft(v1, acting_user=users["cdc"])
        rule = draft.rules.get(name="中风险区")
        rule.name = "中风险区(调整)"
        # Medium-risk now: 3 days central quarantine then 4 days home isolation.
        do_save_rule(rule, [(MeasureKind.CENTRAL_QUARANTINE, 3), (MeasureKind.HOME_ISOLATION, 4)], acting_user=users["cdc"])
    assert draft.status == PolicyStatus.DRAFT and draft.number == 2
    # On 6 August (plan day 2) the medium-risk persons would be in central quarantine.
    changed = R.reevaluate(draft, D(2022, 8, 6))
    assert sorted(changed.values_list("id", flat=True)) == sorted(m.pk for m in medium)
    assert {(c.kind, c.new_kind, c.new_plan_days) for c in changed} == {
        (MeasureKind.HOME_ISOLATION, MeasureKind.CENTRAL_QUARANTINE, 7)}
    assert R.preview_summary(changed) == [
        {"kind": MeasureKind.HOME_ISOLATION, "new_kind": MeasureKind.CENTRAL_QUARANTINE, "n": 3}]
    # On 9 August (plan day 5) they are past the 3 central days: same kind, same 7-day total.
    # The low-risk person's 3 days are over (waiting for release): unchanged as well.
    assert R.reevaluate(draft, D(2022, 8, 9)).count() == 0
    # The version in force itself changes nobody.
    assert R.reevaluate(v1, D(2022, 8, 6)).count() == 0


def test_it_lists_persons_a_draft_would_release(db, users):
    v1 = F.standard_policy()
    _, low = _persons(v1)
    with audit.audit_context(actor=users["cdc"]):
        draft = do_create_draft(v1, acting_user=users["cdc"])
        draft.rules.get(name="低风险区").delete()
    changed = list(R.reevaluate(draft, D(2022, 8, 6)))
    assert [(c.pk, c.new_kind, c.new_rule) for c in changed] == [(low.pk, "", None)]


def test_it_publishes_and_moves_changed_persons_keeping_days_served(db, users):
    v1 = F.standard_policy()
    medium, low = _persons(v1)
    with audit.audit_context(actor=users["cdc"]):
        draft = do_create_draft(v1, acting_user=users["cdc"])
        do_save_rule(draft.rules.get(name="中风险区"), [(MeasureKind.CENTRAL_QUARANTINE, 3), (MeasureKind.HOME_ISOLATION, 4)], acting_user=users["cdc"])
        moved = do_publish_policy(draft, reapply=True, on=D(2022, 8, 6), acting_user=users["cdc"])
    assert moved == 3
    v1.refresh_from_db()
    draft.refresh_from_db()
    assert (v1.status, draft.status) == (PolicyStatus.RETIRED, PolicyStatus.PUBLISHED)
    assert PolicyVersion.in_force() == draft
    for old in medium:
        old.refresh_from_db()
        assert old.status == MeasureStatus.SUPERSEDED
        new = Measure.objects.get(previous=old)
        # Plan day 1 stays 5 August: central quarantine ends on 8 August (3 days).
        assert (new.kind, new.status, new.plan_start_on, new.starts_on, new.ends_on) == (
            MeasureKind.CENTRAL_QUARANTINE, MeasureStatus.ACTIVE, D(2022, 8, 5), D(2022, 8, 6), D(2022, 8, 8))
        assert new.policy_version == draft
        # Tests of the new step still ahead: day 3 (7 Aug); day 1 (5 Aug) lies in the past.
        assert list(new.tests.values_list("day", flat=True)) == [3]
        assert_audited(AuditAction.ACTION, old, verb="reapply_policy")
    assert Measure.objects.get(pk=low.pk).status == MeasureStatus.ACTIVE
    assert_audited(AuditAction.ACTION, draft, actor=users["cdc"], verb="publish_policy")
    # Re-evaluating again changes nobody.
    assert R.reevaluate(draft, D(2022, 8, 6)).count() == 0


def test_it_refuses_editing_a_published_version(db, users):
    import pytest
    from django.core.exceptions import PermissionDenied, ValidationError

    v1 = F.standard_policy()
    with audit.audit_context(actor=users["cdc"]), pytest.raises(ValidationError):
        do_save_rule(v1.rules.first(), [(MeasureKind.HOME_MONITORING, 3)], acting_user=users["cdc"])
    with audit.audit_context(actor=users["grid"]), pytest.raises(PermissionDenied):
        do_create_draft(v1, acting_user=users["grid"])
