"""Every model of the command area through the shared mixins: scope and audited actions, the API
(with its POST actions) and the generic pages."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from fangkong.command.actions import do_report_done
from fangkong.command.choices import DispatchSource, UnitKind
from fangkong.command.models import DailyReport, Dispatch, DispatchTask, Unit
from fangkong.core.actions import SYSTEM
from fangkong.core.testkit import APITests, ScopeTests, ViewTests
from fangkong.core.testkit_pages import PageTests

from .factories import dispatch_to, file, local, make_unit, township_unit

OTHER_CENTRE = ("command_center", "village_other")
OTHER_CADRE = ("township_cadre", "village_other")
_days = itertools.count(1)


class UnitData:
    model = Unit
    user_in, user_out, user_none = "commander", OTHER_CENTRE, "grid"

    def county(self):
        return self.users["commander"].division

    def make_object(self) -> Unit:
        return make_unit(self.county(), UnitKind.GROUP, duties="负责全县排查管控")

    def create_data(self) -> dict[str, Any]:
        n = Unit.objects.count() + 1
        return {"name": f"测试单位新{n}", "short_name": "新组", "kind": UnitKind.TASK_FORCE, "division": self.county().pk,
                "duties": "专班职责", "modules": [], "reports_daily": True, "report_time": "16:00", "order": 3}

    def update_data(self, obj: Unit) -> dict[str, Any]:
        return {"duties": "调整后的职责"}


class TestUnitScope(UnitData, ScopeTests.Full):
    def create_fields(self) -> dict[str, Any]:
        n = Unit.objects.count() + 1
        return {"name": f"范围单位{n}", "kind": UnitKind.GROUP, "division": self.county()}


class TestUnitAPI(UnitData, APITests.Full):
    api_basename = "command-unit"


class TestUnitPages(UnitData, PageTests.Full):
    model = Unit

    def list_params(self) -> dict[str, str]:
        return {"q": "测试单位"}

    def form_data(self) -> dict[str, Any]:
        return {**self.create_data(), "parent": "", "reports_since": ""}

    def edit_form_data(self, obj: Unit) -> dict[str, Any]:
        return {"name": obj.name, "short_name": obj.short_name, "kind": obj.kind, "division": obj.division_id,
                "parent": "", "duties": "调整后的职责", "report_time": "16:00", "reports_since": "", "order": obj.order}


class DispatchData:
    model = Dispatch
    user_in, user_out, user_none = "commander", OTHER_CENTRE, "grid"

    def town(self) -> Unit:
        return township_unit(self.users["township"].division)

    def make_object(self) -> Dispatch:
        return dispatch_to(self.town(), title="测试交办事项")

    def create_data(self) -> dict[str, Any]:
        return {"title": "测试交办新事项", "content": "请核查", "units": [self.town().pk],
                "due_at": (timezone.now() + dt.timedelta(days=1)).isoformat(), "source": DispatchSource.SENTINEL}


class TestDispatchScope(DispatchData, ScopeTests.Read):
    pass


class TestDispatchAPI(DispatchData, APITests.Get, APITests.List, APITests.Create):
    api_basename = "command-dispatch"


class TestDispatchPages(DispatchData, PageTests.Forbidden, PageTests.Export, ViewTests.Detail):
    model = Dispatch

    def list_params(self) -> dict[str, str]:
        return {"q": "测试交办"}


class TaskData:
    model = DispatchTask
    user_in, user_out, user_none = "township", OTHER_CADRE, "grid"
    op_users = {"sign-off": ("commander", OTHER_CENTRE, "township"),
                "return": ("commander", OTHER_CENTRE, "township")}

    def make_object(self) -> DispatchTask:
        town = township_unit(self.users["township"].division)
        return dispatch_to(town, title="测试交办事项", acting_user=self.users["commander"]).tasks.get()


class TestTaskScope(TaskData, ScopeTests.Read):
    pass


class TestTaskAPI(TaskData, APITests.ReadOnly, APITests.Actions):
    api_basename = "command-task"
    api_actions = ("acknowledge", "progress", "done")

    def action_data(self, action: str, obj: DispatchTask) -> dict[str, Any]:
        return {"text": "已落实"}


class TestTaskSenderAPI(TaskData, APITests.Actions):
    """The sender signs a done task off or returns it."""

    api_basename = "command-task"
    api_actions = ("sign-off", "return")

    def make_object(self) -> DispatchTask:
        task = super().make_object()
        do_report_done(task, text="已办结", acting_user=SYSTEM)
        return task

    def action_data(self, action: str, obj: DispatchTask) -> dict[str, Any]:
        return {"text": "照片不全，请补充"}


class TestTaskPages(TaskData, PageTests.Forbidden, PageTests.Export, ViewTests.Detail):
    model = DispatchTask

    def list_params(self) -> dict[str, str]:
        return {"q": "测试交办"}


class ReportData:
    model = DailyReport
    user_in, user_out, user_none = "township", OTHER_CADRE, "grid"

    def town(self) -> Unit:
        return township_unit(self.users["township"].division, reports_since=dt.date(2020, 1, 1))

    def make_object(self) -> DailyReport:
        day = timezone.localdate() - dt.timedelta(days=next(_days))
        return file(self.town(), day, at=local(day, 10), zero=False, content="测试日报内容")

    def create_data(self) -> dict[str, Any]:
        day = timezone.localdate() - dt.timedelta(days=next(_days))
        return {"unit": self.town().pk, "day": day.isoformat(), "nothing_to_report": True}


class TestReportScope(ReportData, ScopeTests.Read):
    pass


class TestReportAPI(ReportData, APITests.Get, APITests.List, APITests.Create):
    api_basename = "command-report"


class TestReportPages(ReportData, PageTests.Forbidden, PageTests.Export, ViewTests.Detail):
    model = DailyReport

    def list_params(self) -> dict[str, str]:
        return {"q": "测试日报"}
