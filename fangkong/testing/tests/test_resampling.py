import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from fangkong.core import audit
from fangkong.core.models import AuditLog, Notification
from fangkong.core.signals import result_recorded
from fangkong.core.testkit import assert_audited, client_for
from fangkong.testing import actions, results
from fangkong.testing.choices import ResamplingCause, TaskStatus
from fangkong.testing.ingest import ResultRow, ingest_results, new_batch
from fangkong.testing.models import ResamplingTask

from .conftest import NOW, pool, present


def test_it_flags_every_member_of_a_positive_pool_with_a_door_task(users, site, rnd, village):
    people = present(village, 10)
    with audit.audit_context(users["village"]):
        sample = pool(site, rnd, people, "P0001", by=users["village"])
    assert sample.status == "sealed" and sample.members == 10  # a full tube seals itself
    with audit.audit_context(users["lab"]):
        counts = ingest_results([ResultRow(2, "P0001", "positive", 28.1, 30.2, NOW + dt.timedelta(hours=5))],
                                new_batch(users["lab"]), now=NOW + dt.timedelta(hours=5))
    assert counts["changed"] == 1 and counts["resampling_tasks"] == 10
    tasks = ResamplingTask.objects.filter(source_sample=sample)
    assert {t.id_number for t in tasks} == {p.id_number for p in people}
    for t in tasks:
        assert t.cause == ResamplingCause.POOL_POSITIVE and t.status == TaskStatus.OPEN
        assert t.due_at == NOW + dt.timedelta(hours=5 + results.RESAMPLE_HOURS)
        assert t.assignee is not None and t.assignee.division_id == t.division_id
    assert AuditLog.objects.filter(verb="create_resampling", object_type="testing.resamplingtask").count() == 10
    workers = {t.assignee_id for t in tasks}
    assert Notification.objects.filter(user_id__in=workers, kind="alert", title__startswith="上门单采").count() == len(workers)
    # No individual alert for a pool: the command centre is alerted on an individual positive only.
    assert not Notification.objects.filter(user=users["commander"], title__startswith="核酸单管阳性").exists()


def test_it_completes_the_task_with_a_single_tube_and_alerts_on_an_individual_positive(users, site, rnd, village):
    people = present(village, 5)
    with audit.audit_context(users["village"]):
        pool(site, rnd, people, "P0002", capacity=5, by=users["village"])
    ingest_results([ResultRow(2, "P0002", "positive", 30.0, None, NOW)], new_batch(users["lab"]), now=NOW)
    task = ResamplingTask.objects.get(source_sample__barcode="P0002", id_number=people[0].id_number)
    with audit.audit_context(users["grid"]):
        single = pool(None, rnd, [people[0]], "S0001", capacity=1, by=users["grid"])
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.done_sample == single
    assert_audited("update", task, verb="complete_resampling")
    received = []

    def listener(sender, **kw):
        received.append(kw)

    from fangkong.screening.models import Person

    Person.objects.create(name=people[0].name, id_number=people[0].id_number, resident=people[0],
                          division=people[0].grid)
    result_recorded.connect(listener)
    try:
        with audit.audit_context(users["lab"]), __import__("django").test.TestCase.captureOnCommitCallbacks(
                execute=True):
            actions.do_record_result(single, "positive", ct_orf1ab=25.0, resulted_at=NOW + dt.timedelta(hours=9),
                                     acting_user=users["lab"])
    finally:
        result_recorded.disconnect(listener)
    alert = Notification.objects.get(user=users["commander"], kind="alert", title__startswith="核酸单管阳性")
    assert client_for(users["commander"]).get(alert.url).status_code == 200  # the alert links to a page
    assert Notification.objects.filter(user=users["cdc"], kind="alert").exists()
    assert [r["id_number"] for r in received] == [people[0].id_number]
    assert received[0]["result"] == "positive" and received[0]["kind"] == "pcr_test"


def test_it_sends_result_recorded_for_each_member_of_a_negative_pool(users, site, rnd, village, django_capture_on_commit_callbacks):
    from fangkong.screening.models import Person

    people = present(village, 4)
    for p in people[:3]:  # people known to screening; the fourth is not and gets no signal
        Person.objects.create(name=p.name, id_number=p.id_number, resident=p, division=p.grid)
    pool(site, rnd, people, "P0003", capacity=5, by=users["village"])
    received = []
    result_recorded.connect(lambda sender, **kw: received.append(kw["id_number"]), weak=False, dispatch_uid="t1")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            ingest_results([ResultRow(2, "P0003", "negative", None, None, NOW)], new_batch(users["lab"]), now=NOW)
    finally:
        result_recorded.disconnect(dispatch_uid="t1")
    assert sorted(received) == sorted(p.id_number for p in people[:3])
    assert not ResamplingTask.objects.filter(source_sample__barcode="P0003").exists()


def test_it_reminds_overdue_tasks_once(users, site, rnd, village):
    from fangkong.testing.jobs import flag_overdue_resampling

    pool(site, rnd, present(village, 2), "P0004", capacity=5, by=users["village"])
    ingest_results([ResultRow(2, "P0004", "invalid", None, None, NOW)], new_batch(users["lab"]), now=NOW)
    assert ResamplingTask.objects.filter(cause=ResamplingCause.POOL_INVALID).count() == 2
    later = NOW + dt.timedelta(hours=results.RESAMPLE_HOURS + 1)
    with pytest.raises(PermissionDenied):
        results.do_flag_overdue_resampling(now=later, acting_user=users["commander"])  # the platform's job only
    assert flag_overdue_resampling(now=later) == 2
    assert flag_overdue_resampling(now=later) == 0
    assert AuditLog.objects.filter(verb="flag_overdue_resampling", actor=None).count() == 2
