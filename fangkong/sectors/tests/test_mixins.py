"""Every model of the sectors area through the shared mixins: scope and audited actions, the API
(with its POST actions) and the generic pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.testkit import APITests, ScopeTests, ViewTests
from fangkong.core.testkit.users import _serial, make_user
from fangkong.core.testkit_pages import PageTests
from fangkong.sectors.actions import do_issue_order, do_publish_checklist
from fangkong.sectors.actions_events import do_check_event, do_report_event
from fangkong.sectors.actions_resumption import do_apply_resumption
from fangkong.sectors.choices import Answer, EventKind, Finding, OrderKind, ResumptionStatus, VenueStatus
from fangkong.sectors.models import (
    Checklist,
    EventCheck,
    EventRules,
    FamilyEvent,
    Inspection,
    Reinspection,
    ResumptionApplication,
    ResumptionStaff,
    Sector,
    SectorOrder,
    Venue,
)

from .factories import answers_for, credit_code, inspect, make_venue, sector

REG_IN = ("sector_regulator", "township")
REG_OUT = ("sector_regulator", "village_other")


class VenueData:
    model = Venue
    user_in, user_out, user_none = REG_IN, REG_OUT, "lab"
    op_users = {"delete": ("commander", ("command_center", "village_other"), REG_IN)}

    def make_object(self) -> Venue:
        return make_venue(self.users["grid"].division)

    def create_data(self) -> dict[str, Any]:
        return {"name": "测试新场所", "credit_code": credit_code(), "sector": sector("bar").pk, "address": "测试路9号",
                "grid": self.users["grid"].division.pk, "status": VenueStatus.OPEN, "capacity": 80}

    def update_data(self, obj: Venue) -> dict[str, Any]:
        return {"address": "测试路10号"}


class TestVenueScope(VenueData, ScopeTests.Full):
    def create_fields(self) -> dict[str, Any]:
        return {"name": "测试新场所", "credit_code": credit_code(), "sector": sector("bar"), "address": "测试路11号",
                "grid": self.users["grid"].division}


class TestVenueAPI(VenueData, APITests.Full, APITests.Actions):
    api_basename = "sectors-venue"
    api_actions = ("inspect",)

    def action_data(self, action: str, obj: Venue) -> dict[str, Any]:
        return {"finding": Finding.COMPLIANT, "answers": answers_for(obj, Answer.YES)}


class TestVenueReopenAPI(VenueData, APITests.Actions):
    """停业整顿 ends through the API (a suspended venue)."""

    api_basename = "sectors-venue"
    api_actions = ("reopen",)

    def make_object(self) -> Venue:
        venue = make_venue(self.users["grid"].division)
        inspect(venue, Finding.SUSPEND, Answer.NO)
        venue.refresh_from_db()
        return venue


class TestVenuePages(VenueData, PageTests.Full):
    model = Venue

    def edit_form_data(self, obj: Venue) -> dict[str, Any]:
        fields = ("name", "credit_code", "sector", "grid", "manager_name", "manager_phone", "regulator_unit",
                  "regulator_name", "regulator_phone", "capacity", "status")
        return {**{f: getattr(obj, f"{f}_id", None) or getattr(obj, f) for f in fields}, "address": "测试路10号",
                "limit_percent": ""}

    def list_params(self) -> dict[str, str]:
        return {"q": "测试"}

    def create_data(self) -> dict[str, Any]:
        return {**super().create_data(), "manager_phone": "", "limit_percent": ""}


class NoDivision:
    """Reference data ties to no division: the user "out of scope" is a regulator without a
    division, who sees nothing (`restrict` needs a division)."""

    def user(self, spec):
        if not (isinstance(spec, str) and spec.startswith("nodivision")):
            return super().user(spec)
        if spec not in self._made:
            role = spec.partition(":")[2] or "sector_regulator"
            self._made[spec] = make_user(f"nodiv{next(_serial)}", None, role)
        return self._made[spec]


class SectorData(NoDivision):
    model = Sector
    user_in, user_out, user_none = "regulator", "nodivision", "lab"
    op_users = {"delete": ("commander", "nodivision:command_center", "regulator")}

    def make_object(self) -> Sector:
        n = Sector.objects.count() + 1
        return Sector.objects.create(code=f"test{n}", name=f"测试行业{n}", order=90 + n)

    def create_data(self) -> dict[str, Any]:
        n = Sector.objects.count() + 1
        return {"code": f"new{n}", "name": f"新行业{n}", "aliases": "新叫法", "order": 80}

    def update_data(self, obj: Sector) -> dict[str, Any]:
        return {"aliases": "另一种叫法"}

    def edit_form_data(self, obj: Sector) -> dict[str, Any]:
        return {"code": obj.code, "name": obj.name, "order": obj.order, "aliases": "另一种叫法"}


class TestSectorScope(SectorData, ScopeTests.Full):
    def create_fields(self) -> dict[str, Any]:
        n = Sector.objects.count() + 1
        return {"code": f"scope{n}", "name": f"范围行业{n}", "order": 70}


class TestSectorAPI(SectorData, APITests.Full, APITests.Actions):
    api_basename = "sectors-sector"
    api_actions = ("publish-checklist",)

    def action_data(self, action: str, obj: Sector) -> dict[str, Any]:
        return {"items": ["测温", "扫码"], "note": "测试"}


class TestSectorPages(SectorData, PageTests.Full):
    model = Sector

    def list_params(self) -> dict[str, str]:
        return {"q": "测试行业"}


class ChecklistData(NoDivision):
    model = Checklist
    user_in, user_out, user_none = "regulator", "nodivision", "lab"

    def make_object(self) -> Checklist:
        return do_publish_checklist(sector("ktv"), ["测温", "扫码"], note="测试版本", acting_user=SYSTEM)


class TestChecklistScope(ChecklistData, ScopeTests.Read):
    pass


class TestChecklistAPI(ChecklistData, APITests.ReadOnly):
    api_basename = "sectors-checklist"


class TestChecklistPages(ChecklistData, PageTests.Forbidden, PageTests.Export, ViewTests.Detail):
    model = Checklist

    def list_params(self) -> dict[str, str]:
        return {"q": "测试版本"}


class InspectionData:
    model = Inspection
    user_in, user_out, user_none = REG_IN, REG_OUT, "lab"

    def make_object(self) -> Inspection:
        return inspect(make_venue(self.users["grid"].division), Finding.COMPLIANT, Answer.YES)


class TestInspectionScope(InspectionData, ScopeTests.Read):
    pass


class TestInspectionAPI(InspectionData, APITests.ReadOnly):
    api_basename = "sectors-inspection"


class TestInspectionPages(InspectionData, PageTests.Forbidden, PageTests.Export, ViewTests.Detail):
    model = Inspection

    def list_params(self) -> dict[str, str]:
        return {"finding": Finding.COMPLIANT}


class ReinspectionData:
    model = Reinspection
    user_in, user_out, user_none = REG_IN, REG_OUT, "lab"

    def make_object(self) -> Reinspection:
        venue = make_venue(self.users["grid"].division)
        deadline = timezone.localdate() + dt.timedelta(days=3)
        return inspect(venue, Finding.RECTIFY, Answer.NO, to_fix="补贴公示牌", deadline=deadline).reinspection


class TestReinspectionScope(ReinspectionData, ScopeTests.Read):
    pass


class TestReinspectionAPI(ReinspectionData, APITests.ReadOnly):
    api_basename = "sectors-reinspection"


class TestReinspectionPages(ReinspectionData, PageTests.Forbidden, PageTests.Export, ViewTests.Detail):
    model = Reinspection

    def list_params(self) -> dict[str, str]:
        return {"status": ""}


class OrderData:
    model = SectorOrder
    user_in, user_out, user_none = REG_IN, REG_OUT, "lab"

    def make_object(self) -> SectorOrder:
        village = self.users["grid"].division.parent
        return do_issue_order(sector("netbar"), village, kind=OrderKind.CLOSE, starts_on=timezone.localdate(),
                              acting_user=SYSTEM)

    def create_data(self) -> dict[str, Any]:
        return {"sector": sector("bar").pk, "division": self.users["grid"].division.parent.pk,
                "kind": OrderKind.RESTRICT, "limit_percent": 50, "starts_on": timezone.localdate().isoformat()}


class TestOrderScope(OrderData, ScopeTests.Read):
    pass


class TestOrderAPI(OrderData, APITests.Get, APITests.List, APITests.Create, APITests.Actions):
    api_basename = "sectors-order"
    api_actions = ("lift",)


class TestOrderPages(OrderData, PageTests.Forbidden, PageTests.Export, ViewTests.Detail):
    model = SectorOrder

    def list_params(self) -> dict[str, str]:
        return {"kind": OrderKind.CLOSE}


EVENT_IN = ("township_cadre", "township")
EVENT_OUT = ("township_cadre", "village_other")


class FamilyEventData:
    model = FamilyEvent
    user_in, user_out, user_none = EVENT_IN, EVENT_OUT, "lab"

    def make_object(self) -> FamilyEvent:
        return do_report_event(self.users["village"].division, kind=EventKind.WEDDING, host_name="测试事主",
                               host_phone="13800000009", place="测试村广场",
                               event_date=timezone.localdate() + dt.timedelta(days=5), guests=20, acting_user=SYSTEM)

    def create_data(self) -> dict[str, Any]:
        return {"kind": EventKind.FUNERAL, "host_name": "测试新事主", "division": self.users["village"].division.pk,
                "place": "测试地点", "event_date": timezone.localdate().isoformat(), "guests": 15}


class TestFamilyEventScope(FamilyEventData, ScopeTests.Read):
    pass


class TestFamilyEventAPI(FamilyEventData, APITests.Get, APITests.List, APITests.Create, APITests.Actions):
    api_basename = "sectors-familyevent"
    api_actions = ("supervisor", "check", "cancel")

    def action_data(self, action: str, obj: FamilyEvent) -> dict[str, Any]:
        return {"supervisor": {"supervisor": self.users["township"].pk}, "check": {"actual_people": 12, "compliant": True},
                "cancel": {"reason": "改期"}}[action]


class TestFamilyEventPages(FamilyEventData, PageTests.Forbidden, PageTests.Export, ViewTests.Detail):
    model = FamilyEvent

    def list_params(self) -> dict[str, str]:
        return {"q": "测试事主"}


class EventCheckData:
    model = EventCheck
    user_in, user_out, user_none = EVENT_IN, EVENT_OUT, "lab"

    def make_object(self) -> EventCheck:
        return do_check_event(FamilyEventData.make_object(self), actual_people=18, compliant=True, note="测试检查",
                              acting_user=SYSTEM)


class TestEventCheckScope(EventCheckData, ScopeTests.Read):
    pass


class TestEventCheckAPI(EventCheckData, APITests.ReadOnly):
    api_basename = "sectors-eventcheck"


class TestEventCheckPages(EventCheckData, PageTests.Forbidden, PageTests.Export, ViewTests.Detail):
    model = EventCheck

    def list_params(self) -> dict[str, str]:
        return {"compliant": "true"}


class TestEventRulesScope(NoDivision, ScopeTests.Read):
    model = EventRules
    user_in, user_out, user_none = "regulator", "nodivision", "lab"

    def make_object(self) -> EventRules:
        return EventRules.objects.create(max_people=40)


class ResumptionData:
    model = ResumptionApplication
    user_in, user_out, user_none = REG_IN, REG_OUT, "lab"

    def staff(self) -> list[dict[str, Any]]:
        from fangkong.screening.tests.helpers import outsider_id

        return [{"name": "测试员工", "id_number": outsider_id(77), "phone": "", "whereabouts": "未离县", "closed_loop": True}]

    def make_object(self) -> ResumptionApplication:
        venue = make_venue(self.users["grid"].division, sector_code="factory")
        app = do_apply_resumption(venue, applicant_name="测试申请人", plan="测试方案", staff=self.staff(),
                                  acting_user=SYSTEM)
        inspect(venue, Finding.COMPLIANT, Answer.YES)  # the on-site inspection its decision needs
        return app

    def create_data(self) -> dict[str, Any]:
        venue = make_venue(self.users["grid"].division, sector_code="factory")
        return {"venue": venue.pk, "applicant_name": "新申请人", "plan": "新方案", "staff": self.staff()}


class TestResumptionScope(ResumptionData, ScopeTests.Read):
    pass


class TestResumptionAPI(ResumptionData, APITests.Get, APITests.List, APITests.Create, APITests.Actions):
    api_basename = "sectors-resumption"
    api_actions = ("decide",)

    def action_data(self, action: str, obj: ResumptionApplication) -> dict[str, Any]:
        return {"decision": ResumptionStatus.APPROVED}


class TestResumptionPages(ResumptionData, PageTests.Forbidden, PageTests.Export, ViewTests.Detail):
    model = ResumptionApplication

    def list_params(self) -> dict[str, str]:
        return {"q": "测试申请人"}


class ResumptionStaffData:
    model = ResumptionStaff
    user_in, user_out, user_none = REG_IN, REG_OUT, "lab"

    def make_object(self) -> ResumptionStaff:
        return ResumptionData.make_object(self).staff.get()

    staff = ResumptionData.staff


class TestResumptionStaffScope(ResumptionStaffData, ScopeTests.Read):
    pass


class TestResumptionStaffAPI(ResumptionStaffData, APITests.ReadOnly):
    api_basename = "sectors-resumptionstaff"


class TestResumptionStaffPages(ResumptionStaffData, PageTests.Forbidden, PageTests.Export, ViewTests.Detail):
    model = ResumptionStaff

    def list_params(self) -> dict[str, str]:
        return {"q": "测试员工"}
