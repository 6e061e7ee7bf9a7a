"""Every model of the tracing area through the shared mixins: scope, the API (with its POST
actions) and the generic pages. The CDC and the command centre see cases county-wide, a
township's cadres their own township; the lab sees none."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.testkit import APITests, ScopeTests, ViewTests
from fangkong.core.testkit.users import _serial, make_user
from fangkong.core.testkit_pages import PageTests

from ..actions import do_record_positive
from ..choices import CaseClass, ContactCategory, MilestoneKind
from ..models import (
    Case,
    CaseClassification,
    Contact,
    ContactPlan,
    Investigation,
    Milestone,
    PositiveFinding,
    ProtocolCategory,
    ProtocolVersion,
    Segment,
)
from . import factories as F

IN, OUT = ("cdc", "township"), ("cdc", "village_other")
_n = itertools.count(1)


class CaseScoped:
    user_in, user_out, user_none = IN, OUT, "lab"

    @pytest.fixture(autouse=True)
    def _protocol(self, db) -> None:
        F.activate()  # before any test counts audit rows

    def case(self) -> Case:
        return F.open_case(self.users["grid"].division)


class CaseData(CaseScoped):
    model = Case

    def make_object(self) -> Case:
        return self.case()

    def create_data(self) -> dict[str, Any]:
        return {"name": "测试病例新", "division": self.users["grid"].division.pk,
                "classification": CaseClass.ASYMPTOMATIC, "sampled_on": timezone.localdate().isoformat(),
                "reported_at": timezone.now().isoformat()}

    def update_data(self, obj: Case) -> dict[str, Any]:
        return {"hospital": "县人民医院"}

    def list_params(self) -> dict[str, str]:
        return {"q": "测试病例"}


class TestCaseScope(CaseData, ScopeTests.Read):
    pass


class TestTownshipSeesItsOwnCases(CaseData, ScopeTests.Read):
    """A township cadre sees the cases of the township, not of another village's township cadre."""

    user_in, user_out = "township", ("township_cadre", "village_other")


class TestCaseAPI(CaseData, APITests.Get, APITests.List, APITests.Create, APITests.Update, APITests.Actions):
    api_basename = "tracing-case"
    api_actions = ("classify",)

    def action_data(self, action: str, obj: Case) -> dict[str, Any]:
        return {"classification": CaseClass.ASYMPTOMATIC, "note": "订正"}


class TestCasePages(CaseData, PageTests.Forbidden, PageTests.Export, ViewTests.Detail):
    model = Case


class FindingData(CaseScoped):
    model = PositiveFinding

    def make_object(self) -> PositiveFinding:
        return do_record_positive(id_number=f"11010119900101{next(_n):04d}"[:18], name="测试阳性",
                                  sampled_at=timezone.now() - dt.timedelta(hours=next(_n)),
                                  division=self.users["grid"].division, source="采样管 T1", acting_user=SYSTEM)

    def list_params(self) -> dict[str, str]:
        return {"q": "测试阳性"}


class TestFindingScope(FindingData, ScopeTests.Read):
    pass


class TestFindingAPI(FindingData, APITests.ReadOnly):
    api_basename = "tracing-positive"


class TestFindingPages(FindingData, PageTests.Forbidden, PageTests.Export, ViewTests.Detail):
    model = PositiveFinding


class InvestigationData(CaseScoped):
    model = Investigation

    def make_object(self) -> Investigation:
        return self.case().investigation

    def list_params(self) -> dict[str, str]:
        return {"q": "测试病例"}


class TestInvestigationScope(InvestigationData, ScopeTests.Read):
    pass


class TestInvestigationAPI(InvestigationData, APITests.ReadOnly, APITests.Actions):
    api_basename = "tracing-investigation"
    api_actions = ("milestone", "segments", "contacts", "publish", "close")

    def action_data(self, action: str, obj: Investigation) -> dict[str, Any]:
        on = obj.case.look_back_from + dt.timedelta(days=1)
        return {
            "milestone": {"kind": MilestoneKind.ON_SITE},
            "segments": {"on": on.isoformat(), "start": "09:00", "end": "10:30", "place": "测试超市",
                         "evidence": "venue_code"},
            "contacts": {"category": ContactCategory.CLOSE, "name": "接触者甲", "phone": "13900001111",
                         "last_exposure_at": (timezone.now() - dt.timedelta(days=1)).isoformat()},
            "publish": {"text": f"{on.month}月{on.day}日上午，到访测试超市。"},
            "close": {},
        }[action]


class TestInvestigationPages(InvestigationData, PageTests.Forbidden, PageTests.Export, ViewTests.Detail):
    model = Investigation


class ContactData(CaseScoped):
    model = Contact

    def make_object(self) -> Contact:
        case = self.case()
        close = F.contact(case)
        return F.contact(case, category=ContactCategory.SECONDARY, via=close)

    def list_params(self) -> dict[str, str]:
        return {"category": ContactCategory.SECONDARY}


class TestContactScope(ContactData, ScopeTests.Read):
    pass


class TestContactAPI(ContactData, APITests.ReadOnly, APITests.Actions):
    api_basename = "tracing-contact"
    api_actions = ("upgrade",)


class TestContactPages(ContactData, PageTests.Forbidden, PageTests.Export, ViewTests.Detail):
    model = Contact


class TestClassificationScope(CaseScoped, ScopeTests.Read):
    model = CaseClassification

    def make_object(self) -> CaseClassification:
        return self.case().classifications.get()


class TestMilestoneScope(CaseScoped, ScopeTests.Read):
    model = Milestone

    def make_object(self) -> Milestone:
        return self.case().investigation.milestones.first()


class TestSegmentScope(CaseScoped, ScopeTests.Read):
    model = Segment

    def make_object(self) -> Segment:
        return F.segment(self.case())


class TestContactPlanScope(CaseScoped, ScopeTests.Read):
    model = ContactPlan

    def make_object(self) -> ContactPlan:
        return F.contact(self.case()).plan


class NoDivision:
    """Protocol versions are reference data: "out of scope" is a CDC account without a division."""

    def user(self, spec):
        if not (isinstance(spec, str) and spec.startswith("nodivision")):
            return super().user(spec)
        if spec not in self._made:
            self._made[spec] = make_user(f"nodiv{next(_serial)}", None, spec.partition(":")[2] or "cdc")
        return self._made[spec]


class ProtocolData(NoDivision):
    model = ProtocolVersion
    user_in, user_out, user_none = "cdc", "nodivision", "lab"

    def make_object(self) -> ProtocolVersion:
        n = next(_n)
        version = ProtocolVersion.objects.create(code=f"测试版{n}", title=f"测试方案{n}", look_back_days=3)
        ProtocolCategory.objects.create(version=version, category=ContactCategory.CLOSE, central_days=7, home_days=3,
                                        test_days="1,3,7")
        return version

    def create_data(self) -> dict[str, Any]:
        n = next(_n)
        return {"code": f"新版{n}", "title": f"测试方案新{n}", "look_back_days": 4, "on_site_hours": 2,
                "core_facts_hours": 4, "contacts_hours": 12, "report_hours": 24, "copresence_overlap_minutes": 10,
                "copresence_scan_window_minutes": 30, "copresence_days": 14, "note": ""}

    def update_data(self, obj: ProtocolVersion) -> dict[str, Any]:
        return {"note": "本地补充：学校另行规定"}

    def edit_form_data(self, obj: ProtocolVersion) -> dict[str, Any]:
        return {**{k: getattr(obj, k) for k in self.create_data()}, "note": "本地补充：学校另行规定"}

    def list_params(self) -> dict[str, str]:
        return {"q": "测试方案"}


class TestProtocolScope(ProtocolData, ScopeTests.Read):
    pass


class TestProtocolAPI(ProtocolData, APITests.Full, APITests.Actions):
    api_basename = "tracing-protocol"
    api_actions = ("categories", "activate")

    def action_data(self, action: str, obj: ProtocolVersion) -> dict[str, Any]:
        if action == "categories":
            return {"category": ContactCategory.SECONDARY, "home_days": 7, "home_kind": "home_isolation",
                    "test_days": "1,4,7"}
        return {}


class TestProtocolPages(ProtocolData, PageTests.Full):
    model = ProtocolVersion


class TestProtocolCategoryScope(ProtocolData, ScopeTests.Read):
    model = ProtocolCategory

    def make_object(self) -> ProtocolCategory:
        return super().make_object().categories.get()
