"""Residents: scope and audited actions, /api/residents/, the search and detail pages — through
the shared mixins."""

from __future__ import annotations

from typing import Any

from fangkong.core.testkit import APITests, ScopeTests, ViewTests
from fangkong.registry.models import Resident

from .factories import TEST_NAME, make_household, make_resident, unused_id_number, unused_phone


class ResidentData:
    model = Resident
    user_in, user_out, user_none = "grid", "grid_other", "lab"
    # Only the command centre deletes registry rows: a grid worker in scope is refused.
    op_users = {"delete": ("commander", ("command_center", "village_other"), "grid")}

    def make_object(self) -> Resident:
        return make_resident(self.users["grid"].division)

    def create_data(self) -> dict[str, Any]:
        grid = self.users["grid"].division
        household = make_household(grid)
        return {
            "name": f"{TEST_NAME}新", "id_number": unused_id_number(grid.code[:6]).lower(),
            "phone": "+86 " + unused_phone(), "address": "测试路2号", "grid": grid.pk,
            "household": household.pk, "relation_to_head": "户主",
        }

    def update_data(self, obj: Resident) -> dict[str, Any]:
        return {"status": "away", "away_to": "北京市朝阳区"}


class TestResidentScope(ResidentData, ScopeTests.Full):
    def create_fields(self) -> dict[str, Any]:
        grid = self.users["grid"].division
        return {"name": f"{TEST_NAME}动", "id_number": unused_id_number(grid.code[:6]), "grid": grid}


class TestResidentAPI(ResidentData, APITests.Full, APITests.Pii):
    api_basename = "resident"


class TestResidentPages(ResidentData, ViewTests.List, ViewTests.Detail):
    list_url_name = "registry:search"
    detail_url_name = "registry:resident"

    def list_params(self) -> dict[str, str]:
        return {"q": TEST_NAME}
