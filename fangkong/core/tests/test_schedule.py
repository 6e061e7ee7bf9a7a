import datetime as dt

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django.utils.module_loading import import_string

from fangkong.core.schedule import SCHEDULE, Periodic, due, enqueue_due

T0 = dt.datetime(2022, 8, 8, 9, 0, tzinfo=dt.UTC)
EVERY_MINUTE = Periodic("fangkong.screening.jobs.escalate_overdue_task", dt.timedelta(minutes=1), "x")
DAILY = Periodic("fangkong.core.jobs.prune_audit_log_task", dt.timedelta(days=1), "y")


def test_it_runs_every_job_at_start_and_then_by_interval():
    last: dict = {}
    assert due((EVERY_MINUTE, DAILY), last, T0) == [EVERY_MINUTE, DAILY]
    last = {EVERY_MINUTE.task: T0, DAILY.task: T0}
    assert due((EVERY_MINUTE, DAILY), last, T0 + dt.timedelta(seconds=59)) == []
    assert due((EVERY_MINUTE, DAILY), last, T0 + dt.timedelta(minutes=1)) == [EVERY_MINUTE]
    assert due((EVERY_MINUTE, DAILY), last, T0 + dt.timedelta(days=1)) == [EVERY_MINUTE, DAILY]


def test_every_scheduled_job_is_a_task():
    for job in SCHEDULE:
        assert hasattr(import_string(job.task), "enqueue"), job.task


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_it_enqueues_due_jobs_once_per_interval(db):
    from django_tasks import default_task_backend

    default_task_backend.clear()
    last: dict = {}
    now = timezone.now()
    assert enqueue_due(last, now) == [job.task for job in SCHEDULE]
    assert enqueue_due(last, now + dt.timedelta(seconds=30)) == []
    assert len(default_task_backend.results) == len(SCHEDULE)


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_the_command_enqueues_once_and_exits(db, capsys):
    call_command("run_scheduler", "--once")
    assert capsys.readouterr().out.count("enqueued") == len(SCHEDULE)
