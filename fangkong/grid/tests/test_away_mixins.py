"""The people-away models through the shared mixins: restrict per declared action, the API
(schema, scope, constant queries, masked personal data) and the list, detail, add and edit pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from fangkong.core.testkit import APITests, ScopeTests, ViewTests

from ..choices import AwayTaskKind, ContactAdvice, ReturnPlan
from ..models import AwayTask, ContactLog, PersonAway, ReturnReport
from . import factories_away as F
from .test_mixins import InGrid


class TestPersonAwayMixins(InGrid, APITests.ReadOnly, APITests.Pii, ScopeTests.Restrict, ViewTests.List,
                           ViewTests.Detail, ViewTests.Create, ViewTests.Edit):
    model = PersonAway
    api_basename = "grid-away"
    list_url_name, detail_url_name = "grid:personaway_list", "grid:personaway"
    add_url_name, edit_url_name = "grid:personaway_add", "grid:personaway_edit"
    scope_actions = ("view", "add", "change")

    def make_object(self) -> PersonAway:
        return F.away(self.grid())

    def create_data(self) -> dict[str, Any]:
        return {"name": "外出人员甲", "phone": "13800009999", "grid": self.grid().pk, "province": "广东省",
                "city": "深圳市", "plan": ReturnPlan.UNDECIDED, "status": "away"}

    def update_data(self, obj: PersonAway) -> dict[str, Any]:
        return {"name": obj.name, "phone": obj.phone, "id_number": obj.id_number, "grid": obj.grid_id,
                "province": obj.province, "city": obj.city, "county": obj.county, "plan": ReturnPlan.WILL_RETURN,
                "plan_return_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat(), "status": "away",
                "liaison": obj.liaison_id or ""}


class TestContactLogMixins(InGrid, APITests.ReadOnly, ScopeTests.Restrict, ViewTests.List, ViewTests.Detail):
    model = ContactLog
    api_basename = "grid-awaycontact"
    list_url_name, detail_url_name = "grid:contactlog_list", "grid:contactlog"
    scope_actions = ("view", "add")

    def make_object(self) -> ContactLog:
        return ContactLog.objects.create(person=F.away(self.grid()), advice=ContactAdvice.STAY, note="测试")


class TestReturnReportMixins(InGrid, APITests.ReadOnly, APITests.Pii, ScopeTests.Restrict, ViewTests.List,
                             ViewTests.Detail):
    model = ReturnReport
    api_basename = "grid-returnreport"
    list_url_name, detail_url_name = "grid:returnreport_list", "grid:returnreport"
    scope_actions = ("view", "add", "change")

    def make_object(self) -> ReturnReport:
        return F.report(self.grid())


class TestAwayTaskMixins(InGrid, APITests.ReadOnly, ScopeTests.Restrict, ViewTests.List, ViewTests.Detail):
    model = AwayTask
    api_basename = "grid-awaytask"
    list_url_name, detail_url_name = "grid:awaytask_list", "grid:awaytask"
    scope_actions = ("view", "change")

    def make_object(self) -> AwayTask:
        p = F.away(self.grid())
        return AwayTask.objects.create(kind=AwayTaskKind.CALL, key=f"test:{p.pk}", person=p, division=self.grid(),
                                       reason="测试任务", due_on=timezone.localdate())
