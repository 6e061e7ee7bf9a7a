"""Notifications that stand for work are resolved when the work is done, and the command centre
hears of overdue tasks once an hour (#18 item 12: "待审核" stayed after the approval, badge 37)."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.models import Notification
from fangkong.core.testkit import client_for
from fangkong.screening import actions, notices
from fangkong.screening.choices import BoardMetric, Channel, Outcome, ReviewDecision
from fangkong.screening.intake import LeadInput
from fangkong.screening.jobs import escalate_overdue
from fangkong.screening.models import MergeCandidate
from fangkong.screening.reports import metric_queryset

from .helpers import resident_of_grid

T0 = dt.datetime(2022, 7, 1, 8, 0, tzinfo=dt.UTC)


def _task(users, n=0, *, grid="grid", now=T0, channel=Channel.BIG_DATA):
    r = resident_of_grid(users[grid].division, n)
    lead, created = actions.do_submit_lead(LeadInput(name=r.name, id_number=r.id_number, phone=r.phone),
                                           channel=channel, now=now, acting_user=SYSTEM)
    assert created
    return lead.verification


def _open(user, **filters):
    return Notification.objects.filter(user=user, read_at__isnull=True, **filters)


def _badge(user) -> int:
    return client_for(user).get("/").context["unread_notifications"]


def test_it_resolves_the_reviewers_pending_item_when_someone_approves_the_task(users):
    v = _task(users)
    reviewer, url = users["big_data_reviewer"], notices.task_url(v.pk)
    actions.do_submit_outcome(v, Outcome.CLEARED, reason="行程不涉及风险地区", acting_user=users["grid"])
    (pending,) = _open(reviewer, url=url, title__startswith="待审核")
    badge = _badge(reviewer)
    actions.do_review(v, ReviewDecision.APPROVED, acting_user=users["commander"])  # the command centre approves
    pending.refresh_from_db()
    assert pending.read_at is not None
    assert _badge(reviewer) == badge - 1
    assert not Notification.objects.filter(url=url, read_at__isnull=True).exists()  # nothing about it is open


def test_it_resolves_review_on_rejection_and_the_rejection_on_resubmission(users):
    v = _task(users)
    grid, reviewer, url = users["grid"], users["big_data_reviewer"], notices.task_url(v.pk)
    actions.do_submit_outcome(v, Outcome.CLEARED, acting_user=grid)
    actions.do_review(v, ReviewDecision.REJECTED, "未采样,请补充", acting_user=reviewer)
    assert not _open(reviewer, url=url).exists()
    (rejected,) = _open(grid, url=url, kind=notices.REJECTED)
    actions.do_submit_outcome(v, Outcome.CLEARED, reason="已补充采样", acting_user=grid)
    rejected.refresh_from_db()
    assert rejected.read_at is not None
    assert _open(reviewer, url=url, title__startswith="待审核").count() == 1  # the new submission waits


def test_it_resolves_escalations_once_the_outcome_is_in(users):
    v = _task(users)  # located due T0 + 1 h
    url = notices.task_url(v.pk)
    assert escalate_overdue(now=T0 + dt.timedelta(hours=3, minutes=2)) == 1
    assert escalate_overdue(now=T0 + dt.timedelta(hours=6)) == 1
    assert _open(users["township"], url=url, kind=notices.ESCALATED).count() == 1
    assert _open(users["commander"], url=url, kind=notices.ESCALATED).count() == 1
    township_badge = _badge(users["township"])
    actions.do_submit_outcome(v, Outcome.CLEARED, reason="电话核实", acting_user=users["grid"])
    assert not Notification.objects.filter(url=url, kind=notices.ESCALATED, read_at__isnull=True).exists()
    assert _badge(users["township"]) == township_badge - 1


def test_it_resolves_the_assignment_once_the_assignee_has_nothing_left_to_verify(users):
    grid = users["grid"]
    first, second = _task(users, 0), _task(users, 1)
    assert first.assignee == grid == second.assignee
    assigned = list(_open(grid, kind=notices.ASSIGNED, url=notices.MY_TASKS_URL))
    assert assigned
    actions.do_submit_outcome(first, Outcome.CLEARED, acting_user=grid)
    assert _open(grid, kind=notices.ASSIGNED).count() == len(assigned)  # one task still to verify
    actions.do_submit_outcome(second, Outcome.CLEARED, acting_user=grid)
    assert not _open(grid, kind=notices.ASSIGNED).exists()


def test_it_resolves_what_was_about_a_task_closed_by_a_merge(users):
    keep, other = _task(users, 0), _task(users, 1)
    escalate_overdue(now=T0 + dt.timedelta(hours=3, minutes=2))
    assert _open(users["township"], kind=notices.ESCALATED).count() == 2
    candidate = MergeCandidate.objects.create(person=keep.person, other=other.person, reason="同一手机号",
                                              division=keep.division, module=keep.module)
    actions.do_merge(candidate, acting_user=users["commander"])
    assert not _open(users["township"], url=notices.task_url(other.pk)).exists()
    assert _open(users["township"], url=notices.task_url(keep.pk)).count() == 1  # still overdue


def test_it_sends_the_command_centre_and_the_module_lead_one_overdue_digest_an_hour(users):
    now = timezone.now()
    tasks = [_task(users, n, now=now - dt.timedelta(hours=3)) for n in range(3)]
    tasks.append(_task(users, 0, grid="grid_other", now=now - dt.timedelta(hours=3)))  # another township
    fresh = _task(users, 4, now=now)  # not overdue yet
    commander, lead = users["commander"], users["big_data_lead"]
    escalate_overdue(now=now)
    (digest,) = _open(commander, kind=notices.OVERDUE_DIGEST)
    overdue = metric_queryset(BoardMetric.OVERDUE, commander, now.date(), now.date(), now=now)
    assert overdue.count() == 4
    assert digest.title == "超时未办结核查任务 4 件"
    township, other = (users[g].division.parent.parent for g in ("grid", "grid_other"))
    assert f"{township.name} 3件" in digest.body and f"{other.name} 1件" in digest.body
    assert digest.url == "/screening/verifications/?metric=overdue"
    assert client_for(commander).get(digest.url).context["paginator"].count == 4  # the link lists them
    (lead_digest,) = _open(lead, kind=notices.OVERDUE_DIGEST)
    assert lead_digest.url.endswith("&module=big_data") and "4 件" in lead_digest.title
    assert not _open(users["self_report_lead"], kind=notices.OVERDUE_DIGEST).exists()  # none of theirs
    assert not _open(users["township"], kind=notices.OVERDUE_DIGEST).exists()
    # The job runs every minute; the digest at most once an hour.
    escalate_overdue(now=now + dt.timedelta(minutes=5))
    assert Notification.objects.filter(user=commander, kind=notices.OVERDUE_DIGEST).count() == 1
    # An hour later a new digest replaces the last one ...
    Notification.objects.filter(kind=notices.OVERDUE_DIGEST).update(created_at=F("created_at") - dt.timedelta(hours=1))
    escalate_overdue(now=now + dt.timedelta(minutes=61))
    digest.refresh_from_db()
    assert digest.read_at is not None and _open(commander, kind=notices.OVERDUE_DIGEST).count() == 1
    # ... and once nothing is overdue, the last one is resolved and no new one is sent.
    for v in [*tasks, fresh]:
        actions.do_submit_outcome(v, Outcome.CLEARED, acting_user=SYSTEM)
    Notification.objects.filter(kind=notices.OVERDUE_DIGEST).update(created_at=F("created_at") - dt.timedelta(hours=1))
    escalate_overdue(now=now + dt.timedelta(minutes=122))
    assert not _open(commander, kind=notices.OVERDUE_DIGEST).exists()
    assert Notification.objects.filter(user=commander, kind=notices.OVERDUE_DIGEST).count() == 2
