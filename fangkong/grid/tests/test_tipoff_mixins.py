"""The tip-offs through the shared mixins: restrict per declared action, the API (schema, scope,
constant queries, masked personal data, the handling actions audited) and the list and detail pages.
Tip-offs are filed against a village: its cadre is in scope, another village's is not."""

from __future__ import annotations

from typing import Any

from fangkong.core.actions import SYSTEM
from fangkong.core.models import Division
from fangkong.core.testkit import APITests, ScopeTests, ViewTests
from fangkong.sectors.tests import factories as SF

from ..actions import TipOffInput, do_submit_tip_off
from ..choices import TipOffKind
from ..models import TipOff


class TestTipOffMixins(APITests.ReadOnly, APITests.Pii, APITests.Actions, ScopeTests.Restrict, ViewTests.List,
                       ViewTests.Detail):
    model = TipOff
    api_basename = "grid-tipoff"
    list_url_name, detail_url_name = "grid:tipoff_list", "grid:tipoff"
    scope_actions = ("view", "change")
    user_in, user_out, user_none = "village", "village_other", "lab"
    pii_fields = ("who_phone",)
    api_actions = ("to-lead", "to-inspection", "judge")

    def village(self) -> Division:
        return self.users["village"].division  # type: ignore[attr-defined]

    def make_object(self) -> TipOff:
        return do_submit_tip_off(TipOffInput(kind=TipOffKind.UNREPORTED_RETURN, division=self.village(),
                                             address="幸福路1号", what="外地返回未报备", who_name="孙某",
                                             who_phone="13799997777"), acting_user=SYSTEM)

    def action_data(self, action: str, obj: TipOff) -> dict[str, Any]:
        if action == "to-lead":
            return {"grid": self.users["grid"].division.pk}  # type: ignore[attr-defined]
        if action == "to-inspection":
            return {"venue": SF.make_venue(self.users["grid"].division).pk}  # type: ignore[attr-defined]
        return {"status": "unfounded", "note": "核实不属实"}
