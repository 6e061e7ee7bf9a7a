"""Signals from screening and testing, and the alerts they raise."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from unittest import mock

from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditAction, MeasureKind, Module
from fangkong.core.models import Notification
from fangkong.core.testkit import assert_audited
from fangkong.screening.signals import person_controlled
from fangkong.testing.signals import result_recorded

from ..actions import do_check_in
from ..choices import CheckInSource, ContactType, RiskLevel, TestStatus
from ..models import Measure
from . import factories as F

D = dt.date


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def test_it_starts_the_measure_of_the_policy_in_force_when_a_person_is_controlled(db, users):
    F.standard_policy()
    F.area(RiskLevel.MEDIUM, D(2022, 8, 1), township="增村镇")
    p = F.person()
    lead = SimpleNamespace(channel=Module.BIG_DATA, origin_province="河北省", origin_city="石家庄市",
                           origin_county="藁城区", origin_township="增村镇", left_on=D(2022, 8, 4))
    with mock.patch("django.utils.timezone.localdate", return_value=D(2022, 8, 6)):
        person_controlled.send(sender=None, person=p, measure_kind=MeasureKind.HOME_ISOLATION,
                               verification=SimpleNamespace(lead=lead), actor=users["big_data_reviewer"])
    m = Measure.objects.get(person=p)
    assert (m.kind, m.rule.name, m.exposure.days_since_leaving, m.ends_on) == (
        MeasureKind.HOME_ISOLATION, "中风险区", 2, D(2022, 8, 13))
    assert m.responsible is not None and m.responsible.division == p.division  # the grid's worker
    row = assert_audited(AuditAction.ACTION, m, verb="start_measure_on_verify")
    assert row.actor is None and row.changes["verified_by"] == [None, "big_data_reviewer"]


def test_it_falls_back_to_the_reviewers_kind_without_a_matching_rule(db, users):
    F.standard_policy()
    p = F.person()
    person_controlled.send(sender=None, person=p, measure_kind=MeasureKind.HOME_MONITORING,
                           verification=object(), actor=users["big_data_reviewer"])
    m = Measure.objects.get(person=p)
    assert (m.kind, m.rule, m.ends_on - m.starts_on) == (MeasureKind.HOME_MONITORING, None, dt.timedelta(days=7))
    assert list(m.tests.values_list("day", flat=True)) == [1, 7]


def test_it_completes_the_scheduled_test_of_the_sampling_day(db, users):
    F.standard_policy()
    m = F.start(F.person(), D(2022, 8, 1), contact_type=ContactType.CLOSE_CONTACT)
    result_recorded.send(sender=None, resident=None, id_number=m.person.id_number, sampled_at=_at(D(2022, 8, 2)),
                         result="negative", kind="pcr_test", sample=None)
    assert dict(m.tests.values_list("day", "status")) == {1: "pending", 2: "negative", 3: "pending", 5: "pending",
                                                          7: "pending"}
    # A late sample completes the earliest overdue test.
    result_recorded.send(sender=None, resident=None, id_number=m.person.id_number, sampled_at=_at(D(2022, 8, 4)),
                         result="negative", kind="pcr_test", sample=None)
    assert m.tests.get(day=1).status == TestStatus.NEGATIVE
    assert m.tests.get(day=3).status == TestStatus.PENDING
    # Someone not under a measure: nothing happens.
    result_recorded.send(sender=None, resident=None, id_number="110101199003070000", sampled_at=_at(D(2022, 8, 4)),
                         result="positive", kind="pcr_test", sample=None)


def test_it_alerts_the_command_centre_at_once_on_a_positive(db, users):
    F.standard_policy()
    m = F.start(F.person(), D(2022, 8, 1), contact_type=ContactType.CLOSE_CONTACT)
    with mock.patch("django.db.transaction.on_commit", side_effect=lambda fn, *a, **k: fn()):
        result_recorded.send(sender=None, resident=None, id_number=m.person.id_number, sampled_at=_at(D(2022, 8, 3)),
                             result="positive", kind="pcr_test", sample=None)
    assert m.tests.get(day=3).status == TestStatus.POSITIVE
    alerts = Notification.objects.filter(kind="alert", title__startswith="管控人员核酸阳性")
    assert {n.user.username for n in alerts} >= {"commander", "cdc"}


def test_it_alerts_at_once_on_a_symptom_check_in(db, users):
    F.standard_policy()
    m = F.start(F.person(), D(2022, 8, 1), contact_type=ContactType.CLOSE_CONTACT)
    with mock.patch("django.db.transaction.on_commit", side_effect=lambda fn, *a, **k: fn()):
        do_check_in(m, source=CheckInSource.SELF, temperature=36.5, symptoms=[], acting_user=SYSTEM)
        assert not Notification.objects.filter(kind="alert").exists()
        c = do_check_in(m, source=CheckInSource.SELF, temperature=37.6, symptoms=["cough"], acting_user=SYSTEM)
    assert c.abnormal
    assert Notification.objects.filter(kind="alert", user=users["commander"], title__startswith="管控人员健康异常").exists()


def test_it_ignores_mass_results_of_persons_without_pending_tests(db, django_assert_max_num_queries):
    from .. import pending

    F.standard_policy()
    m = F.start(F.person(), D(2022, 8, 1), contact_type=ContactType.CLOSE_CONTACT)
    pending.forget()
    with django_assert_max_num_queries(1):  # one query fills the set, then none per signal
        for i in range(200):
            result_recorded.send(sender=None, resident=None, id_number=f"11010119900307{i:04d}",
                                 sampled_at=_at(D(2022, 8, 2)), result="negative", kind="pcr_test", sample=None)
    result_recorded.send(sender=None, resident=None, id_number=m.person.id_number, sampled_at=_at(D(2022, 8, 1)),
                         result="negative", kind="pcr_test", sample=None)
    assert m.tests.get(day=1).status == TestStatus.NEGATIVE
