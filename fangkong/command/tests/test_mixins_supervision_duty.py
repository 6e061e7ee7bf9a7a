"""Supervision and duty models through the shared mixins: scope and audited actions, the API (with
its POST actions) and the generic pages."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from fangkong.command.actions import do_dispatch_rectification, do_log_duty, do_report_done
from fangkong.command.choices import DutyRole, FindingCategory
from fangkong.command.models import DutyLogEntry, DutyShift, Finding, SupervisionVisit, Unit
from fangkong.core.actions import SYSTEM
from fangkong.core.testkit import APITests, ScopeTests, ViewTests
from fangkong.core.testkit_pages import PageTests

from .factories import PNG, finding_at, shift, supervision_group, township_unit, visit_to

OTHER_CENTRE = ("command_center", "village_other")
_days = itertools.count(10)


class SupervisionData:
    user_in, user_out, user_none = "commander", OTHER_CENTRE, "grid"

    def group(self) -> Unit:
        county = self.users["commander"].division
        return Unit.objects.filter(name="测试督导组").first() or supervision_group(county, name="测试督导组")

    def town(self) -> Unit:
        return township_unit(self.users["township"].division)


class VisitData(SupervisionData):
    model = SupervisionVisit

    def make_object(self) -> SupervisionVisit:
        return visit_to(self.group(), self.town())

    def create_fields(self) -> dict[str, Any]:
        return {"group": self.group(), "unit": self.town(), "division": self.town().division,
                "day": timezone.localdate(), "members": "测试督导人员"}

    def create_data(self) -> dict[str, Any]:
        return {"group": self.group().pk, "unit": self.town().pk, "division": self.town().division_id,
                "day": timezone.localdate().isoformat(), "members": "测试督导人员", "unannounced": True}

    def update_data(self, obj: SupervisionVisit) -> dict[str, Any]:
        return {"summary": "补充督导情况"}


class TestVisitScope(VisitData, ScopeTests.Full):
    pass


class TestVisitAPI(VisitData, APITests.Full):
    api_basename = "command-visit"


class TestVisitPages(VisitData, PageTests.Full):
    model = SupervisionVisit

    def list_params(self) -> dict[str, str]:
        return {"q": "督导组成员"}

    def form_data(self) -> dict[str, Any]:
        return {**self.create_data(), "places": "", "summary": "测试督导情况"}

    def edit_form_data(self, obj: SupervisionVisit) -> dict[str, Any]:
        return {"group": obj.group_id, "unit": obj.unit_id, "division": obj.division_id,
                "day": obj.day.isoformat(), "members": obj.members, "places": "", "summary": "补充督导情况"}


class FindingData(SupervisionData):
    model = Finding

    def make_object(self) -> Finding:
        return finding_at(visit_to(self.group(), self.town()), FindingCategory.GRID, description="测试督导问题")

    def create_data(self) -> dict[str, Any]:
        town = self.town()  # the visit is the test's ground, not what it checks: written directly
        visit = SupervisionVisit.objects.create(group=self.group(), unit=town, division=town.division, members="甲")
        return {"visit": visit.pk, "category": FindingCategory.VENUE, "description": "测试发现问题"}


class TestFindingScope(FindingData, ScopeTests.Read):
    pass


class TestFindingAPI(FindingData, APITests.Get, APITests.List, APITests.Create, APITests.Actions):
    api_basename = "command-finding"
    api_actions = ("rectify",)

    def action_data(self, action: str, obj: Finding) -> dict[str, Any]:
        return {"due_at": (timezone.now() + dt.timedelta(days=2)).isoformat()}


class TestFindingRecheckAPI(FindingData, APITests.Actions):
    api_basename = "command-finding"
    api_actions = ("recheck",)

    def make_object(self) -> Finding:
        finding = super().make_object()
        task = do_dispatch_rectification(finding, due_at=timezone.now() + dt.timedelta(days=1), acting_user=SYSTEM)
        do_report_done(task, text="已整改", files=[("整改.png", PNG)], acting_user=SYSTEM)
        return Finding.objects.get(pk=finding.pk)

    def action_data(self, action: str, obj: Finding) -> dict[str, Any]:
        return {"passed": False, "note": "复查仍不到位"}


class TestFindingPages(FindingData, PageTests.Forbidden, PageTests.Export, ViewTests.Detail):
    model = Finding

    def list_params(self) -> dict[str, str]:
        return {"q": "测试督导问题"}


class ShiftData:
    model = DutyShift
    user_in, user_out, user_none = "commander", OTHER_CENTRE, "grid"

    def town(self) -> Unit:
        return township_unit(self.users["township"].division)

    def day(self) -> dt.date:
        return timezone.localdate() + dt.timedelta(days=next(_days))

    def make_object(self) -> DutyShift:
        return shift(self.town(), self.day(), officer=self.users["township"])

    def create_fields(self) -> dict[str, Any]:
        return {"unit": self.town(), "day": self.day(), "start": dt.time(8, 30), "end": dt.time(8, 30)}

    def create_data(self) -> dict[str, Any]:
        return {"unit": self.town().pk, "day": self.day().isoformat(), "start": "08:30", "end": "08:30"}

    def update_data(self, obj: DutyShift) -> dict[str, Any]:
        return {"end": "18:00"}

    def update_fields(self, obj: DutyShift) -> dict[str, Any]:
        return {"end": dt.time(18, 0)}


class TestShiftScope(ShiftData, ScopeTests.Full):
    pass


class TestShiftAPI(ShiftData, APITests.Full, APITests.Actions):
    api_basename = "command-shift"
    api_actions = ("swap", "handover")

    def action_data(self, action: str, obj: DutyShift) -> dict[str, Any]:
        if action == "swap":
            return {"role": DutyRole.OFFICER, "to_user": self.users["commander"].pk, "reason": "测试调班"}
        return {"note": "测试交班记录"}


class TestShiftPages(ShiftData, PageTests.Full):
    model = DutyShift

    def list_params(self) -> dict[str, str]:
        return {"unit": str(self.town().pk)}

    def form_data(self) -> dict[str, Any]:
        return {**self.create_data(), "leader": "", "officer": ""}

    def edit_form_data(self, obj: DutyShift) -> dict[str, Any]:
        return {"unit": obj.unit_id, "day": obj.day.isoformat(), "start": "08:30", "end": "18:00", "leader": "",
                "officer": obj.officer_id or ""}


class LogData(ShiftData):
    model = DutyLogEntry

    def make_object(self) -> DutyLogEntry:
        return do_log_duty(super().make_object(), caller="测试来电单位", content="测试来电内容", acting_user=SYSTEM)

    def create_data(self) -> dict[str, Any]:
        ground = DutyShift.objects.create(unit=self.town(), day=self.day(), officer=self.users["township"])
        return {"shift": ground.pk, "caller": "测试来电单位", "content": "询问情况", "handling": "已答复"}


class TestLogScope(LogData, ScopeTests.Read):
    pass


class TestLogAPI(LogData, APITests.Get, APITests.List, APITests.Create):
    api_basename = "command-dutylog"


class TestLogPages(LogData, PageTests.Forbidden, PageTests.Export, ViewTests.Detail):
    model = DutyLogEntry

    def list_params(self) -> dict[str, str]:
        return {"q": "测试来电"}
