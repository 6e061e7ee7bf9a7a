"""Release only when every scheduled test is negative; early release, extension, next step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fangkong.core import audit
from fangkong.core.choices import AuditAction, MeasureKind
from fangkong.core.testkit import assert_audited

from ..actions import (
    do_early_release,
    do_extend_measure,
    do_record_test_result,
    do_release_measure,
    missing_for_release,
)
from ..choices import ContactType, MeasureStatus, TestStatus
from ..models import ScheduledTest
from . import factories as F

D = dt.date


START = D(2022, 8, 1)


def _close_contact(on=START):
    F.standard_policy()
    return F.start(F.person(), on, contact_type=ContactType.CLOSE_CONTACT)


def test_it_refuses_release_while_a_test_is_missing(db, users):
    m = _close_contact()
    tests = list(m.tests.order_by("day"))
    with audit.audit_context(actor=users["commander"]):
        for t in tests[:-1]:
            do_record_test_result(t, result=TestStatus.NEGATIVE, acting_user=users["commander"])
        do_record_test_result(tests[1], result=TestStatus.INVALID, acting_user=users["commander"])
        with pytest.raises(ValidationError) as exc:
            do_release_measure(m, on=D(2022, 8, 8), acting_user=users["commander"])
    assert exc.value.messages == [
        "不能解除,以下事项未完成:",
        "第2天核酸检测(应检日期2022-08-02)结果无效,需重新检测",
        "第7天核酸检测(应检日期2022-08-07)尚无结果",
    ]
    m.refresh_from_db()
    assert m.status == MeasureStatus.ACTIVE


def test_it_refuses_release_before_the_end_of_the_period(db):
    m = _close_contact()
    assert missing_for_release(m, D(2022, 8, 3))[0] == "管控期未满:解除日期为2022-08-08"
    assert "第5天核酸检测(应检日期2022-08-05)未到检测日" in missing_for_release(m, D(2022, 8, 3))


def test_it_releases_after_negative_tests_and_starts_the_next_step(db, users):
    m = _close_contact()
    with audit.audit_context(actor=users["commander"]):
        for t in m.tests.all():
            do_record_test_result(t, result=TestStatus.NEGATIVE, acting_user=users["commander"])
        nxt = do_release_measure(m, on=D(2022, 8, 8), acting_user=users["commander"])
    m.refresh_from_db()
    assert m.status == MeasureStatus.RELEASED and m.released_by == users["commander"]
    assert_audited(AuditAction.ACTION, m, actor=users["commander"], verb="release_measure")
    assert (nxt.kind, nxt.starts_on, nxt.ends_on, nxt.previous_id) == (
        MeasureKind.HOME_MONITORING, D(2022, 8, 8), D(2022, 8, 11), m.pk)
    assert nxt.rule == m.rule and nxt.tests.count() == 0  # days 1–7 were all in the central step
    with audit.audit_context(actor=users["commander"]):
        assert do_release_measure(nxt, on=D(2022, 8, 11), acting_user=users["commander"]) is None


def test_it_lets_only_a_doctor_release_early_with_a_reason(db, users):
    m = _close_contact()
    with audit.audit_context(actor=users["grid"]), pytest.raises(PermissionDenied):
        do_early_release(m, reason="误判", acting_user=users["grid"])
    with audit.audit_context(actor=users["cdc"]):
        with pytest.raises(ValidationError):
            do_early_release(m, reason=" ", acting_user=users["cdc"])
        do_early_release(m, reason="经流调排除密接", acting_user=users["cdc"])
    m.refresh_from_db()
    assert (m.status, m.release_reason) == (MeasureStatus.EARLY_RELEASED, "经流调排除密接")
    assert_audited(AuditAction.ACTION, m, actor=users["cdc"], verb="early_release_measure")


def test_it_extends_and_adds_a_test_on_the_new_last_day(db, users):
    m = _close_contact()
    with audit.audit_context(actor=users["cdc"]):
        do_extend_measure(m, days=3, reason="第5天抗原弱阳", acting_user=users["cdc"])
    m.refresh_from_db()
    assert (m.ends_on, m.extended_days) == (D(2022, 8, 11), 3)
    assert ScheduledTest.objects.filter(measure=m, day=10, due_on=D(2022, 8, 10)).exists()
    row = assert_audited(AuditAction.ACTION, m, verb="extend_measure")
    assert row.changes["reason"] == [None, "第5天抗原弱阳"]


def test_it_refuses_a_second_active_measure(db):
    m = _close_contact()
    with pytest.raises(ValidationError):
        F.start(m.person, D(2022, 8, 2), contact_type=ContactType.CLOSE_CONTACT)
