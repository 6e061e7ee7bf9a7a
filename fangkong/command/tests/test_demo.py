"""The demo county's headquarters: 一办六组六专班, dispatches in every state, a week of daily reports
with today's partly missing — so a new user sees the command pages filled."""

from __future__ import annotations

import datetime as dt
import random

from django.urls import reverse
from django.utils import timezone

from fangkong.command.choices import TaskStatus, UnitKind
from fangkong.command.models import DailyReport, Dispatch, DispatchTask, Unit
from fangkong.core.testkit import client_for
from fangkong.demo.command import seed_command


def test_the_demo_seeds_the_headquarters_dispatches_and_reports(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        summary = seed_command(random.Random(7), users["commander"])
    assert "指挥部单位" in summary
    kinds = [u.kind for u in Unit.objects.all()]
    assert kinds.count(UnitKind.OFFICE) == 1 and kinds.count(UnitKind.GROUP) == 6
    assert kinds.count(UnitKind.TASK_FORCE) == 6 and kinds.count(UnitKind.HEADQUARTERS) == 1
    assert kinds.count(UnitKind.TOWNSHIP) == users["commander"].division.descendants().filter(level="township").count()
    force = Unit.objects.get(name="坝上旅游工作专班")
    assert force.members.exclude(seconded_from="").count() == 4
    statuses = set(DispatchTask.objects.values_list("status", flat=True))
    assert statuses >= {TaskStatus.ISSUED, TaskStatus.ACKNOWLEDGED, TaskStatus.DONE, TaskStatus.RETURNED,
                        TaskStatus.SIGNED_OFF}
    assert DispatchTask.objects.filter(escalation_level__gt=0).exists()
    assert Dispatch.objects.filter(sender_unit__name="流调溯源专班").exists()
    assert DailyReport.objects.filter(late=True).exists() and DailyReport.objects.filter(nothing_to_report=True).exists()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    page = client_for(users["commander"]).get(reverse("command:report_overview"), {"day": yesterday.isoformat()})
    assert page.status_code == 200 and page.context["states"]
    assert seed_command(random.Random(7), users["commander"]) == "指挥部架构已存在"


def test_the_demo_seeds_supervision_and_this_weeks_duty(users, django_capture_on_commit_callbacks):
    from fangkong.command.choices import FindingStatus
    from fangkong.command.models import DutyLogEntry, DutyShift, DutySwap, Finding, SupervisionVisit
    from fangkong.command.models.duty import on_duty_at

    with django_capture_on_commit_callbacks(execute=True):
        summary = seed_command(random.Random(7), users["commander"])
    assert "督导" in summary and "值班" in summary
    assert Unit.objects.filter(kind=UnitKind.SUPERVISION).count() == 2
    assert SupervisionVisit.objects.filter(unannounced=True).exists()
    statuses = set(Finding.objects.values_list("status", flat=True))
    assert statuses >= {FindingStatus.OPEN, FindingStatus.RECTIFYING, FindingStatus.RECHECK, FindingStatus.PASSED}
    assert Finding.objects.filter(recheck_failed__gt=0).exists()
    office_now = on_duty_at().filter(unit__kind=UnitKind.OFFICE).get()
    assert office_now.leader.phone and (office_now.officer is None or office_now.officer.pk)
    assert DutyShift.objects.filter(officer__isnull=True).exists() and DutySwap.objects.exists()
    assert DutyLogEntry.objects.exists()
    page = client_for(users["commander"]).get(reverse("command:on_duty"))
    assert page.status_code == 200 and f'href="tel:{office_now.leader.phone}"' in page.content.decode()
