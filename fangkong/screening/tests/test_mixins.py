"""Every screening model through the shared mixins: its API where it has one, and what
`restrict` grants for each action it declares (and nothing for the others)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.urls import reverse
from django.utils import timezone

from fangkong.core.choices import AuditAction, Module
from fangkong.core.models import Division
from fangkong.core.testkit import (
    APITests,
    ScopeTests,
    ViewTests,
    api_client_for,
    assert_audited,
    assert_not_audited,
    last_audit_id,
)
from fangkong.registry.tests.factories import make_resident

from ..choices import (
    AssistDirection,
    AttemptKind,
    Channel,
    Outcome,
    ReviewDecision,
)
from ..models import (
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

_serial = itertools.count(1)
# Only the command centre deletes a person: the same role in another village is out of scope.
DELETERS = ("commander", ("command_center", "village_other"), "grid")
# Merges, replies and other decisions are the modules' and the command centre's.
DECIDERS = ("commander", ("command_center", "village_other"), "grid")
# Daily clearance is closed by the township (or the command centre).
CLOSERS = ("township", ("township_cadre", "village_other"), "grid")
REVIEWERS = ("commander", ("command_center", "village_other"), "grid")


def new_person(grid: Division) -> Person:
    r = make_resident(grid)
    return Person.objects.create(name=r.name, id_number=r.id_number, phone=r.phone, address=r.address, resident=r,
                                 division=grid)


def new_verification(grid: Division) -> Verification:
    now = timezone.now()
    return Verification.objects.create(
        person=new_person(grid), channel=Channel.GRID_SCREENING, module=Module.GRID_SCREENING, division=grid,
        opened_at=now, located_due_at=now + dt.timedelta(hours=1), sampled_due_at=now + dt.timedelta(hours=3),
        result_due_at=now + dt.timedelta(hours=8))


class InGrid:
    """Objects in the grid of users["grid"]; the grid worker of another grid is out of scope."""

    user_in, user_out, user_none = "grid", "grid_other", "lab"

    def grid(self) -> Division:
        return self.users["grid"].division  # type: ignore[attr-defined]


# --- restrict() for each action (the API classes are in test_api_models.py) -----------------


class TestPersonScope(InGrid, ScopeTests.Restrict):
    model = Person
    scope_actions = ("view", "add", "change", "delete")
    op_users = {"delete": DELETERS}

    def make_object(self) -> Person:
        return new_person(self.grid())


class TestLeadScope(InGrid, ScopeTests.Restrict):
    model = Lead
    scope_actions = ("view", "add", "change")

    def make_object(self) -> Lead:
        grid = self.grid()
        p = new_person(grid)
        return Lead.objects.create(channel=Channel.GRID_SCREENING, module=Module.GRID_SCREENING,
                                   dedup_key=f"test-{next(_serial)}", name=p.name, id_number=p.id_number,
                                   phone=p.phone, received_at=timezone.now(), person=p, division=grid)


class TestVerificationScope(InGrid, ScopeTests.Restrict):
    model = Verification
    scope_actions = ("view", "add", "change")

    def make_object(self) -> Verification:
        return new_verification(self.grid())


class TestMergeCandidateScope(InGrid, ScopeTests.Restrict):
    model = MergeCandidate
    scope_actions = ("view", "change")
    op_users = {"change": DECIDERS}

    def make_object(self) -> MergeCandidate:
        grid = self.grid()
        return MergeCandidate.objects.create(person=new_person(grid), other=new_person(grid), reason="同手机号",
                                             division=grid)


class TestDailyClearanceScope(InGrid, ScopeTests.Restrict):
    model = DailyClearance
    scope_actions = ("view", "add")
    op_users = {"add": CLOSERS}

    def make_object(self) -> DailyClearance:
        day = dt.date(2022, 1, 1) + dt.timedelta(days=next(_serial))
        return DailyClearance.objects.create(date=day, division=self.grid(), closed_at=timezone.now())


class TestAssistRequestScope(InGrid, ScopeTests.Restrict):
    """Any screening worker may add one (an outbound request from a task); the API's inbound
    registration is narrower (the assist module and the command centre: screening's own tests)."""

    model = AssistRequest
    scope_actions = ("view", "add", "change")
    op_users = {"change": DECIDERS}

    def make_object(self) -> AssistRequest:
        return AssistRequest.objects.create(direction=AssistDirection.INBOUND, region="北京市朝阳区",
                                            name="测试", division=self.grid())


# --- written only through a verification's actions ------------------------------------------


class TestContactAttemptScope(InGrid, ScopeTests.Restrict):
    model = ContactAttempt
    scope_actions = ("view", "add", "change")

    def make_object(self) -> ContactAttempt:
        return ContactAttempt.objects.create(verification=new_verification(self.grid()), kind=AttemptKind.CALLED,
                                             at=timezone.now())


class TestReviewScope(InGrid, ScopeTests.Restrict):
    model = Review
    scope_actions = ("view", "add")
    op_users = {"add": REVIEWERS}

    def make_object(self) -> Review:
        return Review.objects.create(verification=new_verification(self.grid()), decision=ReviewDecision.APPROVED,
                                     outcome=Outcome.CONTROLLED, at=timezone.now())


class TestClearanceItemScope(InGrid, ScopeTests.Restrict):
    model = ClearanceItem
    scope_actions = ("view", "add")
    op_users = {"add": CLOSERS}

    def make_object(self) -> ClearanceItem:
        grid = self.grid()
        day = dt.date(2021, 1, 1) + dt.timedelta(days=next(_serial))
        clearance = DailyClearance.objects.create(date=day, division=grid, closed_at=timezone.now())
        return ClearanceItem.objects.create(clearance=clearance, verification=new_verification(grid),
                                            reason="联系不上")


# --- the API's actions on one verification, merge candidate and assist request --------------
# A role that may view but not change (the auditor) must not act: 404 like out of scope.
ACTORS = ("grid", "grid_other", "auditor")


class TestOpenVerificationActions(InGrid, APITests.Actions):
    model = Verification
    api_basename = "screening-verification"
    api_actions = ("attempt", "outcome")
    user_in, user_out, user_none = ACTORS

    def make_object(self) -> Verification:
        return new_verification(self.grid())

    def action_data(self, action: str, obj: Verification) -> dict[str, Any]:
        if action == "attempt":
            return {"kind": AttemptKind.NO_ANSWER, "note": "无人接听"}
        return {"outcome": Outcome.NOT_IN_COUNTY, "place": "北京市朝阳区", "reason": "已返京"}


class TestSubmittedVerificationActions(InGrid, APITests.Actions):
    model = Verification
    api_basename = "screening-verification"
    api_actions = ("review",)
    user_in, user_out, user_none = ("commander", ("command_center", "village_other"), "auditor")

    def make_object(self) -> Verification:
        v = new_verification(self.grid())
        Verification.objects.filter(pk=v.pk).update(status="submitted", outcome=Outcome.NOT_IN_COUNTY,
                                                    outcome_place="北京市朝阳区")
        v.refresh_from_db()
        return v

    def action_data(self, action: str, obj: Verification) -> dict[str, Any]:
        return {"decision": ReviewDecision.APPROVED, "comment": "同意"}


class TestMergeCandidateActions(InGrid, APITests.Actions):
    model = MergeCandidate
    api_basename = "screening-mergecandidate"
    api_actions = ("merge",)
    user_in, user_out, user_none = (*DECIDERS[:2], "auditor")

    def make_object(self) -> MergeCandidate:
        return TestMergeCandidateScope.make_object(self)  # type: ignore[arg-type]


class TestMergedCandidateActions(TestMergeCandidateActions):
    api_actions = ("unmerge",)

    def make_object(self) -> MergeCandidate:
        from ..actions import do_merge

        return do_merge(super().make_object(), acting_user=self.users["commander"])


class TestAssistRequestActions(InGrid, APITests.Actions):
    model = AssistRequest
    api_basename = "screening-assistrequest"
    api_actions = ("reply",)
    user_in, user_out, user_none = (*DECIDERS[:2], "auditor")

    def make_object(self) -> AssistRequest:
        return TestAssistRequestScope.make_object(self)  # type: ignore[arg-type]

    def action_data(self, action: str, obj: AssistRequest) -> dict[str, Any]:
        return {"reply": "已落实居家隔离"}


def test_it_ingests_a_list_of_leads_with_audit_rows_and_refuses_a_grid_worker(users):
    """POST /api/screening/leads/ingest/ (ACTIONS_WITHOUT_MIXINS): good rows become audited
    leads, a bad row is reported by its number, a role without imports is refused."""
    url = reverse("screening-lead-ingest")
    r = make_resident(users["grid"].division)
    body = {"channel": Channel.BIG_DATA, "source": "police_trace", "rows": [
        {"name": r.name, "id_number": r.id_number, "phone": r.phone, "origin": "北京市朝阳区"},
        {"name": "坏行", "id_number": "123", "phone": ""},
    ]}
    before, audit_before = Lead.objects.count(), last_audit_id()
    assert api_client_for(users["grid"]).post(url, body, format="json").status_code == 403
    assert Lead.objects.count() == before
    assert_not_audited(audit_before, action=AuditAction.CREATE)
    response = api_client_for(users["commander"]).post(url, body, format="json")
    assert response.status_code == 201, response.content[:300]
    outcome = response.json()
    assert (outcome["imported"], outcome["rejected"], [e["row"] for e in outcome["errors"]]) == (1, 1, [2])
    lead = Lead.objects.get(id_number=r.id_number)
    assert_audited(AuditAction.CREATE, lead, actor=users["commander"], source="api")


# --- pages ----------------------------------------------------------------------------------


class TestVerificationPages(InGrid, ViewTests.List, ViewTests.Detail):
    model = Verification
    list_url_name = "screening:verifications"
    detail_url_name = "screening:verification"

    def make_object(self) -> Verification:
        return new_verification(self.grid())


class TestLeadPages(InGrid, ViewTests.List):
    model = Lead
    list_url_name = "screening:leads"

    def make_object(self) -> Lead:
        return TestLeadScope.make_object(self)  # type: ignore[arg-type]
