"""Verification end to end through the actions: attempts, every outcome, review, escalation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.choices import MeasureKind, Module
from fangkong.core.models import Notification
from fangkong.core.testkit import assert_audited
from fangkong.screening import actions
from fangkong.screening.choices import (
    AssistDirection,
    AttemptKind,
    Channel,
    EscalationLevel,
    Outcome,
    PersonStatus,
    ReviewDecision,
    VerificationStatus,
)
from fangkong.screening.intake import LeadInput
from fangkong.screening.jobs import escalate_overdue
from fangkong.screening.models import AssistRequest, Verification
from fangkong.screening.signals import person_controlled

from .helpers import resident_of_grid

T0 = dt.datetime(2022, 7, 1, 8, 0, tzinfo=dt.UTC)


def _lead(users, channel=Channel.BIG_DATA, n=0, now=T0):
    r = resident_of_grid(users["grid"].division, n)
    lead, created = actions.do_submit_lead(LeadInput(name=r.name, id_number=r.id_number, phone=r.phone),
                                           channel=channel, now=now, acting_user=SYSTEM)
    assert created
    return lead.verification


@pytest.mark.parametrize("outcome,measure,status", [
    (Outcome.CONTROLLED, MeasureKind.CENTRAL_QUARANTINE, PersonStatus.CONTROLLED),
    (Outcome.CLEARED, "", PersonStatus.CLEARED),
    (Outcome.NOT_IN_COUNTY, "", PersonStatus.NOT_IN_COUNTY),
    (Outcome.UNREACHABLE, "", PersonStatus.UNREACHABLE),
    (Outcome.WRONG_INFO, "", PersonStatus.WRONG_INFO),
    (Outcome.DUPLICATE, "", PersonStatus.MERGED),
])
def test_it_records_each_outcome_and_counts_it_after_review(users, outcome, measure, status,
                                                          django_capture_on_commit_callbacks):
    v = _lead(users)
    grid, reviewer = users["grid"], users["big_data_reviewer"]
    actions.do_record_attempt(v, AttemptKind.CALLED, "本人接听", now=T0 + dt.timedelta(minutes=20), acting_user=grid)
    v.refresh_from_db()
    assert v.located_at is not None and v.next_due_at == v.sampled_due_at
    actions.do_submit_outcome(v, outcome, measure_kind=measure, place="北京市朝阳区", reason="核实", acting_user=grid)
    v.refresh_from_db()
    assert v.status == VerificationStatus.SUBMITTED and v.person.status == PersonStatus.VERIFYING
    received = []
    person_controlled.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="t")
    try:
        with pytest.raises(PermissionDenied):
            actions.do_review(v, ReviewDecision.APPROVED, acting_user=grid)
        with django_capture_on_commit_callbacks(execute=True):
            actions.do_review(v, ReviewDecision.APPROVED, acting_user=reviewer)
    finally:
        person_controlled.disconnect(dispatch_uid="t")
    v.refresh_from_db()
    assert v.status == VerificationStatus.CLOSED and v.person.status == status
    assert_audited("update", v, actor=reviewer, verb="approve")
    if outcome == Outcome.CONTROLLED:
        assert [(k["person"].pk, k["measure_kind"]) for k in received] == [(v.person_id, measure)]
    else:
        assert received == []


def test_it_requires_a_measure_for_controlled_and_sends_back_on_rejection(users):
    v = _lead(users)
    with pytest.raises(ValidationError):
        actions.do_submit_outcome(v, Outcome.CONTROLLED, acting_user=users["grid"])
    actions.do_submit_outcome(v, Outcome.CLEARED, acting_user=users["grid"])
    with pytest.raises(ValidationError):
        actions.do_review(v, ReviewDecision.REJECTED, acting_user=users["big_data_reviewer"])  # needs a reason
    actions.do_review(v, ReviewDecision.REJECTED, "未采样,请补充", acting_user=users["big_data_reviewer"])
    v.refresh_from_db()
    assert v.status == VerificationStatus.OPEN and v.outcome == "" and v.reviews.get().decision == "rejected"
    assert Notification.objects.filter(user=users["grid"], kind="screening.rejected").exists()


def test_it_moves_unanswered_tasks_to_hard_to_find(users):
    v = _lead(users)
    for i in range(3):
        actions.do_record_attempt(v, AttemptKind.NO_ANSWER, now=T0 + dt.timedelta(minutes=i), acting_user=users["grid"])
    v.refresh_from_db()
    assert v.no_answer_count == 3 and v.module == Module.HARD_TO_FIND and v.person.module == Module.HARD_TO_FIND
    assert Verification.objects.restrict(users["hard_to_find_admin"]).filter(pk=v.pk).exists()
    assert not Verification.objects.restrict(users["big_data_admin"]).filter(pk=v.pk).exists()


def test_it_keeps_other_grids_out(users):
    v = _lead(users)
    with pytest.raises(PermissionDenied):
        actions.do_record_attempt(v, AttemptKind.CALLED, acting_user=users["grid_other"])


def test_it_escalates_once_to_the_township_then_the_command_centre(users):
    v = _lead(users)  # located due T0 + 1 h
    assert escalate_overdue(now=T0 + dt.timedelta(minutes=59)) == 0
    late = T0 + dt.timedelta(minutes=61)
    assert escalate_overdue(now=late) == 1
    assert escalate_overdue(now=late) == 0  # claimed once: never fires twice
    v.refresh_from_db()
    assert v.escalation_level == EscalationLevel.TOWNSHIP
    assert Notification.objects.filter(user=users["township"], kind="screening.escalated").count() == 1
    assert not Notification.objects.filter(user=users["commander"], kind="screening.escalated").exists()
    assert escalate_overdue(now=late + dt.timedelta(hours=1)) == 0
    assert escalate_overdue(now=late + dt.timedelta(hours=2, minutes=1)) == 1
    v.refresh_from_db()
    assert v.escalation_level == EscalationLevel.COMMAND
    assert Notification.objects.filter(user=users["commander"], kind="screening.escalated").count() == 1
    assert escalate_overdue(now=late + dt.timedelta(days=1)) == 0


def test_it_joins_later_leads_to_the_open_task(users):
    v = _lead(users, Channel.BIG_DATA)
    v2 = _lead(users, Channel.SELF_REPORT)
    assert v == v2 and v.leads.count() == 2


def test_it_sends_an_outbound_assist_request_for_people_elsewhere(users):
    v = _lead(users)
    actions.do_submit_outcome(v, Outcome.NOT_IN_COUNTY, place="河北省张家口市", request_assist=True, acting_user=users["grid"])
    ar = AssistRequest.objects.get(verification=v)
    assert ar.direction == AssistDirection.OUTBOUND and ar.region == "河北省张家口市" and ar.id_number
    actions.do_reply_assist(ar, "已落实居家隔离", acting_user=users["assist_request_admin"])
    ar.refresh_from_db()
    assert ar.status == "closed" and ar.replied_at <= timezone.now()


def test_it_turns_an_inbound_assist_request_into_a_lead(users):
    r = resident_of_grid(users["grid"].division, 2)
    ar = actions.do_create_assist(AssistDirection.INBOUND, region="北京市",
                                  name=r.name, id_number=r.id_number, reason="密接协查", reference="京协2022-001",
                                  acting_user=users["assist_request_admin"])
    assert ar.lead.channel == Channel.ASSIST_REQUEST and ar.verification.assignee == users["grid"]
