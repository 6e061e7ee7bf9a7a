"""Every screening model on the shared test mixins: scope in and out, no permission, schema,
constant queries, audit (fangkong.core.testkit)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.testkit import APITests, ModelTestCase
from fangkong.screening import actions
from fangkong.screening.choices import AttemptKind, Channel, Outcome, ReviewDecision
from fangkong.screening.intake import LeadInput, ingest
from fangkong.screening.models import (
    AssistRequest,
    ClearanceItem,
    ContactAttempt,
    DailyClearance,
    Lead,
    MergeCandidate,
    Person,
    Review,
    Verification,
)

from .helpers import outsider_id

_seq = itertools.count(500)


class ScreeningData(ModelTestCase):
    """Objects in the grid of `users["grid"]` (outside `grid_other`'s)."""

    def new_lead(self, channel: str = Channel.BIG_DATA, **extra: Any) -> Lead:
        n = next(_seq)
        item = LeadInput(name=f"测试{n}", id_number=outsider_id(n), phone=f"1390000{n:04d}",
                         division_hint_id=self.users["grid"].division_id, **extra)
        return ingest([item], channel=channel).leads[0]


class TestPersonAPI(ScreeningData, APITests.ReadOnly, APITests.Pii):
    model = Person
    api_basename = "screening-person"

    def make_object(self) -> Person:
        return self.new_lead().person


class TestLeadAPI(ScreeningData, APITests.ReadOnly):
    model = Lead
    api_basename = "screening-lead"

    def make_object(self) -> Lead:
        return self.new_lead()


class TestVerificationAPI(ScreeningData, APITests.ReadOnly):
    model = Verification
    api_basename = "screening-verification"

    def make_object(self) -> Verification:
        return self.new_lead().verification


class TestMergeCandidateAPI(ScreeningData, APITests.ReadOnly):
    model = MergeCandidate
    api_basename = "screening-mergecandidate"

    def make_object(self) -> MergeCandidate:
        a, b = self.new_lead().person, self.new_lead().person
        return MergeCandidate.objects.create(person=a, other=b, reason="测试", division=a.division, module="big_data")


class TestAssistRequestAPI(ScreeningData, APITests.Get, APITests.List, APITests.Create):
    model = AssistRequest
    api_basename = "screening-assistrequest"
    op_users = {"add": ("assist_request_admin", "big_data_admin", "lab")}

    def make_object(self) -> AssistRequest:
        v = self.new_lead().verification
        return actions.do_create_assist("outbound", region="北京市", verification=v, reason="测试", acting_user=SYSTEM)

    def create_data(self) -> dict[str, Any]:
        n = next(_seq)
        return {"region": "北京市朝阳区", "name": f"协查{n}", "id_number": outsider_id(n), "reason": "密接协查"}


class TestDailyClearanceAPI(ScreeningData, APITests.ReadOnly):
    model = DailyClearance
    api_basename = "screening-clearance"

    def make_object(self) -> DailyClearance:
        day = dt.date(2022, 1, 1) + dt.timedelta(days=next(_seq))
        return DailyClearance.objects.create(date=day, division=self.users["grid"].division,
                                             closed_by=self.users["grid"], closed_at=timezone.now())


class _Scoped(ScreeningData):
    """Models without an endpoint of their own: checked through `restrict` directly."""

    def test_it_scopes_to_the_division(self) -> None:
        obj = self.make_object()
        assert self.model.objects.restrict(self.users["grid"]).filter(pk=obj.pk).exists()
        assert not self.model.objects.restrict(self.users["grid_other"]).filter(pk=obj.pk).exists()
        assert not self.model.objects.restrict(self.users["lab"]).filter(pk=obj.pk).exists()


class TestContactAttemptScope(_Scoped):
    model = ContactAttempt

    def make_object(self) -> ContactAttempt:
        return actions.do_record_attempt(self.new_lead().verification, AttemptKind.CALLED, acting_user=self.users["grid"])


class TestReviewScope(_Scoped):
    model = Review

    def make_object(self) -> Review:
        v = self.new_lead().verification
        actions.do_submit_outcome(v, Outcome.CLEARED, acting_user=self.users["grid"])
        return actions.do_review(v, ReviewDecision.APPROVED, acting_user=self.users["commander"])


class TestClearanceItemScope(_Scoped):
    model = ClearanceItem

    def make_object(self) -> ClearanceItem:
        v = self.new_lead().verification
        c = DailyClearance.objects.create(date=dt.date(2021, 1, 1) + dt.timedelta(days=next(_seq)),
                                          division=self.users["grid"].division, closed_by=self.users["grid"],
                                          closed_at=timezone.now())
        return ClearanceItem.objects.create(clearance=c, verification=v, reason="测试")
