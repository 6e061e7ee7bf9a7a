"""The page mixins (ViewTests, PageTests) run against real pages: the registry's 户 pages, declared
with `core.views.generic.ModelPages` (scope before lookup, audited actions, 403 when refused)."""

from __future__ import annotations

from typing import Any

from fangkong.core.testkit_pages import PageTests
from fangkong.registry.models import Household
from fangkong.registry.tests.factories import TEST_NAME, make_household


class TestHouseholdPages(PageTests.Full):
    model = Household
    user_in, user_out, user_none = "grid", "grid_other", "lab"
    op_users = {"delete": ("commander", ("command_center", "village_other"), "grid")}

    def list_params(self) -> dict[str, str]:
        return {"q": TEST_NAME}

    def make_object(self) -> Household:
        return make_household(self.users["grid"].division)

    def create_data(self) -> dict[str, Any]:
        grid = self.users["grid"].division
        return {"code": f"V{grid.code}{Household.objects.count():06d}", "grid": grid.pk, "address": "测试路12号",
                "head_name": TEST_NAME}

    def update_data(self, obj: Household) -> dict[str, Any]:
        return {"code": obj.code, "grid": obj.grid_id, "address": "测试路13号", "head_name": obj.head_name}
