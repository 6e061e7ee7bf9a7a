"""Households: scope and audited actions, and /api/households/, through the shared mixins."""

from __future__ import annotations

from typing import Any

from fangkong.core.testkit import APITests, ScopeTests
from fangkong.registry.models import Household

from .factories import make_household


class HouseholdData:
    model = Household
    user_in, user_out, user_none = "grid", "grid_other", "lab"
    op_users = {"delete": ("commander", ("command_center", "village_other"), "grid")}

    def make_object(self) -> Household:
        return make_household(self.users["grid"].division)

    def create_data(self) -> dict[str, Any]:
        grid = self.users["grid"].division
        return {"code": f"N{grid.code}{Household.objects.count():06d}", "grid": grid.pk, "address": "测试路9号",
                "head_name": "测试户主"}

    def update_data(self, obj: Household) -> dict[str, Any]:
        return {"address": "测试路10号"}


class TestHouseholdScope(HouseholdData, ScopeTests.Full):
    def create_fields(self) -> dict[str, Any]:
        grid = self.users["grid"].division
        return {"code": f"S{grid.code}{Household.objects.count():06d}", "grid": grid, "address": "测试路11号"}


class TestHouseholdAPI(HouseholdData, APITests.Full):
    api_basename = "household"
