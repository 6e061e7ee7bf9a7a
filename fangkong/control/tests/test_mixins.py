"""Every control model through the shared mixins: its API where it has one, and what
`restrict` grants for each action it declares (and nothing for the others)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.urls import reverse
from django.utils import timezone

from fangkong.core.choices import MeasureKind
from fangkong.core.models import Division, User
from fangkong.core.testkit import APITests, ScopeTests, ViewTests, make_user
from fangkong.core.testkit_pages import PageTests
from fangkong.registry.tests.factories import TEST_NAME, make_resident
from fangkong.screening.models import Person

from ..choices import CheckInSource, DoorCheckOutcome, PolicyStatus, RiskLevel
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

_serial = itertools.count(1)
TODAY = dt.date(2022, 7, 4)
ALL = ("view", "add", "change", "delete")
# Who may delete a person's control rows: the command centre (in scope), the same role in
# another village (out of scope), a grid worker (in scope, without the permission).
DELETERS = ("commander", ("command_center", "village_other"), "grid")
# Quarantine sites, rooms and transfers are run by the site staff.
SITE_STAFF = ("site", ("site_staff", "village_other"), "grid")
# Reference data (risk areas, policies) ties to no division: no one is "out of scope".
REFERENCE = ("grid", None, "lab")
EDITORS = ("cdc", None, "grid")


def new_person(grid: Division) -> Person:
    r = make_resident(grid)
    return Person.objects.create(name=r.name, id_number=r.id_number, phone=r.phone, address=r.address, resident=r,
                                 division=grid)


def new_measure(grid: Division) -> Measure:
    return Measure.objects.create(person=new_person(grid), kind=MeasureKind.HOME_ISOLATION, plan_start_on=TODAY,
                                  plan_days=7, starts_on=TODAY, ends_on=TODAY + dt.timedelta(days=7), division=grid)


def new_site(division: Division, staff: User) -> QuarantineSite:
    """A site `staff` works at (site staff see only the sites they work at)."""
    site = QuarantineSite.objects.create(name=f"测试隔离点{next(_serial)}", division=division)
    site.staff.add(staff)
    return site


class InGrid:
    """Objects in the grid of users["grid"]; the grid worker of another grid is out of scope."""

    user_in, user_out, user_none = "grid", "grid_other", "lab"

    def grid(self) -> Division:
        return self.users["grid"].division  # type: ignore[attr-defined]

    def site(self) -> QuarantineSite:
        return new_site(self.grid(), self.users["site"])  # type: ignore[attr-defined]


# --- with an API ----------------------------------------------------------------------------


class TestMeasureMixins(InGrid, APITests.ReadOnly, APITests.Pii, ScopeTests.Restrict):
    model = Measure
    api_basename = "control-measure"
    scope_actions = ALL
    op_users = {"delete": DELETERS}

    def make_object(self) -> Measure:
        return new_measure(self.grid())


class TestScheduledTestMixins(InGrid, APITests.ReadOnly, ScopeTests.Restrict):
    model = ScheduledTest
    api_basename = "control-test"
    scope_actions = ALL
    op_users = {"delete": DELETERS}

    def make_object(self) -> ScheduledTest:
        m = new_measure(self.grid())
        return ScheduledTest.objects.create(measure=m, person=m.person, day=1, due_on=TODAY + dt.timedelta(days=1))


class TestQuarantineSiteMixins(InGrid, APITests.ReadOnly, ScopeTests.Restrict):
    model = QuarantineSite
    api_basename = "control-site"
    scope_actions = ALL
    op_users = {"add": SITE_STAFF, "change": SITE_STAFF, "delete": SITE_STAFF}

    def make_object(self) -> QuarantineSite:
        return self.site()


class TestRoomMixins(InGrid, APITests.ReadOnly, ScopeTests.Restrict):
    model = Room
    api_basename = "control-room"
    scope_actions = ALL
    op_users = {"add": SITE_STAFF, "change": SITE_STAFF, "delete": SITE_STAFF}

    def make_object(self) -> Room:
        return Room.objects.create(site=self.site(), number="101")


class TestTransferMixins(InGrid, APITests.ReadOnly, ScopeTests.Restrict):
    model = Transfer
    api_basename = "control-transfer"
    scope_actions = ALL
    op_users = {"delete": SITE_STAFF}

    def make_object(self) -> Transfer:
        return Transfer.objects.create(
            measure=new_measure(self.grid()), from_place="测试路1号", site=self.site(),
            vehicle="冀A12345", escort="张三", planned_at=timezone.now())


class TestRiskAreaMixins(APITests.ReadOnly, ScopeTests.Restrict):
    model = RiskArea
    api_basename = "control-riskarea"
    user_in, user_out, user_none = REFERENCE
    scope_actions = ALL
    op_users = {"add": EDITORS, "change": EDITORS, "delete": EDITORS}

    def make_object(self) -> RiskArea:
        return RiskArea.objects.create(level=RiskLevel.MEDIUM, province="河北省", city="石家庄市",
                                       county="藁城区", township=f"测试镇{next(_serial)}", effective_from=TODAY)


class TestPolicyVersionMixins(APITests.ReadOnly, ScopeTests.Restrict):
    model = PolicyVersion
    api_basename = "control-policy"
    user_in, user_out, user_none = REFERENCE
    scope_actions = ALL
    op_users = {"add": EDITORS, "change": EDITORS, "delete": EDITORS}

    def make_object(self) -> PolicyVersion:
        return PolicyVersion.objects.create(number=1000 + next(_serial), title="测试方案", status=PolicyStatus.DRAFT)


# --- written only through a measure's actions or a policy's editor --------------------------


class TestExposureScope(InGrid, ScopeTests.Restrict):
    model = Exposure
    scope_actions = ALL
    op_users = {"delete": DELETERS}

    def make_object(self) -> Exposure:
        return Exposure.objects.create(person=new_person(self.grid()))


class TestCheckInScope(InGrid, ScopeTests.Restrict):
    model = CheckIn
    scope_actions = ALL
    op_users = {"delete": DELETERS}

    def make_object(self) -> CheckIn:
        return CheckIn.objects.create(measure=new_measure(self.grid()), on=TODAY, at=timezone.now(),
                                      source=CheckInSource.GRID_WORKER)


class TestDoorCheckScope(InGrid, ScopeTests.Restrict):
    model = DoorCheck
    scope_actions = ALL
    op_users = {"delete": DELETERS}

    def make_object(self) -> DoorCheck:
        return DoorCheck.objects.create(measure=new_measure(self.grid()), at=timezone.now(),
                                        outcome=DoorCheckOutcome.PRESENT)


class PolicyPart:
    user_in, user_out, user_none = REFERENCE
    scope_actions = ALL
    op_users = {"add": EDITORS, "change": EDITORS, "delete": EDITORS}

    def version(self) -> PolicyVersion:
        return PolicyVersion.objects.create(number=2000 + next(_serial), title="测试方案")


class TestRuleScope(PolicyPart, ScopeTests.Restrict):
    model = Rule

    def make_object(self) -> Rule:
        return Rule.objects.create(version=self.version(), name="测试规则")


class TestRuleStepScope(PolicyPart, ScopeTests.Restrict):
    model = RuleStep

    def make_object(self) -> RuleStep:
        rule = Rule.objects.create(version=self.version(), name="测试规则")
        return RuleStep.objects.create(rule=rule, order=1, kind=MeasureKind.HOME_ISOLATION, days=7)


# --- the API's actions on one measure, test and transfer ------------------------------------
# A role that may view but not change (the auditor) must not act: 404 like out of scope.
ACTORS = ("grid", "grid_other", "auditor")


class TestHomeMeasureActions(InGrid, APITests.Actions):
    """A home measure whose period is over and which has no test pending."""

    model = Measure
    api_basename = "control-measure"
    api_actions = ("check-in", "extend", "door-check", "release", "early-release")
    user_in, user_out, user_none = ACTORS
    op_users = {"early-release": ("cdc", ("cdc", "village_other"), "grid")}  # only a doctor ends it early

    def make_object(self) -> Measure:
        return new_measure(self.grid())

    def action_data(self, action: str, obj: Measure) -> dict[str, Any]:
        return {
            "check-in": {"source": CheckInSource.GRID_WORKER, "temperature": "36.5"},
            "extend": {"days": 3, "reason": "复核延长"},
            "door-check": {"outcome": DoorCheckOutcome.PRESENT},
            "early-release": {"reason": "排除密接"},
        }.get(action, {})


class TestQuarantineMeasureActions(InGrid, APITests.Actions):
    """A person under central quarantine: put into a room, or driven to a site."""

    model = Measure
    api_basename = "control-measure"
    api_actions = ("assign-room", "transfer")
    user_in, user_out, user_none = ACTORS

    def make_object(self) -> Measure:
        m = new_measure(self.grid())
        m.kind = MeasureKind.CENTRAL_QUARANTINE
        m.save(update_fields=["kind"])
        return m

    def action_data(self, action: str, obj: Measure) -> dict[str, Any]:
        site = self.site()
        if action == "assign-room":
            return {"room": Room.objects.create(site=site, number="201").pk}
        return {"site": site.pk, "vehicle": "冀A12345", "escort": "张三", "planned_at": timezone.now().isoformat()}


class TestSiteStaffActions(InGrid, APITests.Actions):
    """指定工作人员: by the site's own staff or the command centre; not by a grid worker."""

    model = QuarantineSite
    api_basename = "control-site"
    api_actions = ("staff",)
    user_in, user_out, user_none = SITE_STAFF

    def make_object(self) -> QuarantineSite:
        return self.site()

    def action_data(self, action: str, obj: QuarantineSite) -> dict[str, Any]:
        colleague = make_user(f"site_colleague{next(_serial)}", self.users["site"].division, "site_staff")
        return {"staff": [self.users["site"].pk, colleague.pk]}


class TestScheduledTestActions(InGrid, APITests.Actions):
    model = ScheduledTest
    api_basename = "control-test"
    api_actions = ("result",)
    user_in, user_out, user_none = ACTORS

    def make_object(self) -> ScheduledTest:
        return TestScheduledTestMixins.make_object(self)  # type: ignore[arg-type]

    def action_data(self, action: str, obj: ScheduledTest) -> dict[str, Any]:
        return {"result": "negative"}


class TestTransferActions(InGrid, APITests.Actions):
    model = Transfer
    api_basename = "control-transfer"
    api_actions = ("advance",)
    user_in, user_out, user_none = ACTORS

    def make_object(self) -> Transfer:
        return TestTransferMixins.make_object(self)  # type: ignore[arg-type]


# --- pages ----------------------------------------------------------------------------------


class TestMeasurePages(InGrid, PageTests.Forbidden, PageTests.Export, ViewTests.Detail):
    model = Measure
    list_url_name = "control:measures"
    detail_url_name = "control:measure"

    def make_object(self) -> Measure:
        return new_measure(self.grid())

    def list_params(self) -> dict[str, str]:
        return {"q": TEST_NAME}


class TestTransferPages(InGrid, PageTests.Export):
    """转运 (no detail page of its own: a trip opens its measure)."""

    model = Transfer
    list_url_name = "control:transfers"

    def make_object(self) -> Transfer:
        return TestTransferMixins.make_object(self)  # type: ignore[arg-type]

    def test_it_lists_closed_trips_only_when_asked(self) -> None:
        from fangkong.core.testkit import client_for

        from ..choices import TransferStatus

        trip = self.make_object()
        Transfer.objects.filter(pk=trip.pk).update(status=TransferStatus.ARRIVED, departed_at=timezone.now(),
                                                   arrived_at=timezone.now())
        client = client_for(self.users["grid"])
        url = reverse(self.list_url_name)
        assert trip.pk not in [t.pk for t in client.get(url).context["object_list"]]
        assert trip.pk in [t.pk for t in client.get(url, {"status": TransferStatus.ARRIVED}).context["object_list"]]


class TestRiskAreaPages(PageTests.Export):
    """风险区: reference data (everyone with a control role sees every period)."""

    model = RiskArea
    list_url_name = "control:areas"
    user_in, user_out, user_none = REFERENCE

    def make_object(self) -> RiskArea:
        return TestRiskAreaMixins.make_object(self)  # type: ignore[arg-type]

    def list_params(self) -> dict[str, str]:
        return {"province": "河北省"}


class TestPolicyVersionPages(PageTests.Forbidden, PageTests.Export):
    """防控方案: reference data (everyone with a control role reads every version)."""

    model = PolicyVersion
    list_url_name = "control:policies"
    detail_url_name = "control:policy"
    user_in, user_out, user_none = REFERENCE

    def make_object(self) -> PolicyVersion:
        return TestPolicyVersionMixins.make_object(self)  # type: ignore[arg-type]

    def list_params(self) -> dict[str, str]:
        return {"status": PolicyStatus.DRAFT}
