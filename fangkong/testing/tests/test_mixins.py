"""Every testing model through the shared mixins: its API where it has one, and what
`restrict` grants for each action it declares (and nothing for the others). Roll-up tables
and gaps are filled by jobs: their classes declare "view" only, so any write grant fails."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from fangkong.core.choices import AuditAction
from fangkong.core.models import Batch, Division
from fangkong.core.testkit import ScopeTests, ViewTests, assert_audited, client_for
from fangkong.registry.models import Resident
from fangkong.registry.tests.factories import make_resident

from ..choices import ExemptionReason, MissReason, ResamplingCause, Result
from ..models import (
    CoverageGap,
    CoverageRollup,
    Exemption,
    HouseholdWeekRollup,
    KeyGroup,
    KeyGroupMember,
    MissRecord,
    ResamplingTask,
    Sample,
    Sampling,
    SamplingRound,
    SamplingSite,
    UnmatchedResult,
)
from . import factories as f

_serial = itertools.count(1)
TODAY = dt.date(2022, 7, 4)
# Organisers (groups, rounds) are the township, the CDC and the command centre; a township
# cadre placed in another village is out of scope; a grid worker has no such permission.
ORGANISERS = ("township", ("township_cadre", "village_other"), "grid")
RESULT_WRITERS = ("lab", ("lab", "village_other"), "grid")
# A round ties to no division for viewing: every testing role sees the county's round.
ROUND_VIEWERS = ("grid", None, "site")


class InGrid:
    """Objects in the grid of users["grid"]; the grid worker of another grid is out of scope;
    site staff have no part in mass testing."""

    user_in, user_out, user_none = "grid", "grid_other", "site"

    def grid(self) -> Division:
        return self.users["grid"].division  # type: ignore[attr-defined]

    def resident(self) -> Resident:
        return make_resident(self.grid())


# --- restrict() for each action (the API classes are in test_api.py) -----------------------


class TestSamplingSiteScope(InGrid, ScopeTests.Restrict):
    model = SamplingSite
    scope_actions = ("view", "add", "change", "delete")
    op_users = {"add": ORGANISERS, "delete": ORGANISERS}

    def make_object(self) -> SamplingSite:
        return f.make_site(self.grid())


class TestSamplingRoundScope(InGrid, ScopeTests.Restrict):
    model = SamplingRound
    user_in, user_out, user_none = ROUND_VIEWERS
    scope_actions = ("view", "add", "change", "delete")
    op_users = {"add": ORGANISERS, "change": ORGANISERS, "delete": ORGANISERS}

    def make_object(self) -> SamplingRound:
        # The township's own round: its cadre organises it, a cadre elsewhere may not touch it.
        return f.make_round(self.users["township"].division)


class TestSampleScope(InGrid, ScopeTests.Restrict):
    model = Sample
    scope_actions = ("view", "add", "change")

    def make_object(self) -> Sample:
        return f.make_sample(self.grid())


class TestCoverageRollupScope(InGrid, ScopeTests.Restrict):
    model = CoverageRollup

    def make_object(self) -> CoverageRollup:
        return CoverageRollup.objects.create(round=f.make_round(self.users["commander"].division), division=self.grid(),
                                             level="grid", registered=300, expected=290, sampled=280,
                                             computed_at=timezone.now())


class TestCoverageGapScope(InGrid, ScopeTests.Restrict):
    model = CoverageGap

    def make_object(self) -> CoverageGap:
        return CoverageGap.objects.create(round=f.make_round(self.users["commander"].division), resident=self.resident(),
                                          division=self.grid())


class TestResamplingTaskScope(InGrid, ScopeTests.Restrict):
    model = ResamplingTask
    scope_actions = ("view", "change")

    def make_object(self) -> ResamplingTask:
        r = self.resident()
        now = timezone.now()
        return ResamplingTask.objects.create(resident=r, id_number=r.id_number, name=r.name, phone=r.phone,
                                             division=self.grid(), source_sample=f.make_sample(self.grid()),
                                             cause=ResamplingCause.POOL_POSITIVE, created_at=now,
                                             due_at=now + dt.timedelta(hours=12))


# --- written by actions of other rows, imports and jobs -------------------------------------


class TestKeyGroupScope(InGrid, ScopeTests.Restrict):
    model = KeyGroup
    scope_actions = ("view", "add", "change", "delete")
    op_users = {"add": ORGANISERS, "change": ORGANISERS, "delete": ORGANISERS}

    def make_object(self) -> KeyGroup:
        return f.make_key_group(self.grid())


class TestKeyGroupMemberScope(InGrid, ScopeTests.Restrict):
    model = KeyGroupMember
    scope_actions = ("view", "add", "change", "delete")
    op_users = {"add": ORGANISERS, "change": ORGANISERS, "delete": ORGANISERS}

    def make_object(self) -> KeyGroupMember:
        group = f.make_key_group(self.grid())
        r = self.resident()
        return KeyGroupMember.objects.create(group=group, resident=r, id_number=r.id_number, name=r.name,
                                             division=self.grid())


class TestExemptionScope(InGrid, ScopeTests.Restrict):
    model = Exemption
    scope_actions = ("view", "add", "change", "delete")

    def make_object(self) -> Exemption:
        return Exemption.objects.create(resident=self.resident(), reason=ExemptionReason.AWAY, away_to="北京市")


class TestMissRecordScope(InGrid, ScopeTests.Restrict):
    model = MissRecord
    scope_actions = ("view", "add", "change")

    def make_object(self) -> MissRecord:
        return MissRecord.objects.create(round=f.make_round(self.users["commander"].division),
                                         resident=self.resident(), reason=MissReason.AWAY)


class TestSamplingScope(InGrid, ScopeTests.Restrict):
    model = Sampling

    def make_object(self) -> Sampling:
        r = self.resident()
        return Sampling.objects.create(sample=f.make_sample(self.grid()), resident=r, id_number=r.id_number,
                                       name=r.name, division=self.grid(), sampled_at=timezone.now())


class TestUnmatchedResultScope(InGrid, ScopeTests.Restrict):
    model = UnmatchedResult
    scope_actions = ("view", "change")
    op_users = {"change": RESULT_WRITERS}

    def make_object(self) -> UnmatchedResult:
        batch = Batch.objects.create(kind="test_results", division=self.users["commander"].division)
        return UnmatchedResult.objects.create(barcode=f"U{next(_serial):011d}", result=Result.NEGATIVE, batch=batch,
                                              division=self.grid())


class TestHouseholdWeekRollupScope(InGrid, ScopeTests.Restrict):
    model = HouseholdWeekRollup

    def make_object(self) -> HouseholdWeekRollup:
        return f.make_household_week(self.grid())


# --- pages ----------------------------------------------------------------------------------


class TestKeyGroupPage(InGrid, ViewTests.Detail):
    model = KeyGroup
    detail_url_name = "testing:key_group"

    def make_object(self) -> KeyGroup:
        return TestKeyGroupScope.make_object(self)  # type: ignore[arg-type]


def test_it_refuses_a_coverage_refresh_to_a_role_that_only_views(users):
    """The round page hides 重新计算 from view-only roles; a hand-made POST is refused as well."""
    rnd = f.make_round(users["commander"].division)
    url = reverse("testing:round", args=[rnd.pk])
    assert client_for(users["auditor"]).post(url).status_code == 403
    assert not CoverageRollup.objects.filter(round=rnd).exists()
    assert client_for(users["commander"]).post(url).status_code == 302


def test_it_refuses_a_round_above_the_organisers_division(users):
    """A township cadre organises rounds of the township, not of the county (SamplingRound scope)."""
    from fangkong.core import audit

    from ..actions import do_create_round

    township = users["township"]
    village = users["village"].division
    before = SamplingRound.objects.count()
    with audit.audit_context(township), pytest.raises(PermissionDenied):
        do_create_round(name="越权轮次", division=users["commander"].division, starts_on=TODAY, days=1,
                        villages=[village], acting_user=township)
    assert SamplingRound.objects.count() == before
    with audit.audit_context(township):
        rnd = do_create_round(name="本镇轮次", division=township.division, starts_on=TODAY, days=1, villages=[village],
                              acting_user=township)
    assert_audited(AuditAction.CREATE, rnd, actor=township)
