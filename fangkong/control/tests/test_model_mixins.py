"""Every control model on the shared test mixins (fangkong.core.testing): scope in and out,
no permission; the API endpoints with schema checks and constant queries."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from fangkong.core.choices import MeasureKind
from fangkong.core.testing import APITests, ModelTestCase, ScopeTests
from fangkong.registry.models import Resident

from ..actions import do_check_in, do_door_check, do_transfer
from ..choices import CheckInSource, RiskLevel
from ..models import (
    CheckIn,
    DoorCheck,
    Exposure,
    Measure,
    PolicyVersion,
    QuarantineSite,
    RiskArea,
    Room,
    Rule,
    RuleStep,
    ScheduledTest,
    Transfer,
)
from . import factories as F

_seq = itertools.count(1)
REFERENCE_USERS = {"view": ("grid", "lab", "regulator")}  # reference data: by role, not division
SITE_USERS = {"view": ("commander", "township", "lab")}  # sites belong to the county


class ControlData(ModelTestCase):
    """Measures of persons in the grid of `users["grid"]` (outside `grid_other`'s)."""

    def new_measure(self, kind: str = MeasureKind.HOME_ISOLATION) -> Measure:
        grid = self.users["grid"].division
        resident = Resident.objects.filter(grid=grid).order_by("id")[next(_seq) % 50]
        person = F.person(resident=resident)
        Measure.objects.filter(person=person, status="active").update(status="released")
        return F.start(person, timezone.localdate(), kind=kind)

    def new_version(self) -> PolicyVersion:
        return F.standard_policy(number=1000 + next(_seq), status="draft")

    def new_site(self) -> QuarantineSite:
        return F.site(f"隔离点{next(_seq)}", rooms=2)


class TestMeasureAPI(ControlData, APITests.ReadOnly, APITests.Pii):
    model = Measure
    api_basename = "control-measure"

    def make_object(self) -> Measure:
        return self.new_measure()


class TestScheduledTestAPI(ControlData, APITests.ReadOnly):
    model = ScheduledTest
    api_basename = "control-test"

    def make_object(self) -> ScheduledTest:
        return self.new_measure().tests.first()


class TestTransferAPI(ControlData, APITests.ReadOnly):
    model = Transfer
    api_basename = "control-transfer"

    def make_object(self) -> Transfer:
        m = self.new_measure(MeasureKind.CENTRAL_QUARANTINE)
        return do_transfer(m, site=self.new_site(), vehicle="冀A·00001", escort="随车医生",
                           planned_at=timezone.now())


class TestRiskAreaAPI(ControlData, APITests.ReadOnly):
    model = RiskArea
    api_basename = "control-riskarea"
    op_users = REFERENCE_USERS

    def make_object(self) -> RiskArea:
        return F.area(RiskLevel.MEDIUM, dt.date(2022, 8, 1), township=f"第{next(_seq)}镇")


class TestPolicyVersionAPI(ControlData, APITests.ReadOnly):
    model = PolicyVersion
    api_basename = "control-policy"
    op_users = REFERENCE_USERS

    def make_object(self) -> PolicyVersion:
        return self.new_version()


class TestSiteAPI(ControlData, APITests.ReadOnly):
    model = QuarantineSite
    api_basename = "control-site"
    op_users = SITE_USERS

    def make_object(self) -> QuarantineSite:
        return self.new_site()


class TestRoomAPI(ControlData, APITests.ReadOnly):
    model = Room
    api_basename = "control-room"
    op_users = SITE_USERS

    def make_object(self) -> Room:
        return self.new_site().rooms.first()


class TestExposureScope(ControlData, ScopeTests.Read):
    model = Exposure

    def make_object(self) -> Exposure:
        return self.new_measure().exposure


class TestCheckInScope(ControlData, ScopeTests.Read):
    model = CheckIn

    def make_object(self) -> CheckIn:
        return do_check_in(self.new_measure(), source=CheckInSource.SELF, temperature=36.5)


class TestDoorCheckScope(ControlData, ScopeTests.Read):
    model = DoorCheck

    def make_object(self) -> DoorCheck:
        return do_door_check(self.new_measure(), outcome="present")


class TestRuleScope(ControlData, ScopeTests.Read):
    model = Rule
    op_users = REFERENCE_USERS

    def make_object(self) -> Rule:
        return self.new_version().rules.first()


class TestRuleStepScope(ControlData, ScopeTests.Read):
    model = RuleStep
    op_users = REFERENCE_USERS

    def make_object(self) -> RuleStep:
        return RuleStep.objects.filter(rule__version=self.new_version()).first()
