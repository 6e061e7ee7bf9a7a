"""The 四对一 and notice models through the shared mixins: restrict per declared action, the API
(schema, scope, constant queries, masked phones, the POST actions) and the generic pages."""

from __future__ import annotations

import itertools
from typing import Any

from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.choices import MeasureKind
from fangkong.core.models import Division
from fangkong.core.testkit import APITests, ScopeTests, ViewTests

from ..actions import do_send_notice
from ..care import ensure_default_templates
from ..choices import CareItem, CareRole, CheckResult, DeliveryStatus, NoticeAudience, NoticeStatus
from ..models import CareCheck, CareDuty, CareMember, CareTeam, CareTemplate, Notice, NoticeDelivery
from . import factories_away as AF
from . import factories_care as F

_serial = itertools.count(1)
REFERENCE = ("grid", None, "lab")
EDITORS = ("commander", None, "grid")


class InVillage:
    """Teams and notices are a village's: its cadre in scope, another village's cadre out."""

    user_in, user_out, user_none = "village", "village_other", "lab"

    def village(self) -> Division:
        return self.users["village"].division  # type: ignore[attr-defined]

    def team(self) -> CareTeam:
        ensure_default_templates()
        return F.team(self.village())


class TestCareTemplateMixins(APITests.ReadOnly, ScopeTests.Restrict, ViewTests.Create, ViewTests.Edit):
    model = CareTemplate
    api_basename = "grid-caretemplate"
    add_url_name, edit_url_name = "grid:caretemplate_add", "grid:caretemplate_edit"
    user_in, user_out, user_none = REFERENCE
    scope_actions = ("view", "add", "change")
    op_users = {"add": EDITORS, "change": EDITORS}

    def make_object(self) -> CareTemplate:  # retired rows: any number of them may exist
        return CareTemplate.objects.create(measure_kind=MeasureKind.HOME_MONITORING, role=CareRole.POLICE,
                                           item=CareItem.SUPPLIES, every_hours=24 + next(_serial) % 100, active=False)

    def create_data(self) -> dict[str, Any]:
        return {"measure_kind": MeasureKind.HOME_ISOLATION, "role": CareRole.POLICE, "item": CareItem.SUPPLIES,
                "every_hours": 48}

    def update_data(self, obj: CareTemplate) -> dict[str, Any]:
        return {"measure_kind": obj.measure_kind, "role": obj.role, "item": obj.item, "every_hours": 6}


class TestCareTeamMixins(InVillage, APITests.ReadOnly, ScopeTests.Restrict, ViewTests.List, ViewTests.Detail):
    model = CareTeam
    api_basename = "grid-careteam"
    list_url_name, detail_url_name = "grid:careteam_list", "grid:careteam"
    scope_actions = ("view", "add", "change")

    def make_object(self) -> CareTeam:
        return self.team()


class TestCareMemberScope(InVillage, ScopeTests.Restrict):
    model = CareMember
    scope_actions = ("view", "change")

    def make_object(self) -> CareMember:
        return self.team().members.get(role=CareRole.POLICE)


class TestCareDutyMixins(InVillage, APITests.ReadOnly, APITests.Actions, ScopeTests.Restrict, ViewTests.List):
    model = CareDuty
    api_basename = "grid-careduty"
    list_url_name = "grid:careduty_list"
    scope_actions = ("view", "change")
    api_actions = ("check",)

    def make_object(self) -> CareDuty:
        return self.team().duties.get(member__role=CareRole.GRID_WORKER, item=CareItem.DOOR)

    def make_objects(self, n: int) -> list[CareDuty]:
        out: list[CareDuty] = []
        while len(out) < n:
            duties = list(self.team().duties.order_by("pk"))
            keep, extra = duties[: n - len(out)], duties[n - len(out):]
            CareDuty.objects.filter(pk__in=[d.pk for d in extra]).delete()
            out += keep
        return out

    def action_data(self, action: str, obj: Any) -> dict[str, Any]:
        return {"result": CheckResult.ABNORMAL, "note": "门磁报警"}


class TestCareCheckMixins(InVillage, APITests.ReadOnly, ScopeTests.Restrict, ViewTests.List, ViewTests.Detail):
    model = CareCheck
    api_basename = "grid-carecheck"
    list_url_name, detail_url_name = "grid:carecheck_list", "grid:carecheck"
    scope_actions = ("view", "add")

    def make_object(self) -> CareCheck:
        duty = self.team().duties.first()
        return CareCheck.objects.create(duty=duty, team=duty.team, member=duty.member, item=duty.item,
                                        at=timezone.now(), result=CheckResult.NORMAL)


def _notice(village: Division) -> Notice:
    """A notice to one person away (the earlier ones' people are left out of it)."""
    grid = Division.objects.filter(parent=village).order_by("path").first()
    person = AF.away(grid, phone="13800005555", risk_level="medium")
    notice = do_send_notice(division=village, audience=NoticeAudience.AWAY_IN_RISK, text="测试通知",
                            acting_user=SYSTEM)
    notice.deliveries.exclude(key=f"away:{person.pk}").delete()
    return notice


class TestNoticeMixins(InVillage, APITests.ReadOnly, APITests.Actions, ScopeTests.Restrict, ViewTests.List,
                       ViewTests.Detail):
    model = Notice
    api_basename = "grid-notice"
    list_url_name, detail_url_name = "grid:notice_list", "grid:notice"
    scope_actions = ("view", "add", "change")
    api_actions = ("resend",)

    def make_object(self) -> Notice:
        notice = _notice(self.village())
        notice.deliveries.update(status=DeliveryStatus.FAILED, error="网关拒收")
        Notice.objects.filter(pk=notice.pk).update(status=NoticeStatus.DONE, failed=notice.recipients)
        notice.refresh_from_db()
        return notice


class TestNoticeDeliveryMixins(InVillage, APITests.ReadOnly, ScopeTests.Restrict, ViewTests.List):
    model = NoticeDelivery
    api_basename = "grid-noticedelivery"
    list_url_name = "grid:noticedelivery_list"
    scope_actions = ("view",)

    def make_object(self) -> NoticeDelivery:
        return _notice(self.village()).deliveries.first()
